"""Regression comparisons: flatten a run into named numbers and say what moved, and by how much.

Two checks guard the model's behaviour (files and commands in :mod:`sim.experiments.regression.store`):

* **exact**: one run with the scenario's fixed seed must reproduce every stored number to a
  relative tolerance of :data:`RTOL` (only float summation noise may differ);
* **statistical**: the mean over :data:`N_CHECK` replications, with seeds spawned from a
  different master seed than the stored ones, must lie within :data:`K_SE` standard errors
  of the stored mean of :data:`M_STORED` replications. It survives a deliberate change of
  random streams and still catches a real drift in behaviour.

Choice of N, M and k (measured by ``benchmarks/regression_false_alarms.py``): the test is
``|new - old| <= k * sqrt(se_old**2 + se_new**2)``. About 1,300 key means are tested per CI
run (8 scenarios x ~160 keys). With k = 5, normal keys would give a false alarm in 0.07 % of
runs; rare-event counts at reduced scale are skewed, and the measured rate after a change
of random streams alone is ~0.7 % of runs (k = 4.5: 2.4 %, k = 4: 13 %). With M = 40 and
N = 20 a key is caught once its mean moves by about 5 * sqrt(1/40 + 1/20) = 1.4 times its
run-to-run sd: ~6 % for VT reports, ~23 % for placements (median over keys ~21 %); smaller
changes are the exact check's job.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.model.results import RunResult

RTOL = 1e-9  # exact check: float summation order may differ between numpy builds, nothing else
ATOL = 1e-12  # for values that are zero
K_SE = 5.0  # statistical check: allowed standard errors of the difference of the means
N_CHECK = 20  # replications the check runs (other seeds than the stored ones)
MISSING = "missing"  # marks a key one side does not have

Value = float | None  # None is NaN: undefined (e.g. a mean wait in a year without waits)


def _num(value: object) -> Value:
    x = float(value)  # type: ignore[arg-type]
    return None if math.isnan(x) else x


def flatten_exact(result: RunResult) -> dict[str, Value]:
    """Every number of a run as ``table.column.year`` (and ``summary.outcome``), sorted by key.

    Yearly flows, errors against the truth, December stocks, unique children, waits; equity
    per group; costs per route; and the one-row summary. Monthly values other than December
    are covered through the yearly flows and year-end stocks they produce.
    """
    flat: dict[str, Value] = {f"summary.{k}": _num(v) for k, v in result.summary.items()}
    for row in result.yearly.to_dict("records"):
        year = int(row.pop("year"))
        flat.update({f"yearly.{col}.{year}": _num(v) for col, v in row.items()})
    for row in result.equity.to_dict("records"):
        year, group = int(row.pop("year")), row.pop("group")
        flat.update({f"equity.{group}.{col}.{year}": _num(v) for col, v in row.items()})
    for row in result.costs.itertuples():
        flat[f"costs.{row.route}.{int(row.year)}"] = _num(row.euro)
    return dict(sorted(flat.items()))


def flatten_means(result: RunResult) -> dict[str, Value]:
    """The summary plus each yearly, equity and cost column averaged over the years.

    The statistical check uses these: means over years are less noisy and closer to normal
    than single years, so fewer keys with a better-behaved standard error.
    """
    flat: dict[str, Value] = {f"summary.{k}": _num(v) for k, v in result.summary.items()}
    for col in result.yearly.columns.drop("year"):
        flat[f"yearly.{col}.mean"] = _nanmean(result.yearly[col].to_numpy(float))
    for group, frame in result.equity.groupby("group"):
        for col in frame.columns.drop(["year", "group"]):
            flat[f"equity.{group}.{col}.mean"] = _nanmean(frame[col].to_numpy(float))
    for route, euro in result.costs.groupby("route")["euro"].mean().items():
        flat[f"costs.{route}.mean"] = _num(euro)
    return dict(sorted(flat.items()))


def _nanmean(values: np.ndarray) -> Value:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else None


def describe(runs: list[dict[str, Value]]) -> dict[str, dict[str, float | int | None]]:
    """Mean, standard error and number of defined values per key over replications."""
    out: dict[str, dict[str, float | int | None]] = {}
    for key in sorted(set().union(*runs)):
        values = np.array([v for r in runs if (v := r.get(key)) is not None], float)
        n = len(values)
        if n and np.all(values == values[0]):
            # a key that does not vary (e.g. a scheduled climate shift): exactly its value and
            # se 0, not mean/sd with rounding noise of ~1e-17 that would make z meaningless
            out[key] = {"mean": float(values[0]), "se": 0.0 if n > 1 else None, "n": n}
            continue
        out[key] = {
            "mean": float(values.mean()) if n else None,
            "se": float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else None,
            "n": n,
        }
    return out


# --- the exact check ------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One key whose value differs between the stored baseline and a new run."""

    key: str
    old: Value | str  # a number, None (NaN), or MISSING
    new: Value | str

    @property
    def size(self) -> float:
        """Relative change |new - old| / |old|; infinite from or to zero, NaN or a missing key."""
        if not isinstance(self.old, float) or not isinstance(self.new, float):
            return math.inf
        return abs(self.new - self.old) / abs(self.old) if self.old else math.inf

    @property
    def ratio(self) -> str:
        """New / old, for the table."""
        if isinstance(self.old, float) and isinstance(self.new, float) and self.old:
            return f"{self.new / self.old:.4f}"
        return "-"

    @property
    def marker(self) -> str:
        """``.`` < 1 %, ``*`` < 5 %, ``**`` < 20 %, ``***`` >= 20 % (or from/to zero, NaN, missing)."""
        return marker(self.size)


def marker(size: float) -> str:
    """The marker for a relative change (see :attr:`Change.marker`)."""
    for limit, mark in ((0.01, "."), (0.05, "*"), (0.20, "**")):
        if size < limit:
            return mark
    return "***"


def _same(old: Value | str, new: Value | str) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=RTOL, abs_tol=ATOL)
    return old == new


def exact_changes(old: Mapping[str, Value], new: Mapping[str, Value]) -> list[Change]:
    """Keys whose values differ beyond :data:`RTOL`, largest change first."""
    pairs = [(key, _coerce(old.get(key, MISSING)), _coerce(new.get(key, MISSING))) for key in set(old) | set(new)]
    changes = [Change(key, a, b) for key, a, b in pairs if not _same(a, b)]
    return sorted(changes, key=lambda c: (-c.size, c.key))


def _coerce(value: object) -> Value | str:
    """JSON may hold an integer where a float was written; NaN is None, a missing key MISSING."""
    return value if value is None or isinstance(value, str) else float(value)  # type: ignore[arg-type]


def _show(value: Value | str) -> str:
    if value is None:
        return "nan"
    if isinstance(value, str):
        return value
    return f"{value:.6g}"


def exact_table(changes: Iterable[Change], limit: int | None = None) -> str:
    """A table a reviewer reads: size marker, key, old, new, new/old; largest first."""
    rows = list(changes)
    shown = rows if limit is None else rows[:limit]
    width = max([len("key")] + [len(c.key) for c in shown])
    lines = [f"{'size':4s}  {'key':{width}s}  {'old':>13s}  {'new':>13s}  {'new/old':>9s}"]
    lines += [f"{c.marker:4s}  {c.key:{width}s}  {_show(c.old):>13s}  {_show(c.new):>13s}  {c.ratio:>9s}" for c in shown]
    if len(rows) > len(shown):
        lines.append(f"... and {len(rows) - len(shown)} more")
    return "\n".join(lines)


def marker_counts(changes: Iterable[Change]) -> str:
    """How many changes of each size, e.g. ``*** 3, ** 10, * 2, . 40``."""
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.marker] = counts.get(c.marker, 0) + 1
    return ", ".join(f"{m} {counts[m]}" for m in ("***", "**", "*", ".") if m in counts) or "none"


# --- the statistical check ------------------------------------------------------------------
Stat = Mapping[str, float | int | None]


@dataclass(frozen=True)
class Drift:
    """One key mean compared with its stored mean."""

    key: str
    old: Stat | None
    new: Stat | None
    z: float  # difference in standard errors of the difference; inf when it cannot move
    failed: bool
    why: str = ""

    @property
    def ratio(self) -> str:
        """New mean / old mean, for the table."""
        a, b = (self.old or {}).get("mean"), (self.new or {}).get("mean")
        return f"{b / a:.4f}" if a and b is not None else "-"


def drifts(old: Mapping[str, Stat], new: Mapping[str, Stat], k: float = K_SE) -> list[Drift]:
    """Compare stored and new means per key; failing keys first, by |z|.

    Rules: a key on one side only fails. A key never defined (NaN) on one side and always
    defined on the other fails; with fewer than two defined values on a side it cannot be
    judged and passes. When both standard errors are zero (a key that does not vary between
    replications, e.g. a count that is always 0) the means must agree to :data:`RTOL`.
    """
    out: list[Drift] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None or b is None:
            out.append(Drift(key, a, b, math.inf, True, "new key" if a is None else "key removed"))
            continue
        out.append(_drift(key, a, b, k))
    return sorted(out, key=lambda d: (not d.failed, -abs(d.z), d.key))


def _drift(key: str, a: Stat, b: Stat, k: float) -> Drift:
    na, nb = int(a["n"] or 0), int(b["n"] or 0)
    if na == 0 or nb == 0:
        # "always defined" is judged against the other side's count of defined values only
        flipped = (na == 0) != (nb == 0) and max(na, nb) >= 2
        return Drift(key, a, b, math.inf if flipped else 0.0, flipped, "defined on one side only" if flipped else "")
    if na < 2 or nb < 2:
        return Drift(key, a, b, 0.0, False, "too few defined values to judge")
    ma, mb = float(a["mean"]), float(b["mean"])  # type: ignore[arg-type]
    se = math.hypot(float(a["se"] or 0.0), float(b["se"] or 0.0))
    if math.isclose(ma, mb, rel_tol=RTOL, abs_tol=ATOL):
        return Drift(key, a, b, 0.0, False)  # equal up to rounding: never a change, whatever the se
    if se == 0.0:
        return Drift(key, a, b, math.inf, True, "constant key changed")
    z = (mb - ma) / se
    return Drift(key, a, b, z, abs(z) > k)


def drift_table(rows: Iterable[Drift], limit: int | None = None) -> str:
    """Failing (or all given) keys: stored and new mean +- standard error, new/old and z."""
    rows = list(rows)
    shown = rows if limit is None else rows[:limit]
    width = max([len("key")] + [len(d.key) for d in shown])

    def ms(s: Stat | None) -> str:
        if s is None:
            return MISSING
        mean, se = s.get("mean"), s.get("se")
        return f"{_show(mean)} ± {_show(se) if se is not None else '-'}"

    lines = [f"{'key':{width}s}  {'stored mean ± se':>25s}  {'new mean ± se':>25s}  {'new/old':>9s}  {'z':>7s}"]
    for d in shown:
        z = "inf" if math.isinf(d.z) else f"{d.z:+.2f}"
        note = f"  {d.why}" if d.why else ""
        lines.append(f"{d.key:{width}s}  {ms(d.old):>25s}  {ms(d.new):>25s}  {d.ratio:>9s}  {z:>7s}{note}")
    if len(rows) > len(shown):
        lines.append(f"... and {len(rows) - len(shown)} more")
    return "\n".join(lines)

"""Design points of a sweep, drawn in the unit cube and mapped onto each factor.

Every design is first a matrix ``u`` in [0, 1]^d (scipy.stats.qmc or SALib, seeded), then
mapped per factor: a float range linearly; a whole-number range so that each whole number
in [low, high] is equally likely (``floor(low + u * (high - low + 1))``, clipped); a value
list by ``values[floor(u * k)]``. The ``u`` columns are kept because SALib's Morris
analysis needs the trajectories' exact steps, which rounding to whole numbers would blur.
Point 0 is the base scenario itself (every factor at its base value), run with the same
replication seeds so that each point can be compared with it pair by pair.
"""

from __future__ import annotations

import itertools
import math
import zlib
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.experiments.sweeps.spec import Factor, Sweep
from sim.model.params import ScenarioError
from sim.model.params.scenario import short

BASE_POINT = 0


def salib_problem(factors: tuple[Factor, ...]) -> dict[str, Any]:
    """The SALib problem: every factor in unit space (values are mapped afterwards)."""
    return {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}


def _rng_seed(seed: int) -> int:
    # a stream of its own, so the design never shares draws with the replication seeds
    return int(np.random.SeedSequence([seed, zlib.crc32(b"design")]).generate_state(1)[0])


def unit_design(sweep: Sweep) -> np.ndarray:
    """The design in unit space, one row per point (without the base point)."""
    s, d = sweep.settings, len(sweep.factors)
    seed = _rng_seed(sweep.seed)
    if s.design == "full_factorial":
        grids = [np.linspace(0.0, 1.0, len(_grid(f))) if len(_grid(f)) > 1 else np.zeros(1) for f in sweep.factors]
        return np.array(list(itertools.product(*grids)), dtype=float).reshape(-1, d)
    n = int(s.points or 0)
    if s.design == "latin_hypercube":
        return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)
    if s.design == "sobol":
        return qmc.Sobol(d=d, scramble=True, rng=np.random.default_rng(seed)).random(n)
    if s.design == "halton":
        return qmc.Halton(d=d, scramble=True, rng=np.random.default_rng(seed)).random(n)
    problem = salib_problem(sweep.factors)
    if s.design == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=s.morris_levels, seed=seed % 2**32)
    from SALib.sample import sobol as saltelli

    return saltelli.sample(problem, n, calc_second_order=s.second_order, scramble=True, seed=seed % 2**32)


def _grid(f: Factor) -> list[Any]:
    """Full-factorial levels of one factor."""
    if f.kind == "values":
        return list(f.values)
    assert f.low is not None and f.high is not None and f.levels is not None
    levels = np.linspace(f.low, f.high, f.levels)
    if f.kind == "int":
        return sorted({int(v) for v in np.rint(levels)})
    return [float(v) for v in levels]


def map_unit(f: Factor, u: np.ndarray, design: str) -> list[Any]:
    """Map unit-space coordinates onto a factor's values (plain Python numbers)."""
    if design == "full_factorial":
        grid = _grid(f)
        return [grid[int(round(x * (len(grid) - 1)))] for x in u]
    if f.kind == "values":
        k = len(f.values)
        return [f.values[min(int(np.floor(x * k)), k - 1)] for x in u]
    assert f.low is not None and f.high is not None
    if f.kind == "int":
        whole = np.clip(np.floor(f.low + u * (f.high - f.low + 1)), f.low, f.high)
        return [int(v) for v in whole]
    return [float(v) for v in f.low + u * (f.high - f.low)]


def base_value(sweep: Sweep, f: Factor) -> Any:
    """A factor's value in the base scenario (with the sweep's overrides)."""
    if f.name.startswith("timeline."):
        _, entry, part = f.name.split(".")
        date = getattr(sweep.base.timeline[int(entry)], "start" if part == "from" else "until")
        return int(date[:4]) if f.kind == "int" else date
    section, key = f.name.split(".", 1)
    return getattr(getattr(sweep.base, section), key)


def make_design(sweep: Sweep) -> pd.DataFrame:
    """All points: ``point`` (0 = base), ``kind``, one column per factor, and ``u:<factor>``."""
    u = unit_design(sweep)
    rows: dict[str, list[Any]] = {"point": list(range(len(u) + 1)), "kind": ["base"] + ["design"] * len(u)}
    for j, f in enumerate(sweep.factors):
        rows[f.name] = [base_value(sweep, f), *map_unit(f, u[:, j], sweep.settings.design)]
        rows[f"u:{f.name}"] = [float("nan"), *u[:, j].tolist()]
    return pd.DataFrame(rows)


def point_overrides(sweep: Sweep, row: dict[str, Any]) -> dict[str, Any]:
    """Nested scenario overrides for one design point (a row of :func:`make_design`; none for the base)."""
    if row["point"] == BASE_POINT:
        return {}
    out: dict[str, Any] = {}
    timeline = None
    for f in sweep.factors:
        value = row[f.name]
        value = value.item() if hasattr(value, "item") else value  # numpy scalar -> plain Python for pydantic strict
        section, key = f.name.split(".", 1)
        if section == "timeline":  # a date of the base's timeline: the whole list, with this date changed
            if timeline is None:
                timeline = sweep.base.model_dump(mode="json", by_alias=True, exclude_none=True)["timeline"]
            entry, part = key.split(".")
            timeline[int(entry)][part] = f"{value}-01" if isinstance(value, int) else value
            continue
        out.setdefault(section, {})[key] = value
    if timeline is not None:
        out["timeline"] = timeline
    return out


def n_points(sweep: Sweep) -> int:
    """How many points :func:`make_design` gives (the base point included), without drawing them.

    Computed from the settings alone, so a sweep too large to draw is refused before it is drawn.
    """
    s, d = sweep.settings, len(sweep.factors)
    if s.design == "full_factorial":
        return math.prod(len(_grid(f)) for f in sweep.factors) + 1
    n = int(s.points or 0)
    if s.design == "morris":
        return n * (d + 1) + 1
    if s.design == "saltelli":
        return n * (2 * d + 2 if s.second_order else d + 2) + 1
    return n + 1


def check_points(sweep: Sweep, design: pd.DataFrame, *, shown: int = 10) -> None:
    """Build every point's parameters once and refuse the sweep if any breaks a rule across fields.

    Each factor value is checked against its own bounds when the sweep file is read; a
    combination (e.g. ``veilig_thuis.help_threshold`` above ``investigate_threshold``) is only
    known point by point. All are checked before anything runs or is written.

    Raises:
        ScenarioError: the offending points (the first ``shown``), their values and the rule broken.

    """
    bad: list[str] = []
    count = 0
    for row in design.to_dict("records"):
        overrides = point_overrides(sweep, row)
        if not overrides:
            continue
        try:
            sweep.base.with_overrides(overrides, origin=f"point {row['point']}")
        except ScenarioError as exc:
            count += 1
            if len(bad) < shown:
                values = ", ".join(f"{f.name} = {short(row[f.name], quote=True)}" for f in sweep.factors)
                rule = str(exc).splitlines()[1].removeprefix("  - ") if "\n" in str(exc) else str(exc)
                bad.append(f"  - point {row['point']} ({values}): {rule}")
    if count:
        more = f"\n  - ... and {count - shown} more" if count > shown else ""
        raise ScenarioError(
            f"{sweep.path}: {count} of {len(design) - 1} design point(s) break a rule across parameters; "
            "narrow the ranges so every combination is valid (nothing was run or written):\n" + "\n".join(bad) + more
        )

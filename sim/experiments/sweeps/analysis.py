"""Analysis of a finished (or partly finished) sweep: tidy intervals, paired differences, sensitivity.

Written beside the runs in ``OUT``: ``summary.parquet/.csv`` (mean and 95 % t-interval of
the mean per point and outcome), ``differences.parquet/.csv`` (each point minus the base
point, paired by replication seed), ``sensitivity.parquet/.csv`` (Sobol indices for a
saltelli design, Morris mu*/sigma for a morris design; SALib) and ``report.html``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.stats import mean_interval, paired_difference
from sim.experiments.sweeps import store
from sim.experiments.sweeps.design import BASE_POINT


@dataclass
class SweepResults:
    """What a sweep folder holds, read back."""

    out: Path
    definition: dict[str, Any]
    design: pd.DataFrame
    runs: pd.DataFrame

    @property
    def factors(self) -> list[str]:
        """Factor names, levers first."""
        return [f["name"] for f in sorted(self.definition["factors"], key=lambda f: f["role"] != "lever")]

    @property
    def outcomes(self) -> list[str]:
        """Outcomes kept in this sweep."""
        return list(self.definition["outcomes"])

    @property
    def ok(self) -> pd.DataFrame:
        """Runs that finished, with their point's factor values."""
        ok = self.runs[self.runs["status"] == "ok"]
        return ok.merge(self.design[["point", "kind", *self.factors]], on="point", how="left")


def load_results(out: str | Path) -> SweepResults:
    """Read a sweep folder (definition, design and every run written so far)."""
    out = Path(out)
    definition = store.load_definition(out)
    return SweepResults(out, definition, store.read_design(out), store.read_runs(out))


def point_summary(res: SweepResults) -> pd.DataFrame:
    """Tidy: one row per point and outcome with n, mean, sd and the 95 % interval of the mean."""
    ok, rows = res.ok, []
    for point, group in ok.groupby("point", sort=True):
        first = group.iloc[0]
        for outcome in res.outcomes:
            n, mean, sd, low, high = mean_interval(group[outcome].to_numpy(float))
            rows.append(
                {"point": point, "kind": first["kind"], **{f: first[f] for f in res.factors}, "outcome": outcome}
                | {"n": n, "mean": mean, "sd": sd, "ci_low": low, "ci_high": high}
            )
    return pd.DataFrame(rows)


def paired_differences(res: SweepResults) -> pd.DataFrame:
    """Each design point minus the base point, paired by replication (common random numbers)."""
    ok = res.ok
    base = ok[ok["point"] == BASE_POINT].set_index("replication")
    rows = []
    for point, group in ok[ok["point"] != BASE_POINT].groupby("point", sort=True):
        g = group.set_index("replication")
        paired = g.index.intersection(base.index)
        for outcome in res.outcomes:
            n, mean, _sd, low, high = paired_difference(
                base.loc[paired, outcome].to_numpy(float), g.loc[paired, outcome].to_numpy(float)
            )
            base_mean = float(base.loc[paired, outcome].mean()) if len(paired) else math.nan
            rows.append(
                {"point": point, **{f: g.iloc[0][f] for f in res.factors}, "outcome": outcome, "n_pairs": n}
                | {"base_mean": base_mean, "difference": mean, "ci_low": low, "ci_high": high}
                | {"relative": mean / abs(base_mean) if base_mean else math.nan}
            )
    return pd.DataFrame(rows)


def sensitivity(res: SweepResults) -> tuple[pd.DataFrame, str]:
    """Sobol (saltelli design) or Morris (morris design) indices per outcome and factor.

    Each design point's outcome is its mean over replications (the same seeds at every
    point, so luck does not masquerade as a factor's effect). Returns the table and a note
    saying what was (not) computed and why.
    """
    settings = res.definition["settings"]
    design = settings["design"]
    if design not in ("saltelli", "morris"):
        return pd.DataFrame(), f"No sensitivity indices: the {design} design does not allow them (use saltelli or morris)."
    names = [f["name"] for f in res.definition["factors"]]  # SALib's order is the sweep file's order
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    points = res.design[res.design["kind"] == "design"].sort_values("point")
    means = res.ok.groupby("point")[res.outcomes].mean().reindex(points["point"])
    # a point missing a replication is averaged over other seeds than the rest: its mean
    # would carry luck the others do not (common random numbers break), so it is left out
    counts = res.ok.groupby("point")[res.outcomes].count().reindex(points["point"]).fillna(0)
    complete = counts >= settings["replications"]
    rows, skipped = [], []
    for outcome in res.outcomes:
        y = means[outcome].to_numpy(float)
        if np.isnan(y).any() or not complete[outcome].all() or np.allclose(y, y[0]):
            skipped.append(outcome)  # a missing, failed or incomplete point, or an outcome that never varies
            continue
        if design == "saltelli":
            from SALib.analyze import sobol

            si = sobol.analyze(problem, y, calc_second_order=settings["second_order"], seed=settings["seed"] % 2**32)
            for j, name in enumerate(names):
                rows.append(
                    {"outcome": outcome, "factor": name, "method": "sobol"}
                    | {k: float(si[k][j]) for k in ("S1", "S1_conf", "ST", "ST_conf")}
                )
        else:
            from SALib.analyze import morris

            x = points[[f"u:{n}" for n in names]].to_numpy(float)
            si = morris.analyze(problem, x, y, num_levels=settings["morris_levels"], seed=settings["seed"] % 2**32)
            for j, name in enumerate(names):
                rows.append(
                    {"outcome": outcome, "factor": name, "method": "morris"}
                    | {k: float(si[k][j]) for k in ("mu", "mu_star", "mu_star_conf", "sigma")}
                )
    note = f"{'Sobol' if design == 'saltelli' else 'Morris'} indices from SALib over the factors' unit ranges."
    if skipped:
        note += f" Skipped (a point missing or failed, or no variation): {', '.join(skipped)}."
    return pd.DataFrame(rows), note


@dataclass
class Analysis:
    """What :func:`analyze` found: the tables it wrote, a note on the sensitivity method, the results read."""

    results: SweepResults
    tables: dict[str, pd.DataFrame]
    note: str


def analyze(out: str | Path) -> Analysis:
    """Write the summary, paired differences and sensitivity indices (parquet and CSV) beside the runs.

    The HTML report of the same analysis is :func:`sim.reports.sweep.write_report`.

    Raises:
        ScenarioError: ``out`` is not a sweep folder or holds no finished run.

    """
    from sim.model.params import ScenarioError

    res = load_results(out)
    if res.ok.empty:
        raise ScenarioError(f"{res.out}: no finished runs to analyse yet; run `ketensim sweep` first")
    tables = {"summary": point_summary(res), "differences": paired_differences(res)}
    tables["sensitivity"], note = sensitivity(res)
    for name, table in tables.items():
        store.write_atomic(res.out / f"{name}.parquet", lambda tmp, t=table: t.to_parquet(tmp, index=False))
        store.write_atomic(res.out / f"{name}.csv", lambda tmp, t=table: t.to_csv(tmp, index=False))
    return Analysis(res, tables, note)

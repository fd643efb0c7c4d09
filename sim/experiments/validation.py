"""Validation: the baseline against the Dutch figures, and four experiments a sceptic asks for.

``validate`` runs the replications of a scenario, compares the mean of each summary outcome
with its target (with a 95% t-interval of the mean), and runs the validation experiments
in ``scenarios/validation/`` as overrides on top of the validated scenario, with the same
replication seeds (common random numbers). The experiments report what the model
produces; nothing is tuned to make them look a certain way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.runs import Replications, paired_differences, replicate
from sim.experiments.stats import mean_interval
from sim.experiments.targets import errors_table
from sim.locations import SCENARIOS
from sim.model.episodes import placed_within_a_year
from sim.model.params import Params, load_scenario

EXPERIMENTS_DIR = SCENARIOS / "validation"
STAFF_OUTCOMES = {
    "vt_reports_per_year": "VT reports",
    "raad_protection_investigations_per_year": "Raad protection investigations",
    "ots_starts_per_year": "OTS starts",
    "placement_authorisations_per_year": "placement authorisations",
    "children_waiting_for_guardian": "children waiting for a guardian",
    "mean_wait_for_raad_months": "wait for the Raad (months)",
}


def target_table(reps: Replications) -> pd.DataFrame:
    """Each target: Dutch figure, model mean, 95% interval of the mean, normalised error, within tolerance."""
    summary = reps.summary().drop(columns=["replication", "seed"])
    means, intervals = {}, {}
    for col in summary.columns:
        _, m, _, lo, hi = mean_interval(summary[col].to_numpy())
        means[col], intervals[col] = m, (lo, hi)
    return errors_table(means, intervals)


def staff_shortage(base: Replications, cut: Replications) -> pd.DataFrame:
    """Relative change (cut - base) / base of the chain's main flows, paired over replications."""
    diff = paired_differences(base, cut)
    diff = diff[diff["outcome"].isin(STAFF_OUTCOMES)].copy()
    diff["label"] = diff["outcome"].map(STAFF_OUTCOMES)
    scale = diff["a_mean"].abs().replace(0, np.nan)
    diff["relative_low"] = diff["ci_low"] / scale
    diff["relative_high"] = diff["ci_high"] / scale
    return diff.set_index("outcome").loc[list(STAFF_OUTCOMES)].reset_index()


def shock_rates(shock: Replications) -> tuple[pd.DataFrame, dict[str, float]]:
    """Rates of measures and placements per group, before the shock and in each of the three years after it began.

    Also the number of hit families' children placed from the shock's start to the end of
    the run (national scale, unique children, mean over replications).
    """
    p = shock.params
    start = p.shock.start_year
    equity = shock.table("equity")
    equity["period"] = np.select(
        [equity["year"] == start - 1, (equity["year"] >= start) & (equity["year"] < start + 3)],
        ["before", "year " + (equity["year"] - start + 1).astype(str)],
        default="other years",
    )
    rates = (
        equity[equity["period"] != "other years"]
        .groupby(["group", "period"], as_index=False)[["rate_with_measure", "rate_placed", "rate_court_placed"]]
        .mean()
    )
    placed = []
    for run in shock.runs:
        ep = run.episodes
        hit = ep[(ep["kind"] == "placement") & (ep["group"] == 1) & (ep["start_year"] >= start)]
        placed.append(hit["child"].nunique() / p.run.scale)
    _, mean, _, lo, hi = mean_interval(np.array(placed))
    return rates, {"hit_children_placed": mean, "ci_low": lo, "ci_high": hi, "from_year": start}


def home_help_effect(base: Replications, control: Replications) -> pd.DataFrame:
    """Raw shares at home after intensive home help, and the placement effect against a control arm.

    The controlled effect follows the children who began home help in the baseline (with a
    year of follow-up) and compares how often they were in care within 12 months of that
    start, with home help (baseline) and without (control arm), replication by replication.
    """
    p = base.params
    t0, t_end = 12.0 * p.run.warmup_years, 12.0 * (p.run.warmup_years + p.run.years)
    rows = []
    for key, label in (
        ("home_help_at_home_at_end_share", "raw: at home at the end of intensive home help"),
        ("home_help_at_home_after_1y_share", "raw: at home one year after it ended"),
    ):
        _, m, _, lo, hi = mean_interval(base.summary()[key].to_numpy())
        rows.append({"measure": label, "value": m, "ci_low": lo, "ci_high": hi})
    treated, untreated = [], []
    for run_a, run_b in zip(base.runs, control.runs, strict=True):
        ep = run_a.episodes
        starts = ep[(ep["kind"] == "home_help") & (ep["start"] > t0) & (ep["start"] <= t_end - 12)]
        treated.append(placed_within_a_year(starts, ep[ep["kind"] == "placement"]))
        ep_b = run_b.episodes
        untreated.append(placed_within_a_year(starts, ep_b[ep_b["kind"] == "placement"]))
    for label, values in (
        ("controlled: in care within a year, with home help", np.array(treated)),
        ("controlled: same children in care within a year, without home help", np.array(untreated)),
        ("controlled: effect of home help on placement (difference)", np.array(treated) - np.array(untreated)),
    ):
        _, m, _, lo, hi = mean_interval(values)
        rows.append({"measure": label, "value": m, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def exits(base: Replications) -> pd.DataFrame:
    """Shares of placed children back home within 6 and 12 months, and still placed after a year."""
    rows = []
    for key, label in (
        ("placement_home_within_6m_share", "back home within 6 months"),
        ("placement_home_within_12m_share", "back home within 12 months"),
        ("placement_still_placed_12m_share", "still placed after one year"),
    ):
        _, m, _, lo, hi = mean_interval(base.summary()[key].to_numpy())
        rows.append({"measure": label, "value": m, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


@dataclass
class Validation:
    """Everything ``ketensim validate`` reports."""

    scenario: str
    reps: Replications
    targets: pd.DataFrame
    staff: pd.DataFrame | None = None
    shock: pd.DataFrame | None = None
    shock_placed: dict[str, float] = field(default_factory=dict)
    home_help: pd.DataFrame | None = None
    exits: pd.DataFrame | None = None


def experiment_params(base: Params, name: str, folder: Path = EXPERIMENTS_DIR) -> Params:
    """A validation experiment's overrides applied on top of the validated scenario."""
    return load_scenario(folder / f"{name}.toml", base=base)


def validate(
    params: Params,
    reps: int,
    *,
    scenario: str = "baseline",
    experiments: bool = True,
    run: Callable[[Params, int], Replications] | None = None,
) -> Validation:
    """Run the scenario's replications and (optionally) the four validation experiments.

    Args:
        params: the validated scenario.
        reps: replications per arm (the same seeds in every arm).
        scenario: its name for the report.
        experiments: also run the staff-shortage, shock and home-help control arms.
        run: how to run replications (default :func:`replicate`; the CLI passes one with a progress bar).

    """
    run = run or replicate
    base = run(params, reps)
    result = Validation(scenario, base, target_table(base), exits=exits(base))
    if not experiments:
        return result
    result.staff = staff_shortage(base, run(experiment_params(params, "staff_shortage_2019_2022"), reps))
    result.shock, result.shock_placed = shock_rates(run(experiment_params(params, "financial_shock_matched"), reps))
    result.home_help = home_help_effect(base, run(experiment_params(params, "home_help_control_arm"), reps))
    return result

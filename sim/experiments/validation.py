"""Validation: levels and responses against the Dutch figures and the literature, and the experiments a sceptic asks for.

``validate`` runs the replications of a scenario and of every arm the targets need (the
shock, the home-help trial: files in ``scenarios/validation/`` applied on top of the
validated scenario with the same replication seeds, common random numbers) and compares
the mean of each outcome with its target, levels and responses in two tables (95 %
t-interval of the mean). The experiments that are not targets (the staff shortage, exits
from placement, the Bermuda triangle of more contradiction) report what the model
produces; nothing is tuned to make them look a certain way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.runs import Replications, paired_differences, replicate
from sim.experiments.stats import mean_interval, outcome_interval
from sim.experiments.targets import (
    ARMS_DIR,
    BASELINE,
    ArmIntervals,
    ArmMeans,
    arm_params,
    arms,
    errors_table,
    targets,
)
from sim.model.params import Params

EXPERIMENTS_DIR = ARMS_DIR
STAFF_OUTCOMES = {
    "vt_reports_per_year": "VT reports",
    "raad_protection_investigations_per_year": "Raad protection investigations",
    "ots_requests_per_year": "OTS requested by the Raad",
    "ots_placement_requests_per_year": "OTS requested with a placement authorisation",
    "ots_starts_per_year": "OTS starts",
    "placement_authorisations_per_year": "placement authorisations",
    "children_waiting_for_guardian": "children waiting for a guardian",
    "mean_wait_for_raad_months": "wait for the Raad (months)",
}
# What the staff shortage is compared with: the real chain's change 2019 -> 2022, as counted by
# the Raad. A comparison of directions and sizes, not a target: the real decline had other causes
# too (fewer referrals; RvdK Jaarbericht 2022).
REAL_CHANGE_2019_2022 = {
    "raad_protection_investigations_per_year": (16_729, 13_470),
    "ots_requests_per_year": (7_731, 5_510),
    "ots_placement_requests_per_year": (2_425, 1_650),
}
REAL_CHANGE_SOURCE = "NJi, Cijfers over de Raad voor de Kinderbescherming (RvdK figures 2019 and 2022)"


# Level targets with a yearly series: (yearly column, target key, label). The report draws them over
# time; :func:`trends` says how far each moves within the reported years.
SERIES = (
    ("vt_reports", "vt_reports_per_year", "VT reports about children"),
    ("raad_protection_investigations", "raad_protection_investigations_per_year", "Raad protection investigations"),
    ("ots_starts", "ots_starts_per_year", "OTS starts"),
    ("guardianship_starts", "guardianship_starts_per_year", "guardianship starts"),
    ("n_ots", "ots_running_end_of_year", "running OTS, 31 December"),
    ("n_guardianship", "guardianship_running_end_of_year", "running guardianships, 31 December"),
    ("children_placed_during_year", "youth_in_care_with_residence_per_year", "youth in care with residence during the year"),
    ("n_waiting_guardian", "children_waiting_for_guardian", "children waiting for a guardian"),
)


def arm_statistics(runs: dict[str, Replications]) -> tuple[ArmMeans, ArmIntervals]:
    """Mean and 95% interval of the mean of every summary outcome, per arm."""
    means: ArmMeans = {}
    intervals: ArmIntervals = {}
    for arm, reps in runs.items():
        summary = reps.summary().drop(columns=["replication", "seed"])
        means[arm], intervals[arm] = {}, {}
        for col in summary.columns:
            _, m, _, lo, hi = outcome_interval(col, summary[col].to_numpy())
            means[arm][col], intervals[arm][col] = m, (lo, hi)
    return means, intervals


def target_table(runs: dict[str, Replications] | Replications, kind: str | None = "level") -> pd.DataFrame:
    """Each target of ``kind``: Dutch figure, model mean, 95% interval of the mean, normalised error, within tolerance."""
    if isinstance(runs, Replications):
        runs = {BASELINE: runs}
    means, intervals = arm_statistics(runs)
    table = errors_table(means, intervals, kind)  # type: ignore[arg-type]
    return table[table["arm"].isin(list(runs))].reset_index(drop=True)


def staff_shortage(base: Replications, cut: Replications) -> pd.DataFrame:
    """Relative change (cut - base) / base of the chain's main flows, paired over replications."""
    diff = paired_differences(base, cut)
    diff = diff[diff["outcome"].isin(STAFF_OUTCOMES)].copy()
    diff["label"] = diff["outcome"].map(STAFF_OUTCOMES)
    scale = diff["a_mean"].abs().replace(0, np.nan)
    diff["relative_low"] = diff["ci_low"] / scale
    diff["relative_high"] = diff["ci_high"] / scale
    diff["real_relative"] = diff["outcome"].map(
        {key: after / before - 1 for key, (before, after) in REAL_CHANGE_2019_2022.items()}
    )
    return diff.set_index("outcome").loc[list(STAFF_OUTCOMES)].reset_index()


def shock_rates(shock: Replications) -> tuple[pd.DataFrame, dict[str, float]]:
    """Rates of measures and placements per group, the year before the shock and in each of the three years after.

    Also CBS's two figures (children of hit families in a court placement 2015 to mid 2022,
    and the difference-in-differences of households with a measure), mean over replications.
    """
    start = shock.params.shock.start_year
    equity = shock.table("equity")
    equity = equity[equity["n_children"] > 0]  # the year before is written again once the groups are known
    equity = equity.drop_duplicates(["replication", "group", "year"], keep="last")
    equity["period"] = np.select(
        [equity["year"] == start - 1, (equity["year"] >= start) & (equity["year"] < start + 3)],
        ["before", "year " + (equity["year"] - start + 1).astype(str)],
        default="other years",
    )
    cols = ["rate_with_measure", "rate_households_with_measure", "rate_placed", "rate_court_placed"]
    rates = equity[equity["period"] != "other years"].groupby(["group", "period"], as_index=False)[cols].mean()
    figures: dict[str, float] = {"from_year": start}
    summary = shock.summary()
    for key in ("shock_hit_children_court_placed", "shock_measure_did"):
        _, m, _, lo, hi = outcome_interval(key, summary[key].to_numpy())
        figures.update({key: m, f"{key}_low": lo, f"{key}_high": hi})
    return rates, figures


TRIAL_ROWS = {
    "home_help_trial_placed_treated_share": "placed within 12 months, intensive home help",
    "home_help_trial_placed_control_share": "placed within 12 months, care as usual (ordinary help)",
    "home_help_trial_effect_g": "effect on placement, g (positive: fewer placements)",
    "home_help_trial_effect_g_other": "effect, g: families without domestic violence (multi-problem)",
    "home_help_trial_effect_g_abuse": "effect, g: families with domestic violence or abuse",
    "home_help_trial_n": "randomised referrals per replication (at the run's scale)",
}


def home_help_effect(base: Replications, trial: Replications) -> pd.DataFrame:
    """Raw shares at home after intensive home help (baseline), and the in-model controlled trial (home help vs care as usual)."""
    rows = []
    for key, label in (
        ("home_help_at_home_at_end_share", "raw: at home at the end of intensive home help"),
        ("home_help_at_home_after_1y_share", "raw: at home one year after it ended"),
    ):
        _, m, _, lo, hi = outcome_interval(key, base.summary()[key].to_numpy())
        rows.append({"measure": label, "value": m, "ci_low": lo, "ci_high": hi})
    summary = trial.summary()
    for key, label in TRIAL_ROWS.items():
        _, m, _, lo, hi = outcome_interval(key, summary[key].to_numpy())
        rows.append({"measure": f"trial: {label}", "value": m, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


BERMUDA = {
    "unwarranted_placements_per_year": "unwarranted placements",
    "unwarranted_measures_per_year": "unwarranted measures",
    "unwarranted_raad_investigations_per_year": "unwarranted Raad investigations",
    "missed_known_per_year": "missed among known (harmed while known, waiting or recently let go)",
    "missed_unreported_per_year": "missed, never reported",
    "placements_started_per_year": "placements",
}


def bermuda(base: Replications, lever: Replications) -> pd.DataFrame:
    """The Bermuda triangle under a lever: paired changes in errors both ways (intrusion and safety)."""
    diff = paired_differences(base, lever)
    diff = diff[diff["outcome"].isin(BERMUDA)].copy()
    diff["label"] = diff["outcome"].map(BERMUDA)
    return diff.set_index("outcome").loc[list(BERMUDA)].reset_index()


def trends(base: Replications) -> pd.DataFrame:
    """How far each level with a yearly series moves within the reported years, in tolerances.

    A level target compares the mean over the reported years with one year's Dutch figure, so a
    baseline whose stocks still move can match the mean while moving through it (the fitted initial
    stocks and 2022's flows do not sustain each other; docs/ODD.md section 7). Per replication the
    least-squares slope per year; its mean with the 95 % t-interval, and the change that slope
    makes from the first reported year to the last, as a multiple of the target's tolerance.
    ``moving``: the interval excludes 0 and the change exceeds one tolerance (never with a single
    replication, which has no interval). Empty with fewer than two reported years.
    """
    yearly = base.table("yearly")
    years = np.sort(yearly["year"].unique())
    if len(years) < 2:
        return pd.DataFrame()
    by_key = {t.key: t for t in targets("level")}
    rows = []
    for col, key, label in SERIES:
        target = by_key.get(key)
        if target is None or col not in yearly:
            continue
        slopes = [np.polyfit(run["year"], run[col], 1)[0] for _, run in yearly.groupby("replication")]
        slope = mean_interval(slopes)
        by_year = yearly.groupby("year")[col].mean()
        change = slope.mean * (years[-1] - years[0]) / target.tolerance
        rows.append(
            {
                "target": key,
                "label": label,
                "real": target.value,
                "tolerance": target.tolerance,
                "first_year": float(by_year.iloc[0]),
                "last_year": float(by_year.iloc[-1]),
                "slope_per_year": slope.mean,
                "slope_low": slope.low,
                "slope_high": slope.high,
                "change_in_tolerances": change,
                "moving": bool(abs(change) > 1 and (slope.low > 0 or slope.high < 0)),
            }
        )
    return pd.DataFrame(rows)


def exits(base: Replications) -> pd.DataFrame:
    """Shares of placed children back home within 6 and 12 months, and still placed after a year."""
    rows = []
    for key, label in (
        ("placement_home_within_6m_share", "back home within 6 months"),
        ("placement_home_within_12m_share", "back home within 12 months"),
        ("placement_still_placed_12m_share", "still placed after one year"),
    ):
        _, m, _, lo, hi = outcome_interval(key, base.summary()[key].to_numpy())
        rows.append({"measure": label, "value": m, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


@dataclass
class Validation:
    """Everything ``ketensim validate`` reports."""

    scenario: str
    reps: Replications
    targets: pd.DataFrame  # levels
    responses: pd.DataFrame | None = None
    arms: dict[str, Replications] = field(default_factory=dict)
    staff: pd.DataFrame | None = None
    shock: pd.DataFrame | None = None
    shock_figures: dict[str, float] = field(default_factory=dict)
    home_help: pd.DataFrame | None = None
    exits: pd.DataFrame | None = None
    contradiction: pd.DataFrame | None = None
    trends: pd.DataFrame | None = None


def experiment_params(base: Params, name: str, folder: Path = EXPERIMENTS_DIR) -> Params:
    """A validation experiment's overrides applied on top of the validated scenario."""
    return arm_params(base, name, folder)


EXPERIMENTS = ("staff_shortage_2019_2022", "more_contradiction")  # reported, not targets


def validate(
    params: Params,
    reps: int,
    *,
    scenario: str = "baseline",
    experiments: bool = True,
    run: Callable[[Params, int], Replications] | None = None,
) -> Validation:
    """Run the scenario's replications, the arms of the response targets, and (optionally) the other experiments.

    Args:
        params: the validated scenario.
        reps: replications per arm (the same seeds in every arm).
        scenario: its name for the report.
        experiments: also run the arms (shock, home-help trial) and the staff-shortage and contradiction experiments.
        run: how to run replications (default :func:`replicate`; the CLI passes one with a progress bar).

    """
    run = run or replicate
    base = run(params, reps)
    result = Validation(scenario, base, target_table(base), exits=exits(base), trends=trends(base))
    if not experiments:
        return result
    runs = {BASELINE: base} | {arm: run(arm_params(params, arm), reps) for arm in arms() if arm != BASELINE}
    result.arms = runs
    result.targets, result.responses = target_table(runs, "level"), target_table(runs, "response")
    result.shock, result.shock_figures = shock_rates(runs["financial_shock_matched"])
    result.home_help = home_help_effect(base, runs["home_help_trial"])
    staff, contradiction = EXPERIMENTS
    result.staff = staff_shortage(base, run(experiment_params(params, staff), reps))
    result.contradiction = bermuda(base, run(experiment_params(params, contradiction), reps))
    return result


def experiment_runs() -> int:
    """How many runs of ``reps`` replications :func:`validate` makes beside the baseline (for progress bars)."""
    return len(arms()) - 1 + len(EXPERIMENTS)

"""Named outcomes: tidy tables from one run, and the one-row-per-run summary.

All counts are reported at national scale (divided by ``run.scale``); rates and shares are
not scaled. Only the reported years (from ``run.start_year``) are kept; warm-up is dropped.
A run continued from a snapshot reports from the snapshot's year on (``report_from_month``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.chain import ChainModel
from sim.model.episodes import exits_from_placement, home_help_at_home, home_help_trial
from sim.model.equity import shock_summary
from sim.model.ledger import COST_ROUTES, FLOWS, WAITS


@dataclass
class RunResult:
    """Tables of one run."""

    yearly: pd.DataFrame  # one row per year: flows, year-end stocks, unique children, waits
    monthly: pd.DataFrame  # one row per month: stocks, waiting lists, caseloads, climate
    equity: pd.DataFrame  # year x group (other / hit / matched): children, measures, placements
    costs: pd.DataFrame  # year x route: euros
    summary: dict[str, float]  # one row per run
    episodes: pd.DataFrame  # one row per placement / intensive home help: child, start, end, reason (model months)


def collect(model: ChainModel) -> RunResult:
    """Turn a finished model into tidy tables at national scale."""
    run, ledger = model.params.run, model.ledger
    unknown = ledger.unknown_keys()
    if unknown:
        raise KeyError(f"flows counted but not registered in sim/model/ledger.py: {', '.join(sorted(unknown))}")
    scale = 1 / run.scale
    first_reported = max(run.start_year, model.first_year + model.report_from_month // 12)
    years = list(range(first_reported, run.start_year + run.years))

    monthly = pd.DataFrame(ledger.monthly)
    monthly = monthly[monthly["year"].isin(years)].reset_index(drop=True)
    count_cols = [c for c in monthly.columns if c.startswith("n_")]
    monthly[count_cols] = monthly[count_cols].astype(float) * scale

    rows = []
    for year in years:
        flows = ledger.flows.get(year, {})
        row: dict[str, float] = {"year": year}
        row.update({k: flows.get(k, 0) * scale for k in FLOWS})
        waits = ledger.waits.get(year, {})
        for name in WAITS:
            values = waits.get(name, [])
            row[f"mean_wait_{name}_months"] = float(np.mean(values)) if values else float("nan")
        in_care = waits.get("time_in_care", [])
        row["mean_time_in_care_months"] = float(np.mean(in_care)) if in_care else float("nan")
        rows.append(row)
    yearly = pd.DataFrame(rows)
    uniques = pd.DataFrame(ledger.yearly_stocks)
    uniques = uniques[uniques["year"].isin(years)].astype(float)
    uniques.iloc[:, 1:] = uniques.iloc[:, 1:] * scale
    year_end = monthly[monthly["month"] == 12].drop(columns=["time", "month"])
    yearly = yearly.merge(uniques, on="year", how="left").merge(year_end, on="year", how="left", suffixes=("", "_dec"))

    equity = pd.DataFrame(ledger.equity)
    equity = equity[equity["year"].isin(years)].reset_index(drop=True)
    for col in ("n_with_measure", "n_placed", "n_court_placed"):
        equity[col.replace("n_", "rate_")] = equity[col] / equity["n_children"].where(equity["n_children"] > 0)
    equity["rate_households_with_measure"] = equity["n_households_with_measure"] / equity["n_households"].where(
        equity["n_households"] > 0
    )
    cols = ["n_children", "n_with_measure", "n_placed", "n_court_placed", "n_households", "n_households_with_measure"]
    equity[cols] = equity[cols].astype(float) * scale

    costs = pd.DataFrame(
        [
            {"year": y, "route": r, "euro": ledger.flows.get(y, {}).get(f"cost_{r}", 0.0) * scale}
            for y in years
            for r in COST_ROUTES
        ]
    )
    episodes = pd.concat(
        [model.placement_log.frame(model.first_year), model.home_help_log.frame(model.first_year)], ignore_index=True
    )
    # the equity group of each episode's household at the end (a shock selects households after some episodes began)
    households = episodes["household"].to_numpy()
    final = np.where(households >= 0, model.population.group[np.maximum(households, 0)], 0)
    episodes["household_group"] = final.astype(np.int8)
    summary = summarise(yearly, equity, costs, model)
    summary.update(episode_outcomes(episodes, model))
    summary.update(shock_summary(equity, episodes, model.params, model.first_year))
    trial = pd.DataFrame(model.local_team.trial, columns=["child", "start", "treated", "abuse"])
    t0 = float(model.report_from_month)
    summary.update(home_help_trial(trial, episodes[episodes["kind"] == "placement"], t0, float(model.months_total)))
    return RunResult(yearly, monthly, equity, costs, summary, episodes)


def episode_outcomes(episodes: pd.DataFrame, model: ChainModel) -> dict[str, float]:
    """What happened next to the same children: exits from placement, home after intensive home help."""
    t0, t_end = float(model.report_from_month), float(model.months_total)
    placements = episodes[episodes["kind"] == "placement"]
    home_help = episodes[episodes["kind"] == "home_help"]
    return {
        **exits_from_placement(placements, t0, t_end),
        **home_help_at_home(home_help, placements, t0, t_end),
    }


def _share(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


def summarise(yearly: pd.DataFrame, equity: pd.DataFrame, costs: pd.DataFrame, model: ChainModel) -> dict[str, float]:
    """One row per run: yearly means over the reported years, in the units of targets.toml."""
    y = yearly.mean(numeric_only=True)
    n_minors = model.population.n_children / model.params.run.scale
    hit = equity[equity["group"] == "hit"]
    matched = equity[equity["group"] == "matched"]
    out = {
        "vt_reports_per_year": y["vt_reports"],
        "police_share_of_reports": _share(y["vt_reports_police"], y["vt_reports"]),
        "raad_protection_investigations_per_year": y["raad_protection_investigations"],
        "raad_request_share": _share(y["raad_requests"], y["raad_protection_investigations"]),
        "placement_authorisation_share_of_ots_requests": _share(y["placement_requests"], y["ots_requests"]),
        "ots_requests_per_year": y["ots_requests"],
        "ots_placement_requests_per_year": y["placement_requests"],
        "ots_starts_per_year": y["ots_starts"],
        "placement_authorisations_per_year": y["placement_authorisations"],
        "guardianship_starts_per_year": y["guardianship_starts"],
        "ots_running_end_of_year": y["n_ots"],
        "guardianship_running_end_of_year": y["n_guardianship"],
        "ots_mean_duration_years": _share(y["n_ots"], y["ots_outflow"]),
        "guardianship_mean_duration_years": _share(y["n_guardianship"], y["guardianship_ends"]),
        "youth_in_care_with_residence_per_year": y["children_placed_during_year"],
        "foster_share_of_care_with_residence": _share(y["n_foster"], y["n_placed"]),
        "court_share_of_placements": _share(y["n_court_placed"], y["n_placed"]),
        "annual_probability_of_protection_measure": _share(y["children_with_measure_during_year"], n_minors),
        "guardian_caseload_families": float(yearly["families_per_guardian"].mean()),
        "children_waiting_for_guardian": y["n_waiting_guardian"],
        "children_waiting_for_raad": float(yearly["n_waiting_raad"].mean()),
        "children_waiting_for_home_help": float(yearly["n_waiting_home_help"].mean()),
        "home_help_starts_per_year": y["home_help_starts"],
        "voluntary_placements_per_year": y["placements_voluntary"],
        "foster_breakdown_share": _share(y["foster_breakdowns"], y["foster_breakdowns"] + y["foster_planned_ends"]),
        "provisional_orders_per_year": y["provisional_orders"],
        "placements_started_per_year": y["placements_started"],
        **{
            f"unwarranted_{what}_per_year{edge}": y[f"unwarranted_{what}{edge}"]
            for what in ("raad_investigations", "measures", "placements")
            for edge in ("", "_low", "_high")
        },
        "unwarranted_placement_share": _share(y["unwarranted_placements"], y["placements_started"]),
        "missed_children_per_year": y["missed_children"],
        "missed_known_per_year": y["missed_known"],
        "missed_unreported_per_year": y["missed_unreported"],
        "harm_incidents_per_year": y["harm_incidents"],
        "hidden_serious_cases": y["n_hidden_serious"],
        "mean_wellbeing": y["mean_wellbeing"],
        "mean_wellbeing_placed": y["mean_wellbeing_placed"],
        "placement_moves_per_year": y["placement_moves"],
        "reunifications_per_year": y["reunifications"],
        "mean_time_in_care_months": y["mean_time_in_care_months"],
        "mean_wait_for_placement_months": y["mean_wait_placement_months"],
        "mean_wait_for_raad_months": y["mean_wait_raad_investigation_months"],
        "mean_wait_for_guardian_months": y["mean_wait_guardian_months"],
        "mean_wait_for_home_help_months": y["mean_wait_home_help_months"],
        "cost_per_year_meur": float(costs["euro"].sum() / len(yearly) / 1e6),
        "shock_hit_measure_rate": float(hit["rate_with_measure"].mean())
        if len(hit) and hit["n_children"].sum()
        else float("nan"),
        "shock_matched_measure_rate": float(matched["rate_with_measure"].mean())
        if len(matched) and matched["n_children"].sum()
        else float("nan"),
    }
    return {k: float(v) for k, v in out.items()}

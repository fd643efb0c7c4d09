"""Named outcomes: tidy tables from one run, and the one-row-per-run summary.

All counts are reported at national scale (divided by ``run.scale``); rates and shares are
not scaled. Only the reported years (from ``run.start_year``) are kept; warm-up is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.chain import ChainModel
from sim.model.episodes import exits_from_placement, home_help_at_home

# Yearly flows, in the units Dutch statistics use, and what each means.
FLOWS: dict[str, str] = {
    "vt_reports": "reports (meldingen) about children to Veilig Thuis, incl. re-reports",
    "vt_reports_police": "reports by the police",
    "vt_reports_school": "reports by schools",
    "vt_reports_gp": "reports by GPs and youth health care",
    "vt_reports_care_provider": "reports by care providers",
    "vt_reports_network": "reports by family, neighbours and others",
    "vt_rereports": "reports about children already known to the chain",
    "vt_closed_at_triage": "reports closed at VT's safety assessment",
    "vt_triage_to_help": "reports VT handed straight to voluntary help",
    "vt_investigations": "VT investigations started",
    "vt_investigation_to_help": "VT investigations ending in voluntary help",
    "raad_referrals_from_vt": "cases VT referred to the Raad",
    "raad_referrals_from_local_team": "cases the local team referred to the Raad",
    "raad_referrals_from_gi": "placed children a GI referred to the Raad (ending authority)",
    "raad_protection_investigations": "Raad protection investigations started",
    "raad_requests": "Raad requests to the court",
    "ots_requests": "Raad requests for a supervision order (OTS)",
    "placement_requests": "OTS requests that include a placement authorisation",
    "hearings": "court hearings held",
    "requests_refused": "requests the judge refused",
    "provisional_requests": "requests for a provisional (emergency) order",
    "ots_starts": "regular OTS starts",
    "ots_extensions": "OTS extended at a yearly review",
    "provisional_orders": "provisional (emergency) orders",
    "placement_authorisations": "placement authorisations granted (machtiging uithuisplaatsing)",
    "guardianship_starts": "guardianship (voogdij) starts",
    "ots_ends": "OTS (or lapsed provisional orders) ended by decision, not at majority",
    "ots_outflow": "OTS ended for any reason (decision, majority, guardianship, a provisional order followed by a regular OTS)",
    "provisional_converted": "provisional orders followed by a regular OTS (CBS counts two measures)",
    "guardianship_ends": "GI guardianships ended (majority, or passed to the foster parents)",
    "guardianship_to_foster_parents": "GI guardianships passed to the foster parents",
    "help_requests": "families' own requests for help to the local team",
    "help_starts": "starts of ordinary voluntary help",
    "home_help_referrals": "families put on the list for intensive home help",
    "home_help_starts": "starts of intensive home help",
    "placements_started": "placements started (incl. after a wait)",
    "placements_voluntary": "voluntary placements started",
    "placements_court": "court-ordered placements started",
    "placement_moves": "moves between care places (breakdowns)",
    "foster_breakdowns": "foster placements ended unplanned",
    "foster_planned_ends": "foster placements ended as planned",
    "reunifications": "children back home from care",
    "placements_ended_majority": "placements ended because the child turned 18",
    "unwarranted_vt_investigations": "VT investigations of children below the concern threshold",
    "unwarranted_raad_investigations": "Raad investigations of children below the concern threshold",
    "unwarranted_measures": "OTS starts for children below the serious threshold",
    "unwarranted_guardianships": "guardianships for children below the placement threshold",
    "unwarranted_placements": "placements of children below the placement threshold",
    "missed_children": "children seriously harmed while no adequate help was in place (unknown, waiting or under investigation)",
    "harm_incidents": "serious-harm incidents, all children",
    "harm_unknown_to_chain": "serious-harm incidents to children the chain did not know",
    "harm_in_care": "serious-harm incidents to children in care",
    "second_assessments": "decisions with an independent second assessor",
    "publicised_incidents": "publicised incidents (regelreflex)",
}
COST_ROUTES = ("vt", "raad", "voluntary_help", "home_help", "guardians", "foster", "gezinshuis", "residential")


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
    run = model.params.run
    scale = 1 / run.scale
    years = list(range(run.start_year, run.start_year + run.years))

    monthly = pd.DataFrame(model.monthly)
    monthly = monthly[monthly["year"].isin(years)].reset_index(drop=True)
    count_cols = [c for c in monthly.columns if c.startswith("n_")]
    monthly[count_cols] = monthly[count_cols].astype(float) * scale

    rows = []
    for year in years:
        flows = model.flows.get(year, {})
        row: dict[str, float] = {"year": year}
        row.update({k: flows.get(k, 0) * scale for k in FLOWS})
        waits = model.waits.get(year, {})
        for name in ("vt_investigation", "home_help", "raad_investigation", "guardian", "placement"):
            values = waits.get(name, [])
            row[f"mean_wait_{name}_months"] = float(np.mean(values)) if values else float("nan")
        in_care = waits.get("time_in_care", [])
        row["mean_time_in_care_months"] = float(np.mean(in_care)) if in_care else float("nan")
        rows.append(row)
    yearly = pd.DataFrame(rows)
    uniques = pd.DataFrame(model.yearly_stocks)
    uniques = uniques[uniques["year"].isin(years)].astype(float)
    uniques.iloc[:, 1:] = uniques.iloc[:, 1:] * scale
    year_end = monthly[monthly["month"] == 12].drop(columns=["time", "month"])
    yearly = yearly.merge(uniques, on="year", how="left").merge(year_end, on="year", how="left", suffixes=("", "_dec"))

    equity = pd.DataFrame(model.equity)
    equity = equity[equity["year"].isin(years)].reset_index(drop=True)
    for col in ("n_with_measure", "n_placed", "n_court_placed"):
        equity[col.replace("n_", "rate_")] = equity[col] / equity["n_children"].where(equity["n_children"] > 0)
    cols = ["n_children", "n_with_measure", "n_placed", "n_court_placed"]
    equity[cols] = equity[cols].astype(float) * scale

    costs = pd.DataFrame(
        [
            {"year": y, "route": r, "euro": model.flows.get(y, {}).get(f"cost_{r}", 0.0) * scale}
            for y in years
            for r in COST_ROUTES
        ]
    )
    episodes = pd.concat(
        [model.placement_log.frame(model.first_year), model.home_help_log.frame(model.first_year)], ignore_index=True
    )
    summary = summarise(yearly, equity, costs, model)
    summary.update(episode_outcomes(episodes, model))
    return RunResult(yearly, monthly, equity, costs, summary, episodes)


def episode_outcomes(episodes: pd.DataFrame, model: ChainModel) -> dict[str, float]:
    """What happened next to the same children: exits from placement, home after intensive home help."""
    t0, t_end = 12.0 * model.params.run.warmup_years, float(model.months_total)
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
        "unwarranted_raad_investigations_per_year": y["unwarranted_raad_investigations"],
        "unwarranted_measures_per_year": y["unwarranted_measures"],
        "unwarranted_placements_per_year": y["unwarranted_placements"],
        "missed_children_per_year": y["missed_children"],
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

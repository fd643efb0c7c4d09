"""What the dashboard runs and draws: one run, a paired comparison with the baseline, figures.

The work here is plain Python (no Solara), so tests and the benchmark use it directly. The
page runs it in a worker process of the server's pool (sim.dashboard.pool) through
:func:`simulate_in_slot` and :func:`compare_in_slot`, whose progress hook and "keep going?"
check read and write the pool's shared slot: that is how Cancel stops a run between two months.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from sim.dashboard.pool import RunCancelled, worker_hooks
from sim.experiments.runs import Replications, paired_differences, run_once
from sim.experiments.targets import load_targets
from sim.model.params import Params
from sim.model.rng import replication_seeds
from sim.reports.labels import label, outcome_label
from sim.reports.run import figures as report_figures
from sim.reports.run import lines

Progress = Callable[[float], None]  # share done, 0-1
KeepGoing = Callable[[], bool]

# Outcomes shown in the comparison chart (the table and CSV hold all of them).
COMPARED = (
    "raad_protection_investigations_per_year",
    "ots_starts_per_year",
    "placements_started_per_year",
    "voluntary_placements_per_year",
    "home_help_starts_per_year",
    "unwarranted_raad_investigations_per_year",
    "unwarranted_measures_per_year",
    "unwarranted_placements_per_year",
    "missed_children_per_year",
    "children_waiting_for_guardian",
    "mean_wellbeing_placed",
    "cost_per_year_meur",
)


@dataclass(eq=False)  # compared by identity (and weakly referenced by the page)
class Comparison:
    """Baseline (defaults) and current settings run with the same replication seeds."""

    baseline: Replications
    current: Replications
    differences: pd.DataFrame  # sim.experiments.runs.paired_differences: B (current) - A (baseline)


def _runs(jobs: list[Params], progress: Progress, keep_going: KeepGoing) -> list:
    months = [12 * (p.run.warmup_years + p.run.years) for p in jobs]
    total, done_before, results = sum(months), 0, []
    for params, n in zip(jobs, months, strict=True):

        def tick(month: int, _total: int, before: int = done_before) -> None:
            if not keep_going():
                raise RunCancelled
            progress((before + month) / total)

        results.append(run_once(params, progress=tick))
        done_before += n
    return results


def simulate(params: Params, progress: Progress = lambda share: None, keep_going: KeepGoing = lambda: True) -> Replications:
    """One run with the settings' own seed (as ``ketensim run`` with one replication)."""
    return Replications(params, [params.run.seed], _runs([params], progress, keep_going))


def baseline_for(params: Params) -> Params:
    """The defaults with the same run settings (seed, scale, years), so the pair is comparable."""
    return Params().with_overrides({"run": params.run.model_dump()}, origin="baseline for comparison")


def compare(
    params: Params, reps: int, progress: Progress = lambda share: None, keep_going: KeepGoing = lambda: True
) -> Comparison:
    """Run baseline and current settings ``reps`` times each with the same spawned seeds."""
    seeds = replication_seeds(params.run.seed, reps)
    base = baseline_for(params)
    jobs = [p.with_overrides({"run": {"seed": s}}) for p in (base, params) for s in seeds]
    runs = _runs(jobs, progress, keep_going)
    a, b = Replications(base, seeds, runs[:reps]), Replications(params, seeds, runs[reps:])
    return Comparison(a, b, paired_differences(a, b))


def simulate_in_slot(slot: int, params: Params) -> Replications:
    """:func:`simulate` in a pool worker, reporting through the pool's ``slot``."""
    progress, keep_going = worker_hooks(slot)
    return simulate(params, progress, keep_going)


def compare_in_slot(slot: int, params: Params, reps: int) -> Comparison:
    """:func:`compare` in a pool worker, reporting through the pool's ``slot``."""
    progress, keep_going = worker_hooks(slot)
    return compare(params, reps, progress, keep_going)


def _target(key: str, factor: float = 1.0) -> float:
    return float(load_targets()[key]["value"]) * factor  # type: ignore[arg-type]


def figures(reps: Replications, lang: str = "en") -> dict[str, go.Figure]:
    """The report's figures in ``lang``, plus the guardians' caseload with its Dutch figure."""
    figs = report_figures(reps, lang)  # Sankey labelled with the Dutch terms and numbers, Dutch figures on the flows
    figs["sankey"].update_layout(height=600)  # room for the longer labels with Dutch terms
    monthly = reps.table("monthly").groupby("time").mean(numeric_only=True).reset_index()
    monthly["date"] = monthly["year"] + (monthly["month"] - 0.5) / 12
    figs["caseload"] = lines(
        monthly,
        "date",
        {"families_per_guardian": "families per guardian"},
        "",
        {"Dutch figure 2022": _target("guardian_caseload_families")},
    )
    for name, fig in figs.items():
        fig.update_layout(title=label(f"fig_{name}", lang), margin={"t": 60, "b": 30, "l": 40, "r": 20})
        if name != "sankey":
            fig.update_xaxes(tickformat="d")  # years as 2016, not 2,016 (x is a decimal year for monthly series)
    return figs


def compare_figure(diff: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Relative change (B - A) / |A| with its interval, for the headline outcomes."""
    rows = diff.set_index("outcome").loc[[c for c in COMPARED if c in set(diff["outcome"])]]
    scale = rows["a_mean"].abs().where(rows["a_mean"] != 0)
    rel, low, high = rows["difference"] / scale, rows["ci_low"] / scale, rows["ci_high"] / scale
    fig = go.Figure(
        go.Bar(
            x=rel * 100,
            y=[outcome_label(o, lang) for o in rows.index],
            orientation="h",
            error_x={"type": "data", "symmetric": False, "array": (high - rel) * 100, "arrayminus": (rel - low) * 100},
        )
    )
    fig.add_vline(x=0, line_color="grey")
    fig.update_layout(
        title=label("fig_compare", lang),
        xaxis_title="% change vs baseline (95% interval)",
        height=480,
        margin={"t": 60, "l": 340},
        yaxis={"autorange": "reversed"},
    )
    return fig


def results_csv(reps: Replications) -> str:
    """The run's yearly table (flows, year-end stocks, errors, waits) as CSV, with the seed."""
    return reps.table("yearly").to_csv(index=False)


def summary_csv(reps: Replications) -> str:
    """The run's summary outcomes (one row per replication, with its seed) as CSV."""
    return reps.summary().to_csv(index=False)

"""What the dashboard runs and draws: one run, a paired comparison with the baseline, figures.

The work here is plain Python (no Solara), so tests and the benchmark use it directly. The
page runs it in a worker process of the server's pool (sim.dashboard.pool) through
:func:`simulate_in_slot` and :func:`compare_in_slot`, whose progress hook and "keep going?"
check read and write the pool's shared slot: that is how Cancel stops a run between two months.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sim.dashboard.pool import RunCancelled, worker_hooks
from sim.experiments.runs import Replications, paired_differences, run_once
from sim.experiments.snapshots import PRESENT
from sim.experiments.targets import load_targets
from sim.model.params import Params
from sim.model.rng import replication_seeds
from sim.reports.comparison import HEADLINE, overview_figure
from sim.reports.labels import label, outcome_label, outcome_unit, series_label, uncertainty
from sim.reports.numbers import interval_text, outcome_value, percent
from sim.reports.page import esc, table
from sim.reports.run import figures as report_figures
from sim.reports.run import lines

Progress = Callable[[float], None]  # share done, 0-1
KeepGoing = Callable[[], bool]

COMPARED = HEADLINE  # the comparison's small multiples and table: those of compare.html (the CSV holds all outcomes)

# A run's headline outcomes, shown above its charts.
RUN_HEADLINE = (
    "ots_starts_per_year",
    "placements_started_per_year",
    "unwarranted_placements_per_year",
    "missed_children_per_year",
    "children_waiting_for_guardian",
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


# The opening baseline: computed once per server and shared by every session, keyed by its parameters.
_baselines: dict[str, Any] = {}
_baselines_lock = threading.Lock()


def shared_baseline[T](params: Params, compute: Callable[[], T]) -> T:
    """The cached run of ``params``, or ``compute()`` once (other sessions asking meanwhile wait for it)."""
    key = params.model_dump_json()
    with _baselines_lock:
        if key not in _baselines:
            _baselines[key] = compute()
        return _baselines[key]


# Seconds for one run: a fixed start plus a share per simulated (scale x month), fitted to 10-year
# default runs on the shared 2-core machine (median 0.6 s at scale 0.005, 2.1 s at 0.02, 3.7 s at
# 0.05; sim.dashboard.controls.DASHBOARD_SCALE); each server then corrects it by its own runs.
RUN_START_S = 0.3
RUN_S_PER_SCALE_MONTH = 0.45
_speed = [1.0]  # measured / predicted over this server's finished runs (its load, its machine)


def _predicted(params: Params) -> float:
    months = 12 * (params.run.warmup_years + params.run.years)
    if params.run.start_from == "present":  # from a cached snapshot: only the months after it (its first build costs more)
        months = max(1, 12 * (params.run.start_year + params.run.years - int(PRESENT[:4])))
    return RUN_START_S + RUN_S_PER_SCALE_MONTH * params.run.scale * months


def estimate_seconds(params: Params, runs: int = 1) -> float:
    """How long ``runs`` runs of ``params`` take on this server: the fit above, corrected by the runs it has finished."""
    return runs * _predicted(params) * _speed[0]


def record_seconds(params: Params, runs: int, seconds: float) -> None:
    """A finished job of ``runs`` runs took ``seconds`` (time in the queue excluded): refine :func:`estimate_seconds`."""
    ratio = seconds / max(runs * _predicted(params), 1e-3)
    _speed[0] = 0.5 * _speed[0] + 0.5 * min(max(ratio, 0.2), 20.0)


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
    nl = lang == "nl"
    figs["caseload"] = lines(
        monthly,
        "date",
        {"families_per_guardian": series_label("families_per_guardian", lang)},
        label("fig_caseload", lang),
        {("Nederlands cijfer 2022" if nl else "Dutch figure 2022"): _target("guardian_caseload_families")},
    )
    figs["caseload"].update_layout(
        xaxis_title="jaar" if nl else "year", yaxis_title="gezinnen per jeugdbeschermer" if nl else "families per guardian"
    )
    for name, fig in figs.items():
        # the report's own titles stay (with their units and what is shown); only the margins are the page's
        fig.update_layout(margin={"t": 60, "b": 30, "l": 40, "r": 20})
        if name != "sankey":
            fig.update_xaxes(tickformat="d")  # years as 2016, not 2,016 (x is a decimal year for monthly series)
    return figs


def compare_figure(diff: pd.DataFrame, n: int, lang: str = "en") -> go.Figure:
    """compare.html's small multiples: B - A per headline outcome, each in its own panel with its paired interval."""
    return overview_figure(diff, n, lang)


def compare_table(diff: pd.DataFrame, n: int, lang: str = "en") -> str:
    """The headline outcomes' B - A as an HTML table: human labels and units, counts whole, shares in %, the interval named."""
    rows = []
    for r in diff.set_index("outcome").reindex([c for c in COMPARED if c in set(diff["outcome"])]).itertuples():
        if pd.isna(r.a_mean) and pd.isna(r.b_mean):
            continue  # defined in neither (a shock's outcomes without a shock)
        rows.append(
            [
                esc(outcome_label(r.Index, lang)),
                esc(outcome_unit(r.Index, lang)),
                outcome_value(r.Index, r.a_mean),
                outcome_value(r.Index, r.b_mean),
                outcome_value(r.Index, r.difference, difference=True),
                interval_text(r.Index, r.ci_low, r.ci_high, difference=True),
                percent(r.relative, sign=True),
            ]
        )
    head = [label(k, lang) for k in ("col_outcome", "col_unit", "col_a", "col_b", "col_diff")]
    head += [esc(uncertainty("paired", n, lang).capitalize()), label("col_change", lang)]
    return table(head, rows, numeric=(2, 3, 4, 5, 6), css="ketensim-table compare-table")


def headline_table(reps: Replications, lang: str = "en") -> str:
    """A run's headline outcomes as an HTML table: mean per year over the reported years, formatted for people."""
    summary = reps.summary()
    rows = [
        [esc(outcome_label(k, lang)), esc(outcome_unit(k, lang)), outcome_value(k, float(summary[k].mean()))]
        for k in RUN_HEADLINE
        if k in summary
    ]
    head = [label("col_outcome", lang), label("col_unit", lang), label("col_value", lang)]
    return table(head, rows, numeric=(2,), css="ketensim-table headline-table")


def results_csv(reps: Replications) -> str:
    """The run's yearly table (flows, year-end stocks, errors, waits) as CSV, with the seed."""
    return reps.table("yearly").to_csv(index=False)


def summary_csv(reps: Replications) -> str:
    """The run's summary outcomes (one row per replication, with its seed) as CSV."""
    return reps.summary().to_csv(index=False)

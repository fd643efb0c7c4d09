"""The run report (``report.html``): what was run, how to read it, the summary table, the charts and their sources."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sim.experiments.runs import Replications
from sim.experiments.stats import outcome_interval
from sim.experiments.targets import load_targets
from sim.model.params.describe import policy_changes
from sim.reports import charts
from sim.reports.labels import label, outcome_label, outcome_unit, uncertainty
from sim.reports.numbers import interval_text, outcome_value
from sim.reports.page import Scenario, document, esc, header, run_rows, scenario_rows, table

figures = charts.figures  # the report's charts; the dashboard and sim.figures show the same ones

# Errors against the truth, each with its truth band (the _low and _high outcomes).
ERRORS = (
    "unwarranted_raad_investigations_per_year",
    "unwarranted_measures_per_year",
    "unwarranted_placements_per_year",
    "missed_known_per_year",
    "missed_unreported_per_year",
)


def summary_table(reps: Replications) -> pd.DataFrame:
    """Mean and spread over replications (2.5-97.5 percentiles, cut at the outcome's bounds) of each summary outcome, beside its Dutch figure.

    Returns:
        One row per outcome: ``outcome``, ``n`` (replications where it is defined), ``mean``, ``low``, ``high``
        (NaN with fewer than two) and ``target`` (the Dutch figure, NaN where there is none).

    """
    summary = reps.summary().drop(columns=["replication", "seed"])
    targets = load_targets()
    rows = []
    for col in summary.columns:
        target = dict(targets.get(col, {}))
        if col == "vt_reports_per_year":
            # the model simulates child-related reports only; the target's note says to
            # compare with half of all VT reports
            target["value"] = float(target["value"]) / 2  # type: ignore[arg-type]
        n, mean, _sd, low, high = outcome_interval(col, summary[col].to_numpy(float), "spread")
        rows.append({"outcome": col, "n": n, "mean": mean, "low": low, "high": high, "target": target.get("value", float("nan"))})
    return pd.DataFrame(rows)


def lines(frame: pd.DataFrame, x: str, cols: dict[str, str], title: str, targets: dict[str, float] | None = None) -> go.Figure:
    """Line chart of ``cols`` (column: label) over ``x`` of an averaged table, with dotted horizontal target lines (the dashboard's step view)."""
    fig = go.Figure()
    for col, name in cols.items():
        if col in frame:
            fig.add_trace(go.Scatter(x=frame[x], y=frame[col], mode="lines", name=name))
    for text, value in (targets or {}).items():
        fig.add_hline(y=value, line_dash="dot", annotation_text=text)
    fig.update_layout(title=title, height=380)
    return fig


def _sources(shown: list[str]) -> tuple[dict[str, int], str]:
    """Number every Dutch figure the report shows (the charts' first, as their annotations cite them) and list them."""
    targets = load_targets()
    numbers: dict[str, int] = {f.key: i for i, f in charts.figure_sources()}
    for key in shown:
        numbers.setdefault(key, len(numbers) + 1)
    items = "".join(
        f"<li value='{i}'><b>{esc(outcome_label(key))}</b>: {esc(targets[key].get('source', ''))}"
        f" <span class='note'>({esc(targets[key].get('unit', ''))})</span></li>"
        for key, i in sorted(numbers.items(), key=lambda kv: kv[1])
    )
    text = (
        "<h2>Sources</h2><p class='note'>The Dutch figures (<code>sim/data/targets.toml</code>; base year 2022 unless "
        "said) and where they come from. The model: docs/ODD.md (errors against the truth: section 6.14; validation: "
        f"section 8; <code>ketensim validate</code> checks them all).</p><ol>{items}</ol>"
    )
    return numbers, text


def _how_to_read(reps: Replications, table_: pd.DataFrame, comparable: bool) -> str:
    n = len(reps.seeds)
    rows = table_.set_index("outcome")

    def level(key: str) -> str:
        r = rows.loc[key]
        if f"{key}_low" in rows.index:
            band = (
                f"{outcome_value(key, rows.loc[f'{key}_low', 'mean'])} at the strict edge of the truth band to "
                f"{outcome_value(key, rows.loc[f'{key}_high', 'mean'])} at its lenient edge"
            )
        else:
            band = ""
        spread = "" if n < 2 else f"replications spread {interval_text(key, r['low'], r['high'])}"
        said = "; ".join(text for text in (band, spread) if text)
        return f"<li>{esc(outcome_label(key))}: <b>{outcome_value(key, r['mean'])}</b> a year{f' ({said})' if said else ''}</li>"

    spread_text = (
        f"Lines are the mean of {n} replications; the shaded band is their {uncertainty('spread', n)}: where one run "
        "of the model could have ended. It is not an interval of the mean (<code>ketensim validate</code> gives "
        "that) nor of a difference between scenarios (<code>ketensim compare</code>)."
        if n > 1
        else "This is one replication, so there is no band and no interval (shown as –): run with <code>--reps</code> "
        "10 or more to see how much a run varies."
    )
    figures_text = (
        "Dotted black lines are Dutch figures, with their year and a number in brackets that points to the sources "
        "below. The model's outcomes are means over the reported years; the figures count one year (mostly 2022)."
        if comparable
        else "This scenario changes levers, capacities or events, so the Dutch figures (which count the chain as it is) "
        "are not a yardstick for it: the dotted lines show them for orientation only; compare the scenario with the "
        "baseline (<code>ketensim compare</code>) instead."
    )
    return (
        "<h2>How to read this</h2><ul>"
        f"<li>{spread_text}</li>"
        "<li>All counts are national and per year (the simulated share of the children, divided by the scale). "
        "VT reports are reports about children: compare them with half of all Veilig Thuis reports (~62,000).</li>"
        f"<li>{figures_text}</li>"
        f"<li><b>Errors against the truth.</b> {esc(label('errors_explained'))}</li>"
        "</ul><p>The error counts of this run, and how uncertain their levels are:</p>"
        f"<ul>{''.join(level(k) for k in ERRORS if k in rows.index)}</ul>"
        "<p class='note'>The truth band is the model's own uncertainty about where 'warranted' begins; it is much wider "
        "than the spread over replications, so read a level as its band, and a lever's effect as a paired difference.</p>"
    )


def _summary_html(table_: pd.DataFrame, n: int, numbers: dict[str, int] | None) -> str:
    head = ["Outcome", "Unit", "Mean", uncertainty("spread", n).capitalize()]
    if numbers is not None:
        head.append("Dutch figure [source]")
    rows = []
    undefined = table_[table_["n"] == 0]
    for r in table_[table_["n"] > 0].itertuples():
        cells = [
            f"{esc(outcome_label(r.outcome))} <span class='id'>{esc(r.outcome)}</span>",
            esc(outcome_unit(r.outcome)),
            outcome_value(r.outcome, r.mean) or "–",
            interval_text(r.outcome, r.low, r.high),
        ]
        if numbers is not None:
            cells.append("" if pd.isna(r.target) else f"{outcome_value(r.outcome, r.target)} [{numbers[r.outcome]}]")
        rows.append(cells)
    note = (
        f"<p class='note'>Not defined in this scenario, so left out: {esc(', '.join(undefined['outcome']))} "
        "(the shock's and the home-help trial's outcomes: <code>ketensim validate</code> runs those arms).</p>"
        if len(undefined)
        else ""
    )
    return table(head, rows, numeric=(2, 3, 4)) + note


def build_report(reps: Replications, title: str, scenario: Scenario | None = None) -> str:
    """Render the report as one HTML string (plotly.js inlined, so it works offline).

    Args:
        reps: the scenario's replications.
        title: the page title.
        scenario: its name, file and description for the header (default: named by ``title``).

    """
    scenario = scenario or Scenario(title)
    table_ = summary_table(reps)
    n = len(reps.seeds)
    comparable = not policy_changes(reps.params)
    shown = [o for o, t in zip(table_["outcome"], table_["target"], strict=True) if not pd.isna(t)] if comparable else []
    numbers, sources = _sources(shown)
    parts: list[str | go.Figure] = [
        header(title, [*scenario_rows(scenario, reps.params), *run_rows(reps.params, reps.seeds)]),
        _how_to_read(reps, table_, comparable),
        "<h2>Summary: mean per year over the reported years</h2>",
        _summary_html(table_, n, numbers if comparable else None),
        "<h2>Charts</h2>",
        *figures(reps).values(),
        sources,
    ]
    return document(title, parts)


def write_report(reps: Replications, path: Path, title: str, scenario: Scenario | None = None) -> None:
    """Write the report to ``path``."""
    path.write_text(build_report(reps, title, scenario), encoding="utf-8")

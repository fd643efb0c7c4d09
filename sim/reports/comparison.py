"""The comparison report (``compare.html``): B - A over paired replications, overall and by year, with intervals.

A and B are run with the same replication seeds (common random numbers), so each pair of
replications differs only by the scenario; the interval is the t-interval of the mean
paired difference (:func:`sim.experiments.stats.paired_difference`), worded by
:func:`sim.reports.labels.uncertainty`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.experiments.runs import Replications, paired_differences
from sim.experiments.stats import paired_difference
from sim.reports.labels import outcome_label, outcome_unit, series_label, uncertainty
from sim.reports.numbers import interval_text, outcome_value, whole
from sim.reports.page import Scenario, document, esc, header, run_rows, scenario_rows, table

# The outcomes of the overview chart: what a lever is for, and the errors both ways.
HEADLINE = (
    "raad_protection_investigations_per_year",
    "ots_starts_per_year",
    "placements_started_per_year",
    "voluntary_placements_per_year",
    "home_help_starts_per_year",
    "unwarranted_raad_investigations_per_year",
    "unwarranted_measures_per_year",
    "unwarranted_placements_per_year",
    "missed_known_per_year",
    "missed_unreported_per_year",
    "children_waiting_for_guardian",
    "cost_per_year_meur",
)
# Yearly columns compared year by year, each in its own panel (its own scale).
YEARLY = (
    "raad_protection_investigations",
    "ots_starts",
    "placements_started",
    "unwarranted_raad_investigations",
    "unwarranted_placements",
    "missed_known",
)


def yearly_differences(a: Replications, b: Replications) -> pd.DataFrame:
    """B - A per year of each :data:`YEARLY` column over paired replications (same seeds), with its t-interval.

    Returns:
        One row per column and year: ``column``, ``year``, ``n``, ``a_mean``, ``b_mean``, ``difference``, ``ci_low``, ``ci_high``.

    """
    ya, yb = a.table("yearly").set_index(["replication", "year"]), b.table("yearly").set_index(["replication", "year"])
    rows = []
    for col in (c for c in YEARLY if c in ya and c in yb):
        for year, group in ya[col].groupby(level="year"):
            other = yb[col].xs(year, level="year").reindex(group.index.get_level_values("replication"))
            n, mean, _sd, low, high = paired_difference(group.to_numpy(float), other.to_numpy(float))
            rows.append(
                {
                    "column": col,
                    "year": int(year),
                    "n": n,
                    "a_mean": float(group.mean()),
                    "b_mean": float(other.mean()),
                    "difference": mean,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def overview_figure(diff: pd.DataFrame, n: int, lang: str = "en") -> go.Figure:
    """One small panel per headline outcome: B - A with its interval, each on its own scale, so no outcome squashes another.

    The dashboard shows the same figure (``lang`` ``nl`` for its Dutch page).
    """
    rows = diff.set_index("outcome")
    keys = [k for k in HEADLINE if k in rows.index]
    cols = 3
    fig = make_subplots(
        rows=-(-len(keys) // cols), cols=cols, subplot_titles=[outcome_label(k, lang) for k in keys], vertical_spacing=0.09
    )
    for i, key in enumerate(keys):
        r = rows.loc[key]
        has_interval = pd.notna(r["ci_low"])
        fig.add_trace(
            go.Bar(
                x=[r["difference"]],
                y=["B − A"],
                orientation="h",
                marker_color="steelblue",  # no colour for 'good' or 'bad': fewer placements can mean more children missed
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r["ci_high"] - r["difference"]] if has_interval else [0],
                    "arrayminus": [r["difference"] - r["ci_low"]] if has_interval else [0],
                },
                hovertext=f"{outcome_value(key, r['difference'], difference=True)} ({interval_text(key, r['ci_low'], r['ci_high'], difference=True)})",
                showlegend=False,
            ),
            row=i // cols + 1,
            col=i % cols + 1,
        )
        fig.add_vline(x=0, line_color="grey", row=i // cols + 1, col=i % cols + 1)
        fig.update_xaxes(title_text=outcome_unit(key, lang), title_font_size=10, row=i // cols + 1, col=i % cols + 1)
    fig.update_annotations(font_size=11)
    fig.update_layout(
        title=("B − A per uitkomst, met het " if lang == "nl" else "B − A per outcome, with the ")
        + uncertainty("paired", n, lang),
        height=190 * -(-len(keys) // cols) + 80,
    )
    return fig


def yearly_figure(by_year: pd.DataFrame, n: int) -> go.Figure:
    """B - A by year for the :data:`YEARLY` columns, with the interval as a band, one panel each."""
    columns = [c for c in YEARLY if c in set(by_year["column"])]
    fig = make_subplots(rows=-(-len(columns) // 2), cols=2, subplot_titles=[series_label(c) for c in columns])
    for i, col in enumerate(columns):
        g = by_year[by_year["column"] == col]
        where = {"row": i // 2 + 1, "col": i % 2 + 1}
        if g["ci_low"].notna().all():
            fig.add_trace(
                go.Scatter(
                    x=[*g["year"], *g["year"][::-1]],
                    y=[*g["ci_high"], *g["ci_low"][::-1]],
                    mode="lines",
                    fill="toself",
                    fillcolor="rgba(31,119,180,0.2)",
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=i == 0,
                    name=uncertainty("paired", n),
                ),
                **where,
            )
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g["difference"],
                mode="lines+markers",
                line={"color": "rgb(31,119,180)"},
                name="B − A",
                showlegend=i == 0,
            ),
            **where,
        )
        fig.add_hline(y=0, line_color="grey", **where)
        fig.update_xaxes(title_text="year", tickformat="d", dtick=1, **where)
        fig.update_yaxes(title_text="B − A, per year (national)", title_font_size=10, **where)
    fig.update_layout(
        title="B − A by year (paired replications)",
        height=280 * -(-len(columns) // 2) + 120,
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


def _overall_table(diff: pd.DataFrame, n: int) -> str:
    rows = []
    for r in diff.itertuples():
        if pd.isna(r.a_mean) and pd.isna(r.b_mean):
            continue  # defined in neither scenario (the shock's outcomes without a shock)
        change = "" if pd.isna(r.relative) else f"{r.relative:+.1%}"
        rows.append(
            [
                f"{esc(outcome_label(r.outcome))} <span class='id'>{esc(r.outcome)}</span>",
                esc(outcome_unit(r.outcome)),
                outcome_value(r.outcome, r.a_mean),
                outcome_value(r.outcome, r.b_mean),
                outcome_value(r.outcome, r.difference, difference=True),
                interval_text(r.outcome, r.ci_low, r.ci_high, difference=True),
                change,
            ]
        )
    head = ["Outcome", "Unit", "A", "B", "B − A", uncertainty("paired", n).capitalize(), "Change (B − A) / |A|"]
    return table(head, rows, numeric=(2, 3, 4, 5, 6))


def _yearly_table(by_year: pd.DataFrame, n: int) -> str:
    rows = [
        [
            esc(series_label(r.column)),
            str(r.year),
            whole(r.a_mean),
            whole(r.b_mean),
            ("+" if r.difference > 0 else "") + whole(r.difference),
            interval_text(
                "ots_starts_per_year", r.ci_low, r.ci_high, difference=True
            ),  # counts per year, like every YEARLY column
        ]
        for r in by_year.itertuples()
    ]
    return table(["Flow", "Year", "A", "B", "B − A", uncertainty("paired", n).capitalize()], rows, numeric=(1, 2, 3, 4, 5))


def build(a: Replications, b: Replications, scenario_a: Scenario, scenario_b: Scenario, diff: pd.DataFrame | None = None) -> str:
    """The comparison report as one HTML string (plotly.js inlined, so it works offline).

    Args:
        a: replications of scenario A.
        b: replications of scenario B, with the same seeds.
        scenario_a: A's name, file and description.
        scenario_b: B's.
        diff: :func:`~sim.experiments.runs.paired_differences` of the two, when already computed.

    """
    diff = paired_differences(a, b) if diff is None else diff
    by_year = yearly_differences(a, b)
    n = len(a.seeds)
    title = f"Ketensim comparison: {scenario_b.name} − {scenario_a.name}"
    pairs = (
        f"With {n} pairs the interval says how sure the mean effect is; a lever whose interval includes 0 has no "
        "effect this comparison can tell from zero."
        if n > 1
        else "With one replication there is no interval (shown as –): run with <code>--reps</code> 10 or more."
    )
    parts: list[str | go.Figure] = [
        header(
            title,
            [
                *scenario_rows(scenario_a, a.params, "A: "),
                *scenario_rows(scenario_b, b.params, "B: "),
                *run_rows(a.params, a.seeds),
            ],
        ),
        "<h2>How to read this</h2><ul>"
        "<li>Every number is B − A: scenario B minus scenario A, replication by replication. Both ran with the same "
        "replication seeds (common random numbers: the same families meet the same luck), so a difference is the "
        f"scenario's effect, not chance. The interval is the {uncertainty('paired', n)}. {pairs}</li>"
        "<li>Counts are national and per year, shares in % (their difference in percentage points, pp). The change "
        "is B − A relative to |A|.</li>"
        "<li>Errors are counted against the truth only the model knows: unwarranted investigations, measures and "
        "placements (the child's true situation did not warrant them) and missed children (seriously harmed without "
        "adequate help). Their levels are uncertain (the truth thresholds are), their paired differences much less: "
        "read the differences. See the run report's 'How to read this' and docs/ODD.md section 6.14.</li></ul>",
        overview_figure(diff, n),
        "<h2>Overall: mean per year over the reported years</h2>",
        _overall_table(diff, n),
        "<h2>By year</h2>",
        yearly_figure(by_year, n),
        _yearly_table(by_year, n),
    ]
    return document(title, parts)


def write(
    a: Replications, b: Replications, path: Path, scenario_a: Scenario, scenario_b: Scenario, diff: pd.DataFrame | None = None
) -> None:
    """Write the comparison report to ``path``."""
    path.write_text(build(a, b, scenario_a, scenario_b, diff), encoding="utf-8")

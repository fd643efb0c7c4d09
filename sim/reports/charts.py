"""The run report's charts: every one with a title, axis titles and units, a band over replications and the Dutch figures with their source.

Lines are the mean over replications; with two or more replications a shaded band shows
their spread (2.5-97.5 percentiles, :func:`sim.experiments.stats.spread`), labelled with
:func:`sim.reports.labels.uncertainty`. Dotted lines are Dutch figures, each named with its
year and a number that points to the report's sources section (:func:`figure_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from sim.experiments.runs import Replications
from sim.experiments.targets import load_targets
from sim.model.params import Params
from sim.reports.labels import SANKEY_NODES, label, series_label, uncertainty
from sim.reports.numbers import whole

BAND_COLOURS = ("31,119,180", "255,127,14", "44,160,44", "214,39,40", "148,103,189", "140,86,75")


@dataclass(frozen=True)
class DutchFigure:
    """A Dutch figure drawn in a chart: the target it comes from, the year it counts, the share of it to compare with."""

    key: str
    text: str
    year: str
    factor: float = 1.0  # VT reports: the model has child-related reports only, half of all (targets.toml note)
    text_nl: str = ""  # the text in Dutch (the dashboard's Dutch page)

    def value(self) -> float:
        """The figure as the model's outcome should be compared with it."""
        return float(load_targets()[self.key]["value"]) * self.factor  # type: ignore[arg-type]

    def source(self) -> str:
        """Where the figure comes from (targets.toml)."""
        return str(load_targets()[self.key].get("source", ""))


# The Dutch figures the charts mark, by chart: in this order they are numbered in the sources section.
DUTCH_FIGURES: dict[str, tuple[DutchFigure, ...]] = {
    "stocks": (
        DutchFigure("ots_running_end_of_year", "running OTS, 31 Dec", "2022", text_nl="lopende OTS, 31 dec"),
        DutchFigure(
            "guardianship_running_end_of_year", "running guardianships, 31 Dec", "2022", text_nl="lopende voogdij, 31 dec"
        ),
    ),
    "flows": (
        DutchFigure(
            "vt_reports_per_year",
            "VT reports about children (half of all)",
            "2022",
            0.5,
            text_nl="meldingen over kinderen (de helft van alle)",
        ),
        DutchFigure("raad_protection_investigations_per_year", "Raad investigations", "2022", text_nl="beschermingsonderzoeken"),
        DutchFigure("ots_starts_per_year", "OTS starts", "2022", text_nl="gestarte OTS"),
        DutchFigure("guardianship_starts_per_year", "guardianship starts", "2022", text_nl="gestarte voogdij"),
    ),
    "waiting": (
        DutchFigure(
            "children_waiting_for_guardian", "waiting for a guardian", "Jan 2024", text_nl="wachtend op een jeugdbeschermer"
        ),
    ),
}


def figure_sources() -> list[tuple[int, DutchFigure]]:
    """The Dutch figures in the charts, numbered as their annotations cite them ([1], [2], ...)."""
    figures = [f for group in DUTCH_FIGURES.values() for f in group]
    return list(enumerate(figures, start=1))


def _mark_figures(fig: go.Figure, chart: str, lang: str = "en") -> None:
    number = {f.key: i for i, f in figure_sources()}
    nl = lang == "nl"
    for f in DUTCH_FIGURES.get(chart, ()):
        what = f"Nederlands cijfer {f.year}, {f.text_nl or f.text}" if nl else f"Dutch figure {f.year}, {f.text}"
        fig.add_hline(
            y=f.value(),
            line_dash="dot",
            line_color="black",
            annotation_text=f"{what}: {whole(f.value())} [{number[f.key]}]",
            annotation_position="top left",
            annotation_font_size=10,
        )


def band_lines(
    frame: pd.DataFrame,
    x: str,
    cols: list[str],
    *,
    title: str,
    xaxis_title: str,
    yaxis_title: str,
    n_reps: int,
    lang: str = "en",
    scale_y: float = 1.0,
) -> go.Figure:
    """Mean over replications of each column over ``x`` and, with two or more replications, the band of their spread.

    Args:
        frame: one row per replication and ``x`` (a stacked ``yearly`` or ``monthly`` table).
        x: the column on the x axis (``year``, or ``date`` as a decimal year).
        cols: the columns drawn, each named by :func:`~sim.reports.labels.series_label`.
        title: the chart's title.
        xaxis_title: the x axis title.
        yaxis_title: the y axis title, with its unit.
        n_reps: replications in ``frame`` (the band needs two).
        lang: ``en`` or ``nl``.
        scale_y: multiply values by this (100 for shares shown as %).

    """
    fig = go.Figure()
    for i, col in enumerate(c for c in cols if c in frame):
        g = frame.groupby(x)[col]
        mean = g.mean() * scale_y
        colour = BAND_COLOURS[i % len(BAND_COLOURS)]
        name = series_label(col, lang)
        if n_reps > 1:
            low, high = g.quantile(0.025) * scale_y, g.quantile(0.975) * scale_y
            fig.add_trace(
                go.Scatter(
                    x=[*high.index, *low.index[::-1]],
                    y=[*high, *low[::-1]],
                    mode="lines",
                    fill="toself",
                    fillcolor=f"rgba({colour},0.18)",
                    line={"width": 0},
                    name=("shaded: " if lang != "nl" else "gearceerd: ") + uncertainty("spread", n_reps, lang),
                    hoverinfo="skip",
                    legendgroup=col,
                    showlegend=i == 0,
                )
            )
        fig.add_trace(
            go.Scatter(x=mean.index, y=mean, mode="lines", name=name, line={"color": f"rgb({colour})"}, legendgroup=col)
        )
    fig.update_layout(
        title=title, xaxis_title=xaxis_title, yaxis_title=yaxis_title, height=400, yaxis_rangemode="tozero", hovermode="x"
    )
    fig.update_xaxes(tickformat="d", dtick=1)  # years as 2016, not 2,016, each once
    return fig


SANKEY_LINKS = (
    ("Reports (VT)", "Closed at triage", "vt_closed_at_triage"),
    ("Reports (VT)", "VT investigation", "vt_investigations"),
    ("Reports (VT)", "Voluntary help", "vt_triage_to_help"),
    ("VT investigation", "Voluntary help", "vt_investigation_to_help"),
    ("VT investigation", "Raad investigation", "raad_referrals_from_vt"),
    ("Voluntary help", "Raad investigation", "raad_referrals_from_local_team"),
    ("Voluntary help", "Placed (voluntary)", "placements_voluntary"),
    ("Raad investigation", "Court request", "raad_requests"),
    ("Court request", "OTS", "ots_starts"),
    ("OTS", "Placement authorisation", "placement_authorisations"),
    ("OTS", "Guardianship", "guardianship_starts"),
    ("Placement authorisation", "Placed (court)", "placements_court"),
)


def sankey(yearly: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Sankey of the chain from mean yearly flows (a ``yearly`` table), each node and link labelled with its number per year."""
    y = yearly.mean(numeric_only=True)
    nodes = list(SANKEY_NODES)
    idx = {n: i for i, n in enumerate(nodes)}
    values = [max(0.0, float(y[col])) for *_, col in SANKEY_LINKS]
    inflow = dict.fromkeys(nodes, 0.0)
    outflow = dict.fromkeys(nodes, 0.0)
    for (a, b, _), v in zip(SANKEY_LINKS, values, strict=True):
        outflow[a] += v
        inflow[b] += v
    names = [SANKEY_NODES[n][lang == "nl"] for n in nodes]
    per_year = " per jaar" if lang == "nl" else " per year"
    fig = go.Figure(
        go.Sankey(
            node={
                "label": [f"{name}: {whole(max(inflow[n], outflow[n]))}" for name, n in zip(names, nodes, strict=True)],
                "pad": 15,
                "customdata": nodes,
                "hovertemplate": "%{label}" + per_year + "<extra></extra>",
            },
            link={
                "source": [idx[a] for a, _, _ in SANKEY_LINKS],
                "target": [idx[b] for _, b, _ in SANKEY_LINKS],
                "value": values,
                "customdata": [whole(v) for v in values],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}" + per_year + "<extra></extra>",
            },
        )
    )
    fig.update_layout(title=label("fig_sankey_numbers", lang), height=520)
    return fig


def figures(reps: Replications, lang: str = "en") -> dict[str, go.Figure]:
    """The report's charts by name; the dashboard shows the same ones.

    Names: ``sankey``, ``stocks``, ``flows``, ``bermuda``, ``wellbeing``, ``outcomes``,
    ``waiting``, ``costs`` and, when the scenario has a shock that hit someone, ``equity``.
    """
    n = len(reps.seeds)
    yearly = reps.table("yearly")
    monthly = reps.table("monthly")
    monthly["date"] = monthly["year"] + (monthly["month"] - 0.5) / 12
    nl = lang == "nl"
    year = "jaar" if nl else "year"
    per_year = "per jaar, landelijk" if nl else "per year, national"

    def chart(name: str, frame: pd.DataFrame, x: str, cols: list[str], yaxis: str, scale_y: float = 1.0) -> go.Figure:
        fig = band_lines(
            frame,
            x,
            cols,
            title=label(f"fig_{name}", lang),
            xaxis_title=year,
            yaxis_title=yaxis,
            n_reps=n,
            lang=lang,
            scale_y=scale_y,
        )
        _mark_figures(fig, name, lang)
        return fig

    children = "kinderen (landelijk)" if nl else "children (national)"
    figs = {
        "sankey": sankey(yearly, lang),
        "stocks": chart("stocks", monthly, "date", ["n_ots", "n_guardianship", "n_placed", "n_court_placed"], children),
        "flows": chart(
            "flows",
            yearly,
            "year",
            ["vt_reports", "raad_protection_investigations", "ots_starts", "placement_authorisations", "guardianship_starts"],
            per_year,
        ),
        "bermuda": chart(
            "bermuda",
            yearly,
            "year",
            ["unwarranted_raad_investigations", "unwarranted_placements", "missed_known", "missed_unreported"],
            ("kinderen " if nl else "children ") + per_year,
        ),
        "wellbeing": chart(
            "wellbeing",
            yearly,
            "year",
            ["mean_wellbeing", "mean_wellbeing_placed"],
            "index (hoger is beter)" if nl else "index (higher is better)",
        ),
        "outcomes": chart("outcomes", yearly, "year", ["placement_moves", "reunifications", "harm_incidents"], per_year),
        "waiting": chart(
            "waiting",
            monthly,
            "date",
            ["n_waiting_raad", "n_waiting_guardian", "n_waiting_placement", "n_waiting_home_help"],
            "wachtende kinderen (landelijk)" if nl else "children waiting (national)",
        ),
        "costs": _costs(reps, lang),
    }
    equity = reps.table("equity")
    hit = equity[equity["group"] == "hit"]
    if len(hit) and hit["n_children"].sum() > 0:
        wide = equity.pivot_table(index=["replication", "year"], columns="group", values="rate_with_measure").reset_index()
        figs["equity"] = band_lines(
            wide,
            "year",
            ["hit", "matched", "other"],
            title=label("fig_equity", lang),
            xaxis_title=year,
            yaxis_title="% van de kinderen met een maatregel" if nl else "% of children with a measure",
            n_reps=n,
            lang=lang,
            scale_y=100,
        )
    for name, fig in figs.items():
        if name != "sankey":
            mark_timeline(fig, reps.params, lang)
    return figs


def mark_timeline(fig: go.Figure, params: Params, lang: str = "en") -> None:
    """A dotted vertical line at each timeline date (its month, as a decimal year), named by what changes then.

    Yearly charts put a year's value at the year itself, so a change in January of 2023 sits on the
    2023 point; a ramp is marked where it starts and where it ends.
    """
    for entry in params.timeline:
        keys = ", ".join(entry.set)
        dates = [(entry.start, "from" if lang != "nl" else "vanaf")]
        if entry.until is not None:
            dates.append((entry.until, "reached" if lang != "nl" else "bereikt"))
        for date, word in dates:
            year, month = (int(part) for part in date.split("-"))
            fig.add_vline(
                x=year + (month - 1) / 12,
                line_dash="dot",
                line_color="grey",
                annotation_text=f"{word} {date}: {keys}",
                annotation_position="top left",
                annotation_font_size=9,
            )


def _costs(reps: Replications, lang: str) -> go.Figure:
    """Stacked costs per route (mean over replications), and the total's spread over replications as error bars."""
    costs = reps.table("costs")
    mean = costs.groupby(["year", "route"], as_index=False)["euro"].mean()
    fig = go.Figure(
        [go.Bar(x=g["year"], y=g["euro"] / 1e6, name=series_label(route, lang)) for route, g in mean.groupby("route", sort=False)]
    )
    n = len(reps.seeds)
    if n > 1:
        total = costs.groupby(["replication", "year"])["euro"].sum().groupby("year")
        mid, low, high = total.mean() / 1e6, total.quantile(0.025) / 1e6, total.quantile(0.975) / 1e6
        fig.add_trace(
            go.Scatter(
                x=mid.index,
                y=mid,
                mode="markers",
                marker={"color": "black", "size": 5},
                error_y={"type": "data", "symmetric": False, "array": high - mid, "arrayminus": mid - low},
                name=("totaal: " if lang == "nl" else "total: ") + uncertainty("spread", n, lang),
            )
        )
    fig.update_layout(
        barmode="stack",
        title=label("fig_costs", lang),
        xaxis_title="jaar" if lang == "nl" else "year",
        yaxis_title="miljoen euro per jaar" if lang == "nl" else "million euro per year",
        height=400,
    )
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig

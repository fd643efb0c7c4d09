"""Self-contained HTML report of a sweep (plotly.js inline, so it opens offline)."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim import __version__
from sim.experiments.sweeps.design import BASE_POINT
from sim.experiments.sweeps.spec import BERMUDA

if TYPE_CHECKING:
    from sim.experiments.sweeps.analysis import Analysis, SweepResults

MAX_OUTCOMES = 6  # outcomes shown per chart row; the tables hold them all
MAX_GROUPS = 10  # a factor with more distinct values is binned for its response curve


def _shown(res: SweepResults) -> list[str]:
    others = [o for o in res.outcomes if o not in BERMUDA]
    return list(BERMUDA) + others[: MAX_OUTCOMES - len(BERMUDA)]


def _groups(values: pd.Series) -> pd.Series:
    """Group labels for a response curve: the value itself, or one of MAX_GROUPS quantile bins."""
    if values.nunique() <= MAX_GROUPS or not pd.api.types.is_numeric_dtype(values):
        return values
    return values.groupby(pd.qcut(values, MAX_GROUPS, duplicates="drop"), observed=True).transform("mean")


def _band(fig: go.Figure, x: list[float], low: list[float], high: list[float], row: int, col: int) -> None:
    fig.add_trace(
        go.Scatter(
            x=x + x[::-1],
            y=high + low[::-1],
            fill="toself",
            fillcolor="rgba(31,119,180,0.2)",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        ),
        row=row,
        col=col,
    )


def response_curves(res: SweepResults) -> list[go.Figure]:
    """Per factor: each outcome's mean (95 % band) against the factor, over all other factors."""
    from sim.experiments.stats import mean_interval

    ok, shown, figs = res.ok, _shown(res), []
    design_runs = ok[ok["point"] != BASE_POINT]
    base_runs = ok[ok["point"] == BASE_POINT]
    cols = 3
    rows = math.ceil(len(shown) / cols)
    for factor in res.factors:
        fig = make_subplots(rows=rows, cols=cols, subplot_titles=shown, vertical_spacing=0.18)
        groups = _groups(design_runs[factor])
        for j, outcome in enumerate(shown):
            r, c = j // cols + 1, j % cols + 1
            stats = [(g, *mean_interval(v[outcome].to_numpy(float))) for g, v in design_runs.groupby(groups, sort=True)]
            x = [float(s[0]) if not isinstance(s[0], str) else s[0] for s in stats]
            mean, low, high = [s[2] for s in stats], [s[4] for s in stats], [s[5] for s in stats]
            if all(isinstance(v, float) for v in x) and not any(math.isnan(v) for v in low + high):
                _band(fig, x, low, high, r, c)
            fig.add_trace(go.Scatter(x=x, y=mean, mode="lines+markers", line_color="#1f77b4", showlegend=False), row=r, col=c)
            if len(base_runs):
                fig.add_hline(y=float(base_runs[outcome].mean()), line_dash="dot", line_color="grey", row=r, col=c)
            fig.update_xaxes(title_text=factor, row=r, col=c)
        fig.update_layout(
            title=f"Response to {factor} (mean, with its 95 % t-interval of the mean; dotted: base scenario)", height=330 * rows
        )
        figs.append(fig)
    return figs


def differences_figure(res: SweepResults, diff: pd.DataFrame) -> go.Figure:
    """Each point minus the base point (paired replications), with 95 % intervals."""
    shown = _shown(res)
    fig = make_subplots(rows=len(shown), cols=1, subplot_titles=shown, shared_xaxes=True)
    for i, outcome in enumerate(shown, start=1):
        d = diff[diff["outcome"] == outcome]
        label = d[res.factors].astype(str).agg(", ".join, axis=1)
        fig.add_trace(
            go.Scatter(
                x=d["point"],
                y=d["difference"],
                mode="markers",
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": d["ci_high"] - d["difference"],
                    "arrayminus": d["difference"] - d["ci_low"],
                },
                text=label,
                hovertemplate="point %{x}: %{text}<br>difference %{y:.4g}<extra></extra>",
                showlegend=False,
            ),
            row=i,
            col=1,
        )
        fig.add_hline(y=0, line_color="grey", row=i, col=1)
    fig.update_xaxes(title_text="design point", row=len(shown), col=1)
    fig.update_layout(title="Paired differences vs. the base scenario (same seeds), 95% intervals", height=220 * len(shown))
    return fig


def sensitivity_figure(sens: pd.DataFrame) -> go.Figure:
    """Bars: Sobol S1 and ST, or Morris mu* and sigma, per factor and outcome."""
    first, second = ("S1", "ST") if sens["method"].iloc[0] == "sobol" else ("mu_star", "sigma")
    outcomes = list(dict.fromkeys(sens["outcome"]))
    fig = make_subplots(rows=len(outcomes), cols=1, subplot_titles=outcomes)
    for i, outcome in enumerate(outcomes, start=1):
        s = sens[sens["outcome"] == outcome]
        for key, color in ((first, "#1f77b4"), (second, "#ff7f0e")):
            conf = s.get(f"{key}_conf")
            fig.add_trace(
                go.Bar(
                    x=s["factor"],
                    y=s[key],
                    name=key,
                    marker_color=color,
                    error_y=None if conf is None else {"type": "data", "array": conf},
                    showlegend=i == 1,
                ),
                row=i,
                col=1,
            )
    fig.update_layout(barmode="group", title=f"Sensitivity: {first} and {second} per factor", height=260 * len(outcomes))
    return fig


def tradeoff_figure(res: SweepResults, summary: pd.DataFrame) -> go.Figure:
    """The Bermuda triangle: unwarranted placements vs. missed children, coloured by unwarranted investigations."""
    wide = summary.pivot_table(index="point", columns="outcome", values="mean")
    inv, placed, missed = BERMUDA
    labels = res.design.set_index("point").loc[wide.index, res.factors].astype(str).agg(", ".join, axis=1)
    fig = go.Figure(
        go.Scatter(
            x=wide[placed],
            y=wide[missed],
            mode="markers",
            marker={
                "color": wide[inv],
                "colorscale": "Viridis",
                "size": 9,
                "colorbar": {"title": "unwarranted<br>investigations"},
            },
            text=labels,
            hovertemplate="%{text}<br>unwarranted placements %{x:.4g}<br>missed children %{y:.4g}<extra></extra>",
            name="design points",
        )
    )
    if BASE_POINT in wide.index:
        fig.add_trace(
            go.Scatter(
                x=[wide.loc[BASE_POINT, placed]],
                y=[wide.loc[BASE_POINT, missed]],
                mode="markers",
                marker={"symbol": "star", "size": 16, "color": "red"},
                name="base scenario",
            )
        )
    fig.update_layout(
        title="Trade-off: unwarranted placements vs. missed children (colour: unwarranted Raad investigations), per year",
        xaxis_title=placed,
        yaxis_title=missed,
        height=500,
        legend={"x": 0, "y": 1.12, "orientation": "h"},
    )
    return fig


def write_report(analysis: Analysis, path: Path | None = None) -> Path:
    """Write the report of an analysis as one HTML file with plotly.js inline (default: ``report.html`` in the sweep folder)."""
    from sim.experiments.sweeps.store import write_text_atomic

    res, tables, note = analysis.results, analysis.tables, analysis.note
    path = path or res.out / "report.html"
    settings = res.definition["settings"]
    runs = res.runs
    n_ok, n_failed = int((runs["status"] == "ok").sum()), int((runs["status"] == "failed").sum())
    figs: list[tuple[str, go.Figure | None, str]] = [
        ("Lever and uncertainty responses", None, "Mean over all runs at each value (other factors varying), 95% interval.")
    ]
    figs += [("", f, "") for f in response_curves(res)]
    figs.append(("Paired differences vs. the base scenario", differences_figure(res, tables["differences"]), ""))
    sens = tables["sensitivity"]
    figs.append(("Sensitivity", sensitivity_figure(sens) if len(sens) else None, note))
    figs.append(("Bermuda triangle", tradeoff_figure(res, tables["summary"]), "Each point's mean over replications."))
    parts, first = [], True
    for title, fig, text in figs:
        if title:
            parts.append(f"<h2>{html.escape(title)}</h2>")
        if text:
            parts.append(f"<p>{html.escape(text)}</p>")
        if fig is not None:
            parts.append(fig.to_html(full_html=False, include_plotlyjs=first))  # plotly.js once, inline
            first = False
    failed = runs[runs["status"] == "failed"]
    if len(failed):
        parts.append("<h2>Failed runs</h2>" + failed[["run_id", "error"]].to_html(index=False))
    factors = ", ".join(f"{f['name']} ({f['role']})" for f in res.definition["factors"])
    head = (
        f"<h1>Ketensim sweep: {html.escape(res.out.name)}</h1><p>Design {html.escape(settings['design'])}, "
        f"{res.design['kind'].eq('design').sum()} points + base, {settings['replications']} replications "
        f"(the same seeds at every point), seed {settings['seed']}; {n_ok} runs ok, {n_failed} failed; "
        f"ketensim {__version__}.</p><p>Factors: {html.escape(factors)}</p>"
    )
    body = "\n".join([head, *parts])
    doc = f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ketensim sweep</title></head><body style='font-family:sans-serif;max-width:1400px;margin:auto'>{body}</body></html>"
    write_text_atomic(path, doc)
    return path

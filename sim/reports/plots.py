"""Plotting helpers for notebooks: a yearly outcome over replications, a paired comparison.

Both return plotly figures (``fig.show()`` in a notebook, ``fig.write_html(path)`` to save);
the report's own charts are :func:`sim.reports.run.figures`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sim.experiments.runs import Replications
from sim.reports.labels import outcome_label, series_label, uncertainty


def yearly_figure(reps: Replications | dict[str, Replications], column: str) -> go.Figure:
    """One ``yearly`` column over the years: mean over replications and the 2.5-97.5 % range of the replications.

    Args:
        reps: one scenario's replications, or several by name (one line each).
        column: a column of ``reps.table("yearly")`` (e.g. ``ots_starts``, ``placements_court``).

    Raises:
        KeyError: ``column`` is not a yearly column (the message lists them).

    """
    scenarios = reps if isinstance(reps, dict) else {"": reps}
    fig = go.Figure()
    for name, one in scenarios.items():
        yearly = one.table("yearly")
        if column not in yearly:
            raise KeyError(f"no yearly column {column!r}; columns: {', '.join(c for c in yearly if c != 'replication')}")
        by_year = yearly.groupby("year")[column]
        low, high = by_year.quantile(0.025), by_year.quantile(0.975)
        if len(one.runs) > 1:  # a range needs more than one replication
            fig.add_trace(
                go.Scatter(
                    x=[*low.index, *high.index[::-1]],
                    y=[*low, *high[::-1]],
                    fill="toself",
                    opacity=0.2,
                    line={"width": 0},
                    name=f"{name} {uncertainty('spread', len(one.runs))}".strip(),
                    hoverinfo="skip",
                )
            )
        mean = by_year.mean()
        fig.add_trace(go.Scatter(x=mean.index, y=mean, mode="lines+markers", name=f"{name} mean".strip()))
    fig.update_layout(
        title=series_label(column), xaxis_title="year", yaxis_title=f"{column} (national count per year)", height=380
    )
    fig.update_xaxes(tickformat="d", dtick=1)
    return fig


def comparison_figure(diff: pd.DataFrame, outcomes: list[str] | None = None) -> go.Figure:
    """Paired differences (:func:`~sim.experiments.runs.paired_differences`) as % change of A, with the 95 % interval.

    Args:
        diff: the table ``paired_differences(a, b)`` returns.
        outcomes: the outcomes to show, in this order (default: all with a non-zero A).

    """
    rows = diff.set_index("outcome")
    rows = rows.loc[outcomes] if outcomes is not None else rows[rows["a_mean"].fillna(0) != 0]
    scale = rows["a_mean"].abs()
    rel, low, high = 100 * rows["difference"] / scale, 100 * rows["ci_low"] / scale, 100 * rows["ci_high"] / scale
    fig = go.Figure(
        go.Bar(
            x=rel,
            y=[outcome_label(o) for o in rows.index],
            orientation="h",
            error_x={"type": "data", "symmetric": False, "array": high - rel, "arrayminus": rel - low},
        )
    )
    fig.add_vline(x=0, line_color="grey")
    fig.update_layout(
        title="B - A (paired replications)",
        xaxis_title="% change of A (95 % interval of the paired difference)",
        height=max(300, 26 * len(rows) + 120),
        margin={"l": 340},
        yaxis={"autorange": "reversed"},
    )
    return fig

"""A self-contained HTML report with plotly charts for one scenario's replications."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sim.experiments.runs import Replications
from sim.experiments.targets import load_targets
from sim.reports.labels import label


def summary_table(reps: Replications) -> pd.DataFrame:
    """Mean and 95% range of each summary outcome over replications, beside its Dutch target."""
    summary = reps.summary().drop(columns=["replication", "seed"])
    targets = load_targets()
    rows = []
    for col in summary.columns:
        values = summary[col]
        target = dict(targets.get(col, {}))
        if col == "vt_reports_per_year":
            # the model simulates child-related reports only; the target's note says to
            # compare with half of all VT reports
            target["value"] = float(target["value"]) / 2  # type: ignore[arg-type]
        rows.append(
            {
                "outcome": col,
                "mean": values.mean(),
                "low": values.quantile(0.025) if len(values) > 1 else float("nan"),
                "high": values.quantile(0.975) if len(values) > 1 else float("nan"),
                "target": target.get("value", float("nan")),
            }
        )
    return pd.DataFrame(rows)


def sankey(yearly: pd.DataFrame) -> go.Figure:
    """Sankey of the chain from mean yearly flows (a ``yearly`` table)."""
    y = yearly.mean(numeric_only=True)
    nodes = [
        "Reports (VT)",
        "VT investigation",
        "Voluntary help",
        "Raad investigation",
        "Court request",
        "OTS",
        "Placement authorisation",
        "Guardianship",
        "Closed at triage",
        "Placed (voluntary)",
        "Placed (court)",
    ]
    idx = {n: i for i, n in enumerate(nodes)}
    links = [
        ("Reports (VT)", "Closed at triage", y["vt_closed_at_triage"]),
        ("Reports (VT)", "VT investigation", y["vt_investigations"]),
        ("Reports (VT)", "Voluntary help", y["vt_triage_to_help"]),
        ("VT investigation", "Voluntary help", y["vt_investigation_to_help"]),
        ("VT investigation", "Raad investigation", y["raad_referrals_from_vt"]),
        ("Voluntary help", "Raad investigation", y["raad_referrals_from_local_team"]),
        ("Voluntary help", "Placed (voluntary)", y["placements_voluntary"]),
        ("Raad investigation", "Court request", y["raad_requests"]),
        ("Court request", "OTS", y["ots_starts"]),
        ("OTS", "Placement authorisation", y["placement_authorisations"]),
        ("OTS", "Guardianship", y["guardianship_starts"]),
        ("Placement authorisation", "Placed (court)", y["placements_court"]),
    ]
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 15},
            link={
                "source": [idx[a] for a, _, _ in links],
                "target": [idx[b] for _, b, _ in links],
                "value": [max(0.0, float(v)) for *_, v in links],
            },
        )
    )
    fig.update_layout(title="The chain: mean yearly flows (re-reports of known children not shown)", height=450)
    return fig


def lines(frame: pd.DataFrame, x: str, cols: dict[str, str], title: str, targets: dict[str, float] | None = None) -> go.Figure:
    """Line chart of ``cols`` (column: label) over ``x``, with dotted horizontal target lines."""
    fig = go.Figure()
    for col, name in cols.items():
        if col in frame:
            fig.add_trace(go.Scatter(x=frame[x], y=frame[col], mode="lines", name=name))
    for text, value in (targets or {}).items():
        fig.add_hline(y=value, line_dash="dot", annotation_text=text)
    fig.update_layout(title=title, height=380)
    return fig


def figures(reps: Replications) -> dict[str, go.Figure]:
    """The report's charts by name (means over replications); the dashboard shows the same ones.

    Names: ``sankey``, ``stocks``, ``flows``, ``bermuda``, ``wellbeing``, ``outcomes``,
    ``waiting``, ``costs`` and, when the scenario has a shock that hit someone, ``equity``.
    """
    yearly = reps.table("yearly").groupby("year").mean(numeric_only=True).reset_index()
    monthly = reps.table("monthly").groupby("time").mean(numeric_only=True).reset_index()
    monthly["date"] = monthly["year"] + (monthly["month"] - 0.5) / 12
    targets = load_targets()

    def tv(key: str) -> float:
        return float(targets[key]["value"])  # type: ignore[arg-type]

    figs = {
        "sankey": sankey(yearly),
        "stocks": lines(
            monthly,
            "date",
            {
                "n_ots": "running OTS",
                "n_guardianship": "running guardianships",
                "n_placed": "children in care",
                "n_court_placed": "of which court-placed",
            },
            "Stocks over time (dotted: Dutch figures 2022)",
            {
                "OTS 31 Dec 2022": tv("ots_running_end_of_year"),
                "guardianship 31 Dec 2022": tv("guardianship_running_end_of_year"),
            },
        ),
        "flows": lines(
            yearly,
            "year",
            {
                "vt_reports": "VT reports (child)",
                "raad_protection_investigations": "Raad investigations",
                "ots_starts": "OTS starts",
                "placement_authorisations": "placement authorisations",
                "guardianship_starts": "guardianship starts",
            },
            "Flows per year",
        ),
        "bermuda": lines(
            yearly,
            "year",
            {
                "unwarranted_raad_investigations": "unwarranted Raad investigations (privacy)",
                "unwarranted_placements": "unwarranted placements (unjust measures)",
                "missed_known": "missed among children the chain knew (safety)",
                "missed_unreported": "missed, never reported",
            },
            "The Bermuda triangle: errors against the truth, per year",
        ),
        "wellbeing": lines(
            yearly,
            "year",
            {"mean_wellbeing": "mean wellbeing, all children", "mean_wellbeing_placed": "mean wellbeing, placed children"},
            "Children's wellbeing (model index; higher is better)",
        ),
        "outcomes": lines(
            yearly,
            "year",
            {"placement_moves": "moves", "reunifications": "reunifications", "harm_incidents": "serious-harm incidents"},
            "Children's outcomes per year",
        ),
        "waiting": lines(
            monthly,
            "date",
            {
                "n_waiting_raad": "waiting for Raad",
                "n_waiting_guardian": "waiting for a guardian",
                "n_waiting_placement": "waiting for a place",
                "n_waiting_home_help": "waiting for intensive home help",
            },
            "Waiting lists",
            {"waiting for guardian (Jan 2024)": tv("children_waiting_for_guardian")},
        ),
    }
    costs = reps.table("costs").groupby(["year", "route"], as_index=False)["euro"].mean()
    cost_fig = go.Figure([go.Bar(x=g["year"], y=g["euro"] / 1e6, name=route) for route, g in costs.groupby("route")])
    cost_fig.update_layout(barmode="stack", title="Costs per route (million euro per year)", height=380)
    figs["costs"] = cost_fig
    equity = reps.table("equity")
    if (equity["group"] == "hit").any() and equity.loc[equity["group"] == "hit", "n_children"].sum() > 0:
        eq = equity.groupby(["year", "group"], as_index=False)["rate_with_measure"].mean()
        eq_fig = go.Figure([go.Scatter(x=g["year"], y=g["rate_with_measure"], name=grp) for grp, g in eq.groupby("group")])
        eq_fig.update_layout(title="Equity: share of children with a measure, hit vs matched vs other", height=380)
        figs["equity"] = eq_fig

    return figs


def build_report(reps: Replications, title: str) -> str:
    """Render the report as one HTML string (plotly.js inlined, so it works offline)."""
    figs = list(figures(reps).values())
    table = summary_table(reps)
    rows = "".join(
        f"<tr><td>{html.escape(r.outcome)}</td><td>{r.mean:,.3f}</td><td>{r.low:,.3f}</td><td>{r.high:,.3f}</td>"
        f"<td>{'' if pd.isna(r.target) else f'{r.target:,.3f}'}</td></tr>"
        for r in table.itertuples()
    )
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{len(reps.seeds)} replication(s); seeds {', '.join(map(str, reps.seeds))}; scale {reps.params.run.scale}; "
        f"years {reps.params.run.start_year}-{reps.params.run.start_year + reps.params.run.years - 1}. "
        "Counts are national (divided by scale). VT reports are child-related: compare with ~62,000 (half of 124,000).</p>",
        "<table border=1 cellpadding=3><tr><th>outcome</th><th>mean</th><th>2.5%</th><th>97.5%</th><th>Dutch figure</th></tr>"
        f"{rows}</table>",
    ]
    parts.append(f"<p><b>Errors against the truth.</b> {html.escape(label('errors_explained'))}</p>")
    for i, fig in enumerate(figs):
        parts.append(fig.to_html(full_html=False, include_plotlyjs="inline" if i == 0 else False))
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        + html.escape(title)
        + "</title></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def write_report(reps: Replications, path: Path, title: str) -> None:
    """Write the report to ``path``."""
    path.write_text(build_report(reps, title), encoding="utf-8")

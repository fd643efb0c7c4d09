"""The HTML validation report: model vs. Dutch figures, and the four validation experiments."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim import __version__
from sim.experiments.targets import targets
from sim.experiments.validation import REAL_CHANGE_SOURCE, SERIES, Validation
from sim.reports.labels import NO_INTERVAL, OUTCOMES, outcome_label, uncertainty
from sim.reports.numbers import interval_text, outcome_value
from sim.reports.page import document

BASE_YEAR = 2022
# the flows the staff-shortage experiment is about (the waits are in its table)
FLOW_OUTCOMES = (
    "vt_reports_per_year",
    "raad_protection_investigations_per_year",
    "ots_requests_per_year",
    "ots_placement_requests_per_year",
    "ots_starts_per_year",
    "placement_authorisations_per_year",
)


def _target_figure(table: pd.DataFrame, n: int) -> go.Figure:
    """Normalised error per target: inside the grey band is within tolerance."""
    t = table.iloc[::-1]
    err_hi = (t["ci_high"] - t["model"]) / t["tolerance"]
    err_lo = (t["model"] - t["ci_low"]) / t["tolerance"]
    fig = go.Figure(
        go.Scatter(
            x=t["z"],
            y=t["target"],
            mode="markers",
            marker={"size": 10, "color": ["seagreen" if w else "crimson" for w in t["within"]]},
            error_x={"type": "data", "symmetric": False, "array": err_hi, "arrayminus": err_lo},
            text=[
                f"model {m:,.4g} vs Dutch figure {r:,.4g} (tolerance ±{tol:,.3g})"
                for m, r, tol in zip(t["model"], t["real"], t["tolerance"], strict=True)
            ],
            hoverinfo="text+y",
        )
    )
    fig.add_vrect(x0=-1, x1=1, fillcolor="lightgrey", opacity=0.4, line_width=0)
    fig.update_layout(
        title=f"Model vs. Dutch figures: (model - target) / tolerance, with the {uncertainty('mean', n)}",
        xaxis_title="normalised error (|z| <= 1 is within tolerance)",
        height=120 + 28 * len(t),
        margin={"l": 330},
    )
    return fig


def _series_figures(v: Validation) -> list[go.Figure]:
    yearly = v.reps.table("yearly")
    by_target = {t.key: t for t in targets()}
    figs = []
    for col, key, label in SERIES:
        if col not in yearly:
            continue
        g = yearly.groupby("year")[col]
        mean, lo, hi = g.mean(), g.quantile(0.025), g.quantile(0.975)
        n = len(v.reps.seeds)
        fig = go.Figure(
            [
                go.Scatter(x=hi.index, y=hi, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"),
                go.Scatter(x=lo.index, y=lo, mode="lines", fill="tonexty", line={"width": 0}, name=uncertainty("spread", n)),
                go.Scatter(x=mean.index, y=mean, mode="lines+markers", name="model (mean)"),
            ]
        )
        t = by_target.get(key)
        if t is not None:
            fig.add_trace(
                go.Scatter(
                    x=[BASE_YEAR, BASE_YEAR],
                    y=[t.value - t.tolerance, t.value + t.tolerance],
                    mode="lines",
                    line={"color": "black", "width": 3},
                    name="Dutch figure ± tolerance",
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=[BASE_YEAR],
                    y=[t.value],
                    mode="markers",
                    marker={"symbol": "diamond", "size": 12, "color": "black"},
                    name=f"Dutch figure {BASE_YEAR}",
                )
            )
        fig.update_layout(
            title=label, height=320, yaxis_rangemode="tozero", xaxis_title="year", yaxis_title="national count", xaxis_dtick=1
        )
        figs.append(fig)
    return figs


def _bars(
    frame: pd.DataFrame, x: str, label: str, title: str, lo: str = "ci_low", hi: str = "ci_high", xaxis_title: str = ""
) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=frame[x],
            y=frame[label],
            orientation="h",
            error_x={"type": "data", "symmetric": False, "array": frame[hi] - frame[x], "arrayminus": frame[x] - frame[lo]},
        )
    )
    fig.update_layout(
        title=title, height=140 + 40 * len(frame), margin={"l": 380}, xaxis_tickformat=".0%", xaxis_title=xaxis_title
    )
    return fig


def _with_real_change(fig: go.Figure, frame: pd.DataFrame) -> go.Figure:
    """Mark the real chain's change beside the model's bars, where the Raad counted it."""
    real = frame.dropna(subset=["real_relative"])
    fig.add_trace(
        go.Scatter(
            x=real["real_relative"],
            y=real["label"],
            mode="markers",
            marker={"symbol": "diamond", "size": 11, "color": "black"},
            name="real chain 2019 -> 2022",
        )
    )
    fig.data[0].name = "model, with its interval"
    return fig


TARGET_COLUMNS = {
    "target": "",
    "real": "num",
    "tolerance": "num",
    "model": "num",
    "ci_low": "num",
    "ci_high": "num",
    "z": ".2f",
    "within": "",
}


def _cell(value: object, fmt: str) -> str:
    """A table cell: counts with thousands separators, small numbers with 4 digits, yes/NO for booleans."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "NO"
    if fmt == "num" and isinstance(value, (int, float)):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"
    return format(value, fmt) if fmt else str(value)


HEADERS = {
    "target": "target",
    "arm": "arm",
    "real": "Dutch figure",
    "tolerance": "tolerance (±)",
    "model": "model mean",
    "ci_low": "interval: low",
    "ci_high": "interval: high",
    "z": "z = (model - figure) / tolerance",
    "within": "within tolerance",
    "source": "source",
    "label": "outcome",
    "a_mean": "validated scenario",
    "b_mean": "experiment",
    "difference": "change",
    "relative": "change (relative)",
    "relative_low": "interval: low",
    "relative_high": "interval: high",
    "real_relative": "real chain 2019 -> 2022 (relative)",
    "measure": "measure",
    "value": "mean",
    "group": "group",
    "period": "period",
    "first_year": "first reported year",
    "last_year": "last reported year",
    "slope_per_year": "change per year",
    "slope_low": "interval: low",
    "slope_high": "interval: high",
    "change_in_tolerances": "change over the years, in tolerances",
    "moving": "moves more than its tolerance",
}


def _named(key: str) -> str:
    """A target or outcome for people, with its identifier."""
    return f"{outcome_label(key)} ({key})" if key in OUTCOMES else key


def _table(frame: pd.DataFrame, formats: dict[str, str]) -> str:
    head = "".join(f"<th>{html.escape(HEADERS.get(c, c))}</th>" for c in formats)
    if "target" in frame:
        frame = frame.assign(target=frame["target"].map(_named))
    rows = []
    for r in frame.to_dict("records"):
        cells = [f"<td>{html.escape(_cell(r.get(col), fmt))}</td>" for col, fmt in formats.items()]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table border=1 cellpadding=3><tr>{head}</tr>{''.join(rows)}</table>"


def build(v: Validation) -> str:
    """The report as one HTML string (plotly.js inlined, so it works offline)."""
    p = v.reps.params
    n = len(v.reps.seeds)
    within = int(v.targets["within"].sum()) + (0 if v.responses is None else int(v.responses["within"].sum()))
    n_targets = len(v.targets) + (0 if v.responses is None else len(v.responses))
    parts: list[str | go.Figure] = [
        f"<h1>Ketensim validation: {html.escape(v.scenario)}</h1>",
        f"<p>Ketensim {__version__}. {len(v.reps.seeds)} replications (seeds {', '.join(map(str, v.reps.seeds))}); scale {p.run.scale}; "
        f"years {p.run.start_year}-{p.run.start_year + p.run.years - 1} (outcomes are means over these years; "
        f"the Dutch figures are for {BASE_YEAR}). Counts are national. VT reports are child-related: the target is half "
        f"of all VT reports. <b>{within} of {n_targets} targets (levels and responses) within tolerance.</b></p>",
        "<h2>1. Levels: model vs. Dutch figures</h2>",
        f"<p>Interval: the {uncertainty('mean', n)}, cut at 0 for counts and at 0-100 % for shares.</p>",
        _table(v.targets, TARGET_COLUMNS),
        _target_figure(v.targets, n),
        *_responses(v),
        f"<h2>2. Stocks and flows over time</h2><p>Band: the {uncertainty('spread', n)}; black: the Dutch figure for "
        "2022 with its tolerance.</p>",
        *_series_figures(v),
        *_trends(v),
    ]
    if v.staff is not None:
        parts += [
            "<h2>3. Staff shortage (Raad and GI staffing cut as in 2019-2022)</h2>",
            "<p>Scenario <code>scenarios/validation/staff_shortage_2019_2022.toml</code> vs. the validated scenario, "
            f"paired (same seeds). Relative change with the {uncertainty('paired', n)}; <i>real</i>: the real chain's "
            f"change 2019 -> 2022 ({html.escape(REAL_CHANGE_SOURCE)}), a comparison of direction and size, not a target "
            "(the real decline had other causes too).</p>",
            _table(
                v.staff,
                {
                    "label": "",
                    "a_mean": "num",
                    "b_mean": "num",
                    "relative": "+.1%",
                    "relative_low": "+.1%",
                    "relative_high": "+.1%",
                    "real_relative": "+.1%",
                },
            ),
            _with_real_change(
                _bars(
                    v.staff[v.staff["outcome"].isin(FLOW_OUTCOMES)],
                    "relative",
                    "label",
                    f"Relative change of the chain's flows, staff shortage vs. baseline ({uncertainty('paired', n)})",
                    "relative_low",
                    "relative_high",
                    "change relative to the validated scenario",
                ),
                v.staff[v.staff["outcome"].isin(FLOW_OUTCOMES)],
            ),
        ]
    if v.shock is not None:
        sf = v.shock_figures
        parts += [
            "<h2>4. Financial shock with matched controls</h2>",
            "<p>Scenario <code>scenarios/validation/financial_shock_matched.toml</code>. Share of children (and of "
            "households) with a protection measure, placed, and court-placed during each year: hit families, matched "
            "families (same pre-shock risk, not hit) and all other families; before the shock and in the three years "
            "after it began.</p>",
            _table(
                v.shock,
                {
                    "group": "",
                    "period": "",
                    "rate_with_measure": ".4f",
                    "rate_households_with_measure": ".4f",
                    "rate_placed": ".4f",
                    "rate_court_placed": ".4f",
                },
            ),
            f"<p>Children of hit families in a court-ordered placement, January 2015 to June 2022: "
            f"<b>{outcome_value('shock_hit_children_court_placed', sf['shock_hit_children_court_placed']) or NO_INTERVAL}</b> "
            f"({uncertainty('mean', n)}: {interval_text('shock_hit_children_court_placed', sf['shock_hit_children_court_placed_low'], sf['shock_hit_children_court_placed_high'])}; "
            "CBS counted 2,090, 'not necessarily caused by the affair'). "
            f"Difference-in-differences of households with a measure, hit vs. matched: "
            f"<b>{_signed(sf['shock_measure_did'])}</b> ({uncertainty('mean', n)}: {_signed(sf['shock_measure_did_low'])} to "
            f"{_signed(sf['shock_measure_did_high'])}; CBS: +0.001, about -0.011 to +0.013).</p>",
            _shock_figure(v.shock),
        ]
    if v.home_help is not None:
        parts += [
            "<h2>5. Intensive home help: raw, and a controlled trial</h2>",
            "<p>Raw: of the families whose intensive home help ended, the share whose child was still at home at the end "
            "and one year later (no control group, like the Families First figures). Trial "
            "(<code>scenarios/validation/home_help_trial.toml</code>): half of the voluntary referrals are randomised to "
            "care as usual (ordinary help); placement within 12 months in each arm and the effect size g from the odds "
            "ratio (positive: fewer placements), overall and for families with and without domestic violence. "
            f"Interval: the {uncertainty('mean', n)}.</p>",
            _table(v.home_help, {"measure": "", "value": ".3f", "ci_low": ".3f", "ci_high": ".3f"}),
        ]
    if v.contradiction is not None:
        parts += [
            "<h2>7. The Bermuda triangle of more contradiction</h2>",
            "<p>Scenario <code>scenarios/validation/more_contradiction.toml</code> vs. the validated scenario, paired. "
            "Fewer unwarranted interventions (privacy, no unjust measures) against children missed among those the "
            "chain knew (safety); errors are counted against the truth the model knows (docs/ODD.md). "
            f"Interval: the {uncertainty('paired', n)}.</p>",
            _table(
                v.contradiction,
                {"label": "", "a_mean": "num", "b_mean": "num", "difference": "num", "ci_low": "num", "ci_high": "num"},
            ),
        ]
    if v.exits is not None:
        parts += [
            "<h2>6. Exits from placement</h2>",
            "<p>Placements begun in the reported years with a year of follow-up: back home (reunified, or the measure "
            f"ended) within 6 and 12 months; still placed after a year. Interval: the {uncertainty('mean', n)}.</p>",
            _table(v.exits, {"measure": "", "value": ".3f", "ci_low": ".3f", "ci_high": ".3f"}),
        ]
    return document(f"Ketensim validation: {v.scenario}", parts)


def _trends(v: Validation) -> list[str]:
    """How far each level moves within the reported years: a mean can match a target while moving through it."""
    if v.trends is None or v.trends.empty:
        return []
    n = len(v.reps.seeds)
    moving = v.trends[v.trends["moving"]]
    names = ", ".join(html.escape(label) for label in moving["label"]) or "none"
    if v.trends["slope_low"].isna().all():
        names = "not known (one replication has no interval)"
    return [
        "<p><b>Moving within the reported years.</b> A level is compared as its mean over the reported years, so it "
        "can match the Dutch figure while moving through it. Change per year: the least-squares slope of each "
        f"replication, with the {uncertainty('mean', n)}; the change over the years is that slope times the years "
        f"spanned, in tolerances (the first and last years are single years, noisier than the slope). Moving by more "
        f"than its tolerance: <b>{names}</b>. The baseline's fitted initial stocks and 2022's flows do not sustain each "
        "other, and 2022's flows did not sustain 2022's stocks in the real chain either (docs/ODD.md section 7).</p>",
        _table(
            v.trends,
            {
                "target": "",
                "real": "num",
                "tolerance": "num",
                "first_year": "num",
                "last_year": "num",
                "slope_per_year": "num",
                "slope_low": "num",
                "slope_high": "num",
                "change_in_tolerances": "+.1f",
                "moving": "",
            },
        ),
    ]


def _responses(v: Validation) -> list[str | go.Figure]:
    """The responses table: what changes under a lever or a shock, against the literature."""
    if v.responses is None:
        return []
    return [
        "<h2>1b. Responses: what changes under a lever or a shock</h2>",
        "<p>Each measured in its arm (<code>scenarios/validation/&lt;arm&gt;.toml</code>, same seeds as the baseline); "
        "targets and sources in <code>sim/data/responses.toml</code>.</p>",
        _table(
            v.responses, {"target": "", "arm": ""} | {k: f for k, f in TARGET_COLUMNS.items() if k != "target"} | {"source": ""}
        ),
    ]


def _shock_figure(rates: pd.DataFrame) -> go.Figure:
    order = ["before", "year 1", "year 2", "year 3"]
    fig = go.Figure()
    for group, g in rates.groupby("group"):
        g = g.set_index("period").reindex(order)
        fig.add_trace(go.Scatter(x=order, y=g["rate_with_measure"], mode="lines+markers", name=f"{group}: measure"))
        fig.add_trace(
            go.Scatter(x=order, y=g["rate_placed"], mode="lines+markers", line={"dash": "dot"}, name=f"{group}: placed")
        )
    fig.update_layout(
        title="Rates per child and year: hit vs. matched vs. other families",
        height=380,
        yaxis_tickformat=".2%",
        xaxis_title="the year before the shock, then years since it began",
        yaxis_title="share of the group's children",
    )
    return fig


def _signed(value: float) -> str:
    return NO_INTERVAL if pd.isna(value) else f"{value:+.4f}"


def write(v: Validation, path: Path) -> None:
    """Write the report to ``path``."""
    path.write_text(build(v), encoding="utf-8")

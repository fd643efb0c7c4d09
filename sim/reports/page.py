"""The HTML page every report shares: a header that says what was run, tables, charts inlined, a sources section.

A report is self-contained (plotly.js inlined once, no fonts or scripts fetched), so it opens
offline and can be sent as one file.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from sim import __version__
from sim.model.params import Params
from sim.model.params.describe import policy_changes

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.header th { width: 13em; }
code, .id { font-size: 0.85em; color: #666; }
.note { color: #444; font-size: 0.95em; }
"""


@dataclass(frozen=True)
class Scenario:
    """A scenario as a report names it: its file, its name, the description in its ``[meta]`` table."""

    name: str
    path: str = ""
    description: str = ""


def overrides(params: Params) -> list[tuple[str, Any]]:
    """Every parameter ``params`` sets away from the defaults, as (dotted name, value), run settings left out."""
    found: list[tuple[str, Any]] = []

    def walk(now: Any, default: Any, prefix: str) -> None:
        if isinstance(now, dict) and isinstance(default, dict):
            for key, value in now.items():
                walk(value, default.get(key), f"{prefix}{key}.")
        elif now != default:
            found.append((prefix.rstrip("."), now))

    now, default = params.model_dump(), Params().model_dump()
    for key in ("run", "timeline"):
        now.pop(key, None)
        default.pop(key, None)
    walk(now, default, "")
    for entry in params.timeline:  # dated values: one row per entry, "timeline 2023-01 (ramp to 2024-12)"
        when = entry.start if entry.until is None else f"{entry.start} (ramp to {entry.until})"
        found.append((f"timeline {when}", ", ".join(f"{k} = {v}" for k, v in entry.set.items())))
    return found


def esc(value: object) -> str:
    """``value`` as HTML text."""
    return html.escape(str(value))


def table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = (), css: str = "") -> str:
    """An HTML table; cells are HTML already (escape text with :func:`esc`); columns in ``numeric`` align right."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td class='n'>{c}</td>" if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    cls = f" class='{css}'" if css else ""
    return f"<table{cls}><tr>{th}</tr>{body}</table>"


def run_rows(params: Params, seeds: Sequence[int]) -> list[tuple[str, str]]:
    """Header rows of the run settings: seeds, scale, years, replications."""
    run = params.run
    first, last = run.start_year, run.start_year + run.years - 1
    return [
        ("Seeds", f"scenario seed {run.seed}; replication seeds {esc(', '.join(map(str, seeds)))}"),
        (
            "Scale",
            f"{run.scale:g} ({100 * run.scale:g} % of the Dutch children simulated; every count is national: divided by the scale)",
        ),
        ("Years", f"{first}-{last}, after a {run.warmup_years}-year warm-up that is not reported"),
        ("Replications", f"{len(seeds)}"),
    ]


def scenario_rows(scenario: Scenario, params: Params, prefix: str = "") -> list[tuple[str, str]]:
    """Header rows that say what a scenario is: name and file, description, the overrides that make it."""
    changed = overrides(params)
    listed = (
        "<br>".join(f"<code>{esc(k)}{': ' if k.startswith('timeline ') else ' = '}{esc(v)}</code>" for k, v in changed)
        if changed
        else "none: the model's defaults (the baseline)"
    )
    policy = policy_changes(params)
    if policy:
        listed += f"<br><span class='note'>levers, capacities or events among them: {esc(', '.join(policy))}</span>"
    where = f" (<code>{esc(scenario.path)}</code>)" if scenario.path else ""
    return [
        (f"{prefix}Scenario", f"<b>{esc(scenario.name)}</b>{where}"),
        (f"{prefix}Description", esc(scenario.description) if scenario.description else "<span class='note'>none given</span>"),
        (f"{prefix}Overrides", listed),
    ]


def header(title: str, rows: Sequence[tuple[str, str]]) -> str:
    """The report's title and its header table: the model version first."""
    all_rows = [("Model", f"Ketensim {esc(__version__)}"), *rows]
    return f"<h1>{esc(title)}</h1>" + table(["", ""], [[f"<b>{k}</b>", v] for k, v in all_rows], css="header").replace(
        "<tr><th></th><th></th></tr>", ""
    )


def document(title: str, parts: Sequence[str | go.Figure]) -> str:
    """The page: ``parts`` in order, HTML strings as they are and figures inlined (plotly.js once, so it works offline)."""
    body, first = [], True
    for part in parts:
        if isinstance(part, go.Figure):
            body.append(part.to_html(full_html=False, include_plotlyjs="inline" if first else False))
            first = False
        else:
            body.append(part)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>"
    )

"""What every command shares: loading a scenario with the command-line run options, writing results atomically, numbers for people."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.sweeps.store import check_out_folder
from sim.model.params import Params, load_scenario
from sim.model.params.scenario import read_toml
from sim.reports.labels import NO_INTERVAL, uncertainty
from sim.reports.numbers import interval_text, num, outcome_value
from sim.reports.page import Scenario

SMALL_SCALE = 0.005  # below this, capacities are only a few staff or places


def run_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--seed``, ``--scale``, ``--years`` and ``--from`` given on the command line, as overrides of ``[run]``."""
    run: dict[str, Any] = {}
    for key in ("seed", "scale", "years", "start_from"):
        value = getattr(args, key, None)
        if value is not None:
            run[key] = value
    return {"run": run} if run else {}


def load(path: str | None, args: argparse.Namespace) -> Params:
    """The scenario at ``path`` (the defaults when None) with command-line run options applied."""
    if path is None:
        return Params().with_overrides(run_overrides(args), origin="command-line options")
    params = load_scenario(path)
    return params.with_overrides(run_overrides(args), origin=f"{path} (command-line options)")


def scenario_info(path: str | None) -> Scenario:
    """A scenario file's name, path and ``[meta] description`` for a report's header (the defaults when None)."""
    if path is None:
        return Scenario("defaults")
    meta = read_toml(path).get("meta")
    description = meta.get("description", "") if isinstance(meta, dict) else ""
    return Scenario(Path(path).stem, str(path), str(description))


def missing_folders(path: Path) -> list[Path]:
    """``path`` and its parents that do not exist yet, deepest first (to remove again on failure)."""
    return [folder for folder in (path, *path.parents) if not folder.exists()]


def remove_if_empty(made: list[Path]) -> None:
    """Remove the folders a failed command made and left empty, deepest first: as if it never ran."""
    for folder in made:
        if not folder.exists():
            continue
        if any(folder.iterdir()):
            break  # kept: it holds something (and so do the folders above it)
        folder.rmdir()


def write_atomically(out: Path, write: Any) -> None:
    """Write results into ``out`` without ever leaving a half-written file there.

    Everything is written to a hidden temporary folder inside ``out`` first; only when all
    files are complete is each moved into place (``os.replace``, atomic per file). Files
    in ``out`` that this run does not write are left alone.
    """
    check_out_folder(out)
    made = missing_folders(out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".ketensim-", dir=out))
    try:
        write(tmp)
        for path in sorted(tmp.iterdir()):
            os.replace(path, out / path.name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_if_empty(made)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def out_folder(out: str | Path) -> Path:
    """``out`` as a Path, checked before any work: it must be (or be able to become) a writable folder.

    Raises:
        ScenarioError: ``out`` or a folder above it is a file, or it cannot be written.

    """
    path = Path(out)
    check_out_folder(path)
    return path


def format_summary(table: pd.DataFrame, figures: bool = True) -> str:
    """The run summary as a text table: model mean, spread over replications and, with ``figures``, the Dutch figure.

    Outcomes undefined in every replication (the shock's and the trial's outside their arms) are named below, not shown.
    """
    n = int(table["n"].max()) if len(table) else 0
    figure_head = f" {'Dutch figure':>13s}" if figures else ""
    lines = [
        f"model: mean of {n} replication(s); range: {uncertainty('spread', n)}",
        f"{'outcome':46s} {'model':>12s} {'range':>25s}{figure_head}",
    ]
    for r in table[table["n"] > 0].itertuples():
        span = interval_text(r.outcome, r.low, r.high)
        figure = f" {outcome_value(r.outcome, r.target):>13s}" if figures else ""
        lines.append(f"{r.outcome:46s} {outcome_value(r.outcome, r.mean):>12s} {span:>25s}{figure}".rstrip())
    undefined = list(table.loc[table["n"] == 0, "outcome"])
    if undefined:
        lines.append(textwrap.fill(f"not defined in this scenario: {', '.join(undefined)}", width=110))
    return "\n".join(lines)


def format_differences(diff: pd.DataFrame, n: int | None = None) -> str:
    """A paired comparison (:func:`~sim.experiments.runs.paired_differences`) as a text table for people.

    Counts are whole, shares in % (their difference in percentage points, pp); ``n`` paired replications name the interval.
    """
    head = "95% interval of B - A" if n is None else f"interval: {uncertainty('paired', n)}\n"
    lines = [head] if n is not None else []
    lines.append(f"{'outcome':46s} {'A':>12s} {'B':>12s} {'B - A':>12s} {'95% interval of B - A':>27s} {'change':>8s}")
    for r in diff.itertuples():
        span = interval_text(r.outcome, r.ci_low, r.ci_high, difference=True)
        change = "" if pd.isna(r.relative) else f"{r.relative:+.1%}"
        a, b = outcome_value(r.outcome, r.a_mean), outcome_value(r.outcome, r.b_mean)
        d = outcome_value(r.outcome, r.difference, difference=True)
        lines.append(f"{r.outcome:46s} {a:>12s} {b:>12s} {d:>12s} {span:>27s} {change:>8s}".rstrip())
    return "\n".join(lines)


def warn_small_scale(params: Params) -> None:
    """Say on stderr when capacities round to a handful of staff and places."""
    if params.run.scale < SMALL_SCALE:
        print(
            f"ketensim: note: at scale {params.run.scale} capacities round to a handful of staff and places, "
            f"so capacity levers act in coarse steps; use --scale {SMALL_SCALE} or more for lever comparisons",
            file=sys.stderr,
        )


def format_errors(table: pd.DataFrame, n: int | None = None) -> str:
    """The target table as text: Dutch figure, model mean and interval (with ``n`` replications, named), z, within tolerance."""
    lines = [f"interval: {uncertainty('mean', n)} (cut at 0 for counts, 0-1 for shares)"] if n is not None else []
    lines.append(f"{'target':46s} {'Dutch figure':>13s} {'model':>12s} {'95% interval':>25s} {'z':>6s}  within")
    for r in table.itertuples():
        span = NO_INTERVAL if pd.isna(r.ci_low) else f"{num(r.ci_low)} – {num(r.ci_high)}"
        z = NO_INTERVAL if pd.isna(r.z) else f"{r.z:.2f}"  # no model value: the arm's years miss the target's
        lines.append(
            f"{r.target:46s} {num(r.real):>13s} {num(r.model) or NO_INTERVAL:>12s} {span:>25s} {z:>6s}  {'yes' if r.within else 'NO'}"
        )
    return "\n".join(lines)


def format_trends(trends: pd.DataFrame | None) -> str:
    """The levels that move by more than their tolerance within the reported years, as text."""
    if trends is None or trends.empty:
        return ""
    if trends["slope_low"].isna().all():
        return "Moving within the reported years: not known (one replication has no interval)."
    moving = trends[trends["moving"]]
    if moving.empty:
        return "No level moves by more than its tolerance within the reported years."
    lines = ["Moving within the reported years (slope per year; change over the years in tolerances; docs/ODD.md section 7):"]
    for r in moving.itertuples():
        lines.append(
            f"  {r.target:46s} {num(r.first_year):>10s} -> {num(r.last_year):>10s}  {num(r.slope_per_year)} a year "
            f"[{num(r.slope_low)}, {num(r.slope_high)}], {r.change_in_tolerances:+.1f} tolerances"
        )
    return "\n".join(lines)


def format_experiments(result: Any) -> str:
    """The validation experiments that are not targets, as text: staff shortage, home-help trial, shock, contradiction."""
    lines: list[str] = []

    def change(title: str, frame: pd.DataFrame | None) -> None:
        if frame is None:
            return
        lines.append(title)
        for r in frame.itertuples():
            rel = "" if pd.isna(r.relative) else f" ({r.relative:+.1%})"
            span = "" if pd.isna(r.ci_low) else f" [{num(r.ci_low)}, {num(r.ci_high)}]"
            real = getattr(r, "real_relative", float("nan"))
            real = "" if pd.isna(real) else f"; real 2019->2022 {real:+.1%}"
            lines.append(
                f"  {r.label:70s} {num(r.a_mean):>10s} -> {num(r.b_mean):>10s}  change {num(r.difference)}{span}{rel}{real}"
            )

    if result.shock is not None:
        lines.append("Financial shock with matched controls (share of children per year; 'before' = the year before it):")
        rates = result.shock.assign(period=lambda f: f["period"].str.replace("year ", "+"))
        for column, title in (("rate_with_measure", "with a measure"), ("rate_placed", "placed")):
            table = rates.pivot(index="group", columns="period", values=column)
            table = table[sorted(table.columns, key=lambda p: (p != "before", p))]
            lines.append(
                f"  {title}: "
                + "; ".join(f"{g} " + " ".join(f"{p} {v:.2%}" for p, v in row.items()) for g, row in table.iterrows())
            )
    n = len(result.reps.seeds)
    change(f"Staff shortage (change, with its {uncertainty('paired', n)}):", result.staff)
    if result.staff is not None:
        from sim.experiments.validation import REAL_CHANGE_SOURCE  # only when there is a staff table

        lines.append(f"  (real: {REAL_CHANGE_SOURCE}; a comparison, not a target)")
    change(f"Bermuda triangle of more contradiction (change, with its {uncertainty('paired', n)}):", result.contradiction)
    if result.home_help is not None:
        lines.append(f"Intensive home help (with the {uncertainty('mean', n)}):")
        for r in result.home_help.itertuples():
            span = "" if pd.isna(r.ci_low) else f" [{num(r.ci_low)}, {num(r.ci_high)}]"
            lines.append(f"  {r.measure:80s} {num(r.value) or NO_INTERVAL:>8s}{span}")
    return "\n".join(lines)

"""Command line: ``ketensim run | compare | params``.

Bad scenario files are refused with a message naming the file, the key and the allowed
range, and exit code 2; results are written to a temporary folder first and moved into
place only when complete, so an earlier result folder is never left half-overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__
from sim.experiments import Replications, paired_differences, replicate
from sim.params import Params, ScenarioError, bounds, iter_fields, load_scenario
from sim.report import summary_table, write_report

EXIT_BAD_INPUT = 2
SMALL_SCALE = 0.005  # below this, capacities are only a few staff or places


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    run: dict[str, Any] = {}
    for key in ("seed", "scale", "years"):
        value = getattr(args, key, None)
        if value is not None:
            run[key] = value
    return {"run": run} if run else {}


def _load(path: str, args: argparse.Namespace) -> Params:
    params = load_scenario(path)
    return params.with_overrides(_overrides(args), origin=f"{path} (command-line options)")


def _write_atomically(out: Path, write: Any) -> None:
    """Write results into ``out`` without ever leaving a half-written file there.

    Everything is written to a hidden temporary folder inside ``out`` first; only when all
    files are complete is each moved into place (``os.replace``, atomic per file). Files
    in ``out`` that this run does not write are left alone.
    """
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".ketensim-", dir=out))
    try:
        write(tmp)
        for path in sorted(tmp.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _num(value: float) -> str:
    """A number for people: counts without decimals, shares and rates with four digits."""
    if pd.isna(value):
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def _format_summary(table: pd.DataFrame) -> str:
    lines = [f"{'outcome':46s} {'model':>12s} {'95% range':>25s} {'Dutch figure':>13s}"]
    for r in table.itertuples():
        span = "" if pd.isna(r.low) else f"{_num(r.low)} – {_num(r.high)}"
        lines.append(f"{r.outcome:46s} {_num(r.mean):>12s} {span:>25s} {_num(r.target):>13s}")
    return "\n".join(lines)


def _warn_small_scale(params: Params) -> None:
    if params.run.scale < SMALL_SCALE:
        print(
            f"ketensim: note: at scale {params.run.scale} capacities round to a handful of staff and places, "
            f"so capacity levers act in coarse steps; use --scale {SMALL_SCALE} or more for lever comparisons",
            file=sys.stderr,
        )


def _save_run(reps: Replications, out: Path, title: str) -> None:
    def write(folder: Path) -> None:
        for name in ("yearly", "monthly", "equity", "costs"):
            reps.table(name).to_parquet(folder / f"{name}.parquet", index=False)
        reps.summary().to_parquet(folder / "summary.parquet", index=False)
        (folder / "params.toml").write_text(reps.params.to_toml(), encoding="utf-8")
        (folder / "seeds.json").write_text(
            json.dumps(
                {"scenario_seed": reps.params.run.seed, "replication_seeds": reps.seeds, "ketensim_version": __version__},
                indent=2,
            ),
            encoding="utf-8",
        )
        write_report(reps, folder / "report.html", title)

    _write_atomically(out, write)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario, print the summary, write results and the report."""
    params = _load(args.scenario, args)
    _warn_small_scale(params)
    reps = replicate(params, args.reps, show_progress=not args.quiet)
    out = Path(args.out or Path("results") / Path(args.scenario).stem)
    print(
        f"Ketensim {__version__}: {args.scenario}, {args.reps} replication(s), scale {params.run.scale}, "
        f"{params.run.start_year}-{params.run.start_year + params.run.years - 1}"
    )
    print(_format_summary(summary_table(reps)))
    _save_run(reps, out, f"Ketensim: {Path(args.scenario).stem}")
    print(f"\nResults: {out}/ (yearly, monthly, equity, costs, summary .parquet; params.toml; seeds.json; report.html)")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Paired comparison of two scenarios with common random numbers."""
    a = _load(args.a, args)
    b = _load(args.b, args).with_overrides({"run": {"seed": a.run.seed}}, origin=args.b)
    differ = [k for k in ("scale", "years", "start_year", "warmup_years") if getattr(a.run, k) != getattr(b.run, k)]
    if differ:
        raise ScenarioError(
            f"{args.b}: run settings differ from {args.a} ({', '.join(f'run.{k}' for k in differ)}); "
            "a paired comparison needs the same scale and years: set them alike or pass --scale/--years"
        )
    if args.reps < 2:
        print("ketensim: note: with --reps 1 there are no confidence intervals", file=sys.stderr)
    _warn_small_scale(a)
    ra = replicate(a, args.reps, show_progress=not args.quiet)
    rb = replicate(b, args.reps, show_progress=not args.quiet)
    diff = paired_differences(ra, rb)
    print(
        f"B - A, {args.reps} paired replications (same seeds), 95% confidence intervals; "
        f"scale {a.run.scale}, {a.run.start_year}-{a.run.start_year + a.run.years - 1}"
    )
    print(f"A = {args.a}\nB = {args.b}\n")
    shown = diff.copy()
    for col in ("a_mean", "b_mean", "difference", "ci_low", "ci_high"):
        shown[col] = shown[col].map(_num)
    shown["relative"] = diff["relative"].map(lambda v: "" if pd.isna(v) else f"{v:+.1%}")
    print(shown.to_string(index=False))
    if args.out:
        out = Path(args.out)
        _write_atomically(
            out,
            lambda folder: (
                diff.to_parquet(folder / "compare.parquet", index=False),
                diff.to_csv(folder / "compare.csv", index=False),
            ),
        )
        print(f"\nWritten: {out}/compare.parquet, compare.csv")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    """List every parameter with its default, bounds, description and source."""
    defaults = Params().model_dump()
    for name, info in iter_fields():
        section, key = name.split(".", 1)
        lo, hi = bounds(info)
        range_text = f" [{lo}, {hi}]" if lo is not None else ""
        source = (info.json_schema_extra or {}).get("source", "")
        print(f"{name} = {defaults[section][key]!r}{range_text}\n    {info.description}\n    source: {source}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep (``sim/sweeps``)."""
    from sim.sweeps.commands import sweep_command

    return sweep_command(args)


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse a sweep folder (``sim/sweeps``)."""
    from sim.sweeps.commands import analyze_command

    return analyze_command(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used for the README's reference)."""
    parser = argparse.ArgumentParser(prog="ketensim", description="Agent-based simulation of the Dutch youth-protection chain.")
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser.add_argument("--version", action="version", version=f"ketensim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, reps: int) -> None:
        p.add_argument("--seed", type=int, help="master seed (default: the scenario's run.seed)")
        p.add_argument("--scale", type=float, help="fraction of the Dutch child population (1.0 = national)")
        p.add_argument("--years", type=int, help="years to report")
        p.add_argument("--reps", type=int, default=reps, help="replications (seeds spawned from --seed)")
        p.add_argument("--out", help="output folder")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    run = sub.add_parser("run", help="run a scenario and write results and a report", formatter_class=formatter)
    run.add_argument("scenario", help="scenario TOML file (overrides of the defaults)")
    common(run, reps=1)
    run.set_defaults(func=cmd_run)
    cmp_ = sub.add_parser("compare", help="paired differences B - A with common random numbers", formatter_class=formatter)
    cmp_.add_argument("a", help="scenario A (the reference)")
    cmp_.add_argument("b", help="scenario B (run with A's seeds)")
    common(cmp_, reps=5)
    cmp_.set_defaults(func=cmd_compare)
    par = sub.add_parser("params", help="list all parameters with defaults, bounds and sources")
    par.set_defaults(func=cmd_params)
    swp = sub.add_parser("sweep", help="run or resume a sweep: design points x replications", formatter_class=formatter)
    swp.add_argument("sweep_file", help="sweep TOML file (levers, uncertainties, design; see README)")
    where = swp.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local worker processes (1: this process)")
    where.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786), or local:N for a LocalCluster")
    swp.add_argument("--out", help="output folder (default: the sweep file's out, else results/sweeps/<name>)")
    swp.add_argument("--quiet", action="store_true", help="no progress bar")
    swp.set_defaults(func=cmd_sweep)
    ana = sub.add_parser("analyze", help="intervals, paired differences, sensitivity and a report of a sweep folder")
    ana.add_argument("out_dir", help="the sweep's output folder")
    ana.add_argument("--ema", metavar="FILE", help="also write the runs for the EMA Workbench (tar.gz, load_results)")
    ana.set_defaults(func=cmd_analyze)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ketensim`` console script."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `ketensim run ... | head` ends quietly
    args = build_parser().parse_args(argv)
    if getattr(args, "reps", 1) < 1:
        print("ketensim: --reps must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args))
    except ScenarioError as exc:
        print(f"ketensim: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ketensim: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

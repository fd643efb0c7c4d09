"""Command line: ``ketensim run | compare | validate | calibrate | vignettes | sweep | analyze | params | baseline | dashboard``.

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
from tqdm import tqdm

from sim import __version__
from sim.dashboard import server as dashboard_server
from sim.experiments.regression import store as baseline
from sim.experiments.runs import Replications, paired_differences, replicate
from sim.experiments.targets import errors_table, load_targets
from sim.model.params import Params, ScenarioError, bounds, iter_fields, load_scenario
from sim.reports.run import summary_table, write_report

EXIT_BAD_INPUT = 2
SMALL_SCALE = 0.005  # below this, capacities are only a few staff or places


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    run: dict[str, Any] = {}
    for key in ("seed", "scale", "years"):
        value = getattr(args, key, None)
        if value is not None:
            run[key] = value
    return {"run": run} if run else {}


def _load(path: str | None, args: argparse.Namespace) -> Params:
    """The scenario at ``path`` (the defaults when None) with command-line run options applied."""
    if path is None:
        return Params().with_overrides(_overrides(args), origin="command-line options")
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


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the free parameters to targets.toml with Optuna; write fitted values and loss per target."""
    from sim.experiments import calibration  # optuna loads only for this command

    if args.trials < 1 or args.workers < 1:
        raise ScenarioError("--trials and --workers must be at least 1")

    base = _load(args.scenario, args)
    out = Path(args.out)
    print(
        f"Calibrating {len(calibration.FREE)} parameters: {args.trials} trials x {args.reps} replications, "
        f"scale {base.run.scale}, {base.run.years} years, sampler seed {args.sampler_seed}"
    )
    best = [float("inf")]
    with tqdm(total=args.trials, unit="trial", disable=args.quiet, desc="calibrating") as bar:

        def on_trial(_n: int, value: float) -> None:
            best[0] = min(best[0], value)
            bar.set_postfix(best_loss=f"{best[0]:.2f}")
            bar.update()

        result = calibration.calibrate(
            base, trials=args.trials, reps=args.reps, seed=args.sampler_seed, on_trial=on_trial, workers=args.workers
        )
    table = errors_table(result.best_means)
    print(_format_errors(table))
    print("\nFitted values:")
    for name, value in result.best.items():
        print(f"  {name} = {value}")
    _write_atomically(out, lambda folder: calibration.write(result, folder))
    print(f"\nWritten: {out}/fitted.toml (values, loss per target, settings), {out}/trials.csv")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Compare the scenario with the Dutch figures and run the validation experiments; write the HTML report."""
    from sim.experiments import calibration, validation
    from sim.reports import validation as validation_report

    params = _load(args.scenario, args)
    name = Path(args.scenario).stem if args.scenario else "baseline"
    _warn_small_scale(params)
    arms = 1 if args.no_experiments else 4
    with tqdm(total=arms * args.reps, unit="run", disable=args.quiet, desc="validating", leave=False) as bar:

        def run(p: Params, reps: int) -> Replications:
            done = replicate(p, reps)
            bar.update(reps)
            return done

        result = validation.validate(params, args.reps, scenario=name, experiments=not args.no_experiments, run=run)
    table = result.targets
    print(
        f"Ketensim {__version__} validation of {name}: {args.reps} replications, scale {params.run.scale}, "
        f"{params.run.start_year}-{params.run.start_year + params.run.years - 1} (mean over the years; 95% interval of the mean)"
    )
    print(_format_errors(table))
    within = int(table["within"].sum())
    print(f"\n{within} of {len(table)} targets within tolerance")
    overlap = calibration.training_seed_overlap(params, args.reps)
    if overlap:
        print(
            f"Note: {overlap} of these {args.reps} replication seeds are the ones the defaults were fitted on "
            "(calibration/fitted.toml), so this check is partly in-sample; another --seed gives a held-out "
            "check (docs/ODD.md section 8, 'Held-out seeds')."
        )
    out = Path(args.out or Path("results") / f"validate_{name}")

    def write(folder: Path) -> None:
        table.to_csv(folder / "targets.csv", index=False)
        result.reps.summary().to_parquet(folder / "summary.parquet", index=False)
        (folder / "params.toml").write_text(params.to_toml(), encoding="utf-8")
        (folder / "seeds.json").write_text(json.dumps({"replication_seeds": result.reps.seeds}, indent=2), encoding="utf-8")
        validation_report.write(result, folder / "validation.html")

    _write_atomically(out, write)
    print(f"Results: {out}/ (validation.html, targets.csv, summary.parquet, params.toml, seeds.json)")
    return 0 if within == len(table) or not args.strict else 1


def cmd_vignettes(args: argparse.Namespace) -> int:
    """The vignette experiment: inter-rater agreement with/without instruments and anchoring."""
    from sim.experiments.vignettes import MODEL_CONDITION, vignette_experiment

    if args.raters < 2 or args.cases < 2 or args.months < 1:
        raise ScenarioError(
            "--raters and --cases must be at least 2 and --months at least 1 (agreement needs two raters and two cases)"
        )
    params = _load(args.scenario, args)
    table = vignette_experiment(params, cases=args.cases, raters=args.raters, months=args.months)
    target = load_targets()["interrater_kappa_placement"]
    value, tol = float(target["value"]), float(target["tolerance_abs"])  # type: ignore[arg-type]
    first = table.iloc[0]
    print(
        f"Vignette experiment: {int(first.vignettes)} cases, {int(first.raters)} Raad investigators each judging every case "
        f"on their own (scale {params.run.scale}, seed {params.run.seed})\n"
    )
    shown = table.drop(columns=["vignettes", "raters"]).set_index("condition").T
    print(shown.to_string(float_format=lambda v: f"{v:.3f}"))
    kappa = float(table.set_index("condition").loc[MODEL_CONDITION, "kappa_placement"])
    ok = abs(kappa - value) <= tol
    print(
        f"\nkappa on the placement decision, as in the model: {kappa:.3f}; Dutch/literature target {value} ± {tol} -> "
        f"{'within' if ok else 'OUTSIDE'} tolerance ({target['source']})"
    )
    if args.out:
        out = Path(args.out)
        _write_atomically(out, lambda folder: table.to_csv(folder / "vignettes.csv", index=False))
        print(f"Written: {out}/vignettes.csv")
    return 0


def _format_errors(table: pd.DataFrame) -> str:
    lines = [f"{'target':46s} {'Dutch figure':>13s} {'model':>12s} {'95% interval':>25s} {'z':>6s}  within"]
    for r in table.itertuples():
        span = "" if pd.isna(r.ci_low) else f"{_num(r.ci_low)} – {_num(r.ci_high)}"
        lines.append(
            f"{r.target:46s} {_num(r.real):>13s} {_num(r.model):>12s} {span:>25s} {r.z:>6.2f}  {'yes' if r.within else 'NO'}"
        )
    return "\n".join(lines)


def cmd_baseline(args: argparse.Namespace) -> int:
    """Regression baselines (sim/baseline.py): ``update`` rewrites them deliberately, ``check`` compares."""
    if args.jobs is not None and args.jobs < 1:
        raise ScenarioError(f"--jobs {args.jobs}: must be at least 1")
    if args.action == "update" and args.reps < 2:
        raise ScenarioError(f"--reps {args.reps}: a standard error needs at least 2 replications")
    scenarios = baseline.find(Path(args.dir), args.scenarios)
    jobs = args.jobs or baseline.default_jobs()
    if args.action == "update":
        print(baseline.update(scenarios, Path(args.dir), reps=args.reps, jobs=jobs))
        print(f"Written: {len(scenarios)} baseline(s) in {Path(args.dir) / 'baselines'}, CHANGES.md, params/{__version__}.toml")
        return 0
    limit = None if args.all else baseline.SHOWN_ROWS
    verdicts = baseline.check(scenarios, jobs=jobs, statistical=not args.exact_only, limit=limit)
    for verdict in verdicts:
        print(verdict.text + ("\n" if not verdict.ok else ""))
    return 0 if all(v.ok for v in verdicts) else 1


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Start the interactive dashboard (Solara) on host:port."""
    if not 0 < args.port < 65536:
        raise ScenarioError(f"--port {args.port}: allowed range 1-65535")
    return dashboard_server.serve(args.host, args.port)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep (``sim/sweeps``)."""
    from sim.cli.sweeps import sweep_command

    return sweep_command(args)


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse a sweep folder (``sim/sweeps``)."""
    from sim.cli.sweeps import analyze_command

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
    cal = sub.add_parser("calibrate", help="fit the free parameters to the Dutch targets (Optuna)", formatter_class=formatter)
    cal.add_argument("scenario", nargs="?", help="scenario the search starts from (default: the defaults = baseline)")
    cal.add_argument("--trials", type=int, default=40, help="parameter sets to try (the first is the scenario's own)")
    cal.add_argument("--sampler-seed", type=int, default=0, help="seed of the TPE sampler")
    cal.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes running each trial's replications")
    common(cal, reps=8)
    cal.set_defaults(func=cmd_calibrate, out="calibration")
    val = sub.add_parser(
        "validate", help="compare with the Dutch figures; run the validation experiments", formatter_class=formatter
    )
    val.add_argument("scenario", nargs="?", help="scenario to validate (default: the defaults = baseline)")
    val.add_argument("--no-experiments", action="store_true", help="only the targets (skip the three extra arms)")
    val.add_argument("--strict", action="store_true", help="exit 1 if any target is outside its tolerance")
    common(val, reps=10)
    val.set_defaults(func=cmd_validate)
    vig = sub.add_parser("vignettes", help="inter-rater agreement of the simulated professionals", formatter_class=formatter)
    vig.add_argument("scenario", nargs="?", help="scenario (default: the defaults = baseline)")
    vig.add_argument("--cases", type=int, default=5000, help="vignettes (open cases after --months)")
    vig.add_argument("--raters", type=int, default=20, help="professionals judging every vignette")
    vig.add_argument("--months", type=int, default=36, help="months to run before drawing the vignettes")
    vig.add_argument("--seed", type=int, help="master seed (default: the scenario's run.seed)")
    vig.add_argument("--scale", type=float, help="fraction of the Dutch child population (sets the pool of cases)")
    vig.add_argument("--out", help="output folder for vignettes.csv")
    vig.set_defaults(func=cmd_vignettes)
    par = sub.add_parser("params", help="list all parameters with defaults, bounds and sources")
    par.set_defaults(func=cmd_params)
    bl = sub.add_parser(
        "baseline", help="regression baselines: check them, or update them deliberately", formatter_class=formatter
    )
    bl.add_argument("action", choices=["update", "check"], help="update: rerun and rewrite (+ CHANGES.md); check: compare")
    bl.add_argument("scenarios", nargs="*", help="regression scenario names (default: all in --dir)")
    bl.add_argument("--dir", default=str(baseline.DEFAULT_DIR), help="folder of regression scenarios")
    bl.add_argument("--jobs", type=int, help="worker processes (default: the CPUs available)")
    bl.add_argument("--reps", type=int, default=baseline.M_STORED, help="update: replications behind the stored means")
    bl.add_argument("--exact-only", action="store_true", help="check: only the fixed-seed check")
    bl.add_argument("--all", action="store_true", help="check: print every changed key, not the largest 40")
    bl.set_defaults(func=cmd_baseline)
    dash = sub.add_parser("dashboard", help="start the interactive dashboard in the browser", formatter_class=formatter)
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1: this machine only)")
    dash.add_argument("--port", type=int, default=8765, help="port to listen on")
    dash.set_defaults(func=cmd_dashboard)
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

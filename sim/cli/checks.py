"""``ketensim calibrate | validate | vignettes | baseline``: the model against the Dutch figures and against itself."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from sim import __version__
from sim.cli.common import format_errors, format_experiments, format_trends, load, out_folder, warn_small_scale, write_atomically
from sim.experiments.regression import store as baseline
from sim.experiments.runs import Replications, replicate
from sim.experiments.targets import errors_table, load_targets
from sim.model.params import Params, ScenarioError


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the free parameters to targets.toml with Optuna; write fitted values and loss per target."""
    from sim.experiments import calibration  # optuna loads only for this command

    if args.trials < 1 or args.workers < 1:
        raise ScenarioError("--trials and --workers must be at least 1")

    base = load(args.scenario, args)
    out = out_folder(args.out)  # before any trial
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
    print(format_errors(table))
    print("\nFitted values:")
    for name, value in result.best.items():
        print(f"  {name} = {value}")
    write_atomically(out, lambda folder: calibration.write(result, folder))
    print(f"\nWritten: {out}/fitted.toml (values, loss per target, settings), {out}/trials.csv")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Compare the scenario with the Dutch figures and run the validation experiments; write the HTML report."""
    from sim.experiments import calibration, validation
    from sim.reports import validation as validation_report

    params = load(args.scenario, args)
    name = Path(args.scenario).stem if args.scenario else "baseline"
    out = out_folder(args.out or Path("results") / f"validate_{name}")  # before any run
    warn_small_scale(params)
    arms = 1 if args.no_experiments else 1 + validation.experiment_runs()
    with tqdm(total=arms * args.reps, unit="run", disable=args.quiet, desc="validating", leave=False) as bar:

        def run(p: Params, reps: int) -> Replications:
            done = replicate(p, reps)
            bar.update(reps)
            return done

        result = validation.validate(params, args.reps, scenario=name, experiments=not args.no_experiments, run=run)
    table = result.targets if result.responses is None else pd.concat([result.targets, result.responses], ignore_index=True)
    print(
        f"Ketensim {__version__} validation of {name}: {args.reps} replications, scale {params.run.scale}, "
        f"{params.run.start_year}-{params.run.start_year + params.run.years - 1} (mean over the years)"
    )
    print("\nLevels\n" + format_errors(result.targets, args.reps))
    if trends := format_trends(result.trends):
        print(trends)
    if result.responses is not None:
        print(
            "\nResponses (each measured in its arm: scenarios/validation/<arm>.toml)\n"
            + format_errors(result.responses, args.reps)
        )
        print("\n" + format_experiments(result))
    within = int(table["within"].sum())
    print(f"\n{within} of {len(table)} targets within tolerance")
    overlap = calibration.training_seed_overlap(params, args.reps)
    if overlap:
        print(
            f"Note: {overlap} of these {args.reps} replication seeds are the ones the defaults were fitted on "
            "(calibration/fitted.toml), so this check is partly in-sample; another --seed gives a held-out "
            "check (docs/ODD.md section 8, 'Held-out seeds')."
        )

    def write(folder: Path) -> None:
        table.to_csv(folder / "targets.csv", index=False)
        result.reps.summary().to_parquet(folder / "summary.parquet", index=False)
        (folder / "params.toml").write_text(params.to_toml(), encoding="utf-8")
        (folder / "seeds.json").write_text(json.dumps({"replication_seeds": result.reps.seeds}, indent=2), encoding="utf-8")
        validation_report.write(result, folder / "validation.html")

    write_atomically(out, write)
    print(f"Results: {out}/ (validation.html, targets.csv, summary.parquet, params.toml, seeds.json)")
    return 0 if within == len(table) or not args.strict else 1


def cmd_vignettes(args: argparse.Namespace) -> int:
    """The vignette experiment: inter-rater agreement with/without instruments and anchoring."""
    from sim.experiments.vignettes import MODEL_CONDITION, vignette_experiment

    if args.raters < 2 or args.cases < 2 or args.months < 1:
        raise ScenarioError(
            "--raters and --cases must be at least 2 and --months at least 1 (agreement needs two raters and two cases)"
        )
    params = load(args.scenario, args)
    out = out_folder(args.out) if args.out else None  # before the experiment
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
    if out is not None:
        write_atomically(out, lambda folder: table.to_csv(folder / "vignettes.csv", index=False))
        print(f"Written: {out}/vignettes.csv")
    return 0


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

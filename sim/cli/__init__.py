"""Command line: ``ketensim run | compare | snapshot | validate | calibrate | vignettes | sweep | analyze | params | baseline | dashboard``.

Bad scenario files are refused with a message naming the file, the key and the allowed
range, and exit code 2; results are written to a temporary folder first and moved into
place only when complete, so an earlier result folder is never left half-overwritten.
The commands live in :mod:`.runs`, :mod:`.checks` and :mod:`.sweeps`; what they share in :mod:`.common`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable

from sim import __version__
from sim.experiments.regression import DEFAULT_DIR, M_STORED
from sim.model.params import ROLES, ScenarioError, load_scenario

EXIT_BAD_INPUT = 2  # the exit code of every refused input


def _command(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """Subcommand ``name`` of ``sim.cli.<module>``, imported when it runs.

    Why: the commands import the model, Mesa and pandas (~1 s); ``--help``, ``--version``,
    ``params`` and a mistyped option need none of that.
    """

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f"sim.cli.{module}"), name)(args)

    run.__name__ = name
    return run


cmd_run, cmd_compare, cmd_snapshot, cmd_dashboard = (
    _command("runs", n) for n in ("cmd_run", "cmd_compare", "cmd_snapshot", "cmd_dashboard")
)
cmd_calibrate, cmd_validate, cmd_vignettes, cmd_baseline = (
    _command("checks", n) for n in ("cmd_calibrate", "cmd_validate", "cmd_vignettes", "cmd_baseline")
)
cmd_sweep, cmd_analyze = (_command("sweeps", n) for n in ("cmd_sweep", "cmd_analyze"))
cmd_params = _command("params", "cmd_params")


class HelpWithDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """Adds "(default: X)" to an option's help only where there is an X the help does not already name."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.default is None or action.default is False or action.default is argparse.SUPPRESS or "(default" in text:
            return text  # no default (None), a switch (False), or one the help states in words
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used for the README's reference)."""
    parser = argparse.ArgumentParser(prog="ketensim", description="Agent-based simulation of the Dutch youth-protection chain.")
    formatter = HelpWithDefaults
    parser.add_argument("--version", action="version", version=f"ketensim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, reps: int, out: str | None = None) -> None:
        p.add_argument("--seed", type=int, help="master seed (default: the scenario's run.seed)")
        p.add_argument(
            "--scale",
            type=float,
            help="fraction of the Dutch child population, 1.0 = national (default: the scenario's run.scale)",
        )
        p.add_argument("--years", type=int, help="years to report (default: the scenario's run.years)")
        p.add_argument("--reps", type=int, default=reps, help="replications (seeds spawned from --seed)")
        p.add_argument("--out", help=f"output folder (default: {out})" if out else "output folder")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    def start(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--from",
            dest="start_from",
            metavar="FILE|present|beginning",
            help="start from a snapshot file, the present (the baseline in January 2023) or the beginning "
            "(default: the scenario's run.start_from)",
        )

    run = sub.add_parser("run", help="run a scenario and write results and a report", formatter_class=formatter)
    run.add_argument("scenario", help="scenario TOML file (overrides of the defaults)")
    common(run, reps=1, out="results/<scenario file name>")
    start(run)
    run.set_defaults(func=cmd_run)
    cmp_ = sub.add_parser("compare", help="paired differences B - A with common random numbers", formatter_class=formatter)
    cmp_.add_argument("a", help="scenario A (the reference)")
    cmp_.add_argument("b", help="scenario B (run with A's seeds)")
    common(cmp_, reps=5, out="none: the table is printed only")
    start(cmp_)
    cmp_.set_defaults(func=cmd_compare)
    snap = sub.add_parser(
        "snapshot", help="run a scenario to a month and save its complete state, to continue from", formatter_class=formatter
    )
    snap.add_argument("scenario", help="scenario TOML file")
    snap.add_argument("--at", required=True, help='the month the continued runs start with, "YYYY-MM" (e.g. 2023-01)')
    snap.add_argument("--out", required=True, help="the snapshot file to write (a zip of JSON and .npy files)")
    snap.add_argument("--seed", type=int, help="master seed (default: the scenario's run.seed)")
    snap.add_argument("--scale", type=float, help="fraction of the Dutch child population (default: the scenario's run.scale)")
    snap.add_argument(
        "--reps", type=int, default=1, help="replications (seeds spawned from --seed, as run and compare spawn them)"
    )
    snap.add_argument("--quiet", action="store_true", help="no progress bar")
    snap.set_defaults(func=cmd_snapshot)
    cal = sub.add_parser("calibrate", help="fit the free parameters to the Dutch targets (Optuna)", formatter_class=formatter)
    cal.add_argument("scenario", nargs="?", help="scenario the search starts from (default: the defaults = baseline)")
    cal.add_argument("--trials", type=int, default=40, help="parameter sets to try (the first is the scenario's own)")
    cal.add_argument("--sampler-seed", type=int, default=0, help="seed of the TPE sampler")
    cal.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help=f"processes running each trial's replications (default: all cores, {os.cpu_count() or 1} here)",
    )
    common(cal, reps=8)
    cal.set_defaults(func=cmd_calibrate, out="calibration")
    val = sub.add_parser(
        "validate", help="compare with the Dutch figures; run the validation experiments", formatter_class=formatter
    )
    val.add_argument("scenario", nargs="?", help="scenario to validate (default: the defaults = baseline)")
    val.add_argument(
        "--no-experiments", action="store_true", help="only the baseline's level targets: no responses, no experiments"
    )
    val.add_argument("--strict", action="store_true", help="exit 1 if any target is outside its tolerance")
    common(val, reps=10, out="results/validate_<scenario file name>")
    val.set_defaults(func=cmd_validate)
    vig = sub.add_parser("vignettes", help="inter-rater agreement of the simulated professionals", formatter_class=formatter)
    vig.add_argument("scenario", nargs="?", help="scenario (default: the defaults = baseline)")
    vig.add_argument(
        "--cases",
        type=int,
        default=5000,
        help="vignettes (drawn from the cases under investigation at VT or the Raad after the first 12 months)",
    )
    vig.add_argument(  # sim.experiments.vignettes.RATERS (not imported here: the CLI starts without the model)
        "--raters", type=int, default=41, help="professionals judging every vignette (as many as Kang & Poertner 2006)"
    )
    vig.add_argument(
        "--months", type=int, default=36, help="months to run; cases investigated after the first 12 are the vignette pool"
    )
    vig.add_argument("--seed", type=int, help="master seed (default: the scenario's run.seed)")
    vig.add_argument("--scale", type=float, help="fraction of the Dutch child population (sets the pool of cases)")
    vig.add_argument("--out", help="output folder for vignettes.csv")
    vig.set_defaults(func=cmd_vignettes)
    par = sub.add_parser(
        "params", help="the parameters: default, allowed values, role (lever, capacity, ...), source", formatter_class=formatter
    )
    par.add_argument("which", nargs="?", metavar="SECTION|KEY", help="one section (raad) or key (raad.n_staff); all if omitted")
    par.add_argument("--role", choices=sorted(ROLES), help="only parameters of this role")
    par.set_defaults(func=cmd_params)
    bl = sub.add_parser(
        "baseline", help="regression baselines: check them, or update them deliberately", formatter_class=formatter
    )
    bl.add_argument("action", choices=["update", "check"], help="update: rerun and rewrite (+ CHANGES.md); check: compare")
    bl.add_argument("scenarios", nargs="*", help="regression scenario names (default: all in --dir)")
    bl.add_argument("--dir", default=str(DEFAULT_DIR), help="folder of regression scenarios")
    bl.add_argument("--jobs", type=int, help="worker processes (default: the CPUs available)")
    bl.add_argument("--reps", type=int, default=M_STORED, help="update: replications behind the stored means")
    bl.add_argument("--exact-only", action="store_true", help="check: only the fixed-seed check")
    bl.add_argument("--all", action="store_true", help="check: print every changed key, not the largest 40")
    bl.set_defaults(func=cmd_baseline)
    dash = sub.add_parser("dashboard", help="start the interactive dashboard in the browser", formatter_class=formatter)
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1: this machine only)")
    dash.add_argument("--port", type=int, default=8765, help="port to listen on")
    dash.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other machines can reach (no authentication: see README, 'Running the dashboard for others')",
    )
    dash.add_argument(
        "--run-slots",
        type=int,
        default=None,
        help="simulations run at once for all sessions; more wait in a queue (default: one per core)",
    )
    dash.add_argument(
        "--session-timeout",
        default="2m",
        help="a closed or disconnected tab's results are kept this long, then freed (Solara duration: 30s, 2m, 1h)",
    )
    dash.set_defaults(func=cmd_dashboard)
    swp = sub.add_parser("sweep", help="run or resume a sweep: design points x replications", formatter_class=formatter)
    swp.add_argument("sweep_file", help="sweep TOML file (levers, uncertainties, design; see README)")
    where = swp.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help=f"local worker processes, 1: this process (default: all cores, {os.cpu_count() or 1} here)",
    )
    where.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786), or local:N for a LocalCluster")
    swp.add_argument("--out", help="output folder (default: the sweep file's out, else results/sweeps/<name>)")
    swp.add_argument("--quiet", action="store_true", help="no progress bar")
    swp.add_argument("--allow-large", action="store_true", help="allow more than 10,000 runs (design points x replications)")
    swp.set_defaults(func=cmd_sweep)
    ana = sub.add_parser("analyze", help="intervals, paired differences, sensitivity and a report of a sweep folder")
    ana.add_argument("out_dir", help="the sweep's output folder")
    ana.add_argument("--ema", metavar="FILE", help="also write the runs for the EMA Workbench (tar.gz, load_results)")
    ana.set_defaults(func=cmd_analyze)
    return parser


def _refuse_bad_scenarios_early(args: argparse.Namespace) -> None:
    """Read the command's scenario files before its code is imported; a bad one is refused at once.

    Why: the commands import the model and pandas (~1 s) before they read their files, and a
    typo is the most common thing a user waits for. The command reads the files again
    (milliseconds); the message is the same.
    """
    for name in ("scenario", "a", "b"):  # run, snapshot, calibrate, validate, vignettes; compare's A and B
        path = getattr(args, name, None)
        if isinstance(path, str):
            load_scenario(path)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ketensim`` console script."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `ketensim run ... | head` ends quietly
    args = build_parser().parse_args(argv)
    if getattr(args, "reps", 1) < 1:
        print("ketensim: --reps must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        _refuse_bad_scenarios_early(args)
        return int(args.func(args))
    except ScenarioError as exc:
        print(f"ketensim: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ketensim: interrupted; nothing was written", file=sys.stderr)
        return 130

"""``ketensim run | compare | dashboard``: a scenario's results and report, a paired comparison, the dashboard."""

from __future__ import annotations

import argparse
import ipaddress
import json
import re
import sys
import textwrap
import time
from pathlib import Path

from tqdm import tqdm

from sim import __version__
from sim.cli.common import (
    format_differences,
    format_summary,
    load,
    missing_folders,
    out_folder,
    remove_if_empty,
    scenario_info,
    warn_small_scale,
    write_atomically,
)
from sim.experiments.runs import Replications, paired_differences, replicate, scenario_seeds
from sim.experiments.snapshot_file import Snapshot
from sim.experiments.snapshots import BEGINNING, describe_start, first_reported_year, snapshot_month, take
from sim.model.params import Params, ScenarioError, policy_changes
from sim.model.params.scenario import short
from sim.reports import comparison
from sim.reports.labels import label
from sim.reports.page import Scenario
from sim.reports.run import summary_table, write_report


def _save_run(reps: Replications, out: Path, title: str, scenario: Scenario) -> None:
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
        write_report(reps, folder / "report.html", title, scenario)

    write_atomically(out, write)


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario, print the summary, write results and the report."""
    params = load(args.scenario, args)
    out = out_folder(args.out or Path("results") / Path(args.scenario).stem)  # before any run
    warn_small_scale(params)
    first = first_reported_year(params)  # opens (and checks) a snapshot before any run
    reps = replicate(params, args.reps, show_progress=not args.quiet)
    print(
        f"Ketensim {__version__}: {args.scenario}, {args.reps} replication(s), scale {params.run.scale}, "
        f"{first}-{params.run.start_year + params.run.years - 1}"
        + ("" if params.run.start_from == BEGINNING else f", {describe_start(params)}")
    )
    changes = policy_changes(params)
    print(format_summary(summary_table(reps), figures=not changes))
    if changes:
        print(
            "\n"
            + textwrap.fill(
                f"No Dutch figures: this scenario sets {', '.join(changes)} away from the baseline, and the figures count "
                f"the chain as it is. Compare it with the baseline instead: ketensim compare scenarios/baseline.toml {args.scenario}",
                width=110,
            )
        )
    print("\n" + textwrap.fill("Errors against the truth: " + label("errors_explained"), width=110))
    _save_run(reps, out, f"Ketensim: {Path(args.scenario).stem}", scenario_info(args.scenario))
    print(f"\nResults: {out}/ (yearly, monthly, equity, costs, summary .parquet; params.toml; seeds.json; report.html)")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Paired comparison of two scenarios with common random numbers."""
    a, b = load(args.a, args), load(args.b, args)
    start = common_start(a, b, args)
    a = a.with_overrides({"run": {"start_from": start}}, origin=args.a)
    b = b.with_overrides({"run": {"seed": a.run.seed, "start_from": start}}, origin=args.b)
    differ = [k for k in ("scale", "years", "start_year", "warmup_years") if getattr(a.run, k) != getattr(b.run, k)]
    if differ:
        raise ScenarioError(
            f"{args.b}: run settings differ from {args.a} ({', '.join(f'run.{k}' for k in differ)}); "
            "a paired comparison needs the same scale and years: set them alike or pass --scale/--years"
        )
    out = out_folder(args.out) if args.out else None  # before any run
    if args.reps < 2:
        print("ketensim: note: with --reps 1 there are no confidence intervals", file=sys.stderr)
    warn_small_scale(a)
    ra = replicate(a, args.reps, show_progress=not args.quiet)
    rb = replicate(b, args.reps, show_progress=not args.quiet)
    diff = paired_differences(ra, rb)
    print(
        f"B - A, {args.reps} paired replications (same seeds); "
        f"scale {a.run.scale}, {first_reported_year(a)}-{a.run.start_year + a.run.years - 1}"
        + ("" if start == BEGINNING else f"; both {describe_start(a)}")
    )
    print(f"A = {args.a}\nB = {args.b}\n")
    print(format_differences(diff, args.reps))
    if out is not None:

        def write(folder: Path) -> None:
            diff.to_parquet(folder / "compare.parquet", index=False)
            diff.to_csv(folder / "compare.csv", index=False)
            comparison.write(ra, rb, folder / "compare.html", scenario_info(args.a), scenario_info(args.b), diff)

        write_atomically(out, write)
        print(f"\nWritten: {out}/compare.parquet, compare.csv, compare.html (the comparison report)")
    return 0


def common_start(a: Params, b: Params, args: argparse.Namespace) -> str:
    """Where both scenarios of a paired comparison start: ``--from``, else the start either declares.

    A paired difference needs both runs to start from the same state: a scenario declaring
    ``run.start_from = "present"`` compared with the baseline compares both from the present.

    Raises:
        ScenarioError: the two declare different starts.

    """
    if args.start_from is not None:
        return str(a.run.start_from)
    declared = {s.run.start_from for s in (a, b)} - {BEGINNING}
    if len(declared) > 1:
        raise ScenarioError(
            f"{args.a} and {args.b} start from different states (run.start_from {a.run.start_from!r} and "
            f"{b.run.start_from!r}); a paired comparison needs one: set them alike or pass --from"
        )
    return declared.pop() if declared else BEGINNING


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Run a scenario to a month and save its complete state (one per replication) to a file."""
    params = load(args.scenario, args)
    out = Path(args.out)
    month = snapshot_month(params, args.at)  # a bad month is refused before any run
    if out.is_dir():
        raise ScenarioError(f"--out {out}: is a folder; allowed: a file name (e.g. snapshots/present.zip)")
    made = missing_folders(out.parent)
    if any(folder.is_file() for folder in (out.parent, *out.parent.parents)):
        raise ScenarioError(f"--out {out}: a part of the path is a file; allowed: a file name in a folder")
    if out.exists():
        try:
            Snapshot(out).close()
        except ScenarioError:
            raise ScenarioError(
                f"--out {out}: exists and is not a Ketensim snapshot; allowed: a new file, or a snapshot to replace"
            ) from None
    seeds = scenario_seeds(params, args.reps)
    with tqdm(total=len(seeds) * month, unit="month", disable=args.quiet, desc="simulating", leave=False) as bar:

        def tick(_month: int, _total: int) -> None:
            bar.update(1)

        started = time.perf_counter()
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            size = take(params, args.at, seeds, out, Path(args.scenario).stem, progress=tick)
        except BaseException:
            remove_if_empty(made)
            raise
    print(
        f"Snapshot: {out} ({size / 1e6:.1f} MB): {Path(args.scenario).stem} at {args.at}, {len(seeds)} replication(s) "
        f"(seeds {', '.join(map(str, seeds[:3]))}{' ...' if len(seeds) > 3 else ''}), scale {params.run.scale:g}, "
        f"in {time.perf_counter() - started:.1f} s\n"
        f"Continue from it: ketensim run SCENARIO --from {out}{f' --reps {len(seeds)}' if len(seeds) > 1 else ''}"
    )
    return 0


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to an address others can reach


def remote_warning(host: str, port: int, allow_remote: bool) -> str | None:
    """The warning for serving beyond this machine, or None on loopback; ScenarioError without ``--allow-remote``.

    The dashboard has no accounts or tokens: whoever reaches the port can run simulations.
    """
    if is_loopback(host):
        return None
    tunnel = f"keep 127.0.0.1 and let each user tunnel in: ssh -L {port}:127.0.0.1:{port} <this machine>"
    if not allow_remote:
        raise ScenarioError(
            f"--host {host}: serves the dashboard to every machine that can reach this one, without a password; "
            f"allowed: a loopback address (127.0.0.1, ::1, localhost), or add --allow-remote. Safer: {tunnel}"
        )
    return (
        f"Warning: the dashboard listens on {host}:{port} with no authentication; anyone who can reach this port "
        f"can run simulations on this machine. Safer: {tunnel}"
    )


SESSION_TIMEOUT = re.compile(r"\d{1,6}(\.\d+)?[smh]")  # what Solara's cull timeout takes, with a unit


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Start the interactive dashboard (Solara) on host:port (loopback only unless --allow-remote)."""
    if not 0 < args.port < 65536:
        raise ScenarioError(f"--port {args.port}: allowed range 1-65535")
    host = args.host.strip("[]")  # [::1] as in a URL; the server wants the bare address
    if args.run_slots is not None and not 1 <= args.run_slots <= 64:
        raise ScenarioError(f"--run-slots {args.run_slots}: allowed range 1-64")
    if not SESSION_TIMEOUT.fullmatch(args.session_timeout.strip()):
        raise ScenarioError(
            f"--session-timeout {short(args.session_timeout, 40, quote=True)}: allowed: a number with s, m or h (30s, 2m, 1h)"
        )
    warning = remote_warning(host, args.port, args.allow_remote)
    if warning:
        print(warning, file=sys.stderr)
    from sim.dashboard import server  # solara loads only for this command

    return server.serve(host, args.port, run_slots=args.run_slots, session_timeout=args.session_timeout.strip())

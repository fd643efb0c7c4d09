"""``ketensim sweep | analyze``: run or resume a sweep; its intervals, sensitivity and report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim import __version__
from sim.experiments.sweeps import store
from sim.experiments.sweeps.spec import load_sweep

EXIT_INCOMPLETE = 1  # some runs failed or were lost: recorded; running the sweep again retries them
EXIT_INTERRUPTED = 130


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume a sweep; print where the results are and what failed."""
    from sim.experiments.sweeps.run import check_executor, check_size, run_sweep

    check_executor(args.workers, args.dask)
    sweep = load_sweep(args.sweep_file)
    out = Path(args.out) if args.out else sweep.default_out()
    store.check_out_folder(out)  # before anything runs
    n_runs = check_size(sweep, args.allow_large)
    s = sweep.settings
    where = f"Dask {args.dask}" if args.dask else f"{args.workers} local worker(s)"
    print(
        f"Ketensim {__version__} sweep: {args.sweep_file}, design {s.design}, {len(sweep.factors)} factor(s), "
        f"{s.replications} replication(s) per point (+ the base point), {n_runs} runs, {where} -> {out}/",
        flush=True,
    )
    try:
        runs = run_sweep(
            sweep, workers=args.workers, dask=args.dask, out=out, show_progress=not args.quiet, allow_large=args.allow_large
        )
    except KeyboardInterrupt:
        done = store.read_runs(out)
        print(
            f"\nketensim: interrupted; {int((done['status'] == 'ok').sum())} finished runs are saved in {out}/runs. "
            "Run the same command again to resume.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    failed = runs[runs["status"] == "failed"]
    print(f"{int((runs['status'] == 'ok').sum())} runs ok, {len(failed)} failed; manifest: {out}/manifest.parquet (.csv)")
    if len(failed):
        print(f"ketensim: first failure ({failed['run_id'].iloc[0]}): {failed['error'].iloc[0]}", file=sys.stderr)
        print("ketensim: failed runs are retried when you run the sweep again", file=sys.stderr)
    print(f"Next: ketensim analyze {out}")
    planned = s.replications * len(store.read_design(out))
    return 0 if len(runs) == planned and not len(failed) else EXIT_INCOMPLETE


def cmd_analyze(args: argparse.Namespace) -> int:
    """Write summary, differences, sensitivity and the report of a sweep folder (and the EMA export)."""
    from sim.experiments.sweeps.analysis import analyze
    from sim.experiments.sweeps.ema import write_ema
    from sim.reports.sweep import write_report

    out = Path(args.out_dir)
    analysis = analyze(out)
    report = write_report(analysis)
    tables = analysis.tables
    print(f"Written: {out}/summary, differences, sensitivity (.parquet, .csv) and {report}")
    if len(tables["sensitivity"]):
        print("\n" + tables["sensitivity"].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    if args.ema:
        print(f"EMA Workbench export: {write_ema(out, args.ema)}")
    return 0

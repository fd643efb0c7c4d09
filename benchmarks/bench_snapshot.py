"""Benchmark snapshots: file size, time to write, time to load, and the run from a snapshot against the whole run.

For one replication at the given scale (one process, BLAS threads limited to 1):

* ``run_to_s``: simulating from the start to the snapshot month (the work a snapshot saves);
* ``write_s``, ``size_mb``: writing the snapshot file, and its size;
* ``load_s``: opening the file and rebuilding the model (``Snapshot.model``) until it is ready to step;
* ``rest_s``: simulating from the snapshot month to the end;
* ``identical``: the continued run's yearly table equals the uninterrupted run's from the snapshot year on.

Usage::

    .venv/bin/python benchmarks/bench_snapshot.py --scale 0.05
    .venv/bin/python benchmarks/bench_snapshot.py --scale 1.0 --json results/bench_snapshot.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported: one core, no BLAS thread pool

from sim import __version__  # noqa: E402
from sim.experiments.runs import gc_paused  # noqa: E402
from sim.experiments.snapshot_file import Manifest, Snapshot, write  # noqa: E402
from sim.experiments.snapshots import PRESENT, snapshot_month  # noqa: E402
from sim.model.chain import ChainModel  # noqa: E402
from sim.model.params import Params  # noqa: E402
from sim.model.results import collect  # noqa: E402


def main() -> None:
    """Measure and print one line of figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--at", default=PRESENT, help="snapshot month (default: the present)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    params = Params().with_overrides({"run": {"scale": args.scale}})
    month = snapshot_month(params, args.at)
    with gc_paused(), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snapshot.zip"
        t0 = time.perf_counter()
        model = ChainModel(params)
        while model.steps < month:
            model.step()
        t1 = time.perf_counter()
        manifest = Manifest(args.at, month, args.scale, [params.run.seed], "baseline", params.to_toml(), __version__)
        size = write(path, manifest, [model])
        t2 = time.perf_counter()
        with Snapshot(path) as snapshot:
            again = snapshot.model(0)
        t3 = time.perf_counter()
        again.continue_as(params)
        while again.running:
            again.step()
        t4 = time.perf_counter()
        continued = collect(again).yearly
        while model.running:
            model.step()
        whole = collect(model).yearly
    later = whole[whole["year"] >= int(args.at[:4])].reset_index(drop=True)
    figures = {
        "scale": args.scale,
        "at": args.at,
        "run_to_s": round(t1 - t0, 2),
        "write_s": round(t2 - t1, 2),
        "size_mb": round(size / 1e6, 1),
        "load_s": round(t3 - t2, 2),
        "rest_s": round(t4 - t3, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "identical": bool(later.equals(continued)),
        "version": __version__,
    }
    print(json.dumps(figures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

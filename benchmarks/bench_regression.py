"""CPU-normalised speed of the regression scenarios: model time / a fixed numpy reference time.

Wall time alone says as much about the machine (and who else is using it) as about the
model. This script times each regression scenario (scenarios/regression, one run with its
fixed seed) and a fixed numpy reference workload on the same core, interleaved, and reports
the ratio of the two. The ratio stays comparable across machines and busy hours far better
than seconds do; a lasting rise of it means the model became slower.

Best of ``--repeat`` runs per item (the minimum is the least disturbed measurement). The
process is pinned to one CPU and BLAS/OpenMP threads are limited to one, as in
bench_national.py. CI prints the figure after the tests and never fails on it (.ci/run).

Usage::

    .venv/bin/python benchmarks/bench_regression.py [--repeat 3] [--json benchmarks/out/regression.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported: one core, no BLAS thread pool

import numpy as np  # noqa: E402
from reference import best_of, reference_workload  # noqa: E402 - benchmarks/reference.py

from sim import __version__  # noqa: E402
from sim.experiments.regression.store import DEFAULT_DIR, find  # noqa: E402
from sim.experiments.runs import run_once  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per item; the best counts (default 3)")
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder of regression scenarios")
    ap.add_argument("--json", type=Path, help="write the figures to this JSON file")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    args = ap.parse_args(argv)
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    scenarios = find(args.dir)
    reference_workload()  # warm up imports and caches once, unmeasured
    model: dict[str, float] = {}
    reference: list[float] = []
    wall = 0.0
    for s in scenarios:  # interleaved, so both see the same conditions of a busy machine
        reference.append(best_of(args.repeat, reference_workload)[0])
        model[s.name], seconds = best_of(args.repeat, lambda p=s.params: run_once(p))
        wall += seconds
    ref = min(reference)
    total = sum(model.values())
    ratio = total / ref
    for name, seconds in model.items():
        print(f"  {name:30s} {seconds:6.3f} s CPU = {seconds / ref:6.2f} x reference")
    print(
        f"regression benchmark: model / reference = {ratio:.2f} (CPU time: model {total:.2f} s for {len(model)} scenarios, "
        f"reference {ref:.3f} s; wall {wall:.2f} s; best of {args.repeat}; ketensim {__version__})"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "ratio": ratio,
            "model_cpu_seconds": model,
            "reference_cpu_seconds": ref,
            "model_wall_seconds": wall,
            "repeat": args.repeat,
            "ketensim_version": __version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "machine": platform.machine(),
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

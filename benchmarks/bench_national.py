"""Benchmark one national-scale Ketensim run on a single core.

Measures, in one process pinned to one CPU (BLAS/OpenMP threads limited to 1):

* wall time of model construction (``ChainModel(params)``), the simulation loop
  (``while model.running: model.step()``) and ``collect(model)``, each with ``time.perf_counter``;
* peak resident memory (``ru_maxrss`` of this process, MB);
* throughput: simulated household-months and child-months per second of loop time.

Goal (issue 16): scale 1.0, 10 reported years plus warm-up, in <= 20 s wall and <= 1 GB peak
memory on one core of the idle 2-core machine. Seconds alone depend on the machine's load:
``bench_goals.py`` runs this script and reports the figure as a ratio to a numpy reference.

Usage::

    .venv/bin/python benchmarks/bench_national.py --scale 1.0 --years 10 --json results/bench.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported: one core, no BLAS thread pool

import mesa  # noqa: E402
import numpy as np  # noqa: E402
from reference import GOAL_NATIONAL_MB, GOALS_S  # noqa: E402 - benchmarks/reference.py

from sim.experiments.runs import gc_paused  # noqa: E402
from sim.model.chain import ChainModel  # noqa: E402
from sim.model.params import Params  # noqa: E402
from sim.model.results import collect  # noqa: E402

GOAL_SECONDS = GOALS_S["national"]
GOAL_MB = GOAL_NATIONAL_MB


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def sim_sources_hash() -> str:
    """Short hash of the imported ``sim`` sources (which code version was measured, without git)."""
    root = Path(sys.modules["sim"].__file__).parent
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(root.rglob("*.py"))))
    return digest.hexdigest()[:12]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the Dutch child population (default 1.0)")
    ap.add_argument("--years", type=int, default=10, help="reported years, warm-up comes on top (default 10)")
    ap.add_argument("--seed", type=int, default=None, help="master seed (default: the parameter default)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures to this JSON file")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    args = ap.parse_args(argv)

    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    run: dict[str, float | int] = {"scale": args.scale, "years": args.years}
    if args.seed is not None:
        run["seed"] = args.seed
    params, src = Params().with_overrides({"run": run}), sim_sources_hash()  # hash right after import

    marks = [(time.perf_counter(), time.process_time())]
    with gc_paused():  # as run_once does
        model = ChainModel(params)
        marks.append((time.perf_counter(), time.process_time()))
        while model.running:
            model.step()
        marks.append((time.perf_counter(), time.process_time()))
        collect(model)
        marks.append((time.perf_counter(), time.process_time()))

    (w0, c0), (w1, c1), (w2, c2), (w3, c3) = marks
    pop, months, loop, mem = model.population, model.months_total, w2 - w1, peak_mb()
    fig = {
        **{"python": platform.python_version(), "numpy": np.__version__, "mesa": mesa.__version__},
        "cpu_count": os.cpu_count(),
        "sim_sha256": src,
        "cpus_allowed": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        **{k: getattr(params.run, k) for k in ("scale", "years", "warmup_years", "seed")},
        **{"months_total": months, "n_households": pop.n_households, "n_children": pop.n_children},
        **{"construct_s": w1 - w0, "loop_s": loop, "collect_s": w3 - w2, "total_s": w3 - w0},
        **{"construct_cpu_s": c1 - c0, "loop_cpu_s": c2 - c1, "collect_cpu_s": c3 - c2, "total_cpu_s": c3 - c0},
        "peak_rss_mb": mem,
        "household_months_per_s": pop.n_households * months / loop,
        "child_months_per_s": pop.n_children * months / loop,
        "goal_met": w3 - w0 <= GOAL_SECONDS and mem <= GOAL_MB,
    }

    print(
        f"python {fig['python']}  numpy {fig['numpy']}  mesa {fig['mesa']}  os.cpu_count()={fig['cpu_count']}  CPUs allowed {fig['cpus_allowed']}"
    )
    print(
        f"scale {fig['scale']}  {fig['years']} years + {fig['warmup_years']} warm-up = {months} months  seed {fig['seed']}  sim sources {fig['sim_sha256']}"
    )
    print(f"households {pop.n_households:,}  children {pop.n_children:,}\n  {'':<20}{'wall s':>10}{'CPU s':>10}")
    for part in ("construct", "loop", "collect", "total"):
        print(f"  {part:<20}{fig[part + '_s']:10.2f}{fig[part + '_cpu_s']:10.2f}")
    print(f"  {'ms per month':<20}{1000 * loop / months:10.0f}")
    print(f"  {'peak RSS MB':<20}{mem:10.0f}   goal <= {GOAL_MB:.0f}")
    print(f"  {'household-months/s':<20}{fig['household_months_per_s']:10,.0f}")
    print(f"  {'child-months/s':<20}{fig['child_months_per_s']:10,.0f}")
    print(f"  {'goal met':<20}{'yes' if fig['goal_met'] else 'NO':>10}   (total wall <= {GOAL_SECONDS:.0f} s)")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(fig, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

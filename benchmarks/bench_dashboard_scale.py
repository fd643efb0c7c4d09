"""Is the dashboard's default scale biased? The baseline's headline outcomes at small scales vs the 0.05 run.

Runs the defaults (10 years after the warm-up) at each scale with the same replication seeds and
prints, per outcome, the mean over seeds, its seed-to-seed sd and the change against scale 0.05,
with the median seconds per run. ``sim.dashboard.controls.DASHBOARD_SCALE`` cites its result.

Usage::

    .venv/bin/python benchmarks/bench_dashboard_scale.py --seeds 8 --scales 0.005 0.01 0.02 0.05
"""

from __future__ import annotations

import argparse
import statistics
import time

from sim.experiments.runs import Replications, run_once
from sim.model.params import Params
from sim.model.rng import replication_seeds

KEYS = (
    "ots_starts_per_year",
    "placements_started_per_year",
    "raad_protection_investigations_per_year",
    "unwarranted_placements_per_year",
    "missed_children_per_year",
    "children_waiting_for_guardian",
    "cost_per_year_meur",
    "vt_reports_per_year",
)


def main() -> None:
    """Run the scales and print the comparison with the largest one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--scales", type=float, nargs="+", default=[0.005, 0.01, 0.02, 0.05])
    args = parser.parse_args()
    seeds = replication_seeds(Params().run.seed, args.seeds)
    results: dict[float, list[dict[str, float]]] = {}
    for scale in args.scales:
        for seed in seeds:
            params = Params().with_overrides({"run": {"scale": scale, "seed": seed}})
            start = time.monotonic()
            run = run_once(params)
            seconds = time.monotonic() - start
            summary = Replications(params, [seed], [run]).summary()
            results.setdefault(scale, []).append({"seconds": seconds, **{k: float(summary[k].mean()) for k in KEYS}})
    reference = max(results)
    ref = {k: statistics.mean(r[k] for r in results[reference]) for k in KEYS}
    for scale, rows in sorted(results.items()):
        print(f"scale {scale:g}: {len(rows)} seeds, median {statistics.median(r['seconds'] for r in rows):.1f} s per run")
        for k in KEYS:
            mean = statistics.mean(r[k] for r in rows)
            sd = statistics.stdev(r[k] for r in rows) if len(rows) > 1 else float("nan")
            print(f"  {k:42s} {mean:10,.0f}  sd {sd:8,.0f}  vs {reference:g}: {100 * (mean / ref[k] - 1):+6.1f} %")


if __name__ == "__main__":
    main()

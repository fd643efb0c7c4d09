"""Measure the false-alarm rate of the statistical regression check for several k.

The check compares the mean of N_CHECK replications with a stored mean of M_STORED
replications and fails a key when they differ by more than k standard errors of the
difference (sim/regression.py). With an unchanged model every failure is a false alarm.
This script runs R replications per regression scenario (seeds from a master seed used
nowhere else), then draws T random disjoint splits into "stored" (M) and "check" (N) sets
and counts failing keys per split, as one CI run would see them. Each trial splits every
scenario, so a trial is one simulated CI run; trials share replications, so the
figures are estimates, good to about a factor of two for rare events.

Usage::

    .venv/bin/python benchmarks/regression_false_alarms.py --reps 120 --trials 300 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from sim.experiments.regression import store as baseline
from sim.experiments.regression.compare import K_SE, M_STORED, N_CHECK, describe, drifts
from sim.model.rng import replication_seeds

KS = (3.0, 4.0, 4.5, 5.0, 6.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=120, help="replications per scenario (>= M + N)")
    ap.add_argument("--trials", type=int, default=300, help="random stored/check splits (simulated CI runs)")
    ap.add_argument("--jobs", type=int, default=baseline.default_jobs())
    ap.add_argument("--dir", type=Path, default=baseline.DEFAULT_DIR)
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--save", type=Path, help="write the flattened runs here (JSON) for a closer look")
    ap.add_argument("--load", type=Path, help="reuse runs written by --save instead of simulating")
    args = ap.parse_args(argv)
    if args.reps < M_STORED + N_CHECK:
        ap.error(f"--reps must be at least M + N = {M_STORED + N_CHECK}")

    if args.load:
        runs = json.loads(args.load.read_text(encoding="utf-8"))
        args.reps = min(len(r) for r in runs.values())
    else:
        scenarios = baseline.find(args.dir)
        start = time.perf_counter()
        master = {s.name: s.params.run.seed + 7_777_777 for s in scenarios}  # used by neither stored nor check seeds
        tasks = [(s.params, seed, False) for s in scenarios for seed in replication_seeds(master[s.name], args.reps)]
        results = baseline.run_all(tasks, args.jobs)
        runs = {s.name: results[i * args.reps : (i + 1) * args.reps] for i, s in enumerate(scenarios)}
        print(f"{len(tasks)} runs in {time.perf_counter() - start:.0f} s")
    if args.save:
        args.save.write_text(json.dumps(runs), encoding="utf-8")

    rng = np.random.default_rng(6)
    fails = {k: Counter() for k in KS}  # key -> failures over trials
    trials_with_failure = dict.fromkeys(KS, 0)
    n_keys = 0
    for _ in range(args.trials):
        any_fail = dict.fromkeys(KS, False)
        n_keys = 0
        for name, reps in runs.items():
            order = rng.permutation(args.reps)
            stored = describe([reps[i] for i in order[:M_STORED]])
            check = describe([reps[i] for i in order[M_STORED : M_STORED + N_CHECK]])
            rows = drifts(stored, check, k=min(KS))
            n_keys += len(rows)
            for k in KS:
                for d in rows:
                    if abs(d.z) > k or (d.failed and d.why):
                        fails[k][f"{name}:{d.key}"] += 1
                        any_fail[k] = True
        for k in KS:
            trials_with_failure[k] += any_fail[k]

    print(f"keys tested per CI run: {n_keys}; trials: {args.trials}; M = {M_STORED}, N = {N_CHECK}")
    print(f"{'k':>4s}  {'key failures per run':>21s}  {'runs with a failure':>20s}  {'normal theory':>14s}")
    from scipy import stats

    figures = {}
    for k in KS:
        per_run = sum(fails[k].values()) / args.trials
        share = trials_with_failure[k] / args.trials
        theory = n_keys * 2 * stats.norm.sf(k)
        figures[str(k)] = {"key_failures_per_run": per_run, "runs_with_failure": share, "normal_theory_per_run": theory}
        print(f"{k:4.1f}  {per_run:21.4f}  {share:20.3f}  {theory:14.5f}")
    for k in KS:
        print(f"\nkeys failing most often at k = {k:g}{' (chosen)' if k == K_SE else ''}:")
        for key, count in fails[k].most_common(8):
            print(f"  {count:4d}/{args.trials}  {key}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"reps": args.reps, "trials": args.trials, "keys": n_keys, "k": figures}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

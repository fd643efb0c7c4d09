"""Benchmark a sweep of >= 40 reduced-scale runs: serial, 2 local workers, 2-worker Dask LocalCluster.

Parallel efficiency = serial time / (workers x parallel time), start-up of the pool or
cluster included (it is part of what a user waits for). Goal (issue #4): >= 90 % on 2 local
workers, >= 85 % on Dask. The three sweeps must give identical results; the script checks.
The machine's load average and a machine check (the same pure-Python loop alone and in
``workers`` processes at once) are recorded beside the figures: on a shared or oversubscribed
machine other jobs take cores away from the workers, and no sweep can be more efficient than
the machine check says the cores are.

Usage::

    .venv/bin/python benchmarks/bench_sweep.py --json benchmarks/out/sweep.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported, and inherited by the workers

import pandas as pd  # noqa: E402

from sim import __version__  # noqa: E402
from sim.experiments.sweeps import run_sweep  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOAL_LOCAL, GOAL_DASK = 0.90, 0.85


def sweep_file(folder: Path, points: int, reps: int, scale: float, years: int, warmup: int) -> Path:
    """A Latin-hypercube sweep of two levers and one uncertainty on the baseline."""
    path = folder / "bench.toml"
    path.write_text(
        f"""[sweep]
base = "{ROOT / "scenarios" / "baseline.toml"}"
design = "latin_hypercube"
points = {points}
replications = {reps}
seed = 1

[overrides]
run = {{ scale = {scale}, years = {years}, warmup_years = {warmup} }}

[levers]
"contradiction.second_assessor_share" = {{ range = [0.0, 1.0] }}
"local_team.home_help_capacity" = {{ range = [1000, 10000] }}

[uncertainties]
"decisions.placement_benefit_bias" = {{ range = [0.0, 0.6] }}
""",
        encoding="utf-8",
    )
    return path


def _burn(n: int) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - start


def machine_check(workers: int, n: int = 20_000_000) -> float:
    """What the machine itself delivers: a pure-Python loop alone vs. ``workers`` copies at once.

    Returns single time / slowest parallel copy (1.0 = the cores are really independent). On a
    shared or oversubscribed VM this is well below 1, and no sweep can beat it.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_burn, [1000] * workers))  # start the processes first
        single = pool.submit(_burn, n).result()
        together = max(pool.map(_burn, [n] * workers))
    return single / together


def timed(label: str, **kwargs: object) -> tuple[float, pd.DataFrame]:
    """Run the sweep and return (wall seconds, runs)."""
    start = time.perf_counter()
    runs = run_sweep(**kwargs)  # type: ignore[arg-type]
    seconds = time.perf_counter() - start
    print(f"{label:28s} {seconds:7.1f} s   (load average now {os.getloadavg()[0]:.1f})", flush=True)
    return seconds, runs


def main() -> None:
    """Run the three sweeps, print and optionally write the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=9, help="design points (plus the base point)")
    parser.add_argument("--reps", type=int, default=4, help="replications per point")
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()
    n_runs = (args.points + 1) * args.reps
    print(f"sweep of {n_runs} runs at scale {args.scale}, {args.years} years + {args.warmup} warm-up; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    load_before = os.getloadavg()
    machine_before = machine_check(args.workers)
    print(f"machine check: {args.workers} CPU-bound processes at once run at {machine_before:.0%} of the speed of one")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sweep = sweep_file(folder, args.points, args.reps, args.scale, args.years, args.warmup)
        serial, runs_serial = timed("serial (this process)", sweep=sweep, workers=1, out=folder / "serial")
        local, runs_local = timed(f"{args.workers} local workers", sweep=sweep, workers=args.workers, out=folder / "local")
        dask, runs_dask = timed(
            f"Dask LocalCluster({args.workers})", sweep=sweep, dask=f"local:{args.workers}", out=folder / "dask"
        )
    same = all(r.drop(columns="wall_time_s").equals(runs_serial.drop(columns="wall_time_s")) for r in (runs_local, runs_dask))
    eff_local, eff_dask = serial / (args.workers * local), serial / (args.workers * dask)
    mean_run = {
        k: float(r["wall_time_s"].mean()) for k, r in (("serial", runs_serial), ("local", runs_local), ("dask", runs_dask))
    }
    # share of the workers' time spent inside runs (the rest: start-up, hand-over, idling at the
    # end); unlike the efficiency it does not drop when other jobs slow every run down alike
    busy_local = float(runs_local["wall_time_s"].sum()) / (args.workers * local)
    busy_dask = float(runs_dask["wall_time_s"].sum()) / (args.workers * dask)
    print(f"identical results on all executors: {same}")
    print("mean run time: " + ", ".join(f"{k} {v:.2f} s" for k, v in mean_run.items()) + " (longer in parallel: cores shared)")
    print(f"parallel efficiency: local {eff_local:.1%} (goal {GOAL_LOCAL:.0%}), Dask {eff_dask:.1%} (goal {GOAL_DASK:.0%})")
    print(f"workers busy running models: local {busy_local:.1%}, Dask {busy_dask:.1%}")
    machine_after = machine_check(args.workers)
    print(f"machine check after: {machine_after:.0%} (1 = independent cores; below: shared or oversubscribed CPUs)")
    figures = {
        "runs": n_runs,
        "scale": args.scale,
        "years": args.years,
        "warmup_years": args.warmup,
        "workers": args.workers,
        "serial_s": serial,
        "local_s": local,
        "dask_s": dask,
        "mean_run_s": mean_run,
        "busy_local": busy_local,
        "busy_dask": busy_dask,
        "efficiency_local": eff_local,
        "efficiency_dask": eff_dask,
        "identical_results": same,
        "machine_check_before": machine_before,
        "machine_check_after": machine_after,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "ketensim": __version__,
    }
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
        print(f"written: {out}")


if __name__ == "__main__":
    main()

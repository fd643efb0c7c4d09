"""The numpy reference workload that speed figures are divided by, and the speed goals as ratios.

Seconds say as much about the machine (and who else is using it) as about the model. A
benchmark therefore times a fixed numpy workload in the same process, on the same core,
interleaved with the model, and reports model time / reference time. A busy machine slows
both alike, so it can neither fake nor hide a speed-up.

The goals of issue 16 are given in seconds on the idle project machine (2 cores). They are
turned into ratios once, with the reference's CPU time measured there:
``IDLE_REFERENCE_S`` (best of 5, 3 Dec 2026, load average 0.1, pinned to one CPU:
``.venv/bin/python benchmarks/reference.py``). A goal is met when the measured ratio is at or
below ``goal seconds / IDLE_REFERENCE_S``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy is imported: one core, no BLAS thread pool

import numpy as np  # noqa: E402

IDLE_REFERENCE_S = 0.0855  # CPU seconds of reference_workload() on the idle project machine

# issue 16's goals, in seconds on the idle machine; as ratios: goal_ratio(key)
GOALS_S = {
    "national": 20.0,  # scale 1.0, 10 years plus warm-up, one core (stretch: 10 s)
    "scale_0.05": 1.5,  # scale 0.05, 10 years plus warm-up
    "dashboard": 0.5,  # the dashboard's opening run (its default scale, 10 years)
    "sweep_overhead": 0.1,  # per run of a sweep, beyond simulating it
}
GOAL_NATIONAL_MB = 1024.0  # peak resident memory of the national run


def goal_ratio(key: str) -> float:
    """The goal ``GOALS_S[key]`` as a multiple of the reference workload's time."""
    return GOALS_S[key] / IDLE_REFERENCE_S


def reference_workload() -> float:
    """A fixed numpy workload (~0.09 s CPU on the project's machine) mixing what the model does.

    Whole-array arithmetic and random draws (the population update), sorting (queues,
    initial stocks) and many calls on small arrays (per-case decisions, where Python's call
    overhead dominates). Returns a checksum so nothing is optimised away.
    """
    rng = np.random.default_rng(12345)
    x = rng.random(400_000)
    total = 0.0
    for _ in range(4):
        y = np.exp(-x) * np.where(x > 0.5, 1.8, 1.0) + rng.normal(0, 0.1, x.size)
        total += float(np.sort(y)[x.size // 2]) + float(np.cumsum(y)[-1])
    small = rng.random(16)
    for i in range(10_000):
        total += float(np.searchsorted(np.cumsum(small), (i % 97) / 97.0)) + float(small.mean())
    return total


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, float]:
    """Minimum CPU time and minimum wall time of ``repeat`` calls.

    CPU time (``process_time``) is what the ratios use: time spent waiting while other
    people's jobs hold the core does not count, so a busy machine disturbs it little. The
    minimum is the least disturbed measurement.
    """
    cpu, wall = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return min(cpu), min(wall)


def reference_seconds(repeat: int = 5) -> float:
    """The reference workload's CPU time now (best of ``repeat``, after one unmeasured warm-up)."""
    reference_workload()
    return best_of(repeat, reference_workload)[0]


def pin_to_one_cpu() -> None:
    """Run this process on one CPU, as every benchmark of the model does."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


if __name__ == "__main__":
    pin_to_one_cpu()
    runs = [reference_seconds() for _ in range(3)]
    print("reference workload, CPU s (best of 5), three times: " + ", ".join(f"{s:.4f}" for s in runs))
    print(f"IDLE_REFERENCE_S = {IDLE_REFERENCE_S} (on the idle machine)")

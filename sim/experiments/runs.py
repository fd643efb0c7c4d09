"""Runs, replications and paired comparisons of scenarios.

Replication seeds are spawned from the scenario seed (``SeedSequence.spawn``) and written
beside the results. Two scenarios compared with the same seeds share their named random
streams (common random numbers), so a paired difference is the lever's effect, not luck.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from tqdm import tqdm

from sim.experiments.snapshots import prepare_start, start_model
from sim.experiments.stats import paired_difference
from sim.model.params import Params
from sim.model.results import RunResult, collect
from sim.model.rng import replication_seeds

ProgressHook = Callable[[int, int], None]


def run_once(params: Params, progress: ProgressHook | None = None) -> RunResult:
    """Run one simulation to the end and collect its tables.

    Args:
        params: all parameters (seed in ``params.run.seed``).
        progress: called as ``progress(months_done, months_total)`` after each month.

    """
    with gc_paused():
        model = start_model(params)  # built, or continued from the snapshot run.start_from names
        while model.running:
            model.step()
            if progress is not None:
                progress(model.steps, model.months_total)
        return collect(model)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a run.

    A run holds about a million long-lived objects; the collector's full passes over them
    cost a third of a national run (benchmarks/bench_national.py) while finding almost no
    garbage (the model makes few reference cycles). Reference counting still frees memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class Replications:
    """Results of several replications of one scenario: its parameters, the seeds and each run's tables.

    ``summary()`` has one row per replication; ``table(name)`` stacks one per-run table. Both
    have ``replication`` and ``seed`` columns. Counts are national (divided by ``run.scale``).
    """

    params: Params
    seeds: list[int]
    runs: list[RunResult]

    def summary(self) -> pd.DataFrame:
        """One row per replication, with its seed."""
        rows = [{"replication": i, "seed": s, **r.summary} for i, (s, r) in enumerate(zip(self.seeds, self.runs, strict=True))]
        return pd.DataFrame(rows)

    def table(self, name: str) -> pd.DataFrame:
        """A per-run table (``yearly``, ``monthly``, ``equity``, ``costs``) stacked with replication and seed."""
        frames = []
        for i, (seed, run) in enumerate(zip(self.seeds, self.runs, strict=True)):
            frame = getattr(run, name).copy()
            frame.insert(0, "seed", seed)
            frame.insert(0, "replication", i)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)


def scenario_seeds(params: Params, reps: int) -> list[int]:
    """The replication seeds of a scenario: its own seed for one run, else ``reps`` spawned from it.

    One run uses the scenario's seed itself, so ``run --seed S`` is reproducible by that number.
    """
    return [params.run.seed] if reps == 1 else replication_seeds(params.run.seed, reps)


def replicate(params: Params, reps: int, *, show_progress: bool = False) -> Replications:
    """Run ``reps`` replications with seeds spawned from ``params.run.seed``.

    With ``reps == 1`` the scenario's own seed is used (:func:`scenario_seeds`). Two scenarios
    with the same ``run.seed`` get the same replication seeds, so :func:`paired_differences`
    can pair them (common random numbers).

    Args:
        params: the scenario (``load_scenario``, ``Params().with_overrides(...)``).
        reps: replications, at least 1.
        show_progress: a progress bar on stderr (months simulated).

    Returns:
        The runs with their seeds: ``.summary()`` and ``.table("yearly" | "monthly" | "equity" | "costs")`` DataFrames.

    """
    seeds = scenario_seeds(params, reps)
    prepare_start(params, seeds)  # a snapshot to start from: checked (or the present built) before any run
    total = reps * 12 * (params.run.warmup_years + params.run.years)
    runs: list[RunResult] = []
    with tqdm(total=total, unit="month", disable=not show_progress, desc="simulating", leave=False) as bar:
        for seed in seeds:
            done = [0]

            def tick(month: int, _total: int, done: list[int] = done) -> None:
                bar.update(month - done[0])
                done[0] = month

            runs.append(run_once(params.with_overrides({"run": {"seed": seed}}), progress=tick))
    return Replications(params, seeds, runs)


def paired_differences(a: Replications, b: Replications, confidence: float = 0.95) -> pd.DataFrame:
    """Mean of B - A per summary outcome over paired replications, with a t-interval.

    Both must have been run with the same seeds (common random numbers): :func:`replicate`
    gives them when both scenarios have the same ``run.seed``.

    Returns:
        One row per outcome: ``outcome``, ``a_mean``, ``b_mean``, ``difference`` (mean of B - A),
        ``ci_low``, ``ci_high`` (its ``confidence`` t-interval; NaN with one replication) and
        ``relative`` (difference / abs(a_mean)).

    Raises:
        ValueError: the two were run with different seeds.

    """
    if a.seeds != b.seeds:
        raise ValueError("paired comparison needs the same replication seeds in both scenarios")
    sa, sb = a.summary().drop(columns=["replication", "seed"]), b.summary().drop(columns=["replication", "seed"])
    rows = []
    for col in sa.columns:
        # outcomes undefined in a scenario (e.g. shock rates without a shock) stay NaN
        _, mean, _, low, high = paired_difference(sa[col].to_numpy(float), sb[col].to_numpy(float), confidence)
        rows.append(
            {
                "outcome": col,
                "a_mean": float(sa[col].mean()),
                "b_mean": float(sb[col].mean()),
                "difference": mean,
                "ci_low": low,
                "ci_high": high,
                "relative": mean / abs(float(sa[col].mean())) if sa[col].mean() else float("nan"),
            }
        )
    return pd.DataFrame(rows)

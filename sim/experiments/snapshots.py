"""Runs that start from a saved state: ``ketensim snapshot``, ``run.start_from`` and the present-day snapshot.

A snapshot holds one state per replication seed. A run from it picks the state of its own
seed, continues it as the scenario asks (:meth:`ChainModel.continue_as`: dated parameters
take effect at once, the timeline's later entries at their dates) and reports the years
from the snapshot on. Two scenarios from one snapshot share every state and random
stream, so their paired difference is the policy's effect from that month on.

``start_from = "present"`` is the calibrated baseline (the defaults) at :data:`PRESENT`,
January 2023: the first month after the last year of the Dutch figures (base year 2022).
It is built on first use for the run's scale and seed and kept in the cache folder
(``$KETENSIM_CACHE``, else ``~/.cache/ketensim``), one file per seed, so that every
executor and every worker finds or builds the same state.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from sim import __version__
from sim.experiments.snapshot_file import Manifest, Snapshot, SnapshotError, model_code, write
from sim.model.chain import ChainModel
from sim.model.params import Params, ScenarioError
from sim.model.params.timeline import month_index

PRESENT = "2023-01"  # base year of the Dutch figures: 2022 (sim/data/targets.toml); the present starts after it
BEGINNING = "beginning"


def cache_dir() -> Path:
    """Where built present-day snapshots are kept."""
    root = os.environ.get("KETENSIM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ketensim"
    )
    return Path(root) / "snapshots"


def snapshot_month(params: Params, at: str, where: str = "--at") -> int:
    """Months simulated before ``at`` ("YYYY-MM") in a run of ``params``.

    Raises:
        ScenarioError: not a month, or not one after the run's first month and inside its years.

    """
    run = params.run
    first, last = run.start_year - run.warmup_years, run.start_year + run.years - 1
    month = month_index(at, first)
    if month is None or not 0 < month < 12 * (last - first + 1):
        raise ScenarioError(
            f'{where} {at!r}: allowed: a month "YYYY-MM" after {first}-01 and up to {last}-12 (the years this run simulates)'
        )
    return month


def run_until(params: Params, month: int, progress: Callable[[int, int], None] | None = None) -> ChainModel:
    """A model of ``params`` (from its ``run.start_from``) that has simulated ``month`` months."""
    model = start_model(params)
    if model.steps > month:
        raise ScenarioError(f"run.start_from {params.run.start_from!r} starts after the month asked for; allowed: a later --at")
    while model.steps < month:
        model.step()
        if progress is not None:
            progress(model.steps, month)
    return model


def take(
    params: Params, at: str, seeds: list[int], out: Path, scenario: str, progress: Callable[[int, int], None] | None = None
) -> int:
    """Run ``params`` with each seed to month ``at`` and write the states to ``out``; returns the file's size in bytes."""
    month = snapshot_month(params, at)
    models = [run_until(params.with_overrides({"run": {"seed": s}}), month, progress) for s in seeds]
    manifest = Manifest(at, month, params.run.scale, seeds, scenario, params.to_toml(), __version__)
    return write(out, manifest, models)


def present_baseline(params: Params) -> Params:
    """The calibrated baseline with the run settings of ``params`` (its seed, scale and calendar)."""
    run = {k: getattr(params.run, k) for k in ("seed", "scale", "start_year", "warmup_years")}
    run["years"] = max(params.run.years, int(PRESENT[:4]) - params.run.start_year + 1)
    return Params().with_overrides({"run": run}, origin=f'run.start_from = "present" (the baseline to {PRESENT})')


def present_path(params: Params) -> Path:
    """The cache file of the present-day snapshot for the run settings and seed of ``params``."""
    run = params.run
    name = f"present-{PRESENT}-v{__version__}-{model_code()}-scale{run.scale:g}-from{run.start_year - run.warmup_years}-seed{run.seed}.zip"
    return cache_dir() / name


def present(params: Params) -> Snapshot:
    """The present-day snapshot for ``params``'s seed and scale, built (once) if the cache does not hold it."""
    path = present_path(params)
    if path.is_file():
        try:
            return Snapshot(path)
        except SnapshotError:
            path.unlink(missing_ok=True)  # damaged (a crash while copying it?): build it again
    baseline = present_baseline(params)
    print(
        f"ketensim: building the present-day snapshot (the baseline to {PRESENT}, seed {params.run.seed}, "
        f"scale {params.run.scale:g}) once; kept in {path.parent}",
        file=sys.stderr,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    take(baseline, PRESENT, [params.run.seed], path, "baseline (present)")
    return Snapshot(path)


def open_start(params: Params) -> Snapshot:
    """The snapshot ``params.run.start_from`` names (``present`` or a file)."""
    start = params.run.start_from
    return present(params) if start == "present" else Snapshot(start)


def first_reported_year(params: Params) -> int:
    """The first year a run of ``params`` reports: ``run.start_year``, or the year its snapshot was taken."""
    start = params.run.start_from
    if start == BEGINNING:
        return params.run.start_year
    at = PRESENT if start == "present" else Snapshot(start).manifest.at
    return max(params.run.start_year, int(at[:4]))


def describe_start(params: Params) -> str:
    """Where a run of ``params`` starts, in words."""
    start = params.run.start_from
    if start == BEGINNING:
        return "from the beginning"
    if start == "present":
        return f"from the present (the baseline's state in {PRESENT})"
    with Snapshot(start) as snapshot:
        return f"from the snapshot {start} ({snapshot.manifest.scenario} in {snapshot.manifest.at})"


def prepare_start(params: Params, seeds: list[int]) -> None:
    """Before runs of ``params`` with ``seeds`` begin: their snapshot exists, fits, and holds every seed.

    The present-day snapshots are built here, once each, rather than by several workers at once.

    Raises:
        SnapshotError: as :func:`start_model` would, but before any run.

    """
    start = params.run.start_from
    if start == BEGINNING:
        return
    if start == "present":
        for seed in seeds:
            present(params.with_overrides({"run": {"seed": seed}})).close()
        return
    with Snapshot(start) as snapshot:
        _check_fits(params, snapshot, seeds)


def _check_fits(params: Params, snapshot: Snapshot, seeds: list[int]) -> None:
    m, where = snapshot.manifest, f"run.start_from = {params.run.start_from!r}"
    if m.scale != params.run.scale:
        raise SnapshotError(
            f"{where}: the snapshot is at scale {m.scale:g}, the scenario at {params.run.scale:g}; allowed: the "
            f"snapshot's scale (--scale {m.scale:g}), or a snapshot made at this scale (ketensim snapshot ... --scale)"
        )
    missing = [s for s in seeds if s not in m.seeds]
    if missing:
        raise SnapshotError(
            f"{where}: the snapshot holds no state for seed {missing[0]}; it holds {len(m.seeds)} replication(s) "
            f"of {m.scenario} (seeds spawned from the scenario seed, as --reps {len(m.seeds)} spawns them): "
            f"run with --reps {len(m.seeds)} and that scenario seed, or make a snapshot with the seeds wanted"
        )


def start_model(params: Params) -> ChainModel:
    """The model a run of ``params`` starts with: built, or continued from ``run.start_from``'s snapshot.

    Raises:
        SnapshotError: the snapshot cannot be used for this scenario (another scale, no state for its seed, damaged).
        ScenarioError: the scenario differs from the snapshot's in a parameter fixed at the start.

    """
    if params.run.start_from == BEGINNING:
        return ChainModel(params)
    with open_start(params) as snapshot:
        _check_fits(params, snapshot, [params.run.seed])
        m, where = snapshot.manifest, f"run.start_from = {params.run.start_from!r}"
        model = snapshot.model(m.seeds.index(params.run.seed))
    try:
        model.continue_as(params)
    except ScenarioError as err:
        raise ScenarioError(f"{where}: {err}") from None
    return model

"""The worker side of a sweep: run a chunk of runs and write each one as it finishes.

Kept apart from the driver (``run.py``) so a worker process imports only the model and
pandas, not the design and analysis stack (scipy.stats, SALib).
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

from sim import __version__
from sim.experiments.sweeps import store
from sim.model.params import Params


def _flat(overrides: dict[str, Any]) -> dict[str, Any]:
    flat = {f"{s}.{k}": v for s, keys in overrides.items() if isinstance(keys, dict) for k, v in keys.items()}
    return flat | {s: v for s, v in overrides.items() if not isinstance(v, dict)}  # the timeline, whole


def run_chunk(tasks: list[dict[str, Any]], base: dict[str, Any], runs_dir: str, outcomes: list[str]) -> list[dict[str, Any]]:
    """Run a chunk of runs in a worker and write each one as soon as it is done.

    Args:
        tasks: dicts with ``run_id``, ``point``, ``replication``, ``seed``, ``overrides``.
        base: the base parameters as a plain dict (``Params.model_dump()``).
        runs_dir: the sweep's ``runs/`` folder (shared with the workers).
        outcomes: summary outcomes to keep.

    Returns:
        The rows written, one per run.

    """
    from sim.experiments.runs import run_once  # imported here: the worker's first task pays the import once

    if not Path(runs_dir).is_dir():
        raise FileNotFoundError(
            f"{runs_dir} is not visible on worker {socket.gethostname()}: "
            "Dask workers need the sweep's output folder at the same path (a shared filesystem)"
        )
    rows = []
    base_params = Params.model_validate(base)
    for task in tasks:
        start = time.perf_counter()
        row: dict[str, Any] = {
            "run_id": task["run_id"],
            "point": task["point"],
            "replication": task["replication"],
            "seed": task["seed"],
            "parameters": json.dumps(_flat(task["overrides"]), sort_keys=True),
            "version": __version__,
        }
        try:
            overrides = {**task["overrides"], "run": {**task["overrides"].get("run", {}), "seed": task["seed"]}}
            params = base_params.with_overrides(overrides, origin=f"run {task['run_id']}")
            summary = run_once(params).summary
            values = {name: summary[name] for name in outcomes}
            row.update(status="ok", error=None)
        except Exception as exc:  # noqa: BLE001 - any failure of one run is recorded and the sweep goes on
            values = {name: float("nan") for name in outcomes}
            row.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        row["wall_time_s"] = time.perf_counter() - start
        row.update(values)
        store.write_run(Path(runs_dir), row)
        rows.append(row)
    return rows

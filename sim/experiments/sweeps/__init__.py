"""Scenario sweeps: designs over levers and uncertainties, resumable distributed runs, analysis.

``load_sweep(path)`` reads a sweep file, ``run_sweep(...)`` runs or resumes it (locally or on
Dask), ``analyze(out_dir)`` summarises it (intervals, paired differences vs. the base,
Sobol/Morris indices, HTML report) and ``to_ema(out_dir)`` exports it for the EMA Workbench.

The names are imported on first use, so a worker that only runs models does not import the
analysis stack (scipy.stats, plotly): ~0.6 s less start-up per worker process.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Sweep": "sim.experiments.sweeps.spec",
    "load_sweep": "sim.experiments.sweeps.spec",
    "run_sweep": "sim.experiments.sweeps.run",
    "analyze": "sim.experiments.sweeps.analysis",
    "to_ema": "sim.experiments.sweeps.ema",
    "write_ema": "sim.experiments.sweeps.ema",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sim.experiments.sweeps' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

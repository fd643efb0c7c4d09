"""Scenario sweeps: designs over levers and uncertainties, resumable distributed runs, analysis.

``load_sweep(path)`` reads a sweep file, ``run_sweep(...)`` runs or resumes it (locally or on
Dask), ``analyze(out_dir)`` summarises it (intervals, paired differences vs. the base,
Sobol/Morris indices, HTML report) and ``to_ema(out_dir)`` exports it for the EMA Workbench.
"""

from sim.sweeps.analyze import analyze
from sim.sweeps.ema import to_ema, write_ema
from sim.sweeps.run import run_sweep
from sim.sweeps.spec import Sweep, load_sweep

__all__ = ["Sweep", "analyze", "load_sweep", "run_sweep", "to_ema", "write_ema"]

"""Ketensim: an agent-based simulation of the Dutch youth-protection chain (jeugdbeschermingsketen).

The names a notebook needs, imported on first use (so ``import sim`` and the command line
stay light); README "Python API" shows them at work, ``docs/api_example.py`` runs them:

- ``Params`` (all parameters, validated on every path), ``load_scenario(path)``, ``preset(name)``
  (a shipped scenario file), ``ScenarioError`` (what bad input raises);
- ``run_once(params)`` (one run's tables), ``replicate(params, reps)`` (``Replications``:
  ``.summary()``, ``.table("yearly")``), ``paired_differences(a, b)`` (B - A with intervals);
- ``figures(reps)`` (the report's charts), ``yearly_figure``, ``comparison_figure`` (plotly);
- ``ChainModel`` (the Mesa model, to step by hand).

The EMA Workbench adapter is ``sim.experiments.ema_model.ketensim_model`` (extra ``ema``).
The layout is in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.3.1"

_WHERE = {
    "ChainModel": "sim.model.chain",
    "Params": "sim.model.params",
    "Replications": "sim.experiments.runs",
    "ScenarioError": "sim.model.params",
    "comparison_figure": "sim.reports.plots",
    "figures": "sim.reports.run",
    "load_scenario": "sim.model.params",
    "paired_differences": "sim.experiments.runs",
    "preset": "sim.locations",
    "replicate": "sim.experiments.runs",
    "run_once": "sim.experiments.runs",
    "yearly_figure": "sim.reports.plots",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

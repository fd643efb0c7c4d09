"""Ketensim: an agent-based simulation of the Dutch youth-protection chain (jeugdbeschermingsketen).

The names a notebook needs, imported on first use (so ``import sim`` and the command line
stay light): ``Params``, ``load_scenario``, ``ScenarioError``, ``ChainModel``,
``run_once``, ``replicate``, ``paired_differences``. The layout is in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.3.0"

_WHERE = {
    "ChainModel": "sim.model.chain",
    "Params": "sim.model.params",
    "ScenarioError": "sim.model.params",
    "load_scenario": "sim.model.params",
    "paired_differences": "sim.experiments.runs",
    "replicate": "sim.experiments.runs",
    "run_once": "sim.experiments.runs",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

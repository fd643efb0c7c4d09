"""Ketensim: an agent-based simulation of the Dutch youth-protection chain (jeugdbeschermingsketen)."""

__version__ = "0.2.0"

from sim.experiments.runs import paired_differences, replicate, run_once  # noqa: E402
from sim.model.chain import ChainModel  # noqa: E402
from sim.model.params import Params, ScenarioError, load_scenario  # noqa: E402

__all__ = ["ChainModel", "Params", "ScenarioError", "load_scenario", "paired_differences", "replicate", "run_once"]

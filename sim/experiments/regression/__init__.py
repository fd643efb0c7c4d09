"""Regression checks: the stored baselines (:mod:`.store`) and how runs are compared with them (:mod:`.compare`)."""

from pathlib import Path

from sim.locations import SCENARIOS

# Here, not in .store or .compare, so the command line can show them without importing the model
M_STORED = 40  # replications behind each stored mean
_IN_REPO = SCENARIOS / "regression"
# beside the package in a source checkout (the usual editable install); else where the user runs
DEFAULT_DIR = _IN_REPO if _IN_REPO.is_dir() else Path("scenarios") / "regression"

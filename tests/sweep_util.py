"""Helpers for the sweep tests: tiny sweep files (0.2 % of the children, 2 years after 1 of warm-up)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import SCENARIOS

TINY = "run = { scale = 0.002, years = 2, warmup_years = 1 }"
# columns that legitimately differ between two executions of the same runs
VOLATILE = ["wall_time_s"]


def write_sweep(folder: Path, settings: str, factors: str, *, overrides: str = TINY, name: str = "sweep.toml") -> Path:
    """Write a sweep file on the baseline scenario and return its path."""
    path = folder / name
    path.write_text(
        f'[sweep]\nbase = "{SCENARIOS / "baseline.toml"}"\n{settings}\n\n[overrides]\n{overrides}\n\n{factors}\n',
        encoding="utf-8",
    )
    return path


LHS = 'design = "latin_hypercube"\npoints = 4\nreplications = 2\nseed = 11\noutcomes = ["ots_starts_per_year"]'
TWO_LEVERS = """[levers]
"contradiction.second_assessor_share" = { range = [0.0, 1.0] }
"local_team.home_help_capacity" = { range = [1000, 8000] }

[uncertainties]
"decisions.placement_benefit_bias" = { values = [0.1, 0.3, 0.5] }
"""


def stable(runs: pd.DataFrame) -> pd.DataFrame:
    """A sweep's runs without the columns that differ between executions, in run-id order."""
    return runs.drop(columns=VOLATILE).sort_values("run_id", ignore_index=True)

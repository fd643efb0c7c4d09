"""Shared fixtures: small, fast runs of the model."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from sim.model.params import Params

# Present-day snapshots built by tests go to a folder of this test session (shared by the xdist
# workers, which inherit the variable), never to the user's cache.
os.environ.setdefault("KETENSIM_CACHE", tempfile.mkdtemp(prefix="ketensim-test-cache-"))

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def small(params: Params | None = None, *, scale: float = 0.005, years: int = 3, warmup: int = 1, seed: int = 7) -> Params:
    """A reduced run: a fraction of the Netherlands, a few years."""
    base = params or Params()
    return base.with_overrides({"run": {"scale": scale, "years": years, "warmup_years": warmup, "seed": seed}})


@pytest.fixture
def small_params() -> Params:
    return small()

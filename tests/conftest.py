"""Shared fixtures: small, fast runs of the model."""

from __future__ import annotations

import os
import tempfile
import threading
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


@pytest.fixture(autouse=True)
def _dashboard_release_timers_end_with_their_test():
    """A closed dashboard session starts timers that log 2 s and 15 s later (sim.dashboard.app.RELEASE_DELAYS_S).

    Cancelled when the test that closed the session ends: else their line lands in whichever test of
    this worker is capturing stderr then (a CLI test's check of its message failed on it).
    """
    yield
    for thread in threading.enumerate():
        job = getattr(thread, "function", None)
        if isinstance(thread, threading.Timer) and getattr(job, "__module__", "") == "sim.dashboard.app":
            thread.cancel()

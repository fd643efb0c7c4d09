"""The benchmark helpers measure what they say (their figures are quoted in notes and the README)."""

from __future__ import annotations

import sys

import numpy as np
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import profile_groups  # noqa: E402
import reference  # noqa: E402


def test_the_profiled_streams_draw_exactly_what_the_model_s_streams_draw() -> None:
    seed = [20221, 12345]
    plain, profiled = np.random.default_rng(seed), profile_groups.profiled_default_rng(seed)
    assert isinstance(profiled, profile_groups.ProfiledGenerator)
    for draw in (lambda g: g.random(50, dtype=np.float32), lambda g: g.normal(0, 1, 7), lambda g: g.gamma(3.0, 2.0)):
        np.testing.assert_array_equal(draw(plain), draw(profiled))
    assert plain.bit_generator.state == profiled.bit_generator.state


def test_each_profiled_function_lands_in_its_group() -> None:
    here = str(ROOT / "benchmarks" / "profile_groups.py")
    cases = {
        ("~", "<built-in method _heapq.heappop>"): "event machinery",
        ("~", "<method 'nonzero' of 'numpy.ndarray' objects>"): "numpy",
        ("~", "<method 'get' of 'dict' objects>"): "other",
        (here, "draw"): "random draws",
        ("/x/site-packages/numpy/_core/fromnumeric.py", "sum"): "numpy",
        ("/x/site-packages/pandas/core/frame.py", "__init__"): "statistics",
        ("/x/site-packages/mesa/model.py", "schedule_event"): "event machinery",
        ("/x/site-packages/mesa/agent.py", "remove"): "agents (Mesa)",
        ("/w/sim/model/events.py", "_fire"): "event machinery",
        ("/w/sim/model/cases.py", "due"): "event machinery",
        ("/w/sim/model/cases.py", "state"): "per-case Python",
        ("/w/sim/model/ledger.py", "count"): "statistics",
        ("/w/sim/model/population.py", "step"): "population (Python)",
        ("/w/sim/model/actors/raad.py", "step"): "per-case Python",
    }
    assert {key: profile_groups.group(*key) for key in cases} == cases


def test_the_goals_as_ratios_follow_from_the_seconds_and_the_idle_reference() -> None:
    assert reference.goal_ratio("national") == reference.GOALS_S["national"] / reference.IDLE_REFERENCE_S
    assert set(reference.GOALS_S) == {"national", "scale_0.05", "dashboard", "sweep_overhead"}
    seconds = reference.reference_seconds(repeat=1)
    assert 0 < seconds < 60  # it ran (how long it takes is for the benchmarks, not a test)

"""The one uncertainty vocabulary: spread over replications, t-interval of a mean, paired difference, cut at an outcome's bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.experiments.stats import (
    is_share,
    mean_interval,
    outcome_bounds,
    outcome_interval,
    paired_difference,
    spread,
)


def test_spread_is_the_percentiles_of_the_replications() -> None:
    values = np.arange(1.0, 101.0)
    n, mean, _sd, low, high = spread(values)
    assert n == 100 and mean == pytest.approx(50.5)
    assert (low, high) == pytest.approx(tuple(np.quantile(values, [0.025, 0.975])))


def test_mean_interval_is_narrower_than_the_spread_for_many_replications() -> None:
    values = np.random.default_rng(1).normal(100, 10, 50)
    m, s = mean_interval(values), spread(values)
    assert s.low < m.low < m.mean < m.high < s.high


def test_one_replication_has_a_mean_and_no_interval() -> None:
    for interval in (spread([5.0]), mean_interval([5.0]), paired_difference([1.0], [3.0])):
        assert interval.n == 1 and math.isnan(interval.low) and math.isnan(interval.high)
    assert spread([5.0]).mean == 5.0 and paired_difference([1.0], [3.0]).mean == 2.0


def test_undefined_values_are_left_out() -> None:
    assert spread([np.nan, np.nan]).n == 0
    assert mean_interval([1.0, np.nan, 3.0]).n == 2


def test_a_count_interval_never_goes_below_zero() -> None:
    """Validation printed '-206 – 5,539' for a count: the t-interval of a skewed count crossed zero."""
    values = [0.0, 0.0, 0.0, 5000.0]
    assert mean_interval(values).low < 0
    cut = outcome_interval("children_waiting_for_guardian", values)
    assert cut.low == 0 and cut.high == mean_interval(values).high


def test_a_share_interval_stays_within_zero_and_one() -> None:
    values = [0.99, 1.0, 0.90]
    assert mean_interval(values).high > 1
    cut = outcome_interval("home_help_at_home_after_1y_share", values)
    assert 0 <= cut.low <= cut.high == 1


def test_indices_and_effect_sizes_are_not_cut() -> None:
    values = [-2.0, -1.0, -1.5]
    for key in ("mean_wellbeing_placed", "home_help_trial_effect_g", "shock_measure_did"):
        assert outcome_bounds(key) == (-math.inf, math.inf)
        assert outcome_interval(key, values) == mean_interval(values)


@pytest.mark.parametrize(
    "key",
    [
        "police_share_of_reports",
        "court_share_of_placements",
        "annual_probability_of_protection_measure",
        "shock_hit_measure_rate",
    ],
)
def test_shares_are_recognised_wherever_share_stands_in_the_name(key: str) -> None:
    assert is_share(key)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=2, max_size=30), st.sampled_from(["spread", "mean"]))
def test_a_count_never_gets_a_negative_interval(values: list[float], kind: str) -> None:
    interval = outcome_interval("ots_starts_per_year", values, kind)  # type: ignore[arg-type]
    assert interval.low >= 0 or math.isnan(interval.low)

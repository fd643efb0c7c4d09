"""The one uncertainty vocabulary every experiment and report uses.

Three kinds of interval, and only these (their wording for tables and charts is
:func:`sim.reports.labels.uncertainty`):

- ``spread``: how much one replication varies, the 2.5 and 97.5 percentiles of the
  replications (what a single run could have shown);
- ``mean``: the 95 % t-interval of the mean over independent replications (how well the
  replications pin the model's mean down);
- ``paired``: the 95 % t-interval of the mean of ``b - a`` over replications run with the
  same seeds in both scenarios (common random numbers): the lever's effect, not luck.

Undefined values (NaN: an outcome a run cannot have, e.g. a shock rate without a shock)
are left out; with fewer than two values an interval is NaN (reports say "one replication",
never ``nan``). :func:`outcome_interval` cuts an interval at its outcome's natural bounds:
a count is never below zero, a share never outside 0-1.
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

CONFIDENCE = 0.95
Kind = Literal["spread", "mean", "paired"]

# Summary outcomes that may be negative or above one: model indices and effect sizes.
UNBOUNDED = ("mean_wellbeing", "mean_wellbeing_placed", "shock_measure_did")
UNBOUNDED_PREFIXES = ("home_help_trial_effect_g",)
SHARE_WORDS = ("_share", "_rate", "_probability_")  # police_share_of_reports, shock_hit_measure_rate, ...


class Interval(NamedTuple):
    """Number of defined values, their mean and sd, and the interval's ends."""

    n: int
    mean: float
    sd: float
    low: float
    high: float


def _defined(values: ArrayLike) -> np.ndarray:
    v = np.asarray(values, float)
    return v[~np.isnan(v)]


def _too_few(v: np.ndarray) -> Interval | None:
    """The interval of fewer than two defined values (no ends; no mean for none), or None when there are enough."""
    if len(v) == 0:
        return Interval(0, math.nan, math.nan, math.nan, math.nan)
    if len(v) < 2:
        return Interval(1, float(v.mean()), math.nan, math.nan, math.nan)
    return None


def mean_interval(values: ArrayLike, confidence: float = CONFIDENCE) -> Interval:
    """Mean and t-interval of the mean of the defined (non-NaN) values; NaN where undefined."""
    v = _defined(values)
    if (few := _too_few(v)) is not None:
        return few
    n, mean, sd = len(v), float(v.mean()), float(v.std(ddof=1))
    half = t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half)


def spread(values: ArrayLike, coverage: float = CONFIDENCE) -> Interval:
    """Mean and the central ``coverage`` percentiles of the defined values (2.5 and 97.5 for 0.95); NaN ends below two values."""
    v = _defined(values)
    if (few := _too_few(v)) is not None:
        return few
    tail = (1 - coverage) / 2
    low, high = np.quantile(v, [tail, 1 - tail])
    return Interval(len(v), float(v.mean()), float(v.std(ddof=1)), float(low), float(high))


def paired_difference(a: ArrayLike, b: ArrayLike, confidence: float = CONFIDENCE) -> Interval:
    """Mean of ``b - a`` over paired replications (same seeds in both), with its t-interval."""
    return mean_interval(np.asarray(b, float) - np.asarray(a, float), confidence)


def outcome_bounds(outcome: str) -> tuple[float, float]:
    """The values a summary outcome can take: shares and rates 0-1, indices and effect sizes anything, counts (and durations, costs) from 0."""
    if outcome in UNBOUNDED or outcome.startswith(UNBOUNDED_PREFIXES):
        return (-math.inf, math.inf)
    if any(word in outcome for word in SHARE_WORDS):
        return (0.0, 1.0)
    return (0.0, math.inf)


def is_share(outcome: str) -> bool:
    """Whether a summary outcome is a share or rate (0-1, shown as a percentage)."""
    return outcome_bounds(outcome) == (0.0, 1.0)


def within_bounds(interval: Interval, bounds: tuple[float, float]) -> Interval:
    """``interval`` with its ends cut at ``bounds`` (NaN ends stay NaN)."""
    lo, hi = bounds
    low = interval.low if math.isnan(interval.low) else min(max(interval.low, lo), hi)
    high = interval.high if math.isnan(interval.high) else min(max(interval.high, lo), hi)
    return interval._replace(low=low, high=high)


def outcome_interval(outcome: str, values: ArrayLike, kind: Literal["spread", "mean"] = "mean") -> Interval:
    """The ``kind`` interval (:func:`spread` or :func:`mean_interval`) of a summary outcome, cut at its natural bounds.

    A t-interval is symmetric, so for a count near zero its lower end can fall below zero
    (validation printed "-206 – 5,539" for a count); no replication can, so the interval
    stops at zero. A paired difference has no such bound and is not cut.
    """
    interval = spread(values) if kind == "spread" else mean_interval(values)
    return within_bounds(interval, outcome_bounds(outcome))


def t_quantile(confidence: float, dof: int) -> float:
    """The two-sided t quantile for ``confidence`` with ``dof`` degrees of freedom."""
    if dof < 1:
        return float("nan")
    from scipy import stats  # imported on first use: scipy.stats costs ~0.3 s to import

    return float(stats.t.ppf(0.5 + confidence / 2, dof))

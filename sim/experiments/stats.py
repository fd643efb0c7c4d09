"""The one t-interval and the one paired difference every experiment reports.

Replications are independent runs, so the mean of an outcome over them has a
t-interval; two scenarios run with the same replication seeds (common random numbers)
are compared replication by replication, and the mean of the differences has one too.
Undefined values (NaN: an outcome a run cannot have, e.g. a shock rate without a shock)
are left out; with fewer than two values the interval is NaN.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

CONFIDENCE = 0.95


class Interval(NamedTuple):
    """Number of defined values, their mean and sd, and the t-interval of the mean."""

    n: int
    mean: float
    sd: float
    low: float
    high: float


def mean_interval(values: ArrayLike, confidence: float = CONFIDENCE) -> Interval:
    """Mean and t-interval of the mean of the defined (non-NaN) values; NaN where undefined."""
    v = np.asarray(values, float)
    v = v[~np.isnan(v)]
    n = len(v)
    if n == 0:
        return Interval(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(v.mean())
    if n < 2:
        return Interval(n, mean, math.nan, math.nan, math.nan)
    sd = float(v.std(ddof=1))
    half = t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half)


def paired_difference(a: ArrayLike, b: ArrayLike, confidence: float = CONFIDENCE) -> Interval:
    """Mean of ``b - a`` over paired replications (same seeds in both), with its t-interval."""
    return mean_interval(np.asarray(b, float) - np.asarray(a, float), confidence)


def t_quantile(confidence: float, dof: int) -> float:
    """The two-sided t quantile for ``confidence`` with ``dof`` degrees of freedom."""
    if dof < 1:
        return float("nan")
    from scipy import stats  # imported on first use: scipy.stats costs ~0.3 s to import

    return float(stats.t.ppf(0.5 + confidence / 2, dof))

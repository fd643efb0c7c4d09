"""Numbers for people, the same in every table: the command line, the run, comparison and validation reports.

Counts are whole with thousands separators (64,054, never 64,054.000), shares are
percentages, other small numbers keep three significant digits and never go into
e-notation. An interval that cannot be computed (one replication) is shown as
:data:`~sim.reports.labels.NO_INTERVAL`, never as ``nan``.
"""

from __future__ import annotations

import math

import numpy as np

from sim.experiments.stats import is_share
from sim.reports.labels import NO_INTERVAL, outcome_unit

COUNT_UNITS = ("per year, national", "children, national", "referrals", "million euro per year")


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: float) -> str:
    """A number for people: from 100 on whole, with thousands separators (64,511); below, three significant digits, never in e-notation (0.0000625)."""
    if _missing(value):
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if value == 0:
        return "0"  # also -0.0
    return np.format_float_positional(value, precision=3, unique=False, fractional=False, trim="-")


def whole(value: float) -> str:
    """A count: whole, with thousands separators ('' when undefined)."""
    if _missing(value):
        return ""
    text = f"{value:,.0f}"
    return "0" if text == "-0" else text


def percent(value: float, digits: int = 1, sign: bool = False) -> str:
    """A share (0-1) as a percentage: 0.123 -> '12.3 %' ('' when undefined)."""
    if _missing(value):
        return ""
    return f"{100 * value:{'+' if sign else ''}.{digits}f} %"


def is_count(outcome: str) -> bool:
    """Whether a summary outcome is a count of people or events (or a sum of money): shown whole."""
    return outcome_unit(outcome) in COUNT_UNITS


def outcome_value(outcome: str, value: float, *, difference: bool = False) -> str:
    """A summary outcome's value as a table shows it: counts whole, shares as % (a difference of shares in points)."""
    if _missing(value):
        return ""
    if is_share(outcome):
        text = f"{100 * value:{'+' if difference else ''}.1f}"
        text = "0.0" if text in ("-0.0", "+0.0") else text  # a tiny difference either way
        return text + (" pp" if difference else " %")
    text = whole(value) if is_count(outcome) else num(value)
    return f"+{text}" if difference and value > 0 and text != "0" else text


def interval_text(outcome: str, low: float, high: float, *, difference: bool = False) -> str:
    """An interval as 'low – high' in the outcome's format, or :data:`NO_INTERVAL` when it cannot be computed."""
    if _missing(low) or _missing(high):
        return NO_INTERVAL
    return f"{outcome_value(outcome, low, difference=difference)} – {outcome_value(outcome, high, difference=difference)}"

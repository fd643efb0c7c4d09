"""Equity under a financial shock: what CBS measured for the toeslagenaffaire, measured the same way in the model.

Two figures per run: the difference-in-differences of the share of households with a
protection measure, hit against matched families (the year before the shock against the
three years after; CBS 2022 found +0.1 percentage point, 95% CI about -1.1 to +1.3), and
the number of children of hit families who were in a court-ordered placement in CBS's
counting window (2,090 from 2015 to June 2022, CBS 2022/48: "not necessarily caused by the
affair").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.model.params import Params
from sim.model.population import Group

COUNT_FROM, COUNT_TO = 2015.0, 2022.5  # CBS's window: January 2015 to the end of June 2022
AFTER_YEARS = 3


def shock_measure_did(equity: pd.DataFrame, start_year: int) -> float:
    """(hit after - hit before) - (matched after - matched before), household shares with a measure."""
    # the year before the shock is written twice for hit and matched families: at its end (when
    # nobody was hit yet) and again when the shock picks them; the later row counts
    known = equity[equity["n_households"] > 0].drop_duplicates(["group", "year"], keep="last")
    rate = known.set_index(["group", "year"])["rate_households_with_measure"]

    def change(group: str) -> float:
        before = rate.get((group, start_year - 1), math.nan)
        after = [rate.get((group, start_year + k), math.nan) for k in range(AFTER_YEARS)]
        return float(np.mean(after)) - float(before) if not any(map(math.isnan, [before, *after])) else math.nan

    return change("hit") - change("matched")


def hit_children_court_placed(episodes: pd.DataFrame, first_year: int, scale: float) -> float:
    """Children of hit households in a court-ordered placement at some time in CBS's window (national count)."""
    lo, hi = 12 * (COUNT_FROM - first_year), 12 * (COUNT_TO - first_year)
    ep = episodes[(episodes["kind"] == "placement") & episodes["court"] & (episodes["household_group"] == Group.HIT)]
    inside = (ep["start"] <= hi) & (ep["end"].isna() | (ep["end"] >= lo))
    return float(ep.loc[inside, "child"].nunique() / scale)


def shock_summary(equity: pd.DataFrame, episodes: pd.DataFrame, params: Params, first_year: int) -> dict[str, float]:
    """The two CBS figures of a run with a shock (NaN without one, or when the run does not cover the years)."""
    if not params.shock.enabled or equity.empty:
        return {"shock_measure_did": math.nan, "shock_hit_children_court_placed": math.nan}
    run = params.run
    covered = first_year <= COUNT_FROM and run.start_year + run.years >= COUNT_TO
    return {
        "shock_measure_did": shock_measure_did(equity, params.shock.start_year),
        "shock_hit_children_court_placed": hit_children_court_placed(episodes, first_year, run.scale) if covered else math.nan,
    }

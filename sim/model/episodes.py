"""Episode logs: when each placement and each intensive home help began and ended.

The yearly counters say how many; the validation experiments also need *what happened
next* to the same child (back home within 6 or 12 months? still at home a year after
home help?). An episode log is one row per episode, small enough to keep whole: tens of
thousands of placements a year nationally, a few thousand at the usual scales.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


class EpisodeLog:
    """Open and finished episodes of one kind (at most one open per child)."""

    def __init__(self, kind: str) -> None:
        """An empty log of episodes called ``kind``."""
        self.kind = kind
        self._child: list[int] = []
        self._start: list[float] = []
        self._end: list[float] = []
        self._reason: list[str] = []
        self._court: list[bool] = []
        self._group: list[int] = []
        self._household: list[int] = []
        self._open: dict[int, int] = {}

    def begin(self, child: int, time: float, *, court: bool = False, group: int = 0, household: int = -1) -> None:
        """An episode starts for ``child`` (an open one is closed first, as 'replaced').

        ``group`` is the child's equity group then (0 other, 1 hit by the shock, 2 matched);
        ``household`` its household then (whose group a later shock may still change).
        """
        if child in self._open:
            self.finish(child, time, "replaced")
        self._open[child] = len(self._child)
        self._child.append(child)
        self._start.append(time)
        self._end.append(math.nan)
        self._reason.append("")
        self._court.append(court)
        self._group.append(group)
        self._household.append(household)

    def finish(self, child: int, time: float, reason: str) -> None:
        """The open episode of ``child`` ends for ``reason`` (nothing happens if none is open)."""
        i = self._open.pop(child, None)
        if i is not None:
            self._end[i] = time
            self._reason[i] = reason

    def is_open(self, child: int) -> bool:
        """Whether ``child`` has an open episode."""
        return child in self._open

    def frame(self, first_year: int) -> pd.DataFrame:
        """One row per episode; times in model months, with the calendar year the episode began."""
        start = np.asarray(self._start, float)
        return pd.DataFrame(
            {
                "kind": self.kind,
                "child": np.asarray(self._child, np.int64),
                "start": start,
                "end": np.asarray(self._end, float),
                "reason": self._reason,
                "court": np.asarray(self._court, bool),
                "group": np.asarray(self._group, np.int8),
                "household": np.asarray(self._household, np.int64),
                # the calendar year of the month the episode began in (as ChainModel.year())
                "start_year": first_year + (np.maximum(np.ceil(start) - 1, 0) // 12).astype(np.int64),
            }
        )


def _in_care_during(pairs: pd.DataFrame, placements: pd.DataFrame, lo: str, hi: str) -> pd.Series:
    """Per row of ``pairs`` (child, times ``lo`` and ``hi``): whether the child was in care at some time in [lo, hi]."""
    if pairs.empty:
        return pd.Series(dtype=bool)
    keyed = pd.DataFrame(
        {"row": np.arange(len(pairs)), "child": pairs["child"].to_numpy(), "lo": pairs[lo].to_numpy(), "hi": pairs[hi].to_numpy()}
    )
    merged = keyed.merge(placements[["child", "start", "end"]], on="child", how="inner")
    overlap = (merged["start"] <= merged["hi"]) & (merged["end"].isna() | (merged["end"] >= merged["lo"]))
    hit = np.zeros(len(pairs), bool)
    hit[merged.loc[overlap, "row"].to_numpy()] = True
    return pd.Series(hit, index=pairs.index)


def exits_from_placement(placements: pd.DataFrame, t0: float, t_end: float) -> dict[str, float]:
    """Placements begun in (t0, t_end - 12]: shares back home within 6 and 12 months, and still placed after a year.

    "Back home" is a return home (``reunified``: a review or the end of the measure), not
    leaving care at 18 or a foster-parent guardianship.
    """
    # step k of Mesa runs at time k, so time t0 is still the last warm-up month: start after it
    cohort = placements[(placements["start"] > t0) & (placements["start"] <= t_end - 12)]
    if cohort.empty:
        return dict.fromkeys(
            ("placement_home_within_6m_share", "placement_home_within_12m_share", "placement_still_placed_12m_share"), math.nan
        )
    months = cohort["end"] - cohort["start"]
    home = cohort["reason"] == "reunified"
    return {
        "placement_home_within_6m_share": float((home & (months <= 6)).mean()),
        "placement_home_within_12m_share": float((home & (months <= 12)).mean()),
        "placement_still_placed_12m_share": float((cohort["end"].isna() | (months > 12)).mean()),
    }


def home_help_at_home(home_help: pd.DataFrame, placements: pd.DataFrame, t0: float, t_end: float) -> dict[str, float]:
    """Completed intensive home help ended in (t0, t_end - 12]: shares of children still at home at its end and a year later (raw).

    "At home at the end" means not placed within a month of the end (a placement decided
    at the end starts when a place is free); "a year later" means not in care then.
    """
    done = home_help[(home_help["reason"] == "ended") & (home_help["end"] > t0) & (home_help["end"] <= t_end - 12)]
    if done.empty:
        return {"home_help_at_home_at_end_share": math.nan, "home_help_at_home_after_1y_share": math.nan}
    frame = done.assign(lo=done["end"], hi_end=done["end"] + 1, at_1y=done["end"] + 12)
    placed_end = _in_care_during(frame, placements, "lo", "hi_end")
    placed_1y = _in_care_during(frame, placements, "at_1y", "at_1y")
    return {
        "home_help_at_home_at_end_share": float(1 - placed_end.mean()),
        "home_help_at_home_after_1y_share": float(1 - placed_1y.mean()),
    }


def placed_within_a_year(starts: pd.DataFrame, placements: pd.DataFrame) -> float:
    """Share of (child, start) pairs with the child in care at some time in the 12 months after ``start``.

    With ``starts`` taken from one arm and ``placements`` from another run with the same
    seeds, this is the same children's outcome in the other arm (common random numbers:
    child ``i`` at time ``t`` is the same person in both runs).
    """
    if starts.empty:
        return math.nan
    frame = starts[["child", "start"]].assign(hi=starts["start"] + 12)
    return float(_in_care_during(frame, placements, "start", "hi").mean())


TRIAL_KEYS = ("placed_treated_share", "placed_control_share", "effect_g", "effect_g_abuse", "effect_g_other", "n")


def log_odds_g(p_control: float, p_treated: float) -> float:
    """Effect size g of a treatment on a yes/no outcome, from the log odds ratio (Chinn 2000: ln OR x sqrt(3) / pi).

    Positive when the outcome (placement) is rarer with the treatment; NaN when a share is 0 or 1.
    """
    if not (0 < p_control < 1 and 0 < p_treated < 1):
        return math.nan
    log_or = math.log(p_control / (1 - p_control)) - math.log(p_treated / (1 - p_treated))
    return log_or * math.sqrt(3) / math.pi


def trial_g(placed_control: int, n_control: int, placed_treated: int, n_treated: int) -> float:
    """Effect size g from a trial's 2 x 2 counts; a zero cell gets the Haldane-Anscombe correction.

    With no placement (or only placements) in an arm the odds ratio is undefined; adding 0.5 to
    every cell is the usual remedy in meta-analysis (Cochrane Handbook, section 10.4.4.2). It
    matters only for small subgroups at small scales. NaN when an arm is empty.
    """
    if n_control == 0 or n_treated == 0:
        return math.nan
    cells = (placed_control, n_control - placed_control, placed_treated, n_treated - placed_treated)
    add = 0.5 if min(cells) == 0 else 0.0
    return log_odds_g((placed_control + add) / (n_control + 2 * add), (placed_treated + add) / (n_treated + 2 * add))


def home_help_trial(trial: pd.DataFrame, placements: pd.DataFrame, t0: float, t_end: float) -> dict[str, float]:
    """The in-model controlled trial: placement within 12 months of randomisation, home help vs care as usual.

    The cohort is every randomised referral after the warm-up with a year of follow-up;
    ``effect_g`` is the placement-prevention effect (positive: fewer placements with home
    help), also for abuse/neglect families and for the others (multi-problem families).
    """
    out = {f"home_help_trial_{k}": math.nan for k in TRIAL_KEYS}
    cohort = trial[(trial["start"] > t0) & (trial["start"] <= t_end - 12)] if len(trial) else trial
    if cohort.empty:
        return out
    frame = cohort.assign(hi=cohort["start"] + 12)
    placed = _in_care_during(frame, placements, "start", "hi").to_numpy()

    def share(mask: np.ndarray) -> float:
        return float(placed[mask].mean()) if mask.any() else math.nan

    def g(control: np.ndarray, with_help: np.ndarray) -> float:
        return trial_g(int(placed[control].sum()), int(control.sum()), int(placed[with_help].sum()), int(with_help.sum()))

    treated, abuse = cohort["treated"].to_numpy(bool), cohort["abuse"].to_numpy(bool)
    out.update(
        {
            "home_help_trial_placed_treated_share": share(treated),
            "home_help_trial_placed_control_share": share(~treated),
            "home_help_trial_effect_g": g(~treated, treated),
            "home_help_trial_effect_g_abuse": g(~treated & abuse, treated & abuse),
            "home_help_trial_effect_g_other": g(~treated & ~abuse, treated & ~abuse),
            "home_help_trial_n": float(len(cohort)),
        }
    )
    return out

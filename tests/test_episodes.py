"""Episode logs and the follow-up measures built on them (exits from placement, home help)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import small

from sim.experiments.runs import run_once
from sim.model.episodes import EpisodeLog, exits_from_placement, home_help_at_home, placed_within_a_year


def _placements(rows: list[tuple[int, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["child", "start", "end", "reason"])


def test_log_opens_and_closes_one_episode_per_child():
    log = EpisodeLog("placement")
    log.begin(1, 3.0, court=True, group=1)
    log.begin(2, 4.0)
    log.finish(1, 10.0, "reunified")
    log.finish(3, 11.0, "reunified")  # nothing open: ignored
    log.begin(2, 12.0)  # an open episode is closed as replaced
    frame = log.frame(first_year=2015)
    assert list(frame["child"]) == [1, 2, 2]
    assert list(frame["reason"]) == ["reunified", "replaced", ""]
    assert frame["end"].tolist()[:2] == [10.0, 12.0] and math.isnan(frame["end"].iloc[2])
    assert list(frame["court"]) == [True, False, False]
    assert list(frame["group"]) == [1, 0, 0]
    # month 3 is in the first year; time 12.0 is the end of month 12, still the first year
    assert list(frame["start_year"]) == [2015, 2015, 2015]
    assert log.is_open(2) and not log.is_open(1)


def test_exits_count_returns_home_by_duration():
    placements = _placements(
        [
            (1, 13, 16, "reunified"),  # home within 6
            (2, 13, 21, "reunified"),  # home within 12
            (3, 13, 21, "majority"),  # left care at 18: not 'back home'
            (4, 13, math.nan, ""),  # still placed
            (5, 2, 4, "reunified"),  # before the window
            (7, 12, 13, "reunified"),  # time 12 is the last warm-up month (step 12 runs at time 12)
            (6, 40, 41, "reunified"),  # too late for a year's follow-up
        ]
    )
    out = exits_from_placement(placements, t0=12, t_end=48)
    assert out["placement_home_within_6m_share"] == pytest.approx(1 / 4)
    assert out["placement_home_within_12m_share"] == pytest.approx(2 / 4)
    assert out["placement_still_placed_12m_share"] == pytest.approx(1 / 4)


def test_home_help_shares_follow_the_same_child():
    home_help = pd.DataFrame(
        {"child": [1, 2, 3], "start": [10.0, 10.0, 10.0], "end": [16.0, 16.0, 16.0], "reason": ["ended"] * 3}
    )
    placements = _placements([(2, 16.5, math.nan, ""), (3, 25, 26, "reunified"), (1, 40, math.nan, "")])
    out = home_help_at_home(home_help, placements, t0=12, t_end=60)
    assert out["home_help_at_home_at_end_share"] == pytest.approx(2 / 3)  # child 2 placed at once
    assert out["home_help_at_home_after_1y_share"] == pytest.approx(2 / 3)  # child 3 home again by month 28
    starts = home_help[["child", "start"]]
    assert placed_within_a_year(starts, placements) == pytest.approx(1 / 3)  # child 2 in care by month 22
    assert math.isnan(placed_within_a_year(starts.iloc[:0], placements))


def test_a_run_logs_every_started_placement():
    params = small(scale=0.01, years=3)
    result = run_once(params)
    placements = result.episodes[result.episodes["kind"] == "placement"]
    reported = placements[placements["start_year"] >= params.run.start_year]
    started = result.yearly["placements_started"].sum() * params.run.scale
    assert len(reported) == pytest.approx(started)
    assert (placements["end"].dropna() >= placements.loc[placements["end"].notna(), "start"]).all()
    for key in ("placement_home_within_12m_share", "home_help_at_home_at_end_share"):
        assert 0 <= result.summary[key] <= 1


def test_zero_capacity_means_none_at_any_scale():
    """The home-help control arm really has no home help (a capacity of 0 is not rounded up to 1)."""
    params = small(scale=0.005, years=2).with_overrides({"local_team": {"home_help_capacity": 0}})
    result = run_once(params)
    assert result.yearly["home_help_starts"].sum() == 0
    assert (result.episodes["kind"] != "home_help").all()

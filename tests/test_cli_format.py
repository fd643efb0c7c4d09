"""What the command line shows people: help without empty defaults, numbers without e-notation."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.cli import build_parser
from sim.cli.common import format_differences, format_summary, num

COMMANDS = ["run", "compare", "calibrate", "validate", "vignettes", "params", "baseline", "dashboard", "sweep", "analyze"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_a_default_only_where_there_is_one(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "(default: None)" not in text and "(default: False)" not in text
    if command == "run":
        assert "--reps REPS replications (seeds spawned from --seed) (default: 1)" in text
        assert "(default: the scenario's run.seed) (default" not in text  # said once, in words


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (-6.253e-05, "-0.0000625"),
        (0.6312, "0.631"),
        (12.345, "12.3"),
        (64511.2, "64,511"),
        (1.0, "1"),
        (-0.0, "0"),
        (float("nan"), ""),
    ],
)
def test_numbers_for_people(value: float, text: str) -> None:
    assert num(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_no_number_is_shown_in_e_notation_and_it_keeps_three_significant_digits(value: float) -> None:
    text = num(value)
    assert "e" not in text.lower()
    shown = float(text.replace(",", ""))
    assert math.isclose(shown, value, rel_tol=5e-3, abs_tol=0.5 if abs(value) >= 100 else 1e-300)


def test_a_comparison_table_is_formatted_for_people() -> None:
    diff = pd.DataFrame(
        [
            {
                "outcome": "mean_wellbeing",
                "a_mean": 0.5,
                "b_mean": 0.4999375,
                "difference": -6.253e-05,
                "ci_low": -1.2e-4,
                "ci_high": -5e-6,
                "relative": -1.25e-4,
            },
            {
                "outcome": "ots_starts_per_year",
                "a_mean": 6435.2,
                "b_mean": 6012.9,
                "difference": -422.3,
                "ci_low": -510.0,
                "ci_high": -334.6,
                "relative": -0.0656,
            },
        ]
    )
    text = format_differences(diff)
    assert "e-0" not in text and "a_mean" not in text
    assert "-0.0000625" in text and "-0.00012 – -0.000005" in text
    assert "6,435" in text and "-422" in text and "-6.6%" in text


def test_a_summary_names_its_interval_and_shows_counts_whole_shares_in_percent() -> None:
    table = pd.DataFrame(
        [
            {"outcome": "ots_starts_per_year", "n": 1, "mean": 64054.0, "low": math.nan, "high": math.nan, "target": 6500.0},
            {"outcome": "court_share_of_placements", "n": 1, "mean": 0.4756, "low": math.nan, "high": math.nan, "target": 0.44},
            {
                "outcome": "shock_hit_measure_rate",
                "n": 0,
                "mean": math.nan,
                "low": math.nan,
                "high": math.nan,
                "target": math.nan,
            },
        ]
    )
    text = format_summary(table)
    assert "one replication: no interval" in text
    assert "64,054" in text and "64,054.0" not in text and "47.6 %" in text and "44.0 %" in text
    assert "nan" not in text.lower().replace("not defined", "").split()
    assert "shock_hit_measure_rate" not in text.split("not defined")[0]


@pytest.mark.parametrize(
    ("outcome", "value", "difference", "text"),
    [
        ("ots_starts_per_year", 64054.0004, False, "64,054"),
        ("ots_starts_per_year", 12.4, False, "12"),
        ("ots_starts_per_year", 422.3, True, "+422"),
        ("ots_starts_per_year", 0.2, True, "0"),
        ("court_share_of_placements", 0.4756, False, "47.6 %"),
        ("court_share_of_placements", -0.0001, True, "0.0 pp"),
        ("court_share_of_placements", 0.012, True, "+1.2 pp"),
        ("mean_wait_for_raad_months", 1.1414, False, "1.14"),
        ("mean_wellbeing", -6.253e-05, True, "-0.0000625"),
    ],
)
def test_outcome_values_for_people(outcome: str, value: float, difference: bool, text: str) -> None:
    from sim.reports.numbers import outcome_value

    assert outcome_value(outcome, value, difference=difference) == text

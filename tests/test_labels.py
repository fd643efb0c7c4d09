"""The one label table: every summary outcome of a run has a name in English and Dutch, and intervals one wording."""

from __future__ import annotations

import pytest
from conftest import small

from sim.experiments.runs import run_once
from sim.model.ledger import COST_ROUTES as LEDGER_ROUTES
from sim.model.params import Params
from sim.reports.labels import COST_ROUTES, OUTCOMES, SANKEY_NODES, outcome_label, outcome_unit, uncertainty


@pytest.fixture(scope="module")
def summary_keys() -> list[str]:
    return list(run_once(small(Params(), scale=0.002, years=1, warmup=1)).summary)


def test_every_summary_outcome_has_a_label_in_english_and_dutch(summary_keys: list[str]) -> None:
    missing = [k for k in summary_keys if k not in OUTCOMES]
    assert not missing, f"outcomes without a label in sim/reports/labels.py OUTCOMES: {', '.join(missing)}"
    for key in summary_keys:
        en, nl = OUTCOMES[key]
        assert en and nl and en != key and outcome_label(key, "nl") == nl


def test_the_label_table_has_no_outcome_a_run_does_not_make(summary_keys: list[str]) -> None:
    assert set(OUTCOMES) <= set(summary_keys)


def test_every_cost_route_and_sankey_node_is_named() -> None:
    assert set(COST_ROUTES) == set(LEDGER_ROUTES)
    assert all(en and nl for en, nl in SANKEY_NODES.values())


@pytest.mark.parametrize(
    ("key", "unit"),
    [
        ("ots_starts_per_year", "per year, national"),
        ("unwarranted_placements_per_year_low", "per year, national"),
        ("court_share_of_placements", "%"),
        ("mean_wait_for_raad_months", "months"),
        ("ots_running_end_of_year", "children, national"),
        ("cost_per_year_meur", "million euro per year"),
    ],
)
def test_units(key: str, unit: str) -> None:
    assert outcome_unit(key) == unit


def test_the_uncertainty_wording_says_what_each_interval_is() -> None:
    assert uncertainty("spread", 10) == "spread over 10 replications (2.5-97.5 percentiles)"
    assert uncertainty("mean", 10) == "95 % t-interval of the mean, 10 replications"
    assert uncertainty("paired", 5).startswith("95 % interval of the paired difference, 5 paired replications")
    assert uncertainty("mean", 1) == "one replication: no interval"
    assert "herhalingen" in uncertainty("spread", 3, "nl")
    with pytest.raises(ValueError, match="spread, mean, paired"):
        uncertainty("bootstrap", 3)


def test_every_chart_series_of_the_reports_is_named() -> None:
    from sim.reports.comparison import YEARLY
    from sim.reports.labels import SERIES

    assert set(YEARLY) <= set(SERIES)

"""Each lever moves its outcomes in the documented direction (paired runs, common random numbers)."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from sim.experiments.runs import paired_differences, replicate
from sim.experiments.stats import paired_difference
from sim.model.params import load_scenario

REPS = 5


def _reduced(name: str):
    return load_scenario(SCENARIOS / f"{name}.toml").with_overrides(
        {"run": {"scale": 0.02, "years": 5, "warmup_years": 2, "seed": 11}}
    )


@pytest.fixture(scope="module")
def baseline():
    return replicate(_reduced("baseline"), REPS)


@pytest.fixture(scope="module")
def baseline_10():
    """Ten replications of the reduced baseline, for effects that five pairs do not resolve."""
    return replicate(_reduced("baseline"), 10)


def _diff(baseline, scenario: str):
    return paired_differences(baseline, replicate(_reduced(scenario), REPS)).set_index("outcome")


def test_more_contradiction_means_fewer_unwarranted_measures_and_placements(baseline):
    d = _diff(baseline, "more_contradiction")
    assert d.loc["unwarranted_measures_per_year", "ci_high"] < 0
    assert d.loc["unwarranted_placements_per_year", "ci_high"] < 0


def test_more_home_help_means_more_home_help_and_fewer_voluntary_placements(baseline):
    d = _diff(baseline, "more_home_help")
    assert d.loc["home_help_starts_per_year", "ci_low"] > 0
    assert d.loc["children_waiting_for_home_help", "ci_high"] < 0
    assert d.loc["voluntary_placements_per_year", "ci_high"] < 0


def test_financial_shock_hits_the_targeted_families(baseline):
    shock = replicate(_reduced("financial_shock"), REPS)
    d = paired_differences(baseline, shock).set_index("outcome")
    assert d.loc["hidden_serious_cases", "ci_low"] > 0  # more children seriously threatened
    assert d.loc["missed_children_per_year", "ci_low"] > 0
    # hit families end up with measures more often than matched families with the same risk profile:
    # paired within each run, over more runs than the chain-wide outcomes need (the groups are 2 % of
    # households; in 0.3.1 one of five runs had the matched rate 0.001 above the hit one)
    summary = replicate(_reduced("financial_shock"), 12).summary()
    gap = paired_difference(summary["shock_matched_measure_rate"].to_numpy(), summary["shock_hit_measure_rate"].to_numpy())
    assert gap.low > 0, gap


def test_regelreflex_incident_means_more_intervention_and_more_unwarranted_measures(baseline_10):
    # The Raad's capacity binds (0.3.0): more referrals lengthen its waiting list more than its
    # investigations. Unwarranted measures are now judged against the truth (about 1,600 a year
    # instead of most measures), so the effect (+6 %) needs 10 pairs to show; 5 left it at
    # [-24, +270].
    d = paired_differences(baseline_10, replicate(_reduced("regelreflex_incident"), 10)).set_index("outcome")
    assert d.loc["children_waiting_for_raad", "ci_low"] > 0
    # points, not intervals: with the Raad's capacity binding, investigations and OTS starts rise by
    # about 1 % (+135 and +70 a year here, 95 % intervals [-25, +295] and [-34, +174]), below what
    # 10 pairs resolve
    assert d.loc["raad_protection_investigations_per_year", "difference"] > 0
    assert d.loc["ots_starts_per_year", "difference"] > 0
    assert d.loc["unwarranted_measures_per_year", "ci_low"] > 0
    assert d.loc["unwarranted_placements_per_year", "ci_low"] > 0


def test_staff_shortage_means_longer_waits(baseline):
    d = _diff(baseline, "staff_shortage")
    assert d.loc["children_waiting_for_guardian", "ci_low"] > 0
    assert d.loc["mean_wait_for_guardian_months", "ci_low"] > 0
    assert d.loc["children_waiting_for_raad", "ci_low"] > 0


def test_halving_the_raad_means_fewer_measures(baseline):
    d = paired_differences(baseline, _variant({"raad": {"n_staff": 650}})).set_index("outcome")
    assert d.loc["children_waiting_for_raad", "ci_low"] > 0
    assert d.loc["ots_starts_per_year", "ci_high"] < 0


def test_same_seed_same_scenario_has_zero_difference(baseline):
    d = paired_differences(baseline, replicate(_reduced("baseline"), REPS))
    assert (d["difference"].fillna(0) == 0).all()


def test_scandal_makes_the_chain_more_reticent(baseline):
    d = _diff(baseline, "scandal_wrongful_placements")
    assert d.loc["raad_protection_investigations_per_year", "ci_high"] < 0
    assert d.loc["ots_starts_per_year", "ci_high"] < 0
    assert d.loc["unwarranted_measures_per_year", "ci_high"] < 0


def _variant(overrides: dict):
    return replicate(_reduced("baseline").with_overrides(overrides), REPS)


def test_fewer_foster_families_means_longer_waits_for_a_place(baseline):
    d = paired_differences(baseline, _variant({"care": {"foster_capacity": 9000, "residential_capacity": 9000}}))
    d = d.set_index("outcome")
    assert d.loc["mean_wait_for_placement_months", "ci_low"] > 0


def test_learning_culture_improves_home_help_quality_with_feedback_not_with_time(baseline):
    base_quality = baseline.table("monthly")["home_help_quality"]
    assert base_quality.max() == base_quality.min()  # no learning in the baseline
    # experience without outcome feedback teaches nothing (Goldberg et al. 2016) ...
    no_feedback = _variant({"local_team": {"home_help_learning": 0.2}}).table("monthly")["home_help_quality"]
    assert no_feedback.max() == no_feedback.min() == base_quality.iloc[0]
    # ... with feedback on every completed case quality rises with the cases handled
    learning = _variant({"local_team": {"home_help_learning": 0.2, "home_help_feedback": 1.0}})
    quality = learning.table("monthly")["home_help_quality"]
    assert quality.iloc[-1] > base_quality.iloc[-1] + 0.1
    by_run = learning.table("monthly").groupby("replication")["home_help_quality"]
    assert by_run.apply(lambda q: q.is_monotonic_increasing).all()  # experience only accumulates


def test_structured_instruments_everywhere_mean_fewer_unwarranted_measures(baseline_10):
    # about -300 a year against the baseline's ~1,600: five pairs leave the interval at [-470, +80], ten show it
    instruments = _reduced("baseline").with_overrides({"decisions": {"instrument_use": 1.0, "instrument_noise_reduction": 0.5}})
    d = paired_differences(baseline_10, replicate(instruments, 10)).set_index("outcome")
    assert d.loc["unwarranted_measures_per_year", "ci_high"] < 0

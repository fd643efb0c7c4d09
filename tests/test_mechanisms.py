"""The response mechanisms (issue 12): each a unit test of its rule and a paired test of its direction with intervals.

Paired tests run a reduced chain (2% of the children, 5 years) with the same replication
seeds in both arms (common random numbers) and assert on the 95% t-interval of the paired
difference, not on point values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import small

from sim.experiments.runs import paired_differences, replicate
from sim.experiments.stats import mean_interval, paired_difference
from sim.model.cases import Case
from sim.model.chain import ChainModel
from sim.model.episodes import log_odds_g, trial_g
from sim.model.ledger import Ledger
from sim.model.params import Params
from sim.model.population import Legal, State

REPS = 6


def _reduced(overrides: dict | None = None) -> Params:
    base = Params().with_overrides({"run": {"scale": 0.02, "years": 5, "warmup_years": 2, "seed": 17}})
    return base.with_overrides(overrides or {})


@pytest.fixture(scope="module")
def baseline():
    return replicate(_reduced(), REPS)


def _diff(baseline, overrides: dict):
    return paired_differences(baseline, replicate(_reduced(overrides), REPS)).set_index("outcome")


# --- error counts with their band -----------------------------------------------------------


def test_an_error_is_counted_with_its_band():
    model = ChainModel(small(years=1, warmup=0))
    model.step()
    ledger: Ledger = model.ledger
    before = dict(ledger.flows[ledger.year()])
    for margin in (-0.5, -0.1, 0.1, 0.5):  # truth 0.5 / 0.1 below the bar, 0.1 / 0.5 above; band 0.2
        ledger.count_error("unwarranted_measures", margin, 0.2)
    now = ledger.flows[ledger.year()]

    def added(key: str) -> float:
        return now.get(key, 0) - before.get(key, 0)

    assert added("unwarranted_measures") == 2  # below the bar
    assert added("unwarranted_measures_low") == 1  # below even the band's strict edge
    assert added("unwarranted_measures_high") == 3  # below the band's lenient edge


def test_missed_children_split_into_known_and_never_reported(baseline):
    s = baseline.summary()
    assert (s["missed_known_per_year"] > 0).all() and (s["missed_unreported_per_year"] > 0).all()
    # a child can be missed both ways in one year, never in neither
    total = s["missed_known_per_year"] + s["missed_unreported_per_year"]
    assert (total >= s["missed_children_per_year"] - 1e-9).all()
    assert (s["unwarranted_placements_per_year_low"] <= s["unwarranted_placements_per_year"]).all()
    assert (s["unwarranted_placements_per_year"] <= s["unwarranted_placements_per_year_high"]).all()


def test_a_less_intrusive_chain_misses_more_children_it_knew(baseline):
    """The Bermuda triangle: higher bars for measures and placements mean fewer unjust ones and more missed among known."""
    d = _diff(
        baseline,
        {
            "raad": {"request_threshold": 2.6},
            "court": {"grant_threshold": 1.8, "guardianship_grant_threshold": 2.3},
            "local_team": {"voluntary_placement_threshold": 2.6},
        },
    )
    assert d.loc["unwarranted_measures_per_year", "ci_high"] < 0
    assert d.loc["unwarranted_placements_per_year", "ci_high"] < 0
    assert d.loc["missed_known_per_year", "ci_low"] > 0
    # the chain's bars do not reach the children nobody reports
    assert d.loc["missed_unreported_per_year", "ci_low"] < 0 < d.loc["missed_unreported_per_year", "ci_high"]


# --- capacity that binds and feeds back ------------------------------------------------------


def test_a_smaller_raad_has_a_waiting_list_that_feeds_back(baseline):
    d = _diff(baseline, {"raad": {"investigations_per_staff": 2.0}})
    assert d.loc["children_waiting_for_raad", "ci_low"] > 0
    assert d.loc["mean_wait_for_raad_months", "ci_low"] > 0
    # triage: fewer investigations, and (the bars of those who refer rise) fewer requests
    assert d.loc["raad_protection_investigations_per_year", "ci_high"] < 0
    assert d.loc["ots_starts_per_year", "ci_high"] < 0


def test_children_waiting_for_a_guardian_have_none_and_judges_hold_back(baseline):
    d = _diff(baseline, {"guardians": {"n_guardians": 700}})
    assert d.loc["children_waiting_for_guardian", "ci_low"] > 0
    assert d.loc["ots_starts_per_year", "ci_high"] < 0  # the court grants fewer orders when guardians are lacking
    assert d.loc["missed_known_per_year", "ci_low"] > 0  # a child waiting for a guardian is not protected by one


@pytest.mark.parametrize("waiting_pressure, expected", [(0.0, "ots_placement"), (1.0, "ots")])
def test_the_raad_holds_back_on_placement_while_children_wait_for_a_guardian(monkeypatch, waiting_pressure, expected):
    """A child at home judged just above the placement bar: asked for with placement, unless guardians are lacking."""
    model = ChainModel(small(scale=0.01, years=1, warmup=0).with_overrides({"contradiction": {"weigh_alternatives": 0.0}}))
    raad, requests = model.raad, []
    for _ in range(3):  # the chain's first referrals
        model.step()
    case = next(c for c in model.cases.values() if c.state in (State.HELP, State.RAAD) and c.legal == Legal.NONE)
    case.state = State.RAAD
    worker = raad.staff.members[0]
    shift = worker.values + model.climate + raad.pressure()
    perceived = raad.judgement.placement_bar(raad.p.placement_request_threshold) + shift + 0.5  # above the plain bar
    monkeypatch.setattr(raad.staff, "pick", lambda rng: worker)
    monkeypatch.setattr(raad.judgement, "assess", lambda *args, **kwargs: perceived)
    monkeypatch.setattr(model.guardians, "pressure", lambda: waiting_pressure)
    monkeypatch.setattr(raad.routes, "to_court", lambda case, request: requests.append(request))
    raad._decide(case)
    assert requests == [expected]


def test_a_waiting_child_gets_no_guidance_until_a_guardian_is_free():
    model = ChainModel(small(scale=0.01, years=1, warmup=0).with_overrides({"guardians": {"n_guardians": 1}}))
    waiting = [c for c in model.cases.values() if c.state == State.MEASURE_WAIT]
    assert waiting, "with one guardian, children under a measure wait"
    for case in waiting:
        assert case.guardian is None and model.population.relief[case.child] == 0
    model.guardians.caseloads.capacity += len(model.guardians.caseloads)  # guardians join: room for everyone waiting
    model.guardians.step()
    for case in waiting:
        assert case.guardian is not None and case.state == State.MEASURE_HOME
        assert model.population.relief[case.child] == pytest.approx(model.params.local_team.help_effect)


def test_families_leave_a_long_waiting_list(baseline):
    arm = replicate(_reduced({"raad": {"investigations_per_staff": 2.0}}), 2).table("yearly")
    assert arm["left_waiting_list_raad"].sum() > baseline.table("yearly")["left_waiting_list_raad"].sum() / REPS * 2


# --- the financial shock through explicit pathways -------------------------------------------


def test_imposed_debts_do_not_resolve_until_settled():
    model = ChainModel(small(scale=0.01, years=2, warmup=0))
    pop = model.population
    hit = np.arange(50)
    pop.impose_debts(hit, 2.0)
    assert pop.debt[hit].all() and pop.debt_locked[hit].all()
    for _ in range(24):
        pop._stressor_step()
    assert pop.debt[hit].all(), "an imposed debt resolved on its own"
    pop.resolve_debt(hit)  # debt help cannot settle them either
    assert pop.debt[hit].all()
    pop.settle_debts(hit, hit[:25])
    assert not pop.debt[hit[:25]].any() and not pop.debt_locked[hit].any()


def test_poverty_read_as_danger_raises_measures_for_hit_families_only_through_perception():
    shock = {"shock": {"enabled": True}, "run": {"scale": 0.02, "years": 5, "warmup_years": 2, "seed": 17}}
    # The hit-matched gap is a difference within a 2 % subgroup, so its paired change needs more
    # pairs than the chain-wide outcomes (0.3.1: 6 pairs gave [-0.002, +0.010] around +0.004).
    reps = 12
    without = replicate(Params().with_overrides(shock | {"decisions": {"poverty_bias": 0.0}}), reps)
    with_bias = replicate(Params().with_overrides(shock | {"decisions": {"poverty_bias": 0.6}}), reps)
    d = paired_differences(without, with_bias).set_index("outcome")
    assert d.loc["unwarranted_measures_per_year", "ci_low"] > 0  # poverty read as danger: measures the truth did not warrant
    # hit families all carry debts, matched ones only sometimes: their gap in measures widens
    gap = lambda s: (s["shock_hit_measure_rate"] - s["shock_matched_measure_rate"]).to_numpy()  # noqa: E731
    assert paired_difference(gap(without.summary()), gap(with_bias.summary())).low > 0


def test_debt_help_resolves_debts_of_helped_families(baseline):
    d = _diff(baseline, {"local_team": {"debt_help_month": 0.3}})
    assert d.loc["hidden_serious_cases", "ci_high"] < 0  # debts gone: fewer children seriously threatened


# --- intensive home help: a trial against care as usual --------------------------------------


def test_effect_size_from_the_odds_ratio():
    assert log_odds_g(0.3, 0.3) == pytest.approx(0.0)
    assert log_odds_g(0.3, 0.2) > 0  # fewer placements with treatment
    assert log_odds_g(0.2, 0.3) < 0
    assert math.isnan(log_odds_g(0.0, 0.2))
    # a trial arm without placements: the Haldane-Anscombe correction (0.5 in every cell) keeps g defined
    assert trial_g(10, 100, 10, 100) == pytest.approx(0.0)
    assert trial_g(10, 100, 0, 100) == pytest.approx(log_odds_g(10.5 / 101, 0.5 / 101))
    assert trial_g(10, 100, 0, 100) > trial_g(10, 100, 1, 100) > 0
    assert math.isnan(trial_g(10, 100, 0, 0))


def test_the_trial_randomises_voluntary_referrals_and_finds_home_help_prevents_placement():
    trial = replicate(_reduced({"local_team": {"home_help_trial_share": 0.5}, "run": {"scale": 0.05}}), 4)
    s = trial.summary()
    assert (s["home_help_trial_n"] > 100).all()
    assert mean_interval(s["home_help_trial_effect_g"]).low > 0
    # home help reaches families with domestic violence less (Al et al. 2012). A point comparison: the
    # subgroups' g differ by ~0.2, with a standard error of ~0.16 over these 4 runs (~0.08 pooled over 16),
    # so an interval would need about 16 runs more than this test makes; the mechanism itself is checked
    # exactly in test_home_help_reaches_abuse_families_less
    assert s["home_help_trial_effect_g_other"].mean() > s["home_help_trial_effect_g_abuse"].mean()


# --- contradiction as information -------------------------------------------------------------


def test_second_assessors_can_sit_at_every_decision_point(baseline):
    for point in ("vt", "local_team", "raad", "court", "gi"):
        arm = replicate(_reduced({"contradiction": {"second_assessor_share": 1.0, "second_assessor_at": [point]}}), 1)
        assert arm.table("yearly")["second_assessments"].sum() > 0, point
    assert baseline.table("yearly")["second_assessments"].sum() == 0  # none in the baseline


def test_a_lawyer_corrects_the_file_the_judge_reads():
    model = ChainModel(small(scale=0.01, years=1, warmup=0).with_overrides({"contradiction": {"legal_aid_share": 1.0}}))
    case = next(iter(model.cases.values()))
    case.case_error = 1.0
    lawyers = model.judgement.represented(case, np.random.default_rng(1))
    assert lawyers >= 1 and abs(case.case_error) < 1.0


def test_weighing_alternatives_places_fewer_children_care_would_not_help(baseline):
    d = _diff(baseline, {"contradiction": {"weigh_alternatives": 1.0}})
    assert d.loc["unwarranted_placements_per_year", "ci_high"] < 0
    assert d.loc["unwarranted_placement_share", "ci_high"] < 0


def test_home_help_reaches_abuse_families_less():
    """Intensive home help gives abuse/neglect families only a share of its extra over care as usual (Al et al. 2012)."""
    model = ChainModel(small(years=1, warmup=0))
    team, pop, p = model.local_team, model.population, model.params.local_team
    free = np.flatnonzero(pop.state == State.HOME)
    violent = pop.violence[pop.household[free]].astype(bool)
    abuse, other = Case(model, int(free[violent][0]), 0.0), Case(model, int(free[~violent][0]), 0.0)
    assert team.abuse_family(abuse) and not team.abuse_family(other)
    for quality in (0.5, 1.0):
        extra = p.home_help_effect * quality - p.help_effect  # beyond ordinary help (care as usual)
        assert team.home_help_relief(other, quality) == pytest.approx(p.help_effect + extra)
        assert team.home_help_relief(abuse, quality) == pytest.approx(p.help_effect + p.home_help_abuse_effect * extra)
    # with no reach at all, abuse families get what care as usual gives
    blind = ChainModel(small(Params().with_overrides({"local_team": {"home_help_abuse_effect": 0.0}}), years=1, warmup=0))
    assert blind.local_team.home_help_relief(Case(blind, abuse.child, 0.0), 1.0) == pytest.approx(p.help_effect)

"""Unit tests of the pure decision functions (perception, thresholds, dialogue, agreement)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import ndtr

from sim.model import decisions as dec
from sim.model.decisions import (
    case_noise_sd,
    cohen_kappa,
    combine_independent,
    exceeds,
    finds_voluntary_route,
    perceive,
    placement_threshold,
)
from sim.model.params import ContradictionParams, DecisionParams
from sim.model.staff import spread_normal

N = 200_000


def rng(seed: int = 1) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- perceive --------------------------------------------------------------------------------------


def test_perceive_without_noise_or_bias_returns_truth() -> None:
    truth = np.array([0.0, 0.7, 1.5, 3.2])
    got = perceive(truth, rng(), noise_sd=0.0, occasion_sd=0.0, bias=0.0)
    np.testing.assert_array_equal(got, truth)


def test_perceive_without_noise_adds_bias_exactly() -> None:
    truth = np.array([0.0, 0.7, 1.5])
    bias = np.array([0.25, -0.5, 0.0])
    got = perceive(truth, rng(), noise_sd=0.0, occasion_sd=0.0, bias=bias)
    np.testing.assert_allclose(got, truth + bias, rtol=0, atol=1e-12)


def test_perceive_anchoring_one_returns_prior() -> None:
    truth = np.array([0.2, 1.0, 2.5, 4.0])
    prior = np.array([3.0, -1.0, 0.5, 1.25])
    got = perceive(truth, rng(), noise_sd=0.8, occasion_sd=0.4, bias=0.3, prior=prior, anchoring=1.0)
    np.testing.assert_array_equal(got, prior)


def test_perceive_anchoring_zero_ignores_prior() -> None:
    truth = np.linspace(0, 3, 50)
    own = perceive(truth, rng(7), noise_sd=0.6, occasion_sd=0.3, bias=0.1)
    with_prior = perceive(truth, rng(7), noise_sd=0.6, occasion_sd=0.3, bias=0.1, prior=np.full(50, 99.0), anchoring=0.0)
    np.testing.assert_array_equal(with_prior, own)


def test_perceive_anchoring_half_is_midpoint() -> None:
    truth = np.array([1.0, 2.0])
    prior = np.array([3.0, 0.0])
    got = perceive(truth, rng(), noise_sd=0.0, occasion_sd=0.0, bias=0.0, prior=prior, anchoring=0.5)
    np.testing.assert_allclose(got, [2.0, 1.0])


def test_perceive_noise_mean_and_sd() -> None:
    truth, bias, noise, occasion = 1.5, 0.3, 0.55, 0.35
    got = perceive(np.full(N, truth), rng(11), noise_sd=noise, occasion_sd=occasion, bias=bias)
    expected_sd = math.sqrt(noise**2 + occasion**2)
    # standard error of the mean is ~0.0015 here
    assert got.mean() == pytest.approx(truth + bias, abs=0.01)
    assert got.std() == pytest.approx(expected_sd, rel=0.01)


def test_perceive_per_case_noise_sd() -> None:
    truth = np.zeros(N)
    noise = np.where(np.arange(N) % 2 == 0, 0.0, 1.0)
    got = perceive(truth, rng(12), noise_sd=noise, occasion_sd=0.0, bias=0.0)
    np.testing.assert_array_equal(got[::2], 0.0)
    assert got[1::2].std() == pytest.approx(1.0, rel=0.02)


def test_perceive_is_reproducible_with_same_stream() -> None:
    truth = np.linspace(0, 2, 100)
    a = perceive(truth, rng(5), noise_sd=0.5, occasion_sd=0.2, bias=0.0)
    b = perceive(truth, rng(5), noise_sd=0.5, occasion_sd=0.2, bias=0.0)
    c = perceive(truth, rng(6), noise_sd=0.5, occasion_sd=0.2, bias=0.0)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# --- exceeds ---------------------------------------------------------------------------------------


def test_exceeds_threshold_values_and_shift_add_up() -> None:
    # 0.5 + 0.25 + 0.125 = 0.875 exactly in binary floating point
    perceived = np.array([0.75, 0.875, 0.9, 1.0])
    got = exceeds(perceived, 0.5, values=0.25, shift=0.125)
    np.testing.assert_array_equal(got, [False, False, True, True])


def test_exceeds_each_term_moves_the_threshold() -> None:
    assert bool(exceeds(1.0, 0.5))
    assert not bool(exceeds(1.0, 0.5, values=0.5))
    assert not bool(exceeds(1.0, 0.5, shift=0.5))
    assert bool(exceeds(1.0, 0.5, values=0.5, shift=-0.25))
    assert not bool(exceeds(1.0, 1.5, values=-0.25, shift=-0.25))  # equal is not above


def test_exceeds_broadcasts_per_professional_values() -> None:
    perceived = np.full(3, 2.0)
    values = np.array([-0.5, 0.0, 0.5])
    np.testing.assert_array_equal(exceeds(perceived, 1.75, values=values), [True, True, False])


# --- combine_independent ---------------------------------------------------------------------------


def test_combine_independent_is_the_mean() -> None:
    np.testing.assert_allclose(combine_independent([1.0, 2.0, -1.0], [3.0, 2.0, 1.0]), [2.0, 2.0, 0.0])


def test_combine_independent_halves_noise_variance() -> None:
    truth = np.full(N, 2.0)
    gen = rng(21)
    first = perceive(truth, gen, noise_sd=0.6, occasion_sd=0.3, bias=0.0)
    second = perceive(truth, gen, noise_sd=0.6, occasion_sd=0.3, bias=0.0)
    combined = combine_independent(first, second)
    ratio = combined.var() / first.var()
    assert ratio == pytest.approx(0.5, abs=0.02)
    assert combined.mean() == pytest.approx(2.0, abs=0.01)


# --- placement_threshold ---------------------------------------------------------------------------


def test_placement_bias_lowers_threshold() -> None:
    assert placement_threshold(2.2, 0.3) == pytest.approx(1.9)
    assert placement_threshold(2.2, 0.0) == pytest.approx(2.2)
    assert placement_threshold(2.2, 0.6) < placement_threshold(2.2, 0.3) < 2.2


def test_benefit_estimate_weighs_home_with_help_against_care() -> None:
    # home threat 2.0 with help removing 0.4 (1.6 left) against 1.2 in care: care helps by 0.4
    assert dec.benefit_estimate(2.0, 0.4, 1.2, 0.0) == pytest.approx(0.4)
    assert dec.benefit_estimate(2.0, 0.4, 1.8, 0.0) < 0  # care worse than home with help
    assert dec.benefit_estimate(2.0, 0.4, 1.2, 0.5) < dec.benefit_estimate(2.0, 0.4, 1.2, 0.0)  # the estimate's error counts


def test_weighing_places_only_children_whom_care_would_help() -> None:
    from sim.model.judgement import Judgement
    from sim.model.params import Params

    p = Params().with_overrides({"contradiction": {"weigh_alternatives": 1.0}, "decisions": {"benefit_estimate_sd": 0.0}})
    judge = Judgement(p, None, None)  # type: ignore[arg-type]  # places() reads only the parameters
    gen = rng(5)
    # above the plain bar: placed when care beats home with help, not otherwise
    assert judge.places(2.6, 2.2, 0.0, gen, lambda: (0.3, 1.0))
    assert not judge.places(2.6, 2.2, 0.0, gen, lambda: (0.3, 2.5))
    # between the biased and the plain bar: weighing removes the bias, so no placement
    assert not judge.places(2.0, 2.2, 0.0, gen, lambda: (0.0, 0.0))
    unweighed = Judgement(Params(), None, None)  # type: ignore[arg-type]
    assert unweighed.places(2.0, 2.2, 0.0, gen, lambda: (0.0, 9.9))  # biased bar 1.9, the benefit never asked


# --- finds_voluntary_route -------------------------------------------------------------------------


def _route_share(skill: float, perceived: float, seed: int = 31) -> float:
    return float(finds_voluntary_route(np.full(N, skill), np.full(N, perceived), rng(seed), midpoint=2.2).mean())


def test_voluntary_route_more_often_with_higher_skill() -> None:
    low, high = _route_share(0.3, 2.0), _route_share(0.8, 2.0)
    assert high > low + 0.1


def test_voluntary_route_less_often_with_higher_perceived_threat() -> None:
    mild, severe = _route_share(0.6, 1.0), _route_share(0.6, 3.5)
    assert mild > severe + 0.3


def test_voluntary_route_never_without_skill() -> None:
    got = finds_voluntary_route(np.zeros(N), np.linspace(-5, 5, N), rng(32), midpoint=2.2)
    assert not got.any()


def test_voluntary_route_half_as_likely_at_midpoint() -> None:
    assert _route_share(0.8, 2.2) == pytest.approx(0.4, abs=0.01)


def test_voluntary_route_shape_follows_perceived() -> None:
    got = finds_voluntary_route(0.5, np.zeros(7), rng(), midpoint=2.2)
    assert got.shape == (7,)
    assert got.dtype == np.bool_


# --- case_noise_sd ---------------------------------------------------------------------------------

DEC = DecisionParams()
CON = ContradictionParams()


def test_case_noise_baseline_equals_parameter_without_levers() -> None:
    no_voice = ContradictionParams(voice=0.0)
    assert float(case_noise_sd(DEC, no_voice, instrument=False)) == pytest.approx(DEC.case_noise_sd)


def test_instrument_lowers_case_noise() -> None:
    without = float(case_noise_sd(DEC, CON, instrument=False))
    with_ = float(case_noise_sd(DEC, CON, instrument=True))
    assert with_ < without
    assert with_ == pytest.approx(without * (1 - DEC.instrument_noise_reduction))


def test_voice_lowers_case_noise() -> None:
    quiet = float(case_noise_sd(DEC, ContradictionParams(voice=0.0), instrument=False))
    heard = float(case_noise_sd(DEC, ContradictionParams(voice=0.8), instrument=False))
    assert heard < quiet


def test_lawyers_correct_the_files_information_error() -> None:
    assert dec.correct_case_error(1.0, 0.3, 0) == pytest.approx(1.0)
    assert dec.correct_case_error(1.0, 0.3, 1) == pytest.approx(0.7)
    assert dec.correct_case_error(-1.0, 0.3, 2) == pytest.approx(-0.49)  # toward the truth from either side


def test_case_noise_vectorised_over_cases() -> None:
    sd = case_noise_sd(DEC, CON, instrument=np.array([False, True, True]))
    assert sd.shape == (3,)
    assert sd[0] > sd[1] == sd[2] > 0


# --- cohen_kappa -----------------------------------------------------------------------------------


def test_kappa_identical_raters_is_one() -> None:
    a = rng(41).random(1000) < 0.3
    assert cohen_kappa(a, a.copy()) == pytest.approx(1.0)


def test_kappa_independent_raters_near_zero() -> None:
    gen = rng(42)
    a = gen.random(N) < 0.3
    b = gen.random(N) < 0.4
    assert cohen_kappa(a, b) == pytest.approx(0.0, abs=0.01)


def test_kappa_opposite_raters_negative() -> None:
    a = np.array([True, False] * 50)
    assert cohen_kappa(a, ~a) == pytest.approx(-1.0)


def test_kappa_known_two_by_two() -> None:
    # both yes 20, A yes/B no 5, A no/B yes 10, both no 15 (n = 50):
    # p_o = 35/50 = 0.7; p_A = 0.5, p_B = 0.6; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    a = [True] * 20 + [True] * 5 + [False] * 10 + [False] * 15
    b = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_second_known_example() -> None:
    # 45 yes-yes, 15 yes-no, 25 no-yes, 15 no-no (n = 100): p_o = 0.6,
    # p_A = 0.6, p_B = 0.7, p_e = 0.42 + 0.12 = 0.54, kappa = 0.06 / 0.46
    a = [True] * 60 + [False] * 40
    b = [True] * 45 + [False] * 15 + [True] * 25 + [False] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.06 / 0.46)


def test_scalar_twins_match_their_array_versions():
    from sim.model.params import Params

    p = Params()
    for instrument in (False, True):
        array_sd = float(dec.case_noise_sd(p.decisions, p.contradiction, instrument))
        assert dec.case_noise_sd_one(p.decisions, p.contradiction, instrument) == pytest.approx(array_sd)
    kw = {"noise_sd": 0.4, "occasion_sd": 0.3, "bias": 0.2, "case_error": 0.7, "prior": 1.5, "anchoring": 0.5}
    one = dec.perceive_one(2.0, np.random.default_rng(3), **kw)
    many = dec.perceive(np.array([2.0]), np.random.default_rng(3), **kw)
    assert one == pytest.approx(float(many[0]))
    for perceived in (0.5, 2.2, 4.0):
        a = [dec.finds_voluntary_route_one(0.6, perceived, np.random.default_rng(k), midpoint=2.2) for k in range(2000)]
        b = [bool(dec.finds_voluntary_route(0.6, perceived, np.random.default_rng(k), midpoint=2.2)) for k in range(2000)]
        assert a == b


@pytest.mark.parametrize("n", [1, 6, 60, 1000])
def test_a_staff_pool_of_any_size_keeps_the_populations_spread(n):
    """Stratified traits: exactly one professional in each of n equally likely slices of the normal."""
    traits = spread_normal(np.random.default_rng(n), n)
    slices = np.floor(ndtr(np.sort(traits)) * n).astype(int)
    np.testing.assert_array_equal(slices, np.arange(n))
    assert not np.all(np.diff(traits) > 0) or n == 1  # handed out in random order, not sorted
    if n >= 60:
        assert abs(traits.mean()) < 0.5 / np.sqrt(n) and abs(traits.std() - 1) < 0.1

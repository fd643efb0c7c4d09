"""Invariants of the chain model and reproducibility."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, small

from sim.experiments.runs import run_once
from sim.model.chain import ChainModel
from sim.model.initial import smallest_first
from sim.model.population import Legal, Setting, State


def check_invariants(model: ChainModel, in_hand: dict[str, int] | None = None) -> dict[str, int]:
    """Assert the invariants; return the cases in hand per capacity (pass it back next month)."""
    pop = model.population
    # every child is in exactly one, valid state, and the arrays agree with each other
    assert pop.state.min() >= 0 and pop.state.max() < len(State)
    assert np.all((pop.setting != Setting.HOME) == (pop.state == State.PLACED))
    known = np.flatnonzero(pop.state != State.HOME)
    assert set(known.tolist()) == set(model.cases)
    np.testing.assert_array_equal(model.known_children(), known)
    assert np.all(pop.state[pop.legal != Legal.NONE] != State.HOME)
    for child, case in model.cases.items():
        assert case.child == child
    # conservation of cases through the chain
    assert model.n_cases_opened - model.n_cases_closed == len(model.cases)
    # no negative stock, no service over capacity; each placed child holds exactly one place
    queues = [
        model.veilig_thuis.investigations,
        model.raad.investigations,
        model.local_team.home_help,
        model.guardians.caseloads,
        *model.care.places.values(),
    ]
    for q in queues:
        # a stretched caseload shrinks as its list shortens, possibly below the cases in hand
        # (those are finished, not dropped): then nobody new may have started since last month
        limit = q.capacity if in_hand is None else max(q.capacity, in_hand[q.name])
        assert 0 <= len(q.in_service) <= limit, q.name
    assert sum(len(q.in_service) for q in model.care.places.values()) == int(np.sum(pop.setting != Setting.HOME))
    assert set(model.court.requests) <= {c.unique_id for c in model.cases.values()}, "a closed case awaits a hearing"
    open_ids = {c.unique_id for c in model.cases.values()}
    for q in [*queues, model.care.waiting]:
        waiting = [c.unique_id for c, _ in q.waiting()]
        assert len(waiting) == len(set(waiting)) == len(q), f"{q.name}: a case waits twice"
        assert set(waiting) <= open_ids, f"{q.name}: a closed case is still waiting"
        assert q.in_service <= open_ids, f"{q.name}: a closed case still holds a place"
    waiting_placement = {c.unique_id for c, _ in model.care.waiting.waiting()}
    assert waiting_placement == {c.unique_id for c in model.cases.values() if c.state == State.PLACEMENT_WAIT}
    assert np.all(pop.threat >= 0)
    # the cached stressor transition chances agree with the stressors (no stale household)
    np.testing.assert_array_equal(pop._cumulative, pop._transition_cumulative())
    # and so does the cached stress load (stressors and the financial shock's load)
    np.testing.assert_array_equal(pop._load, pop.stress_load())
    return {q.name: len(q.in_service) for q in queues}


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"shock": {"enabled": True}},
        # a shock that starts, eases and is compensated within the run
        {"shock": {"enabled": True, "start_year": 2016, "duration_years": 1, "compensation_year": 2017}},
        {"raad": {"n_staff": 100}, "guardians": {"n_guardians": 300}},
    ],
)
def test_invariants_hold_every_month(overrides):
    model = ChainModel(small().with_overrides(overrides))
    in_hand = check_invariants(model)
    while model.running:
        model.step()
        in_hand = check_invariants(model, in_hand)
    assert model.steps == model.months_total


def test_the_known_children_are_those_away_from_home_where_the_month_asks_for_them():
    """known_children() stands in for a scan of every child's state inside the month, too."""
    model = ChainModel(small().with_overrides({"local_team": {"debt_help_month": 0.2}}))
    debt_help, checked = model.local_team.debt_help, []

    def checking() -> None:
        known = np.flatnonzero(model.population.state != State.HOME)
        np.testing.assert_array_equal(model.known_children(), known)
        checked.append(len(known))
        debt_help()

    model.local_team.debt_help = checking
    while model.running:
        model.step()
    assert len(checked) == model.months_total and min(checked) > 0


def test_every_actor_acts():
    result = run_once(small(scale=0.01, years=3))
    totals = result.yearly.sum(numeric_only=True)
    for flow in (
        "vt_reports",
        "vt_investigations",
        "help_starts",
        "home_help_starts",
        "raad_protection_investigations",
        "raad_requests",
        "ots_starts",
        "placement_authorisations",
        "guardianship_starts",
        "placements_voluntary",
        "placements_court",
        "placement_moves",
        "reunifications",
        "missed_children",
    ):
        assert totals[flow] > 0, flow


def test_outputs_are_scaled_to_the_netherlands():
    result = run_once(small(scale=0.01, years=2))
    assert result.summary["vt_reports_per_year"] > 10_000  # national, not 1% of it
    assert set(result.equity["group"]) == {"other", "hit", "matched"}
    assert set(result.costs["route"]) >= {"foster", "residential", "home_help", "guardians"}
    assert (result.costs["euro"] >= 0).all()


def test_same_seed_gives_identical_results():
    a, b = run_once(small()), run_once(small())
    for name in ("yearly", "monthly", "equity", "costs"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.summary == pytest.approx(b.summary, nan_ok=True)


def test_other_seed_gives_other_results():
    a, b = run_once(small(seed=1)), run_once(small(seed=2))
    assert not a.yearly.equals(b.yearly)


def test_identical_under_different_hash_seeds():
    code = (
        "import json; from sim.experiments.runs import run_once; from sim.model.params import Params;"
        "p = Params().with_overrides({'run': {'scale': 0.003, 'years': 2, 'warmup_years': 1, 'seed': 5}});"
        "print(json.dumps(run_once(p).yearly.round(9).to_dict(orient='list')))"
    )
    outs = []
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        outs.append(json.loads(proc.stdout))
    assert outs[0] == outs[1]


def test_measures_end_at_majority():
    model = ChainModel(small())
    while model.running:
        model.step()
    pop = model.population
    assert pop.age_months.max() < 18 * 12
    assert model.ledger.flows  # flows were counted
    assert sum(f.get("ots_outflow", 0) + f.get("guardianship_ends", 0) for f in model.ledger.flows.values()) > 0


def test_every_report_has_exactly_one_reporter():
    result = run_once(small(scale=0.01, years=2))
    y = result.yearly
    by_reporter = y[["vt_reports_police", "vt_reports_school", "vt_reports_gp", "vt_reports_care_provider", "vt_reports_network"]]
    np.testing.assert_allclose(by_reporter.sum(axis=1), y["vt_reports"])
    assert 0.3 < result.summary["police_share_of_reports"] < 0.9  # police dominate (VT: ~65-70% of all reports)


@pytest.mark.parametrize("k", [0, 1, 10, 999, 1000, 1200])
def test_initial_stocks_pick_the_same_children_as_a_full_stable_sort(k):
    rng = np.random.default_rng(k)
    with_nan = rng.normal(size=1000)
    with_nan[rng.random(1000) < 0.1] = np.nan
    # the second is all ties; the third has fewer than k numbers for the largest k
    for key in (rng.normal(size=1000), rng.integers(0, 5, 1000).astype(float), with_nan):
        np.testing.assert_array_equal(smallest_first(key, k), np.argsort(key, kind="stable")[:k])


@pytest.mark.parametrize(
    "reporting",
    [
        {},
        {"in_chain_visibility": 0.0, "violence_visibility": 20.0},
        {"in_chain_visibility": 10.0, "report_slope": 5.0, "p_report_base": 0.2, "p_help_request_base": 0.5},
    ],
)
def test_reports_drawn_from_the_few_below_the_bound_are_exactly_those_of_every_child_s_chance(reporting):
    model = ChainModel(small().with_overrides({"reporting": reporting}))
    for _ in range(14):  # some children known to the chain, some in violent households
        model.step()
    pop, reporters, rng = model.population, model.reporters, np.random.default_rng(9)
    assert np.any(pop.state != State.HOME) and np.any(pop.violence)
    rise = np.exp(np.float32(reporters.p.report_slope) * pop.threat)
    for scale in (1.0, 0.01, 1e-4):  # many, some and few children below their chance
        u = rng.random(pop.n_children, dtype=np.float32) * np.float32(scale)
        p_report, p_either = reporters.chances(np.arange(pop.n_children), rise)
        either = np.flatnonzero(u < p_either)
        got, is_report = reporters.draw(u, rise)
        np.testing.assert_array_equal(got, either)
        np.testing.assert_array_equal(is_report, u[either] < p_report[either])

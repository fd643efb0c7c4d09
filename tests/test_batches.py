"""A month's batch decides exactly as the cases did one at a time (issue 16: decisions in batches).

Each test runs one month of a chain twice from the same state: once with the batched step,
once with the one-case-at-a-time code it replaced (kept here as the reference), and compares
the chain right after that step. Only the draws' order may differ, so only what is drawn after
the decisions (how long the next round of help lasts) may differ; every decision, count,
state, waiting list and closed case must be the same. The chains have a short-staffed Raad, so
that the escalation bar moves within a batch and some cases must go one at a time.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import small

from sim.model import decisions as dec
from sim.model.actors.local_team import LocalTeam
from sim.model.cases import Case
from sim.model.chain import ChainModel
from sim.model.params import Params
from sim.model.population import Legal, Setting, State


class _Taken(Exception):
    """Stops the copied chain's month right after the step under test."""


def _one_by_one_end_help(self: LocalTeam) -> None:
    """``LocalTeam.end_help`` before the batch: each ended case routed on its own (the reference)."""
    m = self.chain
    cases = m.cases
    ended = [cases.get(child) for child in self.help_ends.pop_due(m.time).tolist()]
    ended = [case for case in ended if case is not None and case.state == State.HELP]
    if ended:
        perceived, who = self.judgement.assess_batch(ended, self.staff, self.rng)
        consent = self.judgement.consents_batch(self.staff.dialogue_skill[who], perceived, self.rng)
        members = self.staff.members
        for case, value, k, agrees in zip(ended, perceived.tolist(), who.tolist(), consent.tolist(), strict=True):
            case.set_relief(0.0)
            self.route(case, value, members[k], consent=agrees)


def _one_by_one_review_due(self: LocalTeam) -> None:
    """``LocalTeam.review_due`` with the batch's judgements, each review then decided on its own (the reference)."""
    m = self.chain
    due = [m.cases.get(child) for child in self.reviews.pop_due(m.time).tolist()]
    due = [c for c in due if c is not None and c.state == State.PLACED and c.legal == Legal.NONE and not c.court_placement]
    if due:
        perceived, who = self.judgement.assess_batch(due, self.staff, self.rng)
        for case, value, k in zip(due, perceived.tolist(), who.tolist(), strict=True):
            self.decide_review(case, value, self.staff.members[k])


def _one_by_one_intake(self: LocalTeam, children: np.ndarray) -> None:
    """``LocalTeam.intake`` before the batch: each request that passes routed on its own (the reference)."""
    m = self.chain
    if len(children) == 0:
        return
    perceived, who, case_error = self.judgement.first_look(children, self.staff, self.rng)
    helped = dec.exceeds(perceived, self.routes.help_bar, self.staff.values[who], m.climate)
    self.ledger.count("help_requests", len(children))
    m.population.screened_out_at[children[~helped]] = m.time
    for i in np.flatnonzero(helped):
        case = Case(m, int(children[i]), float(case_error[i]))
        case.judgement = float(perceived[i])
        self.route(case, float(perceived[i]), self.staff.members[int(who[i])], consent=True)


def _state(m: ChainModel) -> dict[str, Any]:
    """Everything a routing decision can change, except when the next round of help ends."""
    pop, lt = m.population, m.local_team
    return {
        "state": pop.state.copy(),
        "legal": pop.legal.copy(),
        "setting": pop.setting.copy(),
        "relief": pop.relief.copy(),
        "screened_out_at": pop.screened_out_at.copy(),
        "cases": {child: (c.unique_id, c.judgement, c.help_rounds, c.tried_home_help) for child, c in m.cases.items()},
        "closed": m.n_cases_closed,
        "flows": dict(m.ledger.flows[m.year()]),
        "in_help": np.isfinite(lt.help_ends.at),
        "reviews": np.isfinite(lt.reviews.at),
        "waiting": {
            q.name: [c.unique_id for c, _ in q.waiting()]
            for q in (m.veilig_thuis.investigations, m.raad.investigations, lt.home_help, m.care.waiting)
        },
        "court": dict(m.court.requests),
        "in_service": {
            q.name: sorted(q.in_service)
            for q in (
                m.veilig_thuis.investigations,
                m.raad.investigations,
                lt.home_help,
                m.guardians.caseloads,
                *m.care.places.values(),
            )
        },
        "authority": sorted(m.raad.authority_cases),
        "open_episodes": (sorted(m.placement_log._open), sorted(m.home_help_log._open)),
        "pending": sorted((c.unique_id, c._pending is not None) for c in m.cases.values()),
    }


def _after(model: ChainModel, name: str, method: Callable[..., None] | None) -> tuple[dict[str, Any], dict[str, int]]:
    state, calls, _ = _twin_after(model, name, method)
    return state, calls


def _twin_after(
    model: ChainModel, name: str, method: Callable[..., None] | None
) -> tuple[dict[str, Any], dict[str, int], ChainModel]:
    """A copy of ``model`` runs its next month up to the end of ``local_team.<name>`` (``method`` in its place, if given)."""
    twin = copy.deepcopy(model)
    team = twin.local_team
    step = method or getattr(LocalTeam, name)
    calls = {"one_by_one": 0}
    route = team.route

    def counted_route(*args: Any, **kwargs: Any) -> None:
        calls["one_by_one"] += 1
        route(*args, **kwargs)

    def taken(self: LocalTeam, *args: Any) -> None:
        step(self, *args)
        raise _Taken

    team.route = counted_route  # type: ignore[method-assign]
    setattr(team, name, types.MethodType(taken, team))
    with pytest.raises(_Taken):
        twin.step()
    return _state(twin), calls, twin


def _assert_same(batch: dict[str, Any], reference: dict[str, Any]) -> None:
    for key, value in reference.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(batch[key], value, err_msg=key)
        else:
            assert batch[key] == value, key


def _chain(**overrides: Any) -> ChainModel:
    base = Params().with_overrides({"raad": {"n_staff": 120}}).with_overrides(overrides)
    model = ChainModel(small(base, scale=0.02, years=2, warmup=1, seed=11))
    for _ in range(14):
        model.step()
    return model


@pytest.mark.parametrize("name, reference", [("end_help", _one_by_one_end_help), ("intake", _one_by_one_intake)])
def test_a_month_s_batch_routes_every_case_as_one_at_a_time(name: str, reference: Callable[..., None]) -> None:
    model = _chain()
    settled = one_by_one = 0
    for _ in range(6):
        batch, calls = _after(model, name, None)
        expected, all_calls = _after(model, name, reference)
        _assert_same(batch, expected)
        settled += all_calls["one_by_one"] - calls["one_by_one"]
        one_by_one += calls["one_by_one"]
        model.step()
    # both paths ran: cases decided in arrays, and cases near a bar that moves within the batch
    assert settled > 50 and one_by_one > 5, (settled, one_by_one)


@pytest.mark.parametrize(
    "overrides, raad_list_moves",
    [
        # few home-help places: who gets one depends on the cases before
        ({"local_team": {"home_help_capacity": 300}, "workload": {"bar_rise": 2.0}}, False),
        # the Raad asked at a threat below the home-help bar, with a list that grows and shrinks:
        # the escalation bar decides cases that would otherwise stay in help, and moves in the batch
        ({"local_team": {"escalate_threshold": 1.2}, "raad": {"n_staff": 1300}}, True),
    ],
)
def test_the_batch_is_exact_where_the_bars_move_within_it(overrides: dict[str, Any], raad_list_moves: bool) -> None:
    model = _chain(**overrides)
    pressures = []
    for _ in range(4):
        batch, _ = _after(model, "end_help", None)
        expected, _ = _after(model, "end_help", _one_by_one_end_help)
        _assert_same(batch, expected)
        pressures.append(model.raad.pressure())
        model.step()
    assert (
        not raad_list_moves
        or 0 < min(pressures)
        and max(pressures) < model.params.workload.bar_rise * model.params.workload.max_queue_ratio
    ), pressures


def test_closing_cases_together_is_closing_them_one_after_another() -> None:
    model = _chain(care={"foster_capacity": 12000, "residential_capacity": 8000})  # scarce places: children wait for one
    one, many = copy.deepcopy(model), copy.deepcopy(model)
    children = sorted(one.cases)[1::2] + [c for c in sorted(one.cases)[::2] if one.cases[c].unique_id in one.court.requests]
    held = {State(int(one.population.state[c])) for c in children}
    # cases that hold something with every actor: a place or a waiting list, a hearing, an authority investigation
    assert {State.VT, State.HOME_HELP, State.RAAD, State.MEASURE_HOME, State.PLACEMENT_WAIT, State.PLACED} <= held, held
    assert one.raad.authority_cases & {one.cases[c].unique_id for c in children}
    assert set(one.court.requests) & {one.cases[c].unique_id for c in children}
    for child in children:
        one.close_case(one.cases[child])
    many.close_cases([many.cases[child] for child in children])
    _assert_same(_state(many), _state(one))
    assert np.all(one.population.state[children] == State.HOME)


@pytest.mark.parametrize("withdraw_consent", [1.0, 0.0])  # the draw decides nothing: both orders take the same decisions
def test_a_month_s_reviews_of_voluntary_placements_decide_as_one_at_a_time(withdraw_consent: float) -> None:
    # a Raad with a list that moves, and an escalation bar a little above the return-home bar: all three outcomes
    model = _chain(local_team={"escalate_threshold": 2.0, "withdraw_consent": withdraw_consent}, raad={"n_staff": 1300})
    outcomes = {"home": 0, "raad": 0, "stay": 0}
    for _ in range(6):
        batch, _ = _after(model, "review_due", None)
        expected, _ = _after(model, "review_due", _one_by_one_review_due)
        _assert_same(batch, expected)
        before, _, twin = _twin_after(model, "end_help", None)  # the month up to the reviews
        due = np.flatnonzero(twin.local_team.reviews.at <= twin.time)
        outcomes["home"] += int(np.sum(batch["setting"][due] == Setting.HOME))
        outcomes["stay"] += int(np.sum(batch["reviews"][due]))
        key = "raad_referrals_from_local_team"
        outcomes["raad"] += batch["flows"].get(key, 0) - before["flows"].get(key, 0)
        model.step()
    assert outcomes["home"] > 5 and outcomes["stay"] > 5 and (outcomes["raad"] > 0) == (withdraw_consent == 1.0), outcomes

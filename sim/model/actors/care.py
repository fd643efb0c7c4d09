"""Care settings with residence: foster families, family homes (gezinshuis), residential care.

Each setting has a number of places. A child waits at home until a place is free
(foster-family shortages are real: ~900-970 children waiting). Placements break down
(foster: 27.5% end unplanned, more often for adolescents) and the child moves.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from sim.model.actors.base import Actor
from sim.model.cases import Case
from sim.model.params import CareParams
from sim.model.population import Setting, State
from sim.model.queues import CapacityQueue
from sim.model.truth import care_exposure, placement_benefit

if TYPE_CHECKING:
    from sim.model.chain import ChainModel

SETTINGS = (Setting.FOSTER, Setting.GEZINSHUIS, Setting.RESIDENTIAL)
# Preferred setting by age (assumption from the NJi figures: most young children go to
# foster care, adolescents more often to residential care).
PREFERENCE_YOUNG = np.array([0.70, 0.15, 0.15])
PREFERENCE_ADOLESCENT = np.array([0.30, 0.15, 0.55])
# their cumulative shares as plain floats: one bisect per waiting child and month
_CUMULATIVE_YOUNG = np.cumsum(PREFERENCE_YOUNG).tolist()
_CUMULATIVE_ADOLESCENT = np.cumsum(PREFERENCE_ADOLESCENT).tolist()


class Care(Actor[CareParams]):
    """The places in care, the waiting list for them, moves and breakdowns."""

    section = "care"

    def __init__(self, chain: ChainModel) -> None:
        """Create the care settings at the run's scale."""
        super().__init__(chain)
        p = self.p
        self.places = {
            Setting.FOSTER: CapacityQueue[Case]("foster", chain.scaled(p.foster_capacity)),
            Setting.GEZINSHUIS: CapacityQueue[Case]("gezinshuis", chain.scaled(p.gezinshuis_capacity)),
            Setting.RESIDENTIAL: CapacityQueue[Case]("residential", chain.scaled(p.residential_capacity)),
        }
        self.waiting = CapacityQueue[Case]("placement", 0)  # a waiting list only: places are above

    def retune(self) -> None:
        """Care places after a dated change: a setting with fewer places closes them as children leave."""
        p = self.p
        for setting, capacity in (
            (Setting.FOSTER, p.foster_capacity),
            (Setting.GEZINSHUIS, p.gezinshuis_capacity),
            (Setting.RESIDENTIAL, p.residential_capacity),
        ):
            self.places[setting].capacity = self.chain.scaled(capacity)

    def release(self, case: Case, leaving: str) -> None:
        """A place in care, or a place on the waiting list for one: the child leaves care for ``leaving``."""
        if case.setting != Setting.HOME or case.state == State.PLACEMENT_WAIT:
            self.end_placement(case, leaving=leaving)

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases: only those in care or waiting for a place hold anything."""
        pop = self.chain.population
        children = [case.child for case in cases]
        held = (pop.setting[children] != Setting.HOME) | (pop.state[children] == State.PLACEMENT_WAIT)
        for i in np.flatnonzero(held).tolist():
            self.end_placement(cases[i], leaving=leaving)

    def request(self, case: Case, *, court: bool) -> None:
        """A placement is decided (voluntarily or by court order); the child waits for a place."""
        self.ledger.count("placement_requests_care")
        case.court_placement = court
        case.state = State.PLACEMENT_WAIT
        self.waiting.join(case, self.chain.time)

    def expected_exposure(self, case: Case) -> float:
        """The threat this child would live with in care, averaged over the settings it would likely get."""
        young = case.age_years < 12
        shares = PREFERENCE_YOUNG if young else PREFERENCE_ADOLESCENT
        m = self.chain
        return float(
            sum(share * care_exposure(m.population, case.child, s, m.params) for share, s in zip(shares, SETTINGS, strict=True))
        )

    def _preferred(self, case: Case) -> list[Setting]:
        cumulative = _CUMULATIVE_YOUNG if case.age_years < 12 else _CUMULATIVE_ADOLESCENT
        first = SETTINGS[bisect_right(cumulative, self.rng.random())]  # as np.searchsorted(side="right")
        return [first] + [s for s in SETTINGS if s != first]

    def _place(self, case: Case, order: list[Setting]) -> bool:
        m = self.chain
        for setting in order:
            if self.places[setting].start(case):
                case.setting = setting
                case.state = State.PLACED
                m.population.wellbeing[case.child] -= m.params.outcomes.placement_disruption
                return True
        return False

    def step(self) -> None:
        """Monthly: breakdowns and moves, then place waiting children in free places."""
        self._breakdowns()
        m, ledger = self.chain, self.ledger
        still: list[tuple[Case, float]] = []
        for case, since in self.waiting.take_all():
            if self._place(case, self._preferred(case)):
                ledger.count("placements_started")
                ledger.count("placements_court" if case.court_placement else "placements_voluntary")
                benefit = placement_benefit(m.population, case.child, case.setting, self.routes.help_on_offer(case), m.params)
                ledger.count_error("unwarranted_placements", benefit, m.params.outcomes.placement_effect_band)
                ledger.record_wait("placement", m.time - since)
                case.placed_since = m.time
                household = int(m.population.household[case.child])
                group = int(m.population.group[household])
                m.placement_log.begin(case.child, m.time, court=case.court_placement, group=group, household=household)
                case.set_relief(0.0)
                if not case.court_placement:
                    self.routes.schedule_placement_review(case)
            else:
                still.append((case, since))
        for case, since in still:
            self.waiting.join(case, since)

    def _breakdowns(self) -> None:
        m = self.chain
        pop = m.population
        placed = np.flatnonzero(pop.setting != Setting.HOME)  # vectorised over all children
        u = self.rng.random(len(placed))
        setting = pop.setting[placed]
        hazard = np.where(setting == Setting.FOSTER, self.p.p_foster_breakdown_month, self.p.p_other_breakdown_month)
        hazard = hazard * np.where(pop.age_months[placed] >= 144, self.p.adolescent_breakdown_multiplier, 1.0)
        for child in placed[u < hazard]:
            case = m.cases[int(child)]
            old = case.setting
            self.ledger.count("placement_moves")
            if old == Setting.FOSTER:
                self.ledger.count("foster_breakdowns")
            self.places[old].release(case)
            # after a breakdown the child moves to another free place, preferring another
            # setting; the place it just left is free, so a place is always found
            self._place(case, [s for s in SETTINGS if s != old] + [old])

    def end_placement(self, case: Case, *, leaving: str = "reunified") -> None:
        """The child leaves care for the reason ``leaving``.

        ``reunified`` (or the measure ended), ``majority`` (turned 18), or
        ``foster_guardianship`` (the foster parents became the guardians).
        """
        m, ledger = self.chain, self.ledger
        if case.setting != Setting.HOME:
            setting = case.setting
            self.places[setting].release(case)
            if setting == Setting.FOSTER:
                ledger.count("foster_planned_ends")
            ledger.count("placements_ended")
            ledger.count("reunifications" if leaving == "reunified" else f"placements_ended_{leaving}")
            ledger.record_wait("time_in_care", m.time - (case.placed_since or m.time))
            m.placement_log.finish(case.child, m.time, leaving)
        else:
            self.waiting.withdraw(case)
        case.placed_since = None
        case.court_placement = False
        self.routes.stop_placement_review(case)
        case.setting = Setting.HOME
        if case.state in (State.PLACED, State.PLACEMENT_WAIT):
            case.state = State.HOME  # the caller decides the next state

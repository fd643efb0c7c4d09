"""Raad voor de Kinderbescherming: waiting list, protection investigation, request to court.

The Raad investigates cases referred by Veilig Thuis, the local team or a certified
institution (GI), and asks the juvenile judge for a supervision order (with or without a
placement authorisation) or, for a placed child without a perspective of return, for a
measure ending parental authority. A long waiting list raises the bar of the Raad and of
those who refer to it, lengthens investigations, and some families on it are referred back
(workload, ``params.workload``); emergencies go to the front. A long wait for a guardian
downstream makes the Raad request fewer measures (RvdK 2023: lack of suitable help). An
independent second assessor (contradiction) can join the judgement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.actors.base import Actor
from sim.model.cases import Case
from sim.model.params import RaadParams
from sim.model.population import UNDER_MEASURE, Legal, State
from sim.model.queues import CapacityQueue
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel
    from sim.model.routing import Source


class Raad(Actor[RaadParams]):
    """Child Protection Board."""

    section = "raad"

    def __init__(self, chain: ChainModel) -> None:
        """Create the Raad's investigators and investigation capacity."""
        super().__init__(chain)
        self.staff = StaffPool(chain, "raad", chain.scaled(self.p.n_staff))
        self.investigations = CapacityQueue[Case]("raad_investigation", round(len(self.staff) * self.p.investigations_per_staff))
        self.capacity_is(self.investigations)
        self.authority_cases: set[int] = set()  # case ids investigated for ending parental authority

    def retune(self) -> None:
        """Investigators and investigation capacity after a dated change."""
        self.staff.resize(self.chain, self.chain.scaled(self.p.n_staff))
        self.set_norm_capacity(round(len(self.staff) * self.p.investigations_per_staff))

    def release(self, case: Case, leaving: str) -> None:
        """An investigation place or a place on its waiting list."""
        self.investigations.release(case)
        self.investigations.withdraw(case)
        self.authority_cases.discard(case.unique_id)

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases."""
        self.investigations.release_all(ids)
        self.authority_cases.difference_update(ids)

    def refer(self, case: Case, source: Source, *, emergency: bool = False, authority: bool = False) -> None:
        """A case arrives at the Raad (from VT, the local team, or a GI for ending authority)."""
        m, count = self.chain, self.ledger.count
        case.cancel_event()
        self.routes.stop_placement_review(case)  # a voluntary placement's review waits for the Raad
        count(f"raad_referrals_from_{source}")
        if case.state not in UNDER_MEASURE:
            case.state = State.RAAD
        if authority:
            self.authority_cases.add(case.unique_id)
        self.investigations.join(case, m.time, front=emergency)  # emergencies are investigated first
        if emergency:
            count("provisional_requests")
            self.routes.to_court(case, "provisional")

    def step(self) -> None:
        """Start investigations as investigators free up."""
        m, ledger = self.chain, self.ledger
        for case in self.investigations.admit(m.time):
            ledger.count("raad_investigations")
            if case.unique_id not in self.authority_cases:
                ledger.count("raad_protection_investigations")
                pp = m.params.population
                ledger.count_error("unwarranted_raad_investigations", case.truth - pp.concern_threshold, pp.threshold_band)
            ledger.count_cost("raad", m.params.costs.raad_investigation)
            case.due(self.stretched(self.rng.gamma(5.0, self.p.dur_investigation_months / 5)), self.finish)

    def finish(self, case: Case) -> None:
        """End of an investigation: decide, then let the next waiting case start at once."""
        self.investigations.release(case)
        self._decide(case)
        self.step()

    def _decide(self, case: Case) -> None:
        """Request a measure, refer back to voluntary help, or close."""
        routes, count = self.routes, self.ledger.count
        worker = self.staff.pick(self.rng)
        perceived = self.judgement.assess(case, worker, self.rng, second_opinion=self.staff, point="raad", investigation=True)
        shift = worker.values + self.chain.climate + self.pressure()
        if case.unique_id in self.authority_cases:
            self.authority_cases.discard(case.unique_id)
            if perceived > routes.authority_bar + shift:
                count("raad_requests")
                count("guardianship_requests")
                routes.to_court(case, "guardianship")
            else:
                routes.resume_measure(case)
            return
        # A long wait for a guardian raises the bar for a measure, and for a placement with it:
        # investigators hold back on placement when no guardian is free to carry it out
        # (RvdK Jaarbericht 2022; NRC, May 2023: Raad investigators on the guardians' waiting lists).
        pressure = routes.measure_pressure()
        if perceived > self.p.request_threshold + shift + pressure:
            count("raad_requests")
            count("ots_requests")
            wants_placement = case.state == State.PLACED or self.judgement.places(
                perceived, self.p.placement_request_threshold, shift + pressure, self.rng, lambda: routes.placement_options(case)
            )
            if wants_placement:
                count("placement_requests")
            routes.to_court(case, "ots_placement" if wants_placement else "ots")
        elif case.legal != Legal.NONE:
            routes.end_measure(case)
        elif case.state == State.PLACED:
            routes.to_placement_review(case)
        elif perceived > routes.help_bar + shift:
            count("raad_referred_back")
            routes.to_help(case)
        else:
            routes.close(case)

    def tend_waiting_list(self) -> None:
        """Monthly: caseloads stretch with the list; families who leave it are referred back to voluntary help, or closed (file below the help bar).

        Only referrals without a measure can lapse; a GI's request or a provisional order stays on the list.
        """
        self.stretch_caseloads()
        routes = self.routes
        for case in self.leaving_waiting_list(lambda case: case.legal == Legal.NONE):
            self.ledger.count("left_waiting_list_raad")
            if case.state == State.PLACED:
                routes.schedule_placement_review(case)
            elif case.judgement is not None and case.judgement > routes.help_bar:
                routes.to_help(case)
            else:
                routes.close(case)

"""Certified institutions (GI) and their family guardians (jeugdbeschermers).

A measure needs a guardian; when every guardian has a full caseload the child waits (the
real waiting lists of 2019-2024) and, waiting, has no guardian: no guidance, only a duty
desk that checks for acute danger and moves such a child to the front of the list (IGJ
2025: "directe onveiligheid" gets an emergency solution, the rest waits). The guardian
reviews a supervision order each year: reunify a placed child, end the order, ask the
court for a placement, ask the Raad to investigate ending parental authority, or extend.
A long waiting list makes guardians end orders sooner (workload, ``params.workload``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.actors.base import Actor
from sim.model.cases import Case
from sim.model.params import GuardianParams
from sim.model.population import Legal, Setting, State
from sim.model.queues import CapacityQueue
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel


class Guardians(Actor[GuardianParams]):
    """The GIs' family guardians, with caseloads and a waiting list."""

    section = "guardians"

    def __init__(self, chain: ChainModel) -> None:
        """Create the guardians and their caseload capacity."""
        super().__init__(chain)
        self.staff = StaffPool(chain, "guardian", chain.scaled(self.p.n_guardians))
        self.caseloads = CapacityQueue[Case]("guardian", round(len(self.staff) * self.p.max_caseload_children))
        self.capacity_is(self.caseloads)

    def retune(self) -> None:
        """Guardians join or leave after a dated change; a leaver's children are handed to a colleague."""
        left = set(map(id, self.staff.resize(self.chain, self.chain.scaled(self.p.n_guardians))))
        if left:
            for case in self.chain.cases.values():
                if case.guardian is not None and id(case.guardian) in left:
                    case.guardian = self.staff.pick(self.rng)
        self.set_norm_capacity(round(len(self.staff) * self.p.max_caseload_children))

    def release(self, case: Case, leaving: str) -> None:
        """A place in a guardian's caseload or on the waiting list for one."""
        self.caseloads.release(case)
        self.caseloads.withdraw(case)

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases."""
        self.caseloads.release_all(ids)

    def families_per_guardian(self) -> float:
        """Mean caseload in families per guardian (the unit Dutch figures use)."""
        return len(self.caseloads.in_service) / len(self.staff) / self.p.children_per_family

    def step(self) -> None:
        """Monthly: guardianships pass to foster parents; free guardians take waiting children."""
        m = self.chain
        pop = m.population
        fostered = np.flatnonzero(pop.setting == Setting.FOSTER)  # few: filter these, not every child
        eligible = fostered[pop.legal[fostered] == Legal.GUARDIANSHIP]
        u = self.rng.random(len(eligible))
        for child in eligible[u < self.p.p_transfer_to_foster_parent_month]:
            # the foster parents become the guardians: the child stays with them, the GI and
            # the chain step out; from now on the foster family is the child's household
            case = m.cases[int(child)]
            self.ledger.count("guardianship_ends")
            self.ledger.count("guardianship_to_foster_parents")
            self.routes.close(case, leaving="foster_guardianship")
            pop.join_household(int(child), pop.stable_household(self.rng))
        self._assign()

    def _assign(self) -> None:
        """Free guardians take waiting children, first come first served."""
        for case in self.caseloads.admit(self.chain.time):
            case.guardian = self.staff.pick(self.rng)
            if case.state == State.MEASURE_WAIT:
                self.supervise(case)  # guidance now that a guardian is there

    def supervise(self, case: Case) -> None:
        """A child under a measure who lives at home: the guardian's guidance, or none while waiting for a guardian."""
        if case.state not in (State.PLACED, State.PLACEMENT_WAIT):
            # guidance by a guardian works like ordinary help; a child waiting for a guardian has none
            if case.guardian is not None:
                case.state = State.MEASURE_HOME
                case.set_relief(self.routes.guidance_effect)
            else:
                case.state = State.MEASURE_WAIT
                case.set_relief(0.0)

    def need_guardian(self, case: Case) -> None:
        """Join the waiting list for a guardian unless the case has one (or is already waiting).

        A child whose file shows acute danger goes to the front (the duty desk's emergency solution).
        """
        if case.guardian is None and case.unique_id not in self.caseloads.in_service:
            acute = case.judgement is not None and case.judgement > self.routes.emergency_bar
            self.caseloads.join(case, self.chain.time, front=acute)  # no-op if already waiting

    def start_measure(self, case: Case, *, authorise: bool, provisional: bool = False) -> None:
        """The court granted a (provisional) supervision order, perhaps with placement authorisation."""
        m, ledger = self.chain, self.ledger
        if provisional:
            ledger.count("provisional_orders")
        else:
            if case.legal == Legal.OTS:
                # a provisional order becomes a regular OTS: CBS counts two measures, the
                # provisional one ending as the regular one starts (so does the outflow
                # behind the 2.3-year duration target)
                ledger.count("ots_outflow")
                ledger.count("provisional_converted")
            ledger.count("ots_starts")
            pp = m.params.population
            ledger.count_error("unwarranted_measures", case.truth - pp.serious_threshold, pp.threshold_band)
            ledger.mark_measure_start(case.child)
        case.legal = Legal.OTS
        self.need_guardian(case)
        if authorise:
            ledger.count("placement_authorisations")
            if case.state == State.PLACED:
                case.court_placement = True
            elif case.state != State.PLACEMENT_WAIT:
                self.routes.to_care(case, court=True)
        self.supervise(case)
        if not provisional:
            self.resume(case)

    def start_guardianship(self, case: Case) -> None:
        """The court ended parental authority: a GI becomes guardian until the child is 18."""
        ledger = self.ledger
        ledger.count("guardianship_starts")
        if case.legal == Legal.OTS:
            ledger.count("ots_outflow")
        pp = self.chain.params.population
        ledger.count_error("unwarranted_guardianships", case.truth - pp.placement_threshold, pp.threshold_band)
        case.legal = Legal.GUARDIANSHIP
        case.court_placement = True
        case.cancel_event()  # guardianship runs to majority (most common end, CBS)

    def resume(self, case: Case) -> None:
        """Continue the order to its next yearly review."""
        if case.legal == Legal.OTS:
            self.schedule_review(case, self.p.review_interval_months)

    def schedule_review(self, case: Case, after_months: float) -> None:
        """The guardian reviews the supervision order after ``after_months``."""
        case.due(after_months, self.review)

    def back_from_home_help(self, case: Case) -> None:
        """Intensive home help under a measure ended: the guardian reviews at once."""
        case.state = State.MEASURE_HOME
        self.supervise(case)  # guidance resumes (or the child waits for a guardian)
        self.review(case)

    def end_measure(self, case: Case) -> None:
        """End a supervision order (or let a provisional order lapse)."""
        self.ledger.count("ots_ends")
        if case.legal == Legal.OTS:
            self.ledger.count("ots_outflow")
        self.routes.close(case)  # ends any placement and frees the guardian's place
        self._assign()  # the guardian's freed place goes to the next waiting child

    def review(self, case: Case) -> None:
        """Yearly review of a supervision order (for a placed child: the extension of its placement, with the parents' lawyer)."""
        m, routes = self.chain, self.routes
        worker = case.guardian or self.staff.pick(self.rng)
        if case.state == State.PLACED:
            self.judgement.represented(case, self.rng)  # the court extends a placement authorisation: lawyers bring facts in
        perceived = self.judgement.assess(case, worker, self.rng, second_opinion=self.staff, point="gi")
        shift = worker.values + m.climate
        if case.state == State.PLACED:
            placed_months = m.time - (case.placed_since or m.time)
            if perceived < self.p.reunify_threshold + shift:
                routes.end_placement(case)
                self.supervise(case)
            elif placed_months >= self.p.guardianship_after_months and perceived > self.p.guardianship_threshold + shift:
                routes.to_raad(case, "gi", authority=True)
                return
        elif case.state in (State.MEASURE_HOME, State.MEASURE_WAIT):
            # with children waiting for a guardian, orders are ended sooner (triage under workload)
            if perceived < self.p.end_threshold + shift + self.pressure():
                self.end_measure(case)
                return
            if self.judgement.places(
                perceived, routes.placement_grant_bar, shift, self.rng, lambda: routes.placement_options(case)
            ):
                if not case.tried_home_help and routes.home_help_available():
                    routes.to_home_help(case)
                else:
                    routes.to_court(case, "placement")
                return
        self.ledger.count("ots_extensions")
        self.resume(case)

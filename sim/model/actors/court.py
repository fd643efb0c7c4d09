"""Juvenile judge (kinderrechter): hearings on the Raad's and GIs' requests.

The judge reads the Raad's report (and anchors on it) and may hear a lawyer for the
parents, which lowers that anchoring and brings the parents' view in (contradiction).
Orders: supervision (OTS, one year, renewable), a placement authorisation (machtiging
uithuisplaatsing), a measure ending parental authority (guardianship), and provisional
(emergency) orders. A backlog of hearings lengthens the wait.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.actors.base import Actor
from sim.model.cases import Case
from sim.model.params import CourtParams
from sim.model.population import UNDER_MEASURE, Legal, State
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel
    from sim.model.routing import Request


class Court(Actor[CourtParams]):
    """The juvenile courts."""

    section = "court"

    def __init__(self, chain: ChainModel) -> None:
        """Create the judges and the hearing capacity."""
        super().__init__(chain)
        self.judges = StaffPool(chain, "court", chain.scaled(self.p.n_judges))
        self.hearings_per_month = max(1.0, len(self.judges) * self.p.hearings_per_judge_month)
        self.requests: dict[int, Request] = {}

    def retune(self) -> None:
        """Judges and hearing capacity after a dated change."""
        self.judges.resize(self.chain, self.chain.scaled(self.p.n_judges))
        self.hearings_per_month = max(1.0, len(self.judges) * self.p.hearings_per_judge_month)

    def release(self, case: Case, leaving: str) -> None:
        """A request waiting for its hearing."""
        self.requests.pop(case.unique_id, None)

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases."""
        requests = self.requests
        if requests:
            for uid in ids:
                requests.pop(uid, None)

    @property
    def pending(self) -> int:
        """Requests waiting for their hearing."""
        return len(self.requests)

    def file(self, case: Case, request: Request) -> None:
        """File a request; the hearing follows after a wait that grows with the backlog."""
        self.requests[case.unique_id] = request
        if request == "provisional":
            # Emergency orders are heard within days: at this model's resolution, at once.
            # The Raad's investigation goes on beside it.
            self.hearing(case)
            return
        if case.state not in UNDER_MEASURE:
            case.state = State.COURT
        backlog = max(1.0, self.pending / self.hearings_per_month)
        case.due(self.rng.gamma(2.0, self.p.dur_hearing_wait_months * backlog / 2), self.hearing)

    def hearing(self, case: Case) -> None:
        """Hold the hearing and decide."""
        routes = self.routes
        request = self.requests.pop(case.unique_id)
        judge = self.judges.pick(self.rng)
        # a lawyer for the parents and one for the child each bring the family's facts into the
        # file and loosen the judge's anchoring on the Raad's report
        represented = self.judgement.represented(case, self.rng)
        cut = self.chain.params.contradiction.legal_aid_anchoring_cut if represented else 0.0
        anchoring = self.chain.params.decisions.judge_anchoring * (1 - cut)
        perceived = self.judgement.assess(case, judge, self.rng, anchoring=anchoring, second_opinion=self.judges, point="court")
        shift = judge.values + self.chain.climate
        # judges, too, tend to overestimate the benefit of placement (they lean more to
        # protective placement than social workers, sources.md)
        grants_placement = lambda: self.judgement.places(  # noqa: E731 (drawn only where a placement is asked)
            perceived, self.p.placement_grant_threshold, shift, self.rng, lambda: routes.placement_options(case)
        )
        self.ledger.count("hearings")
        if request == "guardianship":
            if perceived > self.p.guardianship_grant_threshold + shift:
                routes.start_guardianship(case)
            else:
                routes.resume_measure(case)
            return
        if request == "placement":  # a GI asks to place a child already under OTS
            if grants_placement():
                self.ledger.count("placement_authorisations")
                routes.to_care(case, court=True)
            routes.resume_measure(case)
            return
        # judges hold back when the GIs have children waiting for a guardian (Trouw 2022)
        if perceived <= self.p.grant_threshold + shift + routes.measure_pressure():
            self.ledger.count("requests_refused")
            if case.legal != Legal.NONE:
                routes.end_measure(case)
            elif case.state == State.PLACED:
                routes.to_placement_review(case)
            elif request != "provisional":
                routes.to_help(case)
            return
        authorise = request == "provisional" or (request == "ots_placement" and grants_placement())
        routes.start_measure(case, authorise=authorise, provisional=request == "provisional")

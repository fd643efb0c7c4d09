"""Juvenile judge (kinderrechter): hearings on the Raad's and GIs' requests.

The judge reads the Raad's report (and anchors on it) and may hear a lawyer for the
parents, which lowers that anchoring and brings the parents' view in (contradiction).
Orders: supervision (OTS, one year, renewable), a placement authorisation (machtiging
uithuisplaatsing), a measure ending parental authority (guardianship), and provisional
(emergency) orders. A backlog of hearings lengthens the wait.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from sim.model.cases import Case
from sim.model.population import Legal, State
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel

Request = Literal["ots", "ots_placement", "guardianship", "provisional", "placement"]


class Court:
    """The juvenile courts."""

    def __init__(self, model: ChainModel) -> None:
        """Create the judges and the hearing capacity."""
        p = model.params.court
        self.model = model
        self.p = p
        self.rng = model.streams["court"]
        self.judges = StaffPool(model, "court", model.scaled(p.n_judges))
        self.hearings_per_month = max(1.0, len(self.judges) * p.hearings_per_judge_month)
        self.requests: dict[int, Request] = {}

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
        if case.state not in (State.PLACED, State.MEASURE_HOME, State.PLACEMENT_WAIT):
            case.state = State.COURT
        backlog = max(1.0, self.pending / self.hearings_per_month)
        case.due(self.rng.gamma(2.0, self.p.dur_hearing_wait_months * backlog / 2), self.hearing)

    def hearing(self, case: Case) -> None:
        """Hold the hearing and decide."""
        m = self.model
        request = self.requests.pop(case.unique_id)
        judge = self.judges.pick(self.rng)
        contra = m.params.contradiction
        # a lawyer for the parents and one for the child each bring a view into court
        represented = int(self.rng.random() < contra.legal_aid_share) + int(self.rng.random() < contra.child_representative_share)
        cut = contra.legal_aid_anchoring_cut if represented else 0.0
        anchoring = m.params.decisions.judge_anchoring * (1 - cut)
        perceived = m.assess(case, judge, self.rng, anchoring=anchoring, legal_aid=represented)
        shift = judge.values + m.climate
        # judges, too, tend to overestimate the benefit of placement (they lean more to
        # protective placement than social workers, sources.md)
        place_at = m.placement_bar(self.p.placement_grant_threshold)
        m.count("hearings")
        if request == "guardianship":
            if perceived > self.p.guardianship_grant_threshold + shift:
                m.guardians.start_guardianship(case)
            else:
                m.guardians.resume(case)
            return
        if request == "placement":  # a GI asks to place a child already under OTS
            if perceived > place_at + shift:
                m.count("placement_authorisations")
                m.care.request(case, court=True)
            m.guardians.resume(case)
            return
        if perceived <= self.p.grant_threshold + shift:
            m.count("requests_refused")
            if case.legal != Legal.NONE:
                m.guardians.end_measure(case)
            elif case.state == State.PLACED:
                m.local_team.review_voluntary_placement(case)
            elif request != "provisional":
                m.local_team.start_help(case)
            return
        authorise = request in ("ots_placement", "provisional") and (perceived > place_at + shift or request == "provisional")
        m.guardians.start_measure(case, authorise=authorise, provisional=request == "provisional")

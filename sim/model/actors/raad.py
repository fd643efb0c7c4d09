"""Raad voor de Kinderbescherming: waiting list, protection investigation, request to court.

The Raad investigates cases referred by Veilig Thuis, the local team or a certified
institution (GI), and asks the juvenile judge for a supervision order (with or without a
placement authorisation) or, for a placed child without a perspective of return, for a
measure ending parental authority. A long waiting list raises the bar (resource pressure);
an independent second assessor (contradiction) can join the judgement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.cases import Case
from sim.model.population import Legal, State
from sim.model.queues import CapacityQueue
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel

# Threshold rise per unit of (waiting list / capacity): a long queue makes the Raad more
# selective (assumption: resource pressure on thresholds, docs/MODEL.md section 3).
PRESSURE_PER_QUEUE = 0.3
MAX_QUEUE_RATIO = 2.0  # beyond twice its capacity the queue adds no further pressure


class Raad:
    """Child Protection Board."""

    def __init__(self, model: ChainModel) -> None:
        """Create the Raad's investigators and investigation capacity."""
        p = model.params.raad
        self.model = model
        self.p = p
        self.rng = model.streams["raad"]
        self.staff = StaffPool(model, "raad", model.scaled(p.n_staff))
        self.investigations = CapacityQueue[Case]("raad_investigation", round(len(self.staff) * p.investigations_per_staff))
        self.authority_cases: set[int] = set()  # case ids investigated for ending parental authority

    def pressure(self) -> float:
        """Threshold rise from the waiting list."""
        return PRESSURE_PER_QUEUE * min(MAX_QUEUE_RATIO, len(self.investigations) / max(1, self.investigations.capacity))

    def refer(self, case: Case, source: str, *, emergency: bool = False, authority: bool = False) -> None:
        """A case arrives at the Raad (from VT, the local team, or a GI for ending authority)."""
        m = self.model
        case.cancel_event()
        m.local_team.reviews.clear(case.child)  # a voluntary placement's review waits for the Raad
        m.count("raad_referrals")
        m.count(f"raad_referrals_from_{source}")
        if case.state not in (State.PLACED, State.MEASURE_HOME, State.PLACEMENT_WAIT):
            case.state = State.RAAD
        if authority:
            self.authority_cases.add(case.unique_id)
        self.investigations.join(case, m.time)
        if emergency:
            m.count("provisional_requests")
            m.court.file(case, "provisional")

    def step(self) -> None:
        """Start investigations as investigators free up."""
        m = self.model
        for case in self.investigations.admit(m.time):
            m.count("raad_investigations")
            if case.unique_id not in self.authority_cases:
                m.count("raad_protection_investigations")
                m.count_if_unwarranted("unwarranted_raad_investigations", case, m.params.population.concern_threshold)
            m.count_cost("raad", m.params.costs.raad_investigation)
            case.due(self.rng.gamma(5.0, self.p.dur_investigation_months / 5), self.finish)

    def finish(self, case: Case) -> None:
        """End of an investigation: decide, then let the next waiting case start at once."""
        self.investigations.release(case)
        self._decide(case)
        self.step()

    def _decide(self, case: Case) -> None:
        """Request a measure, refer back to voluntary help, or close."""
        m = self.model
        worker = self.staff.pick(self.rng)
        perceived = m.assess(case, worker, self.rng, second_opinion=self.staff, investigation=True)
        shift = worker.values + m.climate + self.pressure()
        if case.unique_id in self.authority_cases:
            self.authority_cases.discard(case.unique_id)
            if perceived > m.params.guardians.guardianship_threshold + shift:
                m.count("raad_requests")
                m.count("guardianship_requests")
                m.court.file(case, "guardianship")
            else:
                m.guardians.resume(case)
            return
        if perceived > self.p.request_threshold + shift:
            m.count("raad_requests")
            m.count("ots_requests")
            place_at = m.placement_bar(self.p.placement_request_threshold)
            wants_placement = case.state == State.PLACED or perceived > place_at + shift
            if wants_placement:
                m.count("placement_requests")
            m.court.file(case, "ots_placement" if wants_placement else "ots")
        elif case.legal != Legal.NONE:
            m.guardians.end_measure(case)
        elif case.state == State.PLACED:
            m.local_team.review_voluntary_placement(case)
        elif perceived > m.params.veilig_thuis.help_threshold + shift:
            m.count("raad_referred_back")
            m.local_team.start_help(case)
        else:
            m.close_case(case)

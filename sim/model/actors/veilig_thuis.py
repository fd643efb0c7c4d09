"""Veilig Thuis (VT): safety assessment of reports, investigation, referral.

High volume (tens of thousands of reports a year), so triage is decided for a whole month
of reports at once with the vectorised decision functions; only reports that VT does not
close become ``Case`` agents. Investigations are capacity-limited and end as Mesa events;
when their waiting list grows, triage sends fewer reports to investigation, investigations
take longer and some families on the list are handed to voluntary help (workload).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.model import decisions as dec
from sim.model.actors.base import Actor
from sim.model.cases import Case
from sim.model.params import VeiligThuisParams
from sim.model.population import State
from sim.model.queues import CapacityQueue
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel


class VeiligThuis(Actor[VeiligThuisParams]):
    """Advice and reporting centre for domestic violence and child abuse."""

    section = "veilig_thuis"

    def __init__(self, chain: ChainModel) -> None:
        """Create VT's staff and investigation capacity at the run's scale."""
        super().__init__(chain)
        self.staff = StaffPool(chain, "veilig_thuis", chain.scaled(self.p.n_staff))
        self.investigations = CapacityQueue[Case]("vt_investigation", round(len(self.staff) * self.p.investigations_per_staff))
        self.capacity_is(self.investigations)

    def retune(self) -> None:
        """Staff and investigation capacity after a dated change."""
        self.staff.resize(self.chain, self.chain.scaled(self.p.n_staff))
        self.set_norm_capacity(round(len(self.staff) * self.p.investigations_per_staff))

    def release(self, case: Case, leaving: str) -> None:
        """An investigation place or a place on its waiting list."""
        self.investigations.release(case)
        self.investigations.withdraw(case)

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases."""
        self.investigations.release_all(ids)

    def triage(self, children: NDArray[np.intp]) -> None:
        """Safety assessment of this month's new reports: close, voluntary help, or investigate."""
        m, count = self.chain, self.ledger.count
        if len(children) == 0:
            return
        perceived, who, case_error = self.judgement.first_look(children, self.staff, self.rng, point="vt")
        values, shift = self.staff.values[who], m.climate
        investigate = dec.exceeds(perceived, self.p.investigate_threshold + self.pressure(), values, shift)
        help_ = ~investigate & dec.exceeds(perceived, self.p.help_threshold, values, shift)
        closed = ~investigate & ~help_
        count("vt_closed_at_triage", int(closed.sum()))
        m.population.screened_out_at[children[closed]] = m.time
        count("vt_triage_to_help", int(help_.sum()))
        for i in np.flatnonzero(investigate | help_):
            case = Case(m, int(children[i]), float(case_error[i]))
            case.judgement = float(perceived[i])
            if investigate[i]:
                case.state = State.VT
                self.investigations.join(case, m.time)
            else:
                self.routes.to_help(case)

    def step(self) -> None:
        """Start investigations as places free up."""
        m, ledger = self.chain, self.ledger
        for case in self.investigations.admit(m.time):
            ledger.count("vt_investigations")
            pp = m.params.population
            ledger.count_error("unwarranted_vt_investigations", case.truth - pp.concern_threshold, pp.threshold_band)
            ledger.count_cost("vt", m.params.costs.vt_investigation)
            case.due(self.stretched(self.rng.gamma(4.0, self.p.dur_investigation_months / 4)), self.finish)

    def finish(self, case: Case) -> None:
        """End of an investigation: decide, then let the next waiting case start at once."""
        self.investigations.release(case)
        self._decide(case)
        self.step()

    def _decide(self, case: Case) -> None:
        """Close, hand to voluntary help, or refer to the Raad."""
        routes = self.routes
        worker = self.staff.pick(self.rng)
        perceived = self.judgement.assess(case, worker, self.rng, investigation=True)
        shift = worker.values + self.chain.climate
        # VT knows the Raad's waiting list and refers less when it is long (resource pressure)
        if perceived > self.p.raad_threshold + shift + routes.raad_pressure():
            if perceived > routes.emergency_bar + shift:
                routes.to_raad(case, "vt", emergency=True)
            elif self.judgement.consents(worker, perceived, self.rng):
                self.ledger.count("vt_investigation_to_help")
                routes.to_help(case)
            else:
                routes.to_raad(case, "vt")
        elif perceived > self.p.help_threshold + shift:
            self.ledger.count("vt_investigation_to_help")
            routes.to_help(case)
        else:
            routes.close(case)

    def tend_waiting_list(self) -> None:
        """Monthly: caseloads stretch with the list; families who leave it get voluntary help, or closed (file below the help bar)."""
        self.stretch_caseloads()
        for case in self.leaving_waiting_list():
            self.ledger.count("left_waiting_list_vt")
            if case.judgement is not None and case.judgement > self.p.help_threshold:
                self.routes.to_help(case)
            else:
                self.routes.close(case)

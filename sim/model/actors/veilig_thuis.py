"""Veilig Thuis (VT): safety assessment of reports, investigation, referral.

High volume (tens of thousands of reports a year), so triage is decided for a whole month
of reports at once with the vectorised decision functions; only reports that VT does not
close become ``Case`` agents. Investigations are capacity-limited and end as Mesa events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.model import decisions as dec
from sim.model.cases import Case
from sim.model.population import State
from sim.model.queues import CapacityQueue
from sim.model.staff import StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel


class VeiligThuis:
    """Advice and reporting centre for domestic violence and child abuse."""

    def __init__(self, model: ChainModel) -> None:
        """Create VT's staff and investigation capacity at the run's scale."""
        p = model.params.veilig_thuis
        self.model = model
        self.p = p
        self.rng = model.streams["veilig_thuis"]
        self.staff = StaffPool(model, "veilig_thuis", model.scaled(p.n_staff))
        self.investigations = CapacityQueue[Case]("vt_investigation", round(len(self.staff) * p.investigations_per_staff))

    def triage(self, children: NDArray[np.intp]) -> None:
        """Safety assessment of this month's new reports: close, voluntary help, or investigate."""
        m = self.model
        if len(children) == 0:
            return
        perceived, who, case_error = m.first_look(children, self.staff, self.rng)
        values, shift = self.staff.values[who], m.climate
        investigate = dec.exceeds(perceived, self.p.investigate_threshold, values, shift)
        help_ = ~investigate & dec.exceeds(perceived, self.p.help_threshold, values, shift)
        m.count("vt_closed_at_triage", int((~investigate & ~help_).sum()))
        m.count("vt_triage_to_help", int(help_.sum()))
        for i in np.flatnonzero(investigate | help_):
            case = Case(m, int(children[i]), float(case_error[i]))
            case.judgement = float(perceived[i])
            if investigate[i]:
                case.state = State.VT
                self.investigations.join(case, m.time)
            else:
                m.local_team.start_help(case)

    def step(self) -> None:
        """Start investigations as places free up."""
        m = self.model
        for case in self.investigations.admit(m.time):
            m.count("vt_investigations")
            m.count_if_unwarranted("unwarranted_vt_investigations", case, m.params.population.concern_threshold)
            m.count_cost("vt", m.params.costs.vt_investigation)
            case.due(self.rng.gamma(4.0, self.p.dur_investigation_months / 4), self.finish)

    def finish(self, case: Case) -> None:
        """End of an investigation: decide, then let the next waiting case start at once."""
        self.investigations.release(case)
        self._decide(case)
        self.step()

    def _decide(self, case: Case) -> None:
        """Close, hand to voluntary help, or refer to the Raad."""
        m = self.model
        worker = self.staff.pick(self.rng)
        perceived = m.assess(case, worker, self.rng, investigation=True)
        shift = worker.values + m.climate
        # VT knows the Raad's waiting list and refers less when it is long (resource pressure)
        if perceived > self.p.raad_threshold + shift + m.raad.pressure():
            if perceived > m.params.raad.emergency_threshold + shift:
                m.raad.refer(case, "vt", emergency=True)
            elif m.consents(worker, perceived, self.rng):
                m.count("vt_investigation_to_help")
                m.local_team.start_help(case)
            else:
                m.raad.refer(case, "vt")
        elif perceived > self.p.help_threshold + shift:
            m.count("vt_investigation_to_help")
            m.local_team.start_help(case)
        else:
            m.close_case(case)

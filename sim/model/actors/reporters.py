"""Reporters (melders) and families who ask for help themselves: how children enter the chain.

Police, schools, GPs and youth health care, care providers and the network report to Veilig
Thuis with a chance that rises with the child's true threat and how visible it is (domestic
violence is seen by the police; children already known to the chain are seen more). A
family may also ask the local team for help itself (hulpvraag). Both come from one draw
per child per month (common random numbers), decided for the whole population at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.actors.base import Actor
from sim.model.params import ReportingParams
from sim.model.population import State

if TYPE_CHECKING:
    from sim.model.chain import ChainModel

REPORTERS = ("police", "school", "gp", "care_provider", "network")
# Who reports, by household (violent / not) and age (under 4 / older): shares per reporter
# in the order of REPORTERS (assumption shaped by VT's figures: police dominate reports of
# domestic violence; schools and GPs/youth health care see children by age).
REPORTER_SHARES = np.array(
    [
        [0.85, 0.03, 0.02, 0.03, 0.07],  # violent household
        [0.20, 0.00, 0.40, 0.15, 0.25],  # no violence, child under 4
        [0.20, 0.35, 0.10, 0.15, 0.20],  # no violence, child 4 or older
    ]
)


class Reporters(Actor[ReportingParams]):
    """Everyone who may report a child to Veilig Thuis, and families' own requests for help."""

    section = "reporting"
    stream = "reports"

    def __init__(self, chain: ChainModel) -> None:
        """Reports are drawn from the ``reports`` stream, the kind of reporter from ``reporters``."""
        super().__init__(chain)
        self.kind_rng = chain.streams["reporters"]
        self._cumulative = np.cumsum(REPORTER_SHARES, axis=1)

    def step(self) -> None:
        """Draw the month's reports to VT and families' own requests for help.

        A child is reported when ``u < p_report``, and its family asks for help when
        ``p_report <= u < p_report + p_request``: one uniform array serves both.
        """
        pop, count = self.chain.population, self.ledger.count
        rise = np.exp(np.float32(self.p.report_slope) * pop.threat)
        u = self.rng.random(pop.n_children, dtype=np.float32)
        either, is_report = self.draw(u, rise)
        reported = either[is_report]
        new = reported[pop.state[reported] == State.HOME]
        count("vt_reports", len(reported))
        self._count_reporters(reported)
        count("vt_rereports", len(reported) - len(new))
        self.routes.reported_again(reported[pop.state[reported] != State.HOME])
        self.routes.to_triage(new)
        asking = either[~is_report]
        self.routes.to_intake(asking[pop.state[asking] == State.HOME])

    def chances(self, children: np.ndarray, rise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The monthly chances that ``children`` are reported, and reported or asking for help (float32)."""
        pop, rp = self.chain.population, self.p
        violent_visibility = np.float32(1 + (rp.violence_visibility - 1))  # as written since 0.1: the same float32
        visibility = np.where(pop.violence[pop.household[children]], violent_visibility, np.float32(1))
        visibility[pop.state[children] != State.HOME] *= rp.in_chain_visibility
        rise = rise[children]
        p_report = np.float32(rp.p_report_base) * rise * visibility
        p_either = p_report + np.float32(rp.p_help_request_base) * rise
        return p_report, p_either

    def draw(self, u: np.ndarray, rise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The children with a report or a request (``u < p_either``), and which of them were reported.

        Exactly what computing both chances for every child gives, at a fraction of the cost:
        no child's chance exceeds ``rise`` times the most visible child's factor, so only the
        few children with ``u`` below that bound (a little above it, for float32 rounding) get
        their chances computed.
        """
        rp = self.p
        most_visible = max(rp.violence_visibility, 1.0) * max(rp.in_chain_visibility, 1.0)
        bound = np.float32((rp.p_report_base * most_visible + rp.p_help_request_base) * (1 + 1e-3))
        maybe = np.flatnonzero(u < rise * bound)
        p_report, p_either = self.chances(maybe, rise)
        hit = u[maybe] < p_either
        return maybe[hit], u[maybe[hit]] < p_report[hit]

    def _count_reporters(self, reported: np.ndarray) -> None:
        """Who made each report (melder): police, school, GP/youth health care, care provider, network.

        Assumption from VT's figures (~65-70% of all reports by police, mostly domestic
        violence): police report violent households; otherwise schools see school-age
        children, GPs and youth health care see the youngest. Drawn from a stream of its
        own, so it never shifts the draws of who is reported.
        """
        if not len(reported):
            return
        pop = self.chain.population
        violent = pop.violence[pop.household[reported]]
        young = pop.age_months[reported] < 48
        row = np.where(violent, 0, np.where(young, 1, 2))
        cumulative = self._cumulative[row]
        u = self.kind_rng.random(len(reported))
        kind = (u[:, None] >= cumulative).sum(axis=1)
        for k, name in enumerate(REPORTERS):
            self.ledger.count(f"vt_reports_{name}", int(np.sum(kind == k)))

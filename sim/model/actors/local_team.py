"""Local team and youth care (wijkteam, jeugdhulp): voluntary help.

Three voluntary routes: ordinary help (not capacity-limited), intensive home help
(intensieve pedagogische thuishulp: capacity-limited, with a quality that can improve in a
learning culture), and voluntary placement with the parents' consent. When help ends, a
local-team worker judges the case again (anchored on the file) and closes it, offers
intensive home help, proposes a voluntary placement, or asks the Raad to investigate.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.model import decisions as dec
from sim.model.actors.base import Actor
from sim.model.cases import Case
from sim.model.params import LocalTeamParams
from sim.model.population import Legal, State
from sim.model.queues import CapacityQueue, DueTimes
from sim.model.staff import Professional, StaffPool

if TYPE_CHECKING:
    from sim.model.chain import ChainModel

# Help is not offered endlessly: after this many rounds of ordinary help the local team
# either escalates or lets go (assumption: avoids cases cycling in help for ever).
MAX_HELP_ROUNDS = 3
N_LOCAL_STAFF = 3000  # assumption: local-team workers dealing with protection cases (traits only)


class LocalTeam(Actor[LocalTeamParams]):
    """Municipal local team and the youth-care providers it hands cases to."""

    section = "local_team"

    def __init__(self, chain: ChainModel) -> None:
        """Create the local team's workers and intensive home help capacity."""
        super().__init__(chain)
        self.staff = StaffPool(chain, "local_team", chain.scaled(N_LOCAL_STAFF))
        self.home_help = CapacityQueue[Case]("home_help", chain.scaled(self.p.home_help_capacity))
        self.help_ends = DueTimes(chain.population.n_children)  # ordinary help, batched
        self.reviews = DueTimes(chain.population.n_children)  # voluntary-placement reviews, batched

    def release(self, case: Case, leaving: str) -> None:
        """A home-help place or its waiting list, pending help ends and reviews, an open home-help episode."""
        self.home_help.release(case)
        self.home_help.withdraw(case)
        self.help_ends.clear(case.child)
        self.reviews.clear(case.child)
        self.chain.home_help_log.finish(case.child, self.chain.time, "case_closed")

    def home_help_quality(self) -> float:
        """Quality of intensive home help now; a learning culture closes the gap to the maximum."""
        years = max(0.0, self.chain.time / 12 - self.chain.params.run.warmup_years)
        gap = self.p.home_help_quality_max - self.p.home_help_quality
        return self.p.home_help_quality + max(0.0, gap) * (1 - math.exp(-self.p.home_help_learning_rate * years))

    def home_help_available(self) -> bool:
        """Whether a place is free or the waiting list is short (professionals check before offering)."""
        return self.home_help.free > len(self.home_help) or len(self.home_help) < 0.1 * self.home_help.capacity

    def start_help(self, case: Case) -> None:
        """Ordinary voluntary help for some months.

        Ordinary help is the chain's highest-volume route (tens of thousands a year), so
        its end is not a Mesa event: the end time is kept in an array and :meth:`end_due`
        handles all help that ended in a month at once (batches for high-volume stages,
        events for the low-volume, long-lived ones).
        """
        self.ledger.count("help_starts")
        case.cancel_event()
        case.state = State.HELP
        case.help_rounds += 1
        case.set_relief(self.p.help_effect)
        self.help_ends.set(case.child, self.chain.time + self.rng.gamma(3.0, self.p.dur_help_months / 3))

    def schedule_placement_review(self, case: Case) -> None:
        """Review a voluntary placement some months from now (batched like ordinary help)."""
        months = self.routes.placement_review_months
        self.reviews.set(case.child, self.chain.time + self.rng.gamma(3.0, months / 3))

    def end_due(self) -> None:
        """Ordinary help and voluntary-placement reviews that fell due, in child order."""
        m = self.chain
        cases = m.cases
        ended = [cases.get(child) for child in self.help_ends.pop_due(m.time).tolist()]
        ended = [case for case in ended if case is not None and case.state == State.HELP]  # else it left help another way
        if ended:
            # judged together (vectorised); then each case takes its own route
            perceived, who = self.judgement.assess_batch(ended, self.staff, self.rng)
            consent = self.judgement.consents_batch(self.staff.dialogue_skill[who], perceived, self.rng)
            members = self.staff.members
            for case, value, k, agrees in zip(ended, perceived.tolist(), who.tolist(), consent.tolist(), strict=True):
                case.set_relief(0.0)
                self.route(case, value, members[k], consent=agrees)
        for child in self.reviews.pop_due(m.time).tolist():
            case = cases.get(child)
            if case is not None and case.state == State.PLACED and case.legal == Legal.NONE and not case.court_placement:
                self.review_voluntary_placement(case)

    def offer_home_help(self, case: Case) -> None:
        """Put the family on the waiting list for intensive home help."""
        self.ledger.count("home_help_referrals")
        case.tried_home_help = True
        case.state = State.HOME_HELP_WAIT
        self.home_help.join(case, self.chain.time)

    def step(self) -> None:
        """Start intensive home help as places free up."""
        m = self.chain
        quality = self.home_help_quality()
        for case in self.home_help.admit(m.time):
            self.ledger.count("home_help_starts")
            group = int(m.population.group[m.population.household[case.child]])
            m.home_help_log.begin(case.child, m.time, court=case.legal != Legal.NONE, group=group)
            case.state = State.HOME_HELP
            case.set_relief(self.p.home_help_effect * quality)
            case.due(self.rng.gamma(4.0, self.p.dur_home_help_months / 4), self.finish_home_help)

    def intake(self, children: NDArray[np.intp]) -> None:
        """Families who ask for help themselves (hulpvraag), without a report to VT.

        Most voluntary youth care, including most voluntary placements, starts this way.
        An intake worker judges each request (vectorised, as VT's triage); requests below
        the help threshold get advice only and never become cases.
        """
        m = self.chain
        if len(children) == 0:
            return
        perceived, who, case_error = self.judgement.first_look(children, self.staff, self.rng)
        helped = dec.exceeds(perceived, self.routes.help_bar, self.staff.values[who], m.climate)
        self.ledger.count("help_requests", len(children))
        for i in np.flatnonzero(helped):
            case = Case(m, int(children[i]), float(case_error[i]))
            case.judgement = float(perceived[i])
            # the family asked for help itself: it consents to a voluntary route
            self.route(case, float(perceived[i]), self.staff.members[int(who[i])], consent=True)

    def decide_after_help(self, case: Case) -> None:
        """The local team's judgement after a round of help."""
        worker = self.staff.pick(self.rng)
        self.route(case, self.judgement.assess(case, worker, self.rng), worker)

    def route(self, case: Case, perceived: float, worker: Professional, *, consent: bool | None = None) -> None:
        """The local team's core decision: voluntary placement, Raad, home help, help, or close."""
        routes = self.routes
        shift = worker.values + self.chain.climate
        place_at = self.judgement.placement_bar(self.p.voluntary_placement_threshold) + shift
        if consent is None:
            consent = self.judgement.consents(worker, perceived, self.rng)
        home_help_possible = not case.tried_home_help and self.home_help_available()
        if not consent and perceived > self.p.escalate_threshold + shift + routes.raad_pressure():
            # serious, and the parents do not cooperate: only the Raad can take it further
            routes.to_raad(case, "local_team")
        elif perceived > place_at and home_help_possible and perceived < place_at + self.p.alternative_margin:
            # intensive home help is tried first where it is available and the case is not
            # clearly beyond it (the alternative to placement, docs/MODEL.md lever 2)
            self.offer_home_help(case)
        elif perceived > place_at and consent:
            routes.to_care(case, court=False)
        elif perceived > self.p.home_help_threshold + shift and home_help_possible:
            self.offer_home_help(case)
        elif perceived > routes.help_bar + shift and case.help_rounds < MAX_HELP_ROUNDS:
            self.start_help(case)
        else:
            routes.close(case)

    def finish_home_help(self, case: Case) -> None:
        """Intensive home help ends; with a chance set by its quality, its effect lasts."""
        m = self.chain
        self.home_help.release(case)
        m.home_help_log.finish(case.child, m.time, "ended")
        case.set_relief(0.0)
        if self.rng.random() < self.p.home_help_lasting * self.home_help_quality():
            m.population.resolve_family_stressors(case.child)
        self.ledger.count("home_help_ends")
        if case.legal != Legal.NONE:
            self.routes.back_from_home_help(case)
        else:
            self.decide_after_help(case)
        self.step()  # the freed place goes to the next family at once

    def review_voluntary_placement(self, case: Case) -> None:
        """Periodic review of a voluntary placement: return home, continue, or ask the Raad."""
        routes = self.routes
        worker = self.staff.pick(self.rng)
        perceived = self.judgement.assess(case, worker, self.rng)
        shift = worker.values + self.chain.climate
        if perceived < routes.reunify_bar + shift:
            routes.end_placement(case)
            self.start_help(case)
        elif (
            perceived > self.p.escalate_threshold + shift + routes.raad_pressure() and self.rng.random() < self.p.withdraw_consent
        ):
            routes.to_raad(case, "local_team")
        else:
            self.schedule_placement_review(case)

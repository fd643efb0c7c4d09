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
# States in which the family gets help at home that can include debt help
HELPED_AT_HOME = (State.HELP, State.HOME_HELP, State.MEASURE_HOME)
N_LOCAL_STAFF = 3000  # assumption: local-team workers dealing with protection cases (traits only)


class LocalTeam(Actor[LocalTeamParams]):
    """Municipal local team and the youth-care providers it hands cases to."""

    section = "local_team"

    def __init__(self, chain: ChainModel) -> None:
        """Create the local team's workers and intensive home help capacity."""
        super().__init__(chain)
        self.staff = StaffPool(chain, "local_team", chain.scaled(N_LOCAL_STAFF))
        self.home_help = CapacityQueue[Case]("home_help", chain.scaled(self.p.home_help_capacity))
        self.capacity_is(self.home_help)
        self.help_ends = DueTimes(chain.population.n_children)  # ordinary help, batched
        self.reviews = DueTimes(chain.population.n_children)  # voluntary-placement reviews, batched
        self.fed_back = 0.0  # completed home-help cases whose outcome was fed back (experience that teaches)
        self.trial_rng = chain.streams["trial"]  # the controlled trial's own draws (no other stream moves)
        self.trial: list[tuple[int, float, bool, bool]] = []  # (child, time, treated, abuse family)

    def retune(self) -> None:
        """Intensive home help capacity after a dated change (places close as they empty)."""
        self.set_norm_capacity(self.chain.scaled(self.p.home_help_capacity))

    def release(self, case: Case, leaving: str) -> None:
        """A home-help place or its waiting list, pending help ends and reviews, an open home-help episode."""
        self.home_help.release(case)
        self.home_help.withdraw(case)
        self.help_ends.clear(case.child)
        self.reviews.clear(case.child)
        self.chain.home_help_log.finish(case.child, self.chain.time, "case_closed")

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases."""
        self.home_help.release_all(ids)
        children = [case.child for case in cases]
        self.help_ends.at[children] = np.inf
        self.reviews.at[children] = np.inf
        log, now = self.chain.home_help_log, self.chain.time
        for child in children:
            log.finish(child, now, "case_closed")

    def home_help_quality(self) -> float:
        """Quality of intensive home help now: it rises with experience that is fed back, not with the calendar.

        Every completed case whose outcome is fed back to the team (routine outcome
        monitoring, share ``home_help_feedback``) closes a share ``home_help_learning`` of the
        gap to the maximum, per place: experience without feedback teaches nothing.
        """
        gap = self.p.home_help_quality_max - self.p.home_help_quality
        per_place = self.fed_back / max(1, self.home_help.capacity)
        return self.p.home_help_quality + max(0.0, gap) * (1 - math.exp(-self.p.home_help_learning * per_place))

    def abuse_family(self, case: Case) -> bool:
        """Whether the family's problem is domestic violence or abuse (home help reaches these families less)."""
        pop = self.chain.population
        return bool(pop.violence[pop.household[case.child]])

    def home_help_reach(self, case: Case) -> float:
        """Share of intensive home help's effect that reaches this family (Al et al. 2012: less for abuse/neglect)."""
        return self.p.home_help_abuse_effect if self.abuse_family(case) else 1.0

    def home_help_relief(self, case: Case, quality: float | None = None) -> float:
        """Threat relief of intensive home help for this family at the current (or given) quality.

        What ordinary help gives, plus the extra of intensive help where it reaches the family
        (for abuse/neglect families only a share of the extra: "no better than care as usual").
        """
        quality = self.home_help_quality() if quality is None else quality
        extra = self.p.home_help_effect * quality - self.p.help_effect
        return self.p.help_effect + extra * self.home_help_reach(case)

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

    def start_help_batch(self, cases: list[Case]) -> None:
        """:meth:`start_help` for a month's batch of cases (their durations drawn at once)."""
        n = len(cases)
        if n == 0:
            return
        self.ledger.count("help_starts", n)
        for case in cases:
            case.cancel_event()
            case.help_rounds += 1
        children = np.fromiter((case.child for case in cases), np.intp, n)
        pop = self.chain.population
        pop.state[children] = State.HELP
        pop.relief[children] = self.p.help_effect
        self.help_ends.set_many(children, self.chain.time + self.rng.gamma(3.0, self.p.dur_help_months / 3, n))

    def reported_again(self, children: NDArray[np.intp]) -> None:
        """A new report about a child in ordinary help brings the case back to the table this month.

        28.5% of VT reports are follow-up reports while the chain is involved (CBS 2023). A
        family in intensive home help has its worker at hand, who takes the crisis up within
        the help (Families First: reachable day and night), so nothing changes there.
        """
        in_help = children[self.chain.population.state[children] == State.HELP]
        self.help_ends.bring_forward(in_help, self.chain.time)

    def schedule_placement_review(self, case: Case) -> None:
        """Review a voluntary placement some months from now (batched like ordinary help)."""
        months = self.routes.placement_review_months
        self.reviews.set(case.child, self.chain.time + self.rng.gamma(3.0, months / 3))

    def end_due(self) -> None:
        """Ordinary help and voluntary-placement reviews that fell due, in child order."""
        self.end_help()
        self.review_due()

    def end_help(self) -> None:
        """Ordinary help that fell due ends: judged and routed as a batch."""
        m = self.chain
        cases = m.cases
        ended = [cases.get(child) for child in self.help_ends.pop_due(m.time).tolist()]
        ended = [case for case in ended if case is not None and case.state == State.HELP]  # else it left help another way
        if ended:
            # judged together (vectorised), and routed as a batch
            perceived, who = self.judgement.assess_batch(ended, self.staff, self.rng)
            consent = self.judgement.consents_batch(self.staff.dialogue_skill[who], perceived, self.rng)
            m.population.relief[[case.child for case in ended]] = 0.0  # the help is over
            self.route_batch(ended, perceived, who, consent)

    def review_due(self) -> None:
        """Voluntary placements whose review fell due, in child order."""
        m = self.chain
        cases = m.cases
        due = [cases.get(child) for child in self.reviews.pop_due(m.time).tolist()]
        due = [c for c in due if c is not None and c.state == State.PLACED and c.legal == Legal.NONE and not c.court_placement]
        if due:
            perceived, who = self.judgement.assess_batch(due, self.staff, self.rng)
            self.review_batch(due, perceived, who)

    def review_batch(self, cases: list[Case], perceived: NDArray[np.float64], who: NDArray[np.intp]) -> None:
        """:meth:`review_voluntary_placement`'s decision for a month's reviews, judged by the workers ``who``.

        Return home (with ordinary help) and another review later are decided in arrays: the
        return-home bar does not move within the batch. A case above the escalation bar goes
        one by one, in child order, since that bar rises with the Raad's list, which each
        referral lengthens (the rise is never negative, so a case below the plain bar stays).
        """
        routes, p = self.routes, self.p
        shift = self.staff.values[who] + self.chain.climate
        home = perceived < routes.reunify_bar + shift
        near_raad = ~home & (perceived > p.escalate_threshold + shift)
        stay = ~home & ~near_raad
        for i in np.flatnonzero(near_raad).tolist():
            case = cases[i]
            if perceived[i] > p.escalate_threshold + shift[i] + routes.raad_pressure() and self.rng.random() < p.withdraw_consent:
                routes.to_raad(case, "local_team")
            else:
                stay[i] = True
        going_home = [cases[i] for i in np.flatnonzero(home).tolist()]
        for case in going_home:
            routes.end_placement(case)
        self.start_help_batch(going_home)
        staying = np.flatnonzero(stay)
        if len(staying):
            months = routes.placement_review_months
            children = np.fromiter((cases[i].child for i in staying.tolist()), np.intp, len(staying))
            self.reviews.set_many(children, self.chain.time + self.rng.gamma(3.0, months / 3, len(staying)))

    def debt_help(self) -> None:
        """Monthly: families in voluntary help or under a measure at home may get their debts resolved (schuldhulpverlening).

        A shock's imposed debts are not resolved before they are settled. Drawn from a stream
        of its own, so the debt-help lever moves no other draws.
        """
        p = self.p.debt_help_month
        if p <= 0:
            return
        pop = self.chain.population
        known = self.chain.known_children()  # np.isin over every child's state cost ~1 s of a national run
        helped = known[np.isin(pop.state[known], HELPED_AT_HOME)]
        households = np.unique(pop.household[helped])
        households = households[pop.debt[households]]
        if len(households):
            resolved = households[self.chain.streams["debt_help"].random(len(households)) < p]
            pop.resolve_debt(resolved)
            self.ledger.count("debts_resolved_by_help", len(resolved))

    def offer_home_help(self, case: Case) -> None:
        """Put the family on the waiting list for intensive home help."""
        self.ledger.count("home_help_referrals")
        case.tried_home_help = True
        case.state = State.HOME_HELP_WAIT
        self.home_help.join(case, self.chain.time)

    def _refer_to_home_help(self, case: Case, perceived: float, worker: Professional, consent: bool) -> None:
        """A voluntary referral to intensive home help; in a controlled trial perhaps randomised to care as usual.

        Care as usual is ordinary help from the local team, as the control condition of the
        controlled studies of family preservation (usual services); the programme is not
        offered to that family again during the trial.
        """
        share = self.p.home_help_trial_share
        if share > 0:
            treated = bool(self.trial_rng.random() >= share)
            self.trial.append((case.child, self.chain.time, treated, self.abuse_family(case)))
            if not treated:
                case.tried_home_help = True
                self.start_help(case)
                return
        self.offer_home_help(case)

    def step(self) -> None:
        """Start intensive home help as places free up."""
        m = self.chain
        quality = self.home_help_quality()
        for case in self.home_help.admit(m.time):
            self.ledger.count("home_help_starts")
            household = int(m.population.household[case.child])
            group = int(m.population.group[household])
            m.home_help_log.begin(case.child, m.time, court=case.legal != Legal.NONE, group=group, household=household)
            case.state = State.HOME_HELP
            case.set_relief(self.home_help_relief(case, quality))
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
        m.population.screened_out_at[children[~helped]] = m.time  # advice only: seen and let go
        chosen = np.flatnonzero(helped)
        cases = []
        for child, error, value in zip(
            children[chosen].tolist(), case_error[chosen].tolist(), perceived[chosen].tolist(), strict=True
        ):
            case = Case(m, child, error)
            case.judgement = value
            cases.append(case)
        # the family asked for help itself: it consents to a voluntary route
        self.route_batch(cases, perceived[chosen], who[chosen], np.ones(len(cases), dtype=bool))

    def decide_after_help(self, case: Case) -> None:
        """The local team's judgement after a round of intensive home help.

        The home-help worker has been in the family for months: the judgement rests on what
        they saw (new information, like an investigation) and leans on the old file only by
        ``home_help_anchoring``.
        """
        worker = self.staff.pick(self.rng)
        perceived = self.judgement.assess(case, worker, self.rng, anchoring=self.p.home_help_anchoring, investigation=True)
        self.route(case, perceived, worker)

    def route_batch(
        self, cases: list[Case], perceived: NDArray[np.float64], who: NDArray[np.intp], consent: NDArray[np.bool_]
    ) -> None:
        """:meth:`route` for a month's batch (help that ended, families' own requests), judged by the workers ``who``.

        Most cases (about two in three) sit below every bar whose test depends on the rest of
        the batch: the escalation bar (raised by the Raad's waiting list, which the batch's
        referrals lengthen; the rise is never negative), the placement bar and the home-help
        bar (tried only while home help has room, which the batch's referrals fill). Whatever
        the other cases do, these get another round of ordinary help or are closed: they are
        decided in arrays, and their help starts or their cases close together. The rest go
        through :meth:`route` one by one, in child order, each seeing what those before it did.
        """
        p = self.p
        shift = self.staff.values[who] + self.chain.climate
        place_at = self.judgement.placement_bar(p.voluntary_placement_threshold) + shift
        settled = (
            (consent | (perceived <= p.escalate_threshold + shift))
            & (perceived <= place_at)
            & (perceived <= p.home_help_threshold + shift)
        )
        rounds = np.fromiter((case.help_rounds for case in cases), np.int64, len(cases))
        more_help = settled & (perceived > self.routes.help_bar + shift) & (rounds < MAX_HELP_ROUNDS)
        members = self.staff.members
        for i in np.flatnonzero(~settled).tolist():
            self.route(cases[i], float(perceived[i]), members[int(who[i])], consent=bool(consent[i]))
        self.start_help_batch([cases[i] for i in np.flatnonzero(more_help).tolist()])
        self.routes.close_many([cases[i] for i in np.flatnonzero(settled & ~more_help).tolist()])

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
            self._refer_to_home_help(case, perceived, worker, consent)
        elif consent and perceived > place_at and self._proposes_placement(case, perceived, worker, shift):
            routes.to_care(case, court=False)
        elif perceived > self.p.home_help_threshold + shift and home_help_possible:
            self._refer_to_home_help(case, perceived, worker, consent)
        elif perceived > routes.help_bar + shift and case.help_rounds < MAX_HELP_ROUNDS:
            self.start_help(case)
        else:
            routes.close(case)

    def _proposes_placement(self, case: Case, perceived: float, worker: Professional, shift: float) -> bool:
        """The voluntary-placement decision: perhaps with a second assessor, perhaps weighing the alternatives."""
        perceived = self.judgement.second_look(case, worker, perceived, self.staff, self.rng, "local_team")
        options = lambda: self.routes.placement_options(case)  # noqa: E731 (evaluated only when weighing)
        return self.judgement.places(perceived, self.p.voluntary_placement_threshold, shift, self.rng, options)

    def finish_home_help(self, case: Case) -> None:
        """Intensive home help ends; with a chance set by its quality, its effect lasts."""
        m = self.chain
        self.home_help.release(case)
        m.home_help_log.finish(case.child, m.time, "ended")
        case.set_relief(0.0)
        if self.rng.random() < self.p.home_help_lasting * self.home_help_quality() * self.home_help_reach(case):
            m.population.resolve_family_stressors(case.child)
        self.fed_back += self.p.home_help_feedback
        self.ledger.count("home_help_ends")
        if case.legal != Legal.NONE:
            self.routes.back_from_home_help(case)
        else:
            self.decide_after_help(case)
        self.step()  # the freed place goes to the next family at once

    def review_voluntary_placement(self, case: Case) -> None:
        """Periodic review of a voluntary placement: return home, continue, or ask the Raad."""
        worker = self.staff.pick(self.rng)
        self.decide_review(case, self.judgement.assess(case, worker, self.rng), worker)

    def decide_review(self, case: Case, perceived: float, worker: Professional) -> None:
        """A voluntary placement's review, judged ``perceived`` by ``worker``: return home, continue, or ask the Raad."""
        routes = self.routes
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

    def tend_waiting_list(self) -> None:
        """Families who leave the list for intensive home help find ordinary help instead (or, under a measure, go back to the guardian)."""
        for case in self.leaving_waiting_list():
            self.ledger.count("left_waiting_list_home_help")
            if case.legal != Legal.NONE:
                self.routes.back_from_home_help(case)
            else:
                self.start_help(case)

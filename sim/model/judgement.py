"""Judgement: how a professional reads a case file, as the actors use it.

Thin adapters around the pure functions of :mod:`sim.model.decisions`: they read the
child's true threat, the file (its information error and the judgement already in it) and
the professional's traits, draw from the deciding actor's stream, and write the new
judgement back into the file. Every actor judges through these, so the mechanism (noise,
anchoring, instruments, contradiction) is the same along the whole chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.model import decisions as dec
from sim.model.params import Params
from sim.model.population import Population

if TYPE_CHECKING:
    from sim.model.cases import Case
    from sim.model.ledger import Ledger
    from sim.model.staff import Professional, StaffPool


class Judgement:
    """Assessments, first looks, consent and the placement bar, for every actor of the chain."""

    def __init__(self, params: Params, population: Population, ledger: Ledger) -> None:
        """Judge with the run's decision and contradiction parameters, on this population's truth."""
        self.decisions = params.decisions
        self.contradiction = params.contradiction
        self.population = population
        self.ledger = ledger

    def poverty_read(self, child: int) -> float:
        """Threat a professional reads into the child's family for its problematic debts (``decisions.poverty_bias``)."""
        pop = self.population
        return self.decisions.poverty_bias if pop.debt.item(pop.household.item(child)) else 0.0

    def poverty_reads(self, children: np.ndarray) -> np.ndarray:
        """:meth:`poverty_read` for many children."""
        pop = self.population
        return self.decisions.poverty_bias * pop.debt[pop.household[children]]

    def second_share(self, point: str) -> float:
        """Share of decisions at ``point`` (vt, local_team, raad, court, gi) with an independent second assessor."""
        c = self.contradiction
        return c.second_assessor_share if point in c.second_assessor_at else 0.0

    def assess(
        self,
        case: Case,
        worker: Professional,
        rng: np.random.Generator,
        *,
        anchoring: float | None = None,
        second_opinion: StaffPool | None = None,
        point: str = "",
        investigation: bool = False,
    ) -> float:
        """One professional's judgement of a case, written into the file.

        Everyone reading the file shares its information error; an ``investigation``
        gathers new information and replaces part of it. The judgement anchors on the one
        already in the file. At a decision ``point`` with second assessors (contradiction
        lever), a share of decisions adds an independent assessor from ``second_opinion``.
        """
        d, c = self.decisions, self.contradiction
        if investigation:
            case.case_error = dec.refresh_case_error(case.case_error, rng, d.information_kept)
        noise_sd = dec.case_noise_sd_one(d, c, bool(rng.random() < d.instrument_use))
        perceived = dec.perceive_one(
            case.truth,
            rng,
            noise_sd=noise_sd,
            occasion_sd=d.occasion_noise_sd,
            bias=worker.bias + self.poverty_read(case.child),
            case_error=case.case_error,
            prior=case.judgement,
            anchoring=d.anchoring if anchoring is None else anchoring,
        )
        if second_opinion is not None:
            perceived = self._second_assessor(case, worker, perceived, second_opinion, rng, self.second_share(point), noise_sd)
        case.judgement = perceived
        return perceived

    def second_look(
        self, case: Case, worker: Professional, perceived: float, pool: StaffPool, rng: np.random.Generator, point: str
    ) -> float:
        """A judgement already made, joined by an independent second assessor at ``point`` (for a share of decisions)."""
        share = self.second_share(point)
        if share <= 0:
            return perceived
        noise_sd = dec.case_noise_sd_one(self.decisions, self.contradiction, False)
        combined = self._second_assessor(case, worker, perceived, pool, rng, share, noise_sd)
        case.judgement = combined
        return combined

    def _second_assessor(
        self,
        case: Case,
        worker: Professional,
        perceived: float,
        pool: StaffPool,
        rng: np.random.Generator,
        share: float,
        noise_sd: float,
    ) -> float:
        """With chance ``share``, average ``perceived`` with an independent judgement of another professional.

        The second assessor neither sees the file's judgement nor relies only on its
        information (an own look refreshes part of the file's error).
        """
        if share <= 0 or rng.random() >= share:
            return perceived
        d = self.decisions
        other = pool.pick(rng)
        own_look = dec.refresh_case_error(case.case_error, rng, d.information_kept)
        bias = other.bias + self.poverty_read(case.child)
        independent = dec.perceive_one(
            case.truth, rng, noise_sd=noise_sd, occasion_sd=d.occasion_noise_sd, bias=bias, case_error=own_look
        )
        # the second assessor's own values count as much as the first's: express the
        # second judgement relative to the first professional's threshold
        independent -= other.values - worker.values
        self.ledger.count("second_assessments")
        return (perceived + independent) / 2  # dec.combine_independent, for two floats

    def represented(self, case: Case, rng: np.random.Generator) -> int:
        """Lawyers for the parents and for the child at a court decision (0-2); each corrects part of the file."""
        c = self.contradiction
        lawyers = int(rng.random() < c.legal_aid_share) + int(rng.random() < c.child_representative_share)
        if lawyers:
            case.case_error = dec.correct_case_error(case.case_error, c.legal_aid_information, lawyers)
        return lawyers

    def first_look(
        self, children: np.ndarray, pool: StaffPool, rng: np.random.Generator, point: str = ""
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """First judgements of children who have no file yet (VT triage, local-team intake).

        At a ``point`` with second assessors, a share of the judgements is averaged with an
        independent one by another professional (expressed relative to the first's values).
        Returns (perceived, professionals' indices, the new files' information errors).
        """
        d = self.decisions
        n = len(children)
        who = pool.pick_many(rng, n)
        noise = dec.case_noise_sd(d, self.contradiction, rng.random(n) < d.instrument_use)
        case_error = rng.normal(0.0, 1.0, n)
        truth = self.population.threat[children]
        poverty = self.poverty_reads(children)
        perceived = dec.perceive(
            truth, rng, noise_sd=noise, occasion_sd=d.occasion_noise_sd, bias=pool.bias[who] + poverty, case_error=case_error
        )
        share = self.second_share(point)
        if share > 0 and n:
            second = np.flatnonzero(rng.random(n) < share)
            other = pool.pick_many(rng, len(second))
            own_look = d.information_kept * case_error[second] + np.sqrt(1 - d.information_kept**2) * rng.standard_normal(
                len(second)
            )
            independent = dec.perceive(
                truth[second],
                rng,
                noise_sd=noise[second],
                occasion_sd=d.occasion_noise_sd,
                bias=pool.bias[other] + poverty[second],
                case_error=own_look,
            )
            independent -= pool.values[other] - pool.values[who[second]]
            perceived[second] = dec.combine_independent(perceived[second], independent)
            self.ledger.count("second_assessments", len(second))
        return perceived, who, case_error

    def assess_batch(self, cases: list[Case], pool: StaffPool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Judgements of many cases at once (as :meth:`assess`, without second opinions).

        For the batched high-volume steps: one professional from ``pool`` per case, the
        same formula as :meth:`assess` in arrays. Returns (perceived, professionals' indices)
        and writes each judgement into its file.
        """
        d, c = self.decisions, self.contradiction
        n = len(cases)
        who = pool.pick_many(rng, n)
        children = np.fromiter((case.child for case in cases), np.intp, n)
        prior = np.fromiter((np.nan if case.judgement is None else case.judgement for case in cases), float, n)
        case_error = np.fromiter((case.case_error for case in cases), float, n)
        noise = dec.case_noise_sd(d, c, rng.random(n) < d.instrument_use)
        anchoring = np.where(np.isnan(prior), 0.0, d.anchoring)
        perceived = dec.perceive(
            self.population.threat[children].astype(float),
            rng,
            noise_sd=noise,
            occasion_sd=d.occasion_noise_sd,
            bias=pool.bias[who] + self.poverty_reads(children),
            prior=np.nan_to_num(prior),
            anchoring=anchoring,
            case_error=case_error,
        )
        for case, value in zip(cases, perceived.tolist(), strict=True):
            case.judgement = value
        return perceived, who

    def consents(self, worker: Professional, perceived: float, rng: np.random.Generator) -> bool:
        """Whether this professional and the parents agree on a voluntary route."""
        midpoint = self.decisions.consent_midpoint
        return dec.finds_voluntary_route_one(worker.dialogue_skill, perceived, rng, midpoint=midpoint)

    def consents_batch(self, skill: np.ndarray, perceived: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """:meth:`consents` for many cases at once."""
        return dec.finds_voluntary_route(skill, perceived, rng, midpoint=self.decisions.consent_midpoint)

    def placement_bar(self, threshold: float) -> float:
        """A placement threshold lowered by the overestimated benefit of placement (docs/MODEL.md section 3)."""
        return dec.placement_threshold(threshold, self.decisions.placement_benefit_bias)

    def places(
        self,
        perceived: float,
        threshold: float,
        shift: float,
        rng: np.random.Generator,
        options: Callable[[], tuple[float, float]],
    ) -> bool:
        """Whether a professional decides for placement (a proposal, a request, a grant).

        Without explicit weighing the professional places when the judged threat passes a
        bar lowered by the overestimated benefit of placement (the same for everyone). In a
        share ``weigh_alternatives`` of decisions the professional weighs: the threat must pass
        the plain bar *and* the estimated benefit for this child (home with the help on
        offer against care, ``options()`` = (help on offer, threat in care)) must be positive.
        """
        weigh = self.contradiction.weigh_alternatives
        if weigh > 0 and rng.random() < weigh:
            if perceived <= threshold + shift:
                return False
            help_on_offer, care_exposure = options()
            error = self.decisions.benefit_estimate_sd * float(rng.standard_normal())
            return dec.benefit_estimate(perceived, help_on_offer, care_exposure, error) > 0
        return perceived > self.placement_bar(threshold) + shift

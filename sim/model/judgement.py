"""Judgement: how a professional reads a case file, as the actors use it.

Thin adapters around the pure functions of :mod:`sim.model.decisions`: they read the
child's true threat, the file (its information error and the judgement already in it) and
the professional's traits, draw from the deciding actor's stream, and write the new
judgement back into the file. Every actor judges through these, so the mechanism (noise,
anchoring, instruments, contradiction) is the same along the whole chain.
"""

from __future__ import annotations

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

    def assess(
        self,
        case: Case,
        worker: Professional,
        rng: np.random.Generator,
        *,
        anchoring: float | None = None,
        legal_aid: int = 0,
        second_opinion: StaffPool | None = None,
        investigation: bool = False,
    ) -> float:
        """One professional's judgement of a case, written into the file.

        Everyone reading the file shares its information error; an ``investigation``
        gathers new information and replaces part of it. The judgement anchors on the one
        already in the file. When ``second_opinion`` is given, a share of decisions
        (contradiction lever) adds an independent assessor who neither sees the file's
        judgement nor relies only on its information; the two judgements are averaged.
        """
        d, c = self.decisions, self.contradiction
        if investigation:
            case.case_error = dec.refresh_case_error(case.case_error, rng, d.information_kept)
        noise_sd = dec.case_noise_sd_one(d, c, bool(rng.random() < d.instrument_use), legal_aid)
        truth = case.truth
        perceived = dec.perceive_one(
            truth,
            rng,
            noise_sd=noise_sd,
            occasion_sd=d.occasion_noise_sd,
            bias=worker.bias,
            case_error=case.case_error,
            prior=case.judgement,
            anchoring=d.anchoring if anchoring is None else anchoring,
        )
        if second_opinion is not None and rng.random() < c.second_assessor_share:
            other = second_opinion.pick(rng)
            own_look = dec.refresh_case_error(case.case_error, rng, d.information_kept)
            independent = dec.perceive_one(
                truth, rng, noise_sd=noise_sd, occasion_sd=d.occasion_noise_sd, bias=other.bias, case_error=own_look
            )
            # the second assessor's own values count as much as the first's: express the
            # second judgement relative to the first professional's threshold
            independent -= other.values - worker.values
            perceived = (perceived + independent) / 2  # dec.combine_independent, for two floats
            self.ledger.count("second_assessments")
        case.judgement = perceived
        return perceived

    def first_look(
        self, children: np.ndarray, pool: StaffPool, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """First judgements of children who have no file yet (VT triage, local-team intake).

        Returns (perceived, professionals' indices, the new files' information errors).
        """
        d = self.decisions
        n = len(children)
        who = pool.pick_many(rng, n)
        noise = dec.case_noise_sd(d, self.contradiction, rng.random(n) < d.instrument_use)
        case_error = rng.normal(0.0, 1.0, n)
        perceived = dec.perceive(
            self.population.threat[children],
            rng,
            noise_sd=noise,
            occasion_sd=d.occasion_noise_sd,
            bias=pool.bias[who],
            case_error=case_error,
        )
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
            bias=pool.bias[who],
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
        """A placement threshold lowered by the overestimated benefit of placement.

        The same bias for every professional who decides on placement (docs/MODEL.md
        section 3); explicit weighing of alternatives (contradiction) removes part of it.
        """
        return dec.placement_threshold(threshold, self.decisions.placement_benefit_bias, self.contradiction.weigh_alternatives)

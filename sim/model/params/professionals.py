"""How individual professionals judge a case (GADM / signal detection), the same along the chain."""

from __future__ import annotations

from sim.model.params.base import CALIB, DECISION_LIT, Section, field


class DecisionParams(Section):
    """How individual professionals judge (GADM / signal detection)."""

    case_noise_sd: float = field(0.45, ge=0, le=5, desc="sd of case-level information noise", source=DECISION_LIT)
    occasion_noise_sd: float = field(
        0.4,
        ge=0,
        le=5,
        desc="sd of occasion noise (same person, other day)",
        source="Bartelink et al. 2019: same professional differs months later",
    )
    bias_sd: float = field(
        0.35,
        ge=0,
        le=5,
        desc="sd of stable personal bias in perceived threat",
        source="Doyle 2007; Gross & Baron 2022: investigator assignment changes placement",
    )
    values_sd: float = field(
        0.45,
        ge=0,
        le=5,
        desc="sd of personal action threshold (values)",
        source="de Haan et al.; Benbenishty et al. 2015: attitudes predict decisions",
    )
    anchoring: float = field(
        0.5,
        ge=0,
        le=1,
        desc="weight on the judgement already in the file",
        source="seed interview: professionals adopt earlier judgements too quickly (assumption for size)",
    )
    judge_anchoring: float = field(
        0.6,
        ge=0,
        le=1,
        desc="weight a judge puts on the Raad's judgement",
        source="assumption: judges grant most requests (OTS starts/requests ~0.91)",
    )
    placement_benefit_bias: float = field(
        0.3,
        ge=0,
        le=2,
        desc="threshold lowering from overestimated benefit of placement",
        source="seed interview: benefit overestimated, harm underestimated (assumption for size)",
    )
    dialogue_skill_mean: float = field(
        0.5, ge=0, le=1, desc="mean chance a professional finds a voluntary route", source="seed interview; assumption for size"
    )
    dialogue_skill_sd: float = field(0.15, ge=0, le=0.5, desc="sd of dialogue skill between professionals", source="assumption")
    information_kept: float = field(
        0.6,
        ge=0,
        le=1,
        desc="correlation of the file's information error before and after an investigation",
        source="assumption: an investigation adds real information but builds on the same file",
    )
    consent_midpoint: float = field(
        2.2,
        ge=0,
        le=10,
        desc="perceived threat at which parents' consent is half as likely",
        source=CALIB + "; about half of placements are voluntary (seed)",
    )
    instrument_noise_reduction: float = field(
        0.15,
        ge=0,
        le=1,
        desc="case-noise reduction by a structured instrument",
        source="Bartelink et al. 2014-2019: little gain in agreement",
    )
    instrument_use: float = field(
        0.5,
        ge=0,
        le=1,
        desc="share of decisions made with a structured instrument",
        source="assumption: instruments widely but not uniformly used",
    )

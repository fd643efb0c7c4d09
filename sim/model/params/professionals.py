"""How individual professionals judge a case (GADM / signal detection), the same along the chain."""

from __future__ import annotations

from sim.model.params.base import CALIB, DECISION_LIT, FITTED, Section, field


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
    benefit_estimate_sd: float = field(
        0.5,
        ge=0,
        le=5,
        desc="sd of a professional's error in estimating what care would do for this child (when weighing alternatives)",
        source="assumption: about the case-level information noise; the effect of care is itself uncertain (sources.md)",
    )
    poverty_bias: float = field(
        0.0,
        ge=0,
        le=3,
        desc="threat a professional reads into a family with problematic debts (poverty perceived as danger)",
        source=FITTED
        + "; to CBS's matched shock study (sim/data/responses.toml); mechanism: Bywaters et al. 2017 (UK: care rates 10x higher in the most deprived tenth), ATD Vierde Wereld, Ruijtenberg 2022 (NL, qualitative)",
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


WORKLOAD_EVIDENCE = (
    "RvdK 2023: lack of suitable help plays a role in fewer requests; Trouw 2022: judges hold back when care is not "
    "available; VT Haaglanden 2018-19: +22% clients, share finished within 10 weeks 84% -> 74%"
)


class WorkloadParams(Section):
    """How a capacity-limited organisation responds when its waiting list grows (the same rule everywhere).

    The load of an actor is its waiting list divided by its capacity (capped at ``max_queue_ratio``).
    With load, its professionals and those who refer to it raise their bars (triage), its
    investigations take longer, and families on its list leave it: their situation eased or
    they found other help.
    """

    bar_rise: float = field(
        0.3,
        ge=0,
        le=3,
        desc="threshold rise per unit of load (waiting list / capacity), for the actor and those referring to it",
        source=WORKLOAD_EVIDENCE + "; assumption for size (no quasi-experimental estimate found)",
    )
    max_queue_ratio: float = field(
        2.0,
        ge=0,
        le=10,
        desc="load beyond which a longer waiting list adds no further effect",
        source="assumption: triage cannot go on tightening without limit",
    )
    duration_stretch: float = field(
        0.25,
        ge=0,
        le=3,
        desc="relative lengthening of an investigation, and growth of investigators' caseloads, per unit of load",
        source=WORKLOAD_EVIDENCE + " (IJenV 2019: the Raad exceeds its own lead-time norm); assumption for size",
    )
    p_leave_waiting_month: float = field(
        0.05,
        ge=0,
        le=1,
        desc="monthly chance a family on a waiting list leaves it (situation eased or other help found)",
        source="assumption: IJenV 2021/2022 describe children moving 'from one waiting list to the next'; no rate published",
    )

"""The one parameter object of Ketensim, its defaults and their sources.

Every field declares its bounds, a one-line description and its source (a publication from
`calibration/sources.md` / `targets.toml`, or "assumption: <reason>"). Scenario files hold
only overrides; unknown keys, wrong types and out-of-range values are refused by
:func:`load_scenario` with a :class:`ScenarioError` naming the file, the key and the range.

Units: time in months unless the name says otherwise; counts at national scale (scale 1.0)
unless the name says otherwise; the model multiplies capacities by ``run.scale``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


def field(default: Any, *, desc: str, source: str, ge: float | None = None, le: float | None = None) -> Any:
    """Declare a parameter with its bounds, description and source in one place."""
    return Field(default, ge=ge, le=le, description=desc, json_schema_extra={"source": source})


class Section(BaseModel):
    """Base for parameter sections: frozen, strict types, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


# Source strings used more than once.
CBS_2022 = "CBS 'Jeugdbescherming en jeugdreclassering 2022'"
RAAD_2022 = "NJi/RvdK Jaarbericht 2022: 13,470 investigations, 8,206 requests"
CALIB = "assumption: set by hand with the baseline in view (not among the fitted parameters, sim/calibration.py FREE)"
FITTED = (
    "calibrated to targets.toml (2026-11-29, refit on held-out-safe training seeds; ketensim calibrate, calibration/fitted.toml)"
)
DECISION_LIT = "Kang & Poertner 2006 (kappa 0.29), Bolton et al. 2021 (alpha 0.58); tuned to kappa ~0.3"


class RunParams(Section):
    """Run length, scale and seed."""

    seed: int = field(
        20221, ge=0, le=2**63 - 1, desc="master seed; named streams derive from it", source="assumption: any fixed integer"
    )
    scale: float = field(
        0.05,
        ge=0.0005,
        le=1.0,
        desc="fraction of the Dutch child population simulated",
        source="assumption: 1.0 = the Netherlands; outputs are divided by scale",
    )
    start_year: int = field(
        2016, ge=2000, le=2040, desc="first reported calendar year", source="assumption: 2016-2025 covers the base year 2022"
    )
    years: int = field(10, ge=1, le=50, desc="simulated years reported", source="assumption")
    warmup_years: int = field(
        3,
        ge=0,
        le=20,
        desc="years simulated before start_year and discarded",
        source="assumption: stocks are initialised near steady state; 3 years settle flows",
    )


class PopulationParams(Section):
    """Households and children (gezinnen): stressors, support and the true development threat."""

    n_minors: int = field(
        3_400_000,
        ge=1000,
        le=10_000_000,
        desc="children aged 0-17 at scale 1.0",
        source="CBS Jeugdmonitor 2024: ~3.4 million minors",
    )
    children_per_household: float = field(
        1.8,
        ge=1.0,
        le=4.0,
        desc="mean minors per household with minors",
        source="assumption: ~1.9 M households with minors (CBS order of magnitude)",
    )
    share_single_parent: float = field(
        0.16,
        ge=0,
        le=1,
        desc="share of single-parent households",
        source="CBS 2022 (14% among childcare-benefit users; ~16% of households with children)",
    )
    share_low_income: float = field(
        0.20, ge=0, le=1, desc="share of households in the lowest income quintile", source="definition: lowest 20% income"
    )
    share_migration_background: float = field(
        0.25,
        ge=0,
        le=1,
        desc="share of households with a migration background",
        source="CBS 2022: 78% of comparison parents and child born in NL (rounded)",
    )
    p_debt_onset: float = field(
        0.004,
        ge=0,
        le=1,
        desc="monthly chance a household gets problematic debt",
        source="assumption: ~8% prevalence with ~2-year spells (Nibud order of magnitude)",
    )
    p_debt_resolve: float = field(
        0.04, ge=0, le=1, desc="monthly chance problematic debt resolves", source="assumption: mean spell ~2 years"
    )
    p_divorce_onset: float = field(
        0.0025,
        ge=0,
        le=1,
        desc="monthly chance of a (conflictual) divorce",
        source="assumption: ~3% of households with children a year",
    )
    p_divorce_resolve: float = field(
        0.06, ge=0, le=1, desc="monthly chance divorce stress fades", source="assumption: acute stress ~18 months"
    )
    p_mental_onset: float = field(
        0.002,
        ge=0,
        le=1,
        desc="monthly chance of parental mental illness/substance use",
        source="assumption: ~6% prevalence with ~2.5-year spells",
    )
    p_mental_resolve: float = field(0.03, ge=0, le=1, desc="monthly chance it resolves", source="assumption")
    p_violence_onset: float = field(
        0.001,
        ge=0,
        le=1,
        desc="monthly chance of domestic violence onset",
        source="assumption: ~2% prevalence; VT's main report category",
    )
    p_violence_resolve: float = field(0.05, ge=0, le=1, desc="monthly chance violence stops without help", source="assumption")
    risk_multiplier: float = field(
        1.8,
        ge=1,
        le=5,
        desc="onset multiplier for single-parent or low-income households",
        source="assumption: stressors cluster in poorer and single-parent households",
    )
    w_debt: float = field(0.5, ge=0, le=5, desc="threat added by problematic debt", source=CALIB)
    w_divorce: float = field(0.4, ge=0, le=5, desc="threat added by conflictual divorce", source=CALIB)
    w_mental: float = field(0.9, ge=0, le=5, desc="threat added by parental mental illness/substance use", source=CALIB)
    w_violence: float = field(1.2, ge=0, le=5, desc="threat added by domestic violence", source=CALIB)
    w_support: float = field(0.5, ge=0, le=5, desc="threat removed by full network support", source=CALIB)
    vulnerability_sd: float = field(0.45, ge=0, le=3, desc="sd of a child's lognormal base vulnerability", source=CALIB)
    threat_adjust_rate: float = field(
        0.15,
        ge=0.01,
        le=1,
        desc="monthly pull of threat toward its target",
        source="assumption: situations change over months, not days",
    )
    threat_noise_sd: float = field(0.12, ge=0, le=2, desc="monthly random shock to threat", source="assumption")
    concern_threshold: float = field(
        1.0,
        ge=0,
        le=10,
        desc="true threat above which some help is warranted",
        source="assumption: defines the truth scale (model unit)",
    )
    serious_threshold: float = field(
        1.7,
        ge=0,
        le=10,
        desc="true threat above which a protection measure is warranted",
        source="assumption: 'ernstig in de ontwikkeling bedreigd' on the model scale",
    )
    placement_threshold: float = field(
        2.2,
        ge=0,
        le=10,
        desc="true threat above which home is unsafe even with help",
        source="assumption: truth scale for warranted placement",
    )
    p_harm_at_serious: float = field(
        0.004, ge=0, le=1, desc="monthly serious-harm chance at the serious threshold", source="assumption"
    )
    harm_slope: float = field(1.2, ge=0, le=5, desc="log-increase of harm chance per unit of threat", source="assumption")

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> PopulationParams:
        if not self.concern_threshold < self.serious_threshold < self.placement_threshold:
            raise ValueError(
                "truth thresholds must rise: concern_threshold < serious_threshold < placement_threshold "
                f"(got {self.concern_threshold}, {self.serious_threshold}, {self.placement_threshold})"
            )
        return self


class ReportingParams(Section):
    """Reporters (melders): police, school, GP, care providers, network."""

    p_report_base: float = field(
        0.00037, ge=0, le=1, desc="monthly report chance at zero threat", source=CALIB + "; ~62,000 child-related VT reports/year"
    )
    report_slope: float = field(1.35, ge=0, le=5, desc="log-increase of report chance per unit of threat", source=CALIB)
    p_help_request_base: float = field(
        0.0004,
        ge=0,
        le=1,
        desc="monthly chance at zero threat that a family asks the local team for help itself",
        source=CALIB + "; most voluntary youth care does not start with a VT report (CBS: 474,000 youths in care)",
    )
    violence_visibility: float = field(
        4.0,
        ge=1,
        le=20,
        desc="report-chance multiplier when there is domestic violence",
        source="VT: ~65-70% of reports by police, mostly domestic violence",
    )
    in_chain_visibility: float = field(
        2.0,
        ge=0,
        le=10,
        desc="report multiplier for children already known to the chain",
        source="CBS 2023: 28.5% follow-up reports while VT was involved",
    )


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


class VeiligThuisParams(Section):
    """Veilig Thuis: triage (safety assessment) and investigation."""

    n_staff: int = field(
        1500, ge=1, le=100_000, desc="VT professionals at scale 1.0", source="assumption: 25 regions, ~60 FTE each"
    )
    investigations_per_staff: float = field(
        6.0, ge=0.1, le=100, desc="concurrent investigations per professional", source="assumption"
    )
    help_threshold: float = field(1.1, ge=0, le=10, desc="perceived threat above which VT hands to voluntary help", source=CALIB)
    investigate_threshold: float = field(1.7, ge=0, le=10, desc="perceived threat above which VT investigates", source=CALIB)
    raad_threshold: float = field(1.65, ge=0, le=10, desc="perceived threat above which VT refers to the Raad", source=FITTED)
    dur_investigation_months: float = field(
        2.5, ge=0.1, le=24, desc="mean VT investigation length", source="law: 10 weeks norm; IGJ 2023: norm rarely met"
    )


class LocalTeamParams(Section):
    """Local team / youth care (wijkteam, jeugdhulp): voluntary help and intensive home help."""

    alternative_margin: float = field(
        0.5,
        ge=0,
        le=5,
        desc="how far above the placement threshold intensive home help is still tried first",
        source="assumption: professionals try the alternative unless the case is clearly beyond it",
    )
    withdraw_consent: float = field(
        0.04,
        ge=0,
        le=1,
        desc="chance parents withdraw consent to a voluntary placement at a review",
        source=FITTED + "; before the fit: 0.15 (assumption: most voluntary placements stay voluntary)",
    )
    dur_help_months: float = field(
        9.0,
        ge=1,
        le=60,
        desc="mean length of ordinary voluntary help",
        source="assumption: typical youth-care trajectory < 1 year",
    )
    help_effect: float = field(0.35, ge=0, le=3, desc="threat reduction while in ordinary help", source=CALIB)
    escalate_threshold: float = field(
        1.85, ge=0, le=10, desc="perceived threat after help above which the Raad is asked", source=FITTED
    )
    home_help_threshold: float = field(
        1.6, ge=0, le=10, desc="perceived threat above which intensive home help is offered", source=CALIB
    )
    voluntary_placement_threshold: float = field(
        2.1, ge=0, le=10, desc="perceived threat above which a voluntary placement is proposed", source=CALIB
    )
    home_help_capacity: int = field(
        2500,
        ge=0,
        le=1_000_000,
        desc="concurrent intensive home help places at scale 1.0",
        source="assumption: Families First/IAG order of magnitude; scarce, so families wait",
    )
    home_help_quality: float = field(
        0.5,
        ge=0,
        le=1,
        desc="initial quality of intensive home help",
        source="Al et al. 2012: d=0.49 family functioning; assumption for mapping",
    )
    home_help_quality_max: float = field(
        0.8,
        ge=0,
        le=1,
        desc="quality reached with a learning culture",
        source="seed interview: results improve with lerend werken (assumption)",
    )
    home_help_learning_rate: float = field(
        0.0,
        ge=0,
        le=1,
        desc="yearly share of the gap to max quality closed",
        source="assumption: 0 = no learning culture in the baseline",
    )
    home_help_effect: float = field(1.0, ge=0, le=5, desc="threat reduction at quality 1", source=CALIB)
    home_help_lasting: float = field(
        0.6,
        ge=0,
        le=1,
        desc="chance (at quality 1) that home help ends the family's violence/conflict for good",
        source="Praktikon 2021: lasting improvement for half to two-thirds of families",
    )
    dur_home_help_months: float = field(
        7.0, ge=1, le=36, desc="mean length of intensive home help", source="Praktikon 2021: IAG ~7 months"
    )


class RaadParams(Section):
    """Raad voor de Kinderbescherming: waiting list, protection investigation, request."""

    n_staff: int = field(
        1300,
        ge=1,
        le=100_000,
        desc="Raad investigators at scale 1.0",
        source="assumption: capacity ~21,000/yr (4 concurrent, 3 months) for ~13,470 protection investigations/yr plus authority investigations",
    )
    investigations_per_staff: float = field(
        4.0, ge=0.1, le=100, desc="concurrent investigations per investigator", source="assumption"
    )
    dur_investigation_months: float = field(
        3.0,
        ge=0.5,
        le=24,
        desc="mean protection investigation length",
        source="dossier study: ~89-90 days when a measure is requested",
    )
    request_threshold: float = field(
        1.85,
        ge=0,
        le=10,
        desc="perceived threat above which the Raad requests a measure",
        source=FITTED + "; target request share 0.61",
    )
    placement_request_threshold: float = field(
        4.4,
        ge=0,
        le=10,
        desc="perceived threat above which placement authorisation is asked",
        source=FITTED + "; target 24% of OTS requests",
    )
    emergency_threshold: float = field(
        2.9,
        ge=0,
        le=10,
        desc="perceived threat that triggers a provisional order",
        source=FITTED + "; before the fit: 3.1 (assumption: acute danger)",
    )


class CourtParams(Section):
    """Juvenile judge (kinderrechter)."""

    n_judges: int = field(
        120,
        ge=1,
        le=10_000,
        desc="juvenile judges (FTE) at scale 1.0",
        source="assumption: order of magnitude for 11 district courts",
    )
    hearings_per_judge_month: float = field(15.0, ge=0.1, le=500, desc="hearings a judge can hold per month", source="assumption")
    dur_hearing_wait_months: float = field(1.0, ge=0.05, le=12, desc="mean time from request to hearing", source="assumption")
    grant_threshold: float = field(
        1.05,
        ge=0,
        le=10,
        desc="judge's perceived threat above which an OTS is granted",
        source=FITTED + "; before the fit: 1.45 (OTS starts / Raad OTS requests ~0.91 (NJi/CBS 2022))",
    )
    placement_grant_threshold: float = field(2.3, ge=0, le=10, desc="judge's threshold for placement authorisation", source=CALIB)
    guardianship_grant_threshold: float = field(
        1.6, ge=0, le=10, desc="judge's threshold to end parental authority", source=FITTED
    )


class GuardianParams(Section):
    """Certified institutions (GI) with family guardians (jeugdbeschermers)."""

    n_guardians: int = field(
        1220,
        ge=1,
        le=100_000,
        desc="family guardians (FTE) at scale 1.0",
        source=FITTED
        + "; before the fit: 1080 (derived: ~29,000 measures / (16 families x 1.4 children) ~ 1,300 FTE; a little more so ~1,500 wait (IGJ 2024))",
    )
    max_caseload_children: float = field(
        22.0,
        ge=1,
        le=100,
        desc="children a guardian takes before new ones wait",
        source="Jeugdzorg NL/FNV 2022: actual 16-18 families; norm 8-9 (~12 children)",
    )
    children_per_family: float = field(
        1.4,
        ge=1,
        le=4,
        desc="children per family in measures (to report caseload in families)",
        source="assumption: siblings often share a measure",
    )
    review_interval_months: float = field(
        12.0, ge=1, le=24, desc="OTS length before review/extension", source="law: OTS at most 12 months per order"
    )
    end_threshold: float = field(
        1.45,
        ge=0,
        le=10,
        desc="perceived threat below which an OTS ends at review",
        source=FITTED + "; mean OTS duration 2.3 years",
    )
    reunify_threshold: float = field(
        1.8, ge=0, le=10, desc="perceived home threat below which a placed child returns", source=CALIB
    )
    guardianship_after_months: float = field(
        14.0,
        ge=1,
        le=120,
        desc="placement length after which ending authority is considered",
        source=FITTED + "; before the fit: 18.0 (assumption: perspective decision (perspectiefbesluit) within ~1.5 years)",
    )
    p_transfer_to_foster_parent_month: float = field(
        0.005,
        ge=0,
        le=1,
        desc="monthly chance a GI guardianship of a foster child passes to the foster parents",
        source="NJi 2021: 13% of foster children under foster-parent guardianship; CBS outflow 1,325/yr (rate assumed)",
    )
    guardianship_threshold: float = field(
        2.05,
        ge=0,
        le=10,
        desc="perceived home threat above which the GI asks to end authority",
        source=FITTED + "; ~925 new guardianships/yr",
    )


class CareParams(Section):
    """Care settings with residence: foster family, family home (gezinshuis), residential."""

    foster_capacity: int = field(
        16500,
        ge=0,
        le=1_000_000,
        desc="foster places at scale 1.0",
        source=FITTED
        + "; before the fit: 17500 (NJi 'Cijfers over pleegzorg': 17,652 children placed 31 Dec 2022 (16,608 families))",
    )
    gezinshuis_capacity: int = field(
        4500,
        ge=0,
        le=1_000_000,
        desc="family-home places at scale 1.0",
        source="~10% of youth in care with residence (no central register)",
    )
    residential_capacity: int = field(
        13000,
        ge=0,
        le=1_000_000,
        desc="residential places at scale 1.0",
        source=FITTED + "; before the fit: 13000 (~18,000 youths a year in residential care (definition unclear))",
    )
    p_foster_breakdown_month: float = field(
        0.01,
        ge=0,
        le=1,
        desc="monthly unplanned-end chance of a foster placement (child <12)",
        source="meta-analysis: 27.5% of foster placements end unplanned",
    )
    adolescent_breakdown_multiplier: float = field(
        2.0, ge=1, le=10, desc="breakdown multiplier for children 12+", source="Oosterman et al. 2007: higher for older children"
    )
    p_other_breakdown_month: float = field(
        0.012, ge=0, le=1, desc="monthly unplanned-move chance in gezinshuis/residential care", source="assumption"
    )
    voluntary_review_months: float = field(
        9.0, ge=1, le=60, desc="mean months before a voluntary placement is reviewed", source="assumption"
    )


class InitialParams(Section):
    """Stocks of measures and placements at the start (so the warm-up can be short)."""

    n_ots: int = field(
        19500,
        ge=0,
        le=1_000_000,
        desc="running supervision orders at the start",
        source=FITTED + "; before the fit: 19_000 (CBS 2022 table 1.0.1: 19,390 running OTS on 31 Dec)",
    )
    share_ots_placed: float = field(
        0.35,
        ge=0,
        le=1,
        desc="share of OTS children placed at the start",
        source="NJi pleegzorg 2021: 23% of foster children under OTS (assumption for other settings)",
    )
    n_guardianship: int = field(
        9000,
        ge=0,
        le=1_000_000,
        desc="running guardianships at the start",
        source=FITTED + "; before the fit: 9_000 (CBS 2022 table 1.0.1: 9,080 running guardianships)",
    )
    n_voluntary_placed: int = field(
        14_000,
        ge=0,
        le=1_000_000,
        desc="voluntary placements at the start",
        source="derived: ~43,000 living away from home, 44% by court (NOS/Defence for Children 2020)",
    )


class OutcomeParams(Section):
    """Children's wellbeing and the true effect of placement."""

    wellbeing_recovery: float = field(
        0.03, ge=0, le=1, desc="monthly pull of wellbeing toward its threat-free level", source="assumption"
    )
    placement_benefit_young: float = field(
        0.4,
        ge=-3,
        le=3,
        desc="threat relief in good care for children under 12",
        source="Gross & Baron 2022 benefit; Goemans et al. 2015 no overall gain (assumption for size)",
    )
    placement_benefit_adolescent: float = field(
        -0.1,
        ge=-3,
        le=3,
        desc="threat relief in care for children 12+",
        source="Lindquist & Santavirta 2014; Doyle 2007 harm at the margin",
    )
    placement_disruption: float = field(
        0.5,
        ge=0,
        le=5,
        desc="wellbeing lost at each placement start or move",
        source="assumption: moves harm attachment (seed interview)",
    )
    quality_foster: float = field(0.8, ge=0, le=1, desc="care quality in foster families", source="assumption")
    quality_gezinshuis: float = field(
        0.75, ge=0, le=1, desc="care quality in family homes", source="assumption: little research (seed interview)"
    )
    quality_residential: float = field(
        0.5, ge=0, le=1, desc="care quality in residential care", source="assumption: seed interview: a tehuis may not go well"
    )


class ContradictionParams(Section):
    """Contradiction (tegenspraak): second assessors, legal aid, voice of parents and network."""

    second_assessor_share: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of Raad and GI decisions with an independent second assessor",
        source="assumption: rare in the baseline (Toekomstscenario asks for more)",
    )
    legal_aid_share: float = field(
        0.3,
        ge=0,
        le=1,
        desc="share of court cases where parents have a lawyer",
        source="assumption: free legal aid for parents facing placement only since 2023",
    )
    child_representative_share: float = field(
        0.1,
        ge=0,
        le=1,
        desc="share of court cases where the child has its own lawyer or special curator",
        source="assumption: a bijzondere curator or youth lawyer is appointed in a minority of cases",
    )
    legal_aid_anchoring_cut: float = field(
        0.5,
        ge=0,
        le=1,
        desc="fraction of the judge's anchoring removed by a lawyer",
        source="assumption: mechanism, no published effect size",
    )
    voice: float = field(
        0.1,
        ge=0,
        le=1,
        desc="weight of parents'/child's/network's voice (cuts case noise)",
        source="assumption: mechanism, no published effect size",
    )
    weigh_alternatives: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of the placement-benefit bias removed by explicit weighing",
        source="seed interview: explicit weighing corrects part of the bias (assumption)",
    )


class IncidentEvent(Section):
    """A publicised incident on a given date."""

    year: int = field(2020, ge=2000, le=2100, desc="calendar year of the incident", source="scenario input")
    kind: Literal["harm", "scandal"] = field(
        "harm", desc="'harm' (child died at home) or 'scandal' (wrongful placements)", source="scenario input"
    )


class RegelreflexParams(Section):
    """Risk-rule reflex (regelreflex): the chain's climate after publicised incidents."""

    strength: float = field(
        0.3,
        ge=0,
        le=3,
        desc="threshold shift after one publicised incident",
        source="NJi 'Weg van de regelreflex' (mechanism); assumption for size",
    )
    half_life_months: float = field(18.0, ge=1, le=240, desc="half-life of the climate shift", source="assumption")
    p_publicised: float = field(
        0.0,
        ge=0,
        le=1,
        desc="chance a harm case known to the chain is publicised",
        source="assumption: 0 in the baseline so the climate is stable",
    )
    incidents: list[IncidentEvent] = field([], desc="scheduled publicised incidents", source="scenario input")


class ShockParams(Section):
    """A financial shock to a targeted group (toeslagenaffaire-like)."""

    enabled: bool = field(False, desc="whether the shock happens", source="scenario input")
    share_households: float = field(
        0.012,
        ge=0,
        le=0.5,
        desc="share of households hit",
        source="~60,000-68,000 minor children of affected parents of 3.4 M (CBS 2022)",
    )
    risk_selectivity: float = field(
        1.5,
        ge=0,
        le=5,
        desc="log-odds of selection per risk-profile marker",
        source="CBS 2022: single parent 48% vs 14%, lowest income 44% vs 11%",
    )
    start_year: int = field(2017, ge=2000, le=2100, desc="year the shock starts", source="toeslagenaffaire ~2012-2019")
    duration_years: float = field(
        4.0, ge=0, le=30, desc="years the shock lasts", source="toeslagenaffaire ~2012-2019 (shortened)"
    )
    size: float = field(0.8, ge=0, le=5, desc="extra threat from the shock's debt and stress", source="assumption")
    compensation_year: int = field(2021, ge=2000, le=2100, desc="year compensation starts", source="compensation from 2021")
    compensation_effect: float = field(
        0.5,
        ge=0,
        le=1,
        desc="share of remaining debt resolved by compensation",
        source="IJenV 2023: financial consequences rarely the only reason (assumption)",
    )


class CostParams(Section):
    """Unit costs per route (euro)."""

    foster_per_day: float = field(
        60.0, ge=0, le=10_000, desc="foster care per child-day", source="assumption: allowance plus guidance, order of magnitude"
    )
    gezinshuis_per_day: float = field(220.0, ge=0, le=10_000, desc="family home per child-day", source="assumption")
    residential_per_day: float = field(380.0, ge=0, le=10_000, desc="residential care per child-day", source="assumption")
    home_help_per_month: float = field(
        3000.0,
        ge=0,
        le=100_000,
        desc="intensive home help per child-month (a case is one child)",
        source="assumption: ~6 h/week at ~EUR 110/h",
    )
    help_per_month: float = field(600.0, ge=0, le=100_000, desc="ordinary voluntary help per child-month", source="assumption")
    guardian_per_child_month: float = field(
        900.0,
        ge=0,
        le=100_000,
        desc="GI cost per child in a measure per month",
        source="assumption: GI tariff order of magnitude",
    )
    raad_investigation: float = field(6000.0, ge=0, le=100_000, desc="one Raad protection investigation", source="assumption")
    vt_investigation: float = field(2500.0, ge=0, le=100_000, desc="one VT investigation", source="assumption")


class Params(Section):
    """All parameters of one Ketensim run, one section per actor or lever."""

    run: RunParams = RunParams()
    population: PopulationParams = PopulationParams()
    reporting: ReportingParams = ReportingParams()
    decisions: DecisionParams = DecisionParams()
    veilig_thuis: VeiligThuisParams = VeiligThuisParams()
    local_team: LocalTeamParams = LocalTeamParams()
    raad: RaadParams = RaadParams()
    court: CourtParams = CourtParams()
    guardians: GuardianParams = GuardianParams()
    care: CareParams = CareParams()
    initial: InitialParams = InitialParams()
    outcomes: OutcomeParams = OutcomeParams()
    contradiction: ContradictionParams = ContradictionParams()
    regelreflex: RegelreflexParams = RegelreflexParams()
    shock: ShockParams = ShockParams()
    costs: CostParams = CostParams()

    @model_validator(mode="after")
    def _shock_inside_run(self) -> Params:
        shock = self.shock
        if not shock.enabled:
            return self
        first, last = self.run.start_year - self.run.warmup_years, self.run.start_year + self.run.years - 1
        if not first <= shock.start_year <= last:
            raise ValueError(f"shock.start_year {shock.start_year} is outside the simulated years {first}-{last}")
        if shock.compensation_year < shock.start_year + shock.duration_years:
            raise ValueError(
                f"shock.compensation_year {shock.compensation_year} falls before the shock ends "
                f"(start_year {shock.start_year} + duration_years {shock.duration_years})"
            )
        return self

    def with_overrides(self, overrides: dict[str, Any], *, origin: str = "<overrides>") -> Params:
        """Return a copy with nested overrides applied and validated."""
        return _validate(_merge(self.model_dump(), overrides), origin)

    def to_toml(self) -> str:
        """Render all resolved parameters as TOML (readable by :func:`load_scenario`)."""
        return dump_toml(self.model_dump(mode="json"))


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names file, key and allowed range."""


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _section_model(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Params
    for part in loc[:-1]:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return model


def _allowed(loc: tuple[Any, ...]) -> str:
    model = _section_model(loc)
    name = loc[-1]
    if model is None or name not in model.model_fields:
        if model is not None:
            return "allowed keys here: " + ", ".join(model.model_fields)
        return ""
    info = model.model_fields[name]
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
        return f"[{name}] is a table of keys: " + ", ".join(info.annotation.model_fields)
    lo, hi = bounds(info)
    kind = getattr(info.annotation, "__name__", str(info.annotation))
    rng = f" in [{lo}, {hi}]" if lo is not None or hi is not None else ""
    return f"allowed: {kind}{rng} ({info.description})"


def _validate(data: dict[str, Any], origin: str) -> Params:
    try:
        return Params.model_validate(data)
    except ValidationError as exc:
        lines = [f"{origin}: invalid scenario"]
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = ".".join(str(p) for p in loc)
            if err["type"] == "value_error":  # a rule across keys (model validator)
                where = f"[{key}] " if key else ""
                lines.append(f"  - {where}{err['msg'].removeprefix('Value error, ')}")
                continue
            if err["type"] == "extra_forbidden":
                what = f"unknown key '{key}'"
            else:
                what = f"key '{key}' = {err.get('input')!r}: {err['msg']}"
            lines.append(f"  - {what}; {_allowed(loc)}".rstrip("; "))
        raise ScenarioError("\n".join(lines)) from None


def load_scenario(path: str | Path, base: Params | None = None) -> Params:
    """Load a TOML scenario file of overrides onto the defaults (or onto ``base``).

    Raises:
        ScenarioError: unreadable file, malformed TOML, unknown key, wrong type or out of range.

    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario file ({exc.strerror})") from None
    try:
        overrides = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}") from None
    overrides.pop("meta", None)  # free-form description block, not parameters
    return (base or Params()).with_overrides(overrides, origin=str(path))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(data: dict[str, Any]) -> str:
    """Write a two-level dict (sections of scalars/lists) as TOML."""
    out: list[str] = []
    for section, values in data.items():
        if isinstance(values, dict):
            out.append(f"[{section}]")
            out.extend(f"{k} = {_toml_value(v)}" for k, v in values.items())
            out.append("")
        else:
            out.insert(0, f"{section} = {_toml_value(values)}")
    return "\n".join(out)


def bounds(info: Any) -> tuple[float | None, float | None]:
    """The (ge, le) bounds declared beside a field, None where there is none."""
    lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return lo, hi


def iter_fields(model: type[BaseModel] = Params, prefix: str = "") -> list[tuple[str, Any]]:
    """All leaf parameters as (dotted name, FieldInfo): the one list CLI help and sliders use."""
    rows: list[tuple[str, Any]] = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(iter_fields(ann, f"{prefix}{name}."))
        else:
            rows.append((f"{prefix}{name}", info))
    return rows

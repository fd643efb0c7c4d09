"""Households and children: stressors and the true threat, who reports them, and how children fare."""

from __future__ import annotations

from pydantic import model_validator

from sim.model.params.base import CALIB, Section, field


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
    threshold_band: float = field(
        0.2,
        ge=0,
        le=2,
        desc="half-width of the band over the truth thresholds in which error counts are reported",
        source="assumption: the truth thresholds are conventions of the model scale, not measured; errors are counted at threshold - band, threshold and threshold + band",
    )
    screened_out_memory_months: float = field(
        12.0,
        ge=0,
        le=120,
        desc="months after the chain screened a child out or closed its case in which harm counts as missed by the chain",
        source="assumption: a child the chain saw and let go within a year was known to it (missed among known)",
    )

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
    placement_effect_band: float = field(
        0.3,
        ge=0,
        le=3,
        desc="half-width of the band over a child's true benefit of placement in which unwarranted placements are reported",
        source="assumption: the true effect of placement is uncertain (Doyle 2007 harm at the margin; Gross & Baron 2022 benefit)",
    )

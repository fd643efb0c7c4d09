"""One section per actor of the chain: Veilig Thuis, local team, Raad, court, guardians, care."""

from __future__ import annotations

from sim.model.params.base import CALIB, FITTED, Section, field


class VeiligThuisParams(Section):
    """Veilig Thuis: triage (safety assessment) and investigation."""

    n_staff: int = field(
        1050,
        ge=1,
        le=100_000,
        desc="VT professionals on child cases at scale 1.0",
        source="derived: VT Drenthe ~60 staff (RTV Drenthe, Dagblad van het Noorden 2018) for 2.9 % of the Dutch "
        "population gives ~2,100 nationally; about half of VT reports concern children (targets.toml), so ~1,050. "
        "Before 0.3.1: 1,500 (assumption: 25 regions x ~60 FTE, which counted every region as large)",
        role="capacity",
    )
    investigations_per_staff: float = field(
        6.0,
        ge=0.1,
        le=100,
        desc="concurrent investigations per professional",
        source="assumption: a VT investigation takes ~10 weeks (the legal norm) and a professional carries a handful at "
        "once beside triage work; not published",
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
        role="capacity",
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
    home_help_learning: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of the gap to max quality closed per completed case with outcome feedback, per home-help place",
        source="Goldberg et al. 2016: experience alone does not improve outcomes; ROM reviews 2018/2023: outcome feedback does (g ~0.15); assumption for size",
    )
    home_help_feedback: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of completed intensive home help whose outcome is fed back to the team (routine outcome monitoring)",
        source="assumption: 0 = no learning culture (lerend werken) in the baseline",
        role="lever",
    )
    home_help_effect: float = field(
        1.8,
        ge=0,
        le=5,
        desc="threat reduction at quality 1",
        source=FITTED + "; to the controlled placement effect g (sim/data/responses.toml)",
    )
    home_help_lasting: float = field(
        0.6,
        ge=0,
        le=1,
        desc="chance (at quality 1) that home help ends the family's violence/conflict for good",
        source="Praktikon 2021: lasting improvement for half to two-thirds of families",
    )
    home_help_abuse_effect: float = field(
        0.3,
        ge=0,
        le=1,
        desc="share of intensive home help's effect that reaches families with domestic violence or abuse",
        source="Al et al. 2012: effective for multi-problem families, not for abuse/neglect families; assumption for size",
    )
    home_help_anchoring: float = field(
        0.2,
        ge=0,
        le=1,
        desc="weight the judgement at the end of intensive home help puts on the file (the worker saw the family for months)",
        source="assumption: intensive help gives close-up information (IAG/Families First work in the home several hours a week)",
    )
    debt_help_month: float = field(
        0.01,
        ge=0,
        le=1,
        desc="monthly chance that a family the local team or a guardian helps gets its problematic debts resolved (schuldhulpverlening)",
        source="IJenV 2023 'Het kind van de rekening': almost all families had debt help, 'meestal niet effectief'; assumption for size",
    )
    home_help_trial_share: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of voluntary home-help referrals randomised to care as usual (an in-model controlled trial; 0 outside experiments)",
        source="design of the controlled studies (Al et al. 2012; Bezeczky et al. 2020): control = usual services",
        role="setting",
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
        source="assumption: investigator FTE is not published (RvdK: ~2,500 staff in all, investigators among them); "
        "with investigations_per_staff (fitted) and 3-month investigations this gives ~14,000 investigations a year "
        "for ~13,470 protection investigations plus authority investigations. Before 0.3.0 the text said "
        "'~21,000/yr (4 concurrent)', from before investigations_per_staff was fitted",
        role="capacity",
    )
    investigations_per_staff: float = field(
        2.7,
        ge=0.1,
        le=100,
        desc="concurrent protection investigations per investigator (with n_staff: the Raad's capacity)",
        source=FITTED
        + "; sized by the Raad's waiting list (sim/data/responses.toml: ~1,000 children, RvdK 2019); investigator FTE not published (RvdK: ~2,500 staff in all)",
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
        4.05,
        ge=0,
        le=10,
        desc="perceived threat above which placement authorisation is asked",
        source=FITTED + "; target 24% of OTS requests; 4.6 before 0.3.1, when the fit had no provisional-order target",
    )
    emergency_threshold: float = field(
        3.0,
        ge=0,
        le=10,
        desc="perceived threat that triggers a provisional order",
        source=FITTED
        + "; target ~1,400 provisional orders a year (sim/data/responses.toml); 2.9 before 0.3.1, 3.1 before the first fit (assumption: acute danger)",
    )


class CourtParams(Section):
    """Juvenile judge (kinderrechter)."""

    n_judges: int = field(
        120,
        ge=1,
        le=10_000,
        desc="juvenile judges (FTE) at scale 1.0",
        source="assumption: order of magnitude for 11 district courts",
        role="capacity",
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
        1200,
        ge=1,
        le=100_000,
        desc="family guardians (FTE) at scale 1.0",
        source=FITTED
        + "; before the fit: 1080 (derived: ~29,000 measures / (16 families x 1.4 children) ~ 1,300 FTE; a little more so ~1,500 wait (IGJ 2024))",
        role="capacity",
    )
    max_caseload_children: float = field(
        22.0,
        ge=1,
        le=100,
        desc="children a guardian takes before new ones wait",
        source="Jeugdzorg NL/FNV 2022: actual 16-18 families; norm 8-9 (~12 children)",
        role="capacity",
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
        1.3,
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
        1.95,
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
        role="capacity",
    )
    gezinshuis_capacity: int = field(
        4500,
        ge=0,
        le=1_000_000,
        desc="family-home places at scale 1.0",
        source="~10% of youth in care with residence (no central register)",
        role="capacity",
    )
    residential_capacity: int = field(
        13000,
        ge=0,
        le=1_000_000,
        desc="residential places at scale 1.0",
        source=FITTED + "; before the fit: 13000 (~18,000 youths a year in residential care (definition unclear))",
        role="capacity",
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

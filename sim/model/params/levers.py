"""The policy levers and events of scenarios: contradiction, the regelreflex, a financial shock."""

from __future__ import annotations

from typing import Literal

from sim.model.params.base import FITTED, Section, field

DecisionPoint = Literal["vt", "local_team", "raad", "court", "gi"]


class ContradictionParams(Section):
    """Contradiction (tegenspraak): second assessors, legal aid, voice of parents and network, weighing alternatives."""

    second_assessor_share: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of decisions at the points in second_assessor_at with an independent second assessor",
        source="assumption: rare in the baseline (Toekomstscenario asks for more); no published effect size (sources.md)",
        role="lever",
    )
    second_assessor_at: list[DecisionPoint] = field(
        ["raad", "gi"],
        desc="decision points with a second assessor: vt (triage), local_team (voluntary placement), raad, court (a panel of judges), gi (review)",
        source="scenario input: where the Toekomstscenario's independent assessment would sit",
        role="lever",
    )
    legal_aid_share: float = field(
        0.3,
        ge=0,
        le=1,
        desc="share of court decisions (hearings, extensions of a placement) where parents have a lawyer",
        source="assumption: free legal aid for parents facing placement only since 2023",
        role="lever",
    )
    child_representative_share: float = field(
        0.1,
        ge=0,
        le=1,
        desc="share of court decisions where the child has its own lawyer or special curator",
        source="assumption: a bijzondere curator or youth lawyer is appointed in a minority of cases",
        role="lever",
    )
    legal_aid_anchoring_cut: float = field(
        0.5,
        ge=0,
        le=1,
        desc="fraction of the judge's anchoring on the Raad's judgement removed by a lawyer",
        source="assumption: mechanism, no published effect size",
    )
    legal_aid_information: float = field(
        0.3,
        ge=0,
        le=1,
        desc="share of the file's information error corrected by the facts a lawyer brings in (each lawyer)",
        source="Gerber et al. 2019 (NYC): interdisciplinary parental representation, 118 fewer days in care, no safety effect; assumption for size",
    )
    voice: float = field(
        0.1,
        ge=0,
        le=1,
        desc="weight of parents'/child's/network's voice (cuts case noise)",
        source="assumption: mechanism; the Dutch FGC trial (Dijkstra et al. 2019) found no effect on safety",
        role="lever",
    )
    weigh_alternatives: float = field(
        0.0,
        ge=0,
        le=1,
        desc="share of placement decisions in which the professional estimates the child's benefit of care against home with help",
        source="seed interview: an explicit weighing of the benefits and harms of placement (assumption for its reach)",
        role="lever",
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
    incidents: list[IncidentEvent] = field([], desc="scheduled publicised incidents", source="scenario input", role="event")


class ShockParams(Section):
    """A financial shock to a targeted group (toeslagenaffaire-like)."""

    enabled: bool = field(False, desc="whether the shock happens", source="scenario input", role="event")
    share_households: float = field(
        0.02,
        ge=0,
        le=0.5,
        desc="share of households with children hit",
        source="CBS 2022: 68,165 minor children of affected parents (Oct 2022) of 3.4 M minors (2.0%)",
        role="event",
    )
    selectivity_single_parent: float = field(
        1.73,
        ge=0,
        le=5,
        desc="log-odds of being hit for a single-parent household",
        source="derived: CBS 2022, single parent 48% of hit vs 14% of other benefit users: ln((.48/.52)/(.14/.86))",
        role="event",
    )
    selectivity_low_income: float = field(
        1.85,
        ge=0,
        le=5,
        desc="log-odds of being hit for a household in the lowest income quintile",
        source="derived: CBS 2022, lowest 20% income 44% vs 11%: ln((.44/.56)/(.11/.89))",
        role="event",
    )
    selectivity_migration: float = field(
        2.16,
        ge=0,
        le=5,
        desc="log-odds of being hit for a household with a migration background",
        source="derived: CBS 2022, parents and child born in NL 29% vs 78%: ln((.71/.29)/(.22/.78))",
        role="event",
    )
    start_year: int = field(
        2017,
        ge=2000,
        le=2100,
        desc="year the shock starts",
        source="toeslagenaffaire: families hit 2012-2018 (CBS 2022); compressed into 2017-2019 so the year before and three after are reported years",
        role="event",
    )
    duration_years: float = field(
        3.0,
        ge=0,
        le=30,
        desc="years the shock's pressure lasts",
        source="toeslagenaffaire: claims until 2019 (compressed, see start_year)",
        role="event",
    )
    stress_onset_multiplier: float = field(
        1.0,
        ge=1,
        le=10,
        desc="how much sooner other stressors start in a hit family while the shock lasts",
        source=FITTED
        + "; to CBS's matched shock study and count (sim/data/responses.toml); mechanism: IJenV 2023 'Het kind van de rekening' (almost all fell into insecurity or poverty), RVS (debt families need youth care twice as often)",
        role="event",
    )
    compensation_year: int = field(
        2021, ge=2000, le=2100, desc="year compensation starts", source="compensation from 2021", role="event"
    )
    compensation_effect: float = field(
        0.5,
        ge=0,
        le=1,
        desc="share of hit families whose imposed debts compensation settles (the rest may resolve as debts do)",
        source="assumption: average compensation EUR 40,700 per parent (2025) against claims of tens of thousands",
        role="event",
    )

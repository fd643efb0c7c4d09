"""The policy levers and events of scenarios: contradiction, the regelreflex, a financial shock."""

from __future__ import annotations

from typing import Literal

from sim.model.params.base import Section, field


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

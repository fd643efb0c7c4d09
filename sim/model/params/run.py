"""Run length, scale and seed; the stocks a run starts from."""

from __future__ import annotations

from pydantic import Field

from sim.model.params.base import FITTED, Section, field


class RunParams(Section):
    """Run length, scale and seed."""

    seed: int = field(
        20221,
        ge=0,
        le=2**63 - 1,
        desc="master seed; named streams derive from it",
        source="assumption: any fixed integer",
        role="setting",
    )
    scale: float = field(
        0.05,
        ge=0.0005,
        le=1.0,
        desc="fraction of the Dutch child population simulated",
        source="assumption: 1.0 = the Netherlands; outputs are divided by scale",
        role="setting",
    )
    start_year: int = field(
        2016,
        ge=2000,
        le=2040,
        desc="first reported calendar year",
        source="assumption: 2016-2025 covers the base year 2022",
        role="setting",
    )
    years: int = field(10, ge=1, le=50, desc="simulated years reported", source="assumption", role="setting")
    warmup_years: int = field(
        3,
        ge=0,
        le=20,
        desc="years simulated before start_year and discarded",
        source="assumption: 3 years settle the flows; the stocks keep moving after it (docs/ODD.md section 7)",
        role="setting",
    )
    start_from: str = Field(
        "beginning",
        min_length=1,
        max_length=1000,
        description=(
            'where the run starts: "beginning" (the stocks of the first warm-up year), "present" (the calibrated '
            "baseline's state in January 2023, after the last year of the Dutch figures; built on first use) or a "
            "snapshot file from `ketensim snapshot`"
        ),
        json_schema_extra={
            "source": "assumption: forward-looking scenarios start from the present, so a lever's effect is counted from today",
            "role": "setting",
        },
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
        9500,
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

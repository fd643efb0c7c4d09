"""Unit costs per route (euro)."""

from __future__ import annotations

from sim.model.params.base import Section, field


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

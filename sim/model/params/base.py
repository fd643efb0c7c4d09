"""The building blocks of the parameter object: a declared field and a strict, frozen section.

Every field declares its bounds, a one-line description and its source (a publication from
`calibration/sources.md` / `targets.toml`, or "assumption: <reason>").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["lever", "capacity", "event", "uncertainty", "setting"]
ROLES: dict[str, str] = {  # what each role means, in the EMA Workbench's vocabulary (README, 'ketensim params')
    "lever": "a policy choice (contradiction, a learning culture)",
    "capacity": "staff or places: a lever of the budget",
    "event": "what happens to the chain in a scenario (a financial shock, a publicised incident)",
    "uncertainty": "how the families and the chain behave: estimated, calibrated or assumed",
    "setting": "how the run or an in-model study is done (seed, scale, years, a trial's share)",
}


def field(
    default: Any, *, desc: str, source: str, ge: float | None = None, le: float | None = None, role: Role = "uncertainty"
) -> Any:
    """Declare a parameter with its bounds, description, source and role (:data:`ROLES`) in one place."""
    return Field(default, ge=ge, le=le, description=desc, json_schema_extra={"source": source, "role": role})


def role(info: Any) -> str:
    """The role (:data:`ROLES`) declared beside a field."""
    return (info.json_schema_extra or {}).get("role", "uncertainty")


class Section(BaseModel):
    """Base for parameter sections: frozen, strict types, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with ``update`` validated like a scenario file (pydantic's own ``model_copy`` skips validation).

        ``update`` replaces whole fields, as in pydantic (a section is replaced, not merged: use
        :meth:`Params.with_overrides` to change single keys). ``copy.replace`` comes here too.

        Raises:
            ScenarioError: an unknown key, a wrong type, a value out of range, a rule across keys broken.

        """
        if not update:
            return super().model_copy(deep=deep)  # nothing changes: the copy is as valid as the original
        from sim.model.params.scenario import validated  # scenario.py builds on this module

        name = type(self).__name__
        return validated(type(self), {**self.model_dump(), **update}, f"{name}.model_copy(update=...)", "parameters")

    def copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False, **partial: Any) -> Self:  # type: ignore[override]
        """Pydantic v1's deprecated ``copy``, validated as :meth:`model_copy`; ``include``/``exclude`` are refused."""
        if partial:
            raise TypeError(f"{type(self).__name__}.copy: {', '.join(partial)} not supported (a parameter object is whole)")
        return self.model_copy(update=update, deep=deep)


# Source strings used more than once.
CBS_2022 = "CBS 'Jeugdbescherming en jeugdreclassering 2022'"
RAAD_2022 = "NJi/RvdK Jaarbericht 2022: 13,470 investigations, 8,206 requests"
CALIB = "assumption: set by hand with the baseline in view (not among the fitted parameters, sim/experiments/calibration.py FREE)"
FITTED = (
    "calibrated to targets.toml and sim/data/responses.toml (2026-12-01, levels and responses together, on training seeds; "
    "ketensim calibrate, calibration/fitted.toml)"
)
DECISION_LIT = "Kang & Poertner 2006 (kappa 0.29), Bolton et al. 2021 (alpha 0.58); tuned to kappa ~0.3"


def bounds(info: Any) -> tuple[float | None, float | None]:
    """The (ge, le) bounds declared beside a field, None where there is none."""
    lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return lo, hi

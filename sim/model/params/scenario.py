"""The one parameter object of Ketensim, scenario files (TOML overrides) and their validation.

Scenario files hold only overrides; unknown keys, wrong types and out-of-range values are
refused by :func:`load_scenario` with a :class:`ScenarioError` naming the file, the key and
the range.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, model_validator

from sim.model.params.actors import CareParams, CourtParams, GuardianParams, LocalTeamParams, RaadParams, VeiligThuisParams
from sim.model.params.base import Section, bounds
from sim.model.params.costs import CostParams
from sim.model.params.families import OutcomeParams, PopulationParams, ReportingParams
from sim.model.params.levers import ContradictionParams, RegelreflexParams, ShockParams
from sim.model.params.professionals import DecisionParams, WorkloadParams
from sim.model.params.run import InitialParams, RunParams


class Params(Section):
    """All parameters of one Ketensim run, one section per actor or lever."""

    run: RunParams = RunParams()
    population: PopulationParams = PopulationParams()
    reporting: ReportingParams = ReportingParams()
    decisions: DecisionParams = DecisionParams()
    workload: WorkloadParams = WorkloadParams()
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

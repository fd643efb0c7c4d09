"""The sweep file: levers, uncertainties, design, replications, outcomes; strictly validated.

A sweep file is TOML. ``[sweep]`` holds the settings, ``[overrides]`` scenario-style
overrides applied to the base scenario for every run (e.g. a smaller ``run.scale``), and
``[levers]`` / ``[uncertainties]`` name parameters by their dotted names from
:class:`sim.model.params.Params` with ``range = [lo, hi]`` or ``values = [...]``. Errors are raised
as :class:`sim.model.params.ScenarioError` naming the file, the key and the allowed range.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from sim.model.params import Params, ScenarioError, bounds, iter_fields, load_scenario, rules
from sim.model.params.scenario import MAX_ERRORS, listed, read_toml, short

DESIGNS = ("full_factorial", "latin_hypercube", "sobol", "halton", "morris", "saltelli")
SAMPLED = ("latin_hypercube", "sobol", "halton", "morris", "saltelli")
# The three errors against the truth (the "Bermuda triangle"); always kept for the trade-off plot.
BERMUDA = ("unwarranted_raad_investigations_per_year", "unwarranted_placements_per_year", "missed_children_per_year")
FACTOR_KEYS = {"range", "values", "levels"}
# Parameters a sweep may not vary: the seed is the sweep's own business (common random numbers).
NOT_SWEEPABLE = {"run.seed"}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class FactorSpec(_Strict):
    """One lever or uncertainty: a range (continuous or whole numbers) or a list of values."""

    range: list[float] | None = Field(None, min_length=2, max_length=2, description="[low, high] within the parameter's bounds")
    values: list[Any] | None = Field(None, min_length=1, description="the values to try")
    levels: int | None = Field(None, ge=2, le=1000, description="full_factorial only: evenly spaced levels of a range")


class SweepSettings(_Strict):
    """The ``[sweep]`` table."""

    base: str = Field(description="base scenario file, relative to the sweep file")
    design: Literal["full_factorial", "latin_hypercube", "sobol", "halton", "morris", "saltelli"] = Field(
        description="how design points are chosen"
    )
    points: int | None = Field(
        None, ge=1, le=1_000_000, description="points (latin_hypercube/sobol/halton), trajectories (morris) or N (saltelli)"
    )
    replications: int = Field(3, ge=1, le=10_000, description="replications per point, same seeds at every point")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="seed of the design and the replication seeds")
    outcomes: list[str] = Field([], description="summary outcomes to keep (empty: all)")
    out: str | None = Field(None, description="output folder, relative to where ketensim runs")
    second_order: bool = Field(False, description="saltelli only: also second-order Sobol indices")
    morris_levels: int = Field(4, ge=2, le=100, description="morris only: grid levels (even)")


class SweepFile(_Strict):
    """The whole sweep file."""

    meta: dict[str, Any] = {}
    sweep: SweepSettings
    overrides: dict[str, Any] = {}
    levers: dict[str, FactorSpec] = {}
    uncertainties: dict[str, FactorSpec] = {}


@dataclass(frozen=True)
class Factor:
    """A validated factor: its dotted parameter name, role and the values it can take."""

    name: str
    role: str  # "lever" or "uncertainty"
    kind: str  # "float", "int" or "values"
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()
    levels: int | None = None

    def override(self, value: Any) -> dict[str, Any]:
        """The nested scenario override setting this factor to ``value``."""
        section, key = self.name.split(".", 1)
        return {section: {key: value}}


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: settings, base parameters (with overrides) and factors."""

    path: Path
    settings: SweepSettings
    base: Params
    factors: tuple[Factor, ...]
    outcomes: tuple[str, ...]

    @property
    def seed(self) -> int:
        """Seed of the design sampler and of the replication seeds."""
        return self.settings.seed if self.settings.seed is not None else self.base.run.seed

    def definition(self) -> dict[str, Any]:
        """Everything that determines the results (not the output folder): compared on resume."""
        settings = self.settings.model_dump(mode="json", exclude={"out", "base"})
        settings["seed"] = self.seed
        return {
            "settings": settings,
            "factors": [f.__dict__ | {"values": list(f.values)} for f in self.factors],
            "outcomes": list(self.outcomes),
            "base_params": self.base.model_dump(mode="json"),
        }

    def fingerprint(self) -> str:
        """A hash of :meth:`definition`."""
        return hashlib.sha256(json.dumps(self.definition(), sort_keys=True).encode()).hexdigest()[:16]

    def default_out(self) -> Path:
        """The output folder: ``[sweep] out`` or ``results/sweeps/<file stem>``."""
        return Path(self.settings.out) if self.settings.out else Path("results") / "sweeps" / self.path.stem


@functools.cache
def summary_outcomes() -> tuple[str, ...]:
    """Names of the per-run summary outcomes (``RunResult.summary`` keys).

    ``sim.model.results`` does not list them apart from computing them, so one tiny run (0.05 %
    of the children, one year, ~0.3 s) gives the authoritative list.
    """
    from sim.experiments.runs import run_once

    tiny = Params().with_overrides({"run": {"scale": 0.0005, "years": 1, "warmup_years": 0}})
    return tuple(run_once(tiny).summary)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Accept both ``"a.b" = {range=...}`` and nested ``[levers.a] b = {range=...}``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        # recurse into sections, but stop at a parameter name: its table is the factor (typos and all)
        if isinstance(value, dict) and value and not FACTOR_KEYS & set(value) and name not in _param_fields():
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _format_errors(origin: str, exc: ValidationError) -> str:
    lines = [f"{origin}: invalid sweep file"]
    errors = exc.errors()
    for err in errors[:MAX_ERRORS]:
        loc = tuple(str(p) for p in err["loc"])
        key = short(".".join(loc))
        if err["type"] == "extra_forbidden":
            lines.append(f"  - unknown key '{key}'; {_allowed_keys(loc)}")
        elif err["type"] == "missing":
            lines.append(f"  - missing key '{key}'; {_describe(loc)}")
        else:
            lines.append(f"  - key '{key}' = {short(err.get('input'), quote=True)}: {short(err['msg'], 300)}; {_describe(loc)}")
    if len(errors) > MAX_ERRORS:
        lines.append(f"  - ... and {len(errors) - MAX_ERRORS} more")
    return "\n".join(lines)


def _model_at(loc: tuple[str, ...]) -> type[BaseModel] | None:
    if not loc:
        return SweepFile
    if loc[0] == "sweep":
        return SweepSettings if len(loc) == 1 else None
    if loc[0] in ("levers", "uncertainties"):
        return FactorSpec if len(loc) == 2 else None
    return None


def _allowed_keys(loc: tuple[str, ...]) -> str:
    model = _model_at(loc[:-1])
    return "allowed keys here: " + ", ".join(model.model_fields) if model else ""


def _describe(loc: tuple[str, ...]) -> str:
    model = _model_at(loc[:-1])
    if model is None or loc[-1] not in model.model_fields:
        return _allowed_keys(loc)
    info = model.model_fields[loc[-1]]
    lo, hi = bounds(info)
    rng = f" in [{lo}, {hi}]" if lo is not None or hi is not None else ""
    if loc[-1] == "design":
        return "allowed: " + ", ".join(DESIGNS)
    return f"allowed: {info.annotation}{rng} ({info.description})".replace("typing.", "")


@functools.cache
def _param_fields() -> dict[str, Any]:
    return dict(iter_fields())


@functools.cache
def _adapter(name: str) -> TypeAdapter[Any]:
    info = _param_fields()[name]
    kind = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation  # bools carry no bounds
    return TypeAdapter(kind, config=ConfigDict(strict=True))


def _range_text(name: str) -> str:
    info = _param_fields()[name]
    lo, hi = bounds(info)
    kind = getattr(info.annotation, "__name__", str(info.annotation))
    return f"{kind} in [{lo}, {hi}]" if lo is not None or hi is not None else kind


def _factor(origin: str, role: str, name: str, spec: FactorSpec, design: str) -> Factor:
    key = short(f"{'levers' if role == 'lever' else 'uncertainties'}.{name}")
    where = f"{origin}: key '{key}'"
    if name not in _param_fields():
        sections = sorted({n.split(".")[0] for n in _param_fields()})
        raise ScenarioError(
            f"{where}: no parameter '{short(name)}'; use a dotted name from `ketensim params` (sections: {', '.join(sections)})"
        )
    info = _param_fields()[name]
    if name in NOT_SWEEPABLE or info.annotation not in (int, float, bool, str) and "Literal" not in str(info.annotation):
        raise ScenarioError(f"{where}: '{name}' cannot be swept (the seed is set by the sweep; lists are not factors)")
    if (spec.range is None) == (spec.values is None):
        raise ScenarioError(f"{where}: give exactly one of range = [low, high] or values = [...]")
    if spec.levels is not None and (design != "full_factorial" or spec.range is None):
        raise ScenarioError(f"{where}: 'levels' is only for a range in a full_factorial design")
    if spec.values is not None:
        for value in spec.values:
            try:
                _adapter(name).validate_python(value)
            except ValidationError as exc:
                msg = exc.errors()[0]["msg"]
                raise ScenarioError(f"{where}: value {short(value, quote=True)}: {msg}; allowed: {_range_text(name)}") from None
        if len({json.dumps(v) for v in spec.values}) != len(spec.values):  # after the check: no over-long numbers
            raise ScenarioError(f"{where}: values must differ from each other (got {short(spec.values)})")
        return Factor(name, role, "values", values=tuple(spec.values))
    if info.annotation not in (int, float):
        raise ScenarioError(f"{where}: a range needs a number parameter; use values = [...] (allowed: {_range_text(name)})")
    lo_bound, hi_bound = bounds(info)
    low, high = (short(x) for x in spec.range)  # type: ignore[union-attr]
    lo_num, hi_num = spec.range  # type: ignore[misc]
    if not lo_num < hi_num:
        raise ScenarioError(f"{where}: range = [{low}, {high}] must rise (low < high); allowed: {_range_text(name)}")
    if (lo_bound is not None and lo_num < lo_bound) or (hi_bound is not None and hi_num > hi_bound):
        raise ScenarioError(f"{where}: range = [{low}, {high}] lies outside the parameter's bounds; allowed: {_range_text(name)}")
    if info.annotation is int and not (float(lo_num).is_integer() and float(hi_num).is_integer()):
        raise ScenarioError(f"{where}: range = [{low}, {high}]: '{name}' is a whole number, so the ends must be too")
    kind = "int" if info.annotation is int else "float"
    levels = spec.levels if spec.levels is not None else (3 if design == "full_factorial" else None)
    return Factor(name, role, kind, low=float(lo_num), high=float(hi_num), levels=levels)


TIMELINE_FACTOR = re.compile(r"^timeline\.(\d+)\.(from|until)$")


def _timeline_factor(origin: str, role: str, name: str, spec: FactorSpec, design: str, base: Params) -> Factor:
    """A date of the base scenario's timeline as a factor: ``timeline.<entry>.from`` (or ``.until``).

    ``values = ["2023-01", "2024-07"]`` (months) or ``range = [2022, 2025]`` (whole years, each
    change then in January). Every point is validated as a scenario before anything runs.
    """
    key = short(f"{'levers' if role == 'lever' else 'uncertainties'}.{name}")
    where = f"{origin}: key '{key}'"
    match = TIMELINE_FACTOR.match(name)
    assert match is not None
    entry, part = int(match.group(1)), match.group(2)
    if entry >= len(base.timeline):
        raise ScenarioError(
            f"{where}: the base scenario has {len(base.timeline)} [[timeline]] entries; allowed: timeline.0 to "
            f"timeline.{len(base.timeline) - 1} (from or until)"
            if base.timeline
            else f"{where}: the base scenario has no [[timeline]]; allowed: a base scenario with dated values"
        )
    if part == "until" and base.timeline[entry].until is None:
        raise ScenarioError(f"{where}: timeline[{entry}] is not a ramp (no until); allowed: timeline.{entry}.from")
    if (spec.range is None) == (spec.values is None) or spec.levels is not None and spec.range is None:
        raise ScenarioError(f'{where}: give range = [first year, last year] or values = ["YYYY-MM", ...]')
    if spec.values is not None:
        if not all(isinstance(v, str) for v in spec.values) or len(set(spec.values)) != len(spec.values):
            raise ScenarioError(f'{where}: values must be different months "YYYY-MM" (got {short(spec.values)})')
        return Factor(name, role, "values", values=tuple(spec.values))
    lo, hi = spec.range  # type: ignore[misc]
    if not (float(lo).is_integer() and float(hi).is_integer() and lo < hi):
        raise ScenarioError(f"{where}: range = [{short(lo)}, {short(hi)}]: whole years, rising (the change in January of each)")
    levels = spec.levels if spec.levels is not None else (3 if design == "full_factorial" else None)
    return Factor(name, role, "int", low=float(lo), high=float(hi), levels=levels)


def _check_design(origin: str, s: SweepSettings, n_factors: int) -> None:
    if n_factors == 0:
        raise ScenarioError(f"{origin}: a sweep needs at least one factor in [levers] or [uncertainties]")
    if s.design == "full_factorial" and s.points is not None:
        raise ScenarioError(f"{origin}: key 'sweep.points' is not used by full_factorial; set 'levels' per range factor")
    if s.design in SAMPLED and s.points is None:
        raise ScenarioError(f"{origin}: missing key 'sweep.points'; design {s.design} needs it (int in [1, 1000000])")
    if s.design in ("sobol", "saltelli") and s.points is not None and s.points & (s.points - 1):
        raise ScenarioError(
            f"{origin}: key 'sweep.points' = {s.points}: the {s.design} design needs a power of 2 (e.g. 8, 16, 32, 64)"
        )
    if s.design == "morris" and (s.morris_levels % 2 or (s.points or 0) < 2):
        raise ScenarioError(f"{origin}: morris needs 'sweep.points' >= 2 trajectories and an even 'sweep.morris_levels'")
    if s.design != "saltelli" and s.second_order:
        raise ScenarioError(f"{origin}: key 'sweep.second_order' is only for the saltelli design")
    if s.design != "morris" and "morris_levels" in s.model_fields_set:
        raise ScenarioError(f"{origin}: key 'sweep.morris_levels' is only for the morris design")


def _check_outcomes(origin: str, names: list[str]) -> tuple[str, ...]:
    known = summary_outcomes()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ScenarioError(
            f"{origin}: key 'sweep.outcomes': unknown outcome(s) {short(', '.join(unknown), 300)}; allowed: {', '.join(known)}"
        )
    kept = list(names) if names else list(known)
    return tuple(kept + [b for b in BERMUDA if b not in kept])


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file.

    Raises:
        ScenarioError: unreadable or malformed file, unknown key, wrong type, a factor outside
            its parameter's bounds, an unknown outcome, or a bad base scenario.

    """
    path = Path(path)
    raw = read_toml(path, "sweep file")
    problems = rules.meta_problems(raw.get("meta"), extra=set(SweepSettings.model_fields) | set(SweepFile.model_fields))
    if problems:
        raise ScenarioError(listed(f"{short(str(path), 300)}: invalid sweep file", problems))
    for table in ("levers", "uncertainties"):
        if isinstance(raw.get(table), dict):
            raw[table] = _flatten(raw[table])
    try:
        spec = SweepFile.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_format_errors(str(path), exc)) from None
    s = spec.sweep
    both = set(spec.levers) & set(spec.uncertainties)
    if both:
        raise ScenarioError(f"{path}: {short(', '.join(sorted(both)), 300)} is both a lever and an uncertainty; choose one")
    _check_design(str(path), s, len(spec.levers) + len(spec.uncertainties))
    if "\0" in s.base:
        raise ScenarioError(f"{path}: key 'sweep.base' = {short(s.base, quote=True)}: a file name cannot hold a NUL character")
    try:
        base_path = (path.parent / s.base).resolve()
        is_file = base_path.is_file()
    except OSError as exc:  # e.g. a name too long
        raise ScenarioError(
            f"{path}: key 'sweep.base' = {short(s.base, quote=True)}: cannot use as a file name ({exc.strerror})"
        ) from None
    if not is_file:
        raise ScenarioError(
            f"{path}: key 'sweep.base' = {short(s.base, quote=True)}: no such scenario file ({short(str(base_path), 300)})"
        )
    base = load_scenario(base_path).with_overrides(spec.overrides, origin=f"{path} [overrides]")

    def factor(role: str, name: str, f: FactorSpec) -> Factor:
        if TIMELINE_FACTOR.match(name):
            return _timeline_factor(str(path), role, name, f, s.design, base)
        return _factor(str(path), role, name, f, s.design)

    factors = [factor("lever", n, f) for n, f in spec.levers.items()]
    factors += [factor("uncertainty", n, f) for n, f in spec.uncertainties.items()]
    return Sweep(path, s, base, tuple(factors), _check_outcomes(str(path), s.outcomes))

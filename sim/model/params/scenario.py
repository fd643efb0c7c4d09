"""The one parameter object of Ketensim, scenario files (TOML overrides) and their validation.

Scenario files hold only overrides; unknown keys, wrong types and out-of-range values are
refused by :func:`load_scenario` with a :class:`ScenarioError` naming the file, the key and
the range. Every TOML input (scenario files, sweep files, the presets) is read through
:func:`read_toml`, the one guarded path: a size limit, regular files only (a FIFO must not
hang), UTF-8, malformed TOML, too deep nesting and over-long numbers all become a
``ScenarioError`` whose message is bounded in length (:func:`short`).
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, model_validator

from sim.model.params import rules
from sim.model.params.actors import CareParams, CourtParams, GuardianParams, LocalTeamParams, RaadParams, VeiligThuisParams
from sim.model.params.base import Section, bounds, field
from sim.model.params.costs import CostParams
from sim.model.params.families import OutcomeParams, PopulationParams, ReportingParams
from sim.model.params.levers import ContradictionParams, RegelreflexParams, ShockParams
from sim.model.params.professionals import DecisionParams, WorkloadParams
from sim.model.params.run import InitialParams, RunParams
from sim.model.params.timeline import TimelineEntry


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
    timeline: list[TimelineEntry] = field(
        [], desc="dated parameter changes ([[timeline]] entries)", source="scenario input", role="event"
    )

    @model_validator(mode="after")
    def _rules_across_sections(self) -> Params:
        problems = rules.violations(self)  # threshold orders, the shock and the incidents inside the run
        if problems:
            raise ValueError("\n  - ".join(problems))
        return self

    def with_overrides(self, overrides: dict[str, Any], *, origin: str = "<overrides>") -> Params:
        """Return a copy with nested overrides applied and validated, as a scenario file's.

        ``overrides`` is nested like a file: ``{"run": {"scale": 0.01}, "raad": {"n_staff": 1050}}``;
        keys not named keep this object's values. ``origin`` names the input in error messages.

        Raises:
            ScenarioError: an unknown key, a wrong type, a value out of range, a rule across keys broken.

        """
        return _validate(_merge(self.model_dump(), overrides), origin)

    def to_toml(self) -> str:
        """Render all resolved parameters as TOML (readable by :func:`load_scenario`)."""
        return dump_toml(self.model_dump(mode="json", by_alias=True, exclude_none=True))


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names file, key and allowed range."""


MAX_FILE_BYTES = 1_000_000  # a scenario file is a few hundred bytes, the largest shipped file ~10 kB
MAX_DEPTH = 16  # tables and arrays inside each other; scenario files need 3 (section, incidents, incident)
MAX_TEXT = 120  # characters of a key or value quoted in a message
MAX_ERRORS = 20  # error lines in one message; the rest are counted


def short(value: Any, limit: int = MAX_TEXT, *, quote: bool = False) -> str:
    """``value`` as text for a message, cut to ``limit`` characters with an ellipsis.

    ``repr`` unless a string (strings too with ``quote``, for values); control characters escaped.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"<a whole number of {value.bit_length()} bits>"  # its repr may exceed Python's int-string limit
    try:
        text = value if isinstance(value, str) and not quote else repr(value)
    except (ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    if not text.isprintable():
        text = repr(text)[1:-1]  # NUL, newlines and other control characters escaped
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listed(header: str, problems: list[str]) -> str:
    """A message: ``header``, then one problem a line, at most :data:`MAX_ERRORS` (the rest counted)."""
    lines = [header, *(f"  - {p}" for p in problems[:MAX_ERRORS])]
    if len(problems) > MAX_ERRORS:
        lines.append(f"  - ... and {len(problems) - MAX_ERRORS} more")
    return "\n".join(lines)


def _depth_error(data: Any) -> str | None:
    """The key path where ``data`` nests deeper than :data:`MAX_DEPTH`, or None (iterative: no recursion)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            return where or "<top>"
        if isinstance(value, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k), depth + 1) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value))
    return None


def read_toml(path: str | Path, what: str = "scenario file") -> dict[str, Any]:
    """Read a TOML input file through the one guarded path.

    Refuses (with a :class:`ScenarioError` naming the file) a missing or unreadable path, a
    folder, a FIFO, socket or device (checked before opening, and opened non-blocking so
    nothing can hang), a file over :data:`MAX_FILE_BYTES`, bytes that are not UTF-8,
    malformed TOML, tables or arrays nested deeper than :data:`MAX_DEPTH` and numbers too
    long for Python's int-string limit.
    """
    name = short(str(path), 300)
    try:
        info = os.stat(path)  # before opening: a FIFO would block open() and read()
    except ValueError:  # a NUL in the name
        raise ScenarioError(f"{name}: cannot read {what} (the file name holds a NUL character)") from None
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read {what} ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(f"{name}: cannot read {what} (it is a folder; give a TOML file)")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(f"{name}: cannot read {what} (not a regular file but a FIFO, socket or device; give a TOML file)")
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioError(f"{name}: {what} too large ({info.st_size:,} bytes; allowed: at most {MAX_FILE_BYTES:,})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced between stat and open
                raise ScenarioError(f"{name}: cannot read {what} (not a regular file; give a TOML file)")
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"{name}: cannot read {what} ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(f"{name}: {what} too large (over {MAX_FILE_BYTES:,} bytes; allowed: at most {MAX_FILE_BYTES:,})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            f"{name}: {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    return parse_toml(text, name)


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """Parse TOML text already read (a file's or a dashboard box's), refusing what :func:`read_toml` refuses.

    ``name`` names the input in the message (a file, or ``dashboard box 'x'``).
    """
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"{name}: too long ({len(text):,} characters; allowed: at most {MAX_FILE_BYTES:,})")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{name}: malformed TOML: {short(str(exc), 300)}") from None
    except RecursionError:
        raise ScenarioError(
            f"{name}: malformed TOML: arrays or tables nested too deeply (allowed: at most {MAX_DEPTH} levels)"
        ) from None
    except ValueError as exc:  # an integer beyond Python's int-string limit (sys.set_int_max_str_digits)
        raise ScenarioError(
            f"{name}: malformed TOML: a number too long ({short(str(exc).split(';')[0], 200)}; "
            "allowed: the parameters' ranges, a few digits)"
        ) from None
    deep = _depth_error(raw)
    if deep is not None:
        raise ScenarioError(
            f"{name}: key '{short(deep)}': tables or arrays nested too deeply (allowed: at most {MAX_DEPTH} levels)"
        )
    return raw


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _section_model(loc: tuple[Any, ...], root: type[BaseModel]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return model


TIMELINE_FORM = 'allowed: [[timeline]] entries of from = "YYYY-MM", optionally until = "YYYY-MM", set = { "section.key" = value }'


def _allowed(loc: tuple[Any, ...], root: type[BaseModel]) -> str:
    if root is Params and loc and loc[0] == "timeline":
        return TIMELINE_FORM
    model = _section_model(loc, root)
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
    return validated(Params, data, origin)


def validated[M: BaseModel](model: type[M], data: dict[str, Any], origin: str, what: str = "scenario") -> M:
    """``data`` validated as ``model`` (all parameters or one section); a :class:`ScenarioError` naming key and range if not.

    ``what`` names the input in the message's header (``invalid scenario``).
    """
    origin = short(origin, 300)
    deep = _depth_error(data)
    if deep is not None:
        raise ScenarioError(f"{origin}: key '{short(deep)}': nested too deeply (allowed: at most {MAX_DEPTH} levels)")
    try:
        return model.model_validate(data)
    except RecursionError:
        raise ScenarioError(f"{origin}: invalid {what}: nested too deeply") from None
    except ValidationError as exc:
        lines = [f"{origin}: invalid {what}"]
        errors = exc.errors()
        for err in errors[:MAX_ERRORS]:
            loc = tuple(err["loc"])
            key = short(".".join(str(p) for p in loc))
            if err["type"] == "value_error":  # a rule across keys (model validator)
                where = f"[{key}] " if key else ""
                for rule in err["msg"].removeprefix("Value error, ").split("\n  - "):  # rules.violations, one a line
                    lines.append(f"  - {where}{short(rule, 1000)}")
                continue
            if err["type"] == "extra_forbidden":
                problem = f"unknown key '{key}'"
            else:
                problem = f"key '{key}' = {short(err.get('input'), quote=True)}: {short(err['msg'], 300)}"
            lines.append(f"  - {problem}; {short(_allowed(loc, model), 2000)}".rstrip("; "))
        if len(errors) > MAX_ERRORS:
            lines.append(f"  - ... and {len(errors) - MAX_ERRORS} more")
        raise ScenarioError("\n".join(lines)) from None


def load_scenario(path: str | Path, base: Params | None = None) -> Params:
    """Load a TOML scenario file of overrides onto the defaults (or onto ``base``).

    Raises:
        ScenarioError: unreadable file, malformed TOML, unknown key, wrong type or out of range.

    """
    overrides = read_toml(path, "scenario file")
    meta = overrides.pop("meta", None)  # free-form description block, not parameters
    problems = rules.meta_problems(meta)
    if problems:
        raise ScenarioError(listed(f"{short(str(path), 300)}: invalid scenario", problems))
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
        if model is Params and name == "timeline":
            continue  # not a parameter: dated values of the parameters (sim/model/params/timeline.py)
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(iter_fields(ann, f"{prefix}{name}."))
        else:
            rows.append((f"{prefix}{name}", info))
    return rows

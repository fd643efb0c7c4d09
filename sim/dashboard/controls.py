"""The dashboard's controls, derived from the parameter object, and its scenario export.

Controls are generated from :func:`sim.model.params.iter_fields` (bounds, description, default):
this module only says which *sections* (and, for capacities, which kind of key) count as
levers. Values are validated by :meth:`Params.with_overrides`, so the dashboard refuses
exactly what a scenario file would, with the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.locations import SCENARIOS as REPO_SCENARIOS
from sim.model.params import Params, bounds, dump_toml, iter_fields, load_scenario, parse_toml
from sim.model.params.scenario import short
from sim.model.params.timeline import datable

# The smallest scale whose baseline is within tolerance (10 %) of the 0.05 run: below it capacities
# round to a handful of staff or places and queues vanish (a bias, not only noise). Measured with
# benchmarks/bench_dashboard_scale.py, 10-year default runs, 8 seeds at 0.02 and 0.05 (the headline
# outcomes' mean vs 0.05): 0.02 within -2.4 to +1.3 % (children waiting for a guardian -7.5 %, its
# seed-to-seed sd is 25-45 %); 0.01 and 0.005 are biased (waiting for a guardian -65 % and -91 %,
# unwarranted placements -13 % and -23 %). A run takes a median 2.1 s at 0.02 (0.6 s at 0.005, 3.7 s
# at 0.05) on the shared 2-core machine at load 2-9; the page shows its own estimate.
DASHBOARD_SCALE = 0.02
DEFAULT_PRESET = "baseline"
SCENARIOS = REPO_SCENARIOS


def _capacity(key: str) -> bool:
    """Staff and places: the keys that set a capacity (why: the staff-shortage lever)."""
    return key.startswith("n_") or key.endswith("_capacity")


def _home_help(key: str) -> bool:
    return key.startswith("home_help_")


@dataclass(frozen=True)
class LeverGroup:
    """A set of controls: which sections and which keys in them."""

    key: str
    sections: tuple[str, ...]
    keep: Callable[[str], bool] = lambda key: True
    sliders: bool = True  # False: number boxes (seed, scale and years are typed, not dragged)


LEVER_GROUPS: tuple[LeverGroup, ...] = (
    LeverGroup("run", ("run",), lambda key: key in ("seed", "scale", "years"), sliders=False),
    LeverGroup("contradiction", ("contradiction",)),
    LeverGroup("home_help", ("local_team",), _home_help),
    LeverGroup("shock", ("shock",)),
    LeverGroup("regelreflex", ("regelreflex",)),
    LeverGroup("capacity", ("veilig_thuis", "local_team", "raad", "court", "guardians", "care"), _capacity),
)


@dataclass(frozen=True)
class Control:
    """One input on the page, taken from a parameter field."""

    name: str  # dotted: section.key
    description: str
    kind: str  # "slider" (bounded float, narrow range), "float", "int", "bool" or "toml" (lists)
    lo: float | None
    hi: float | None

    @property
    def range_text(self) -> str:
        """The allowed range as people read it."""
        if self.lo is None and self.hi is None:
            return ""
        return f"{self.lo:g} – {self.hi:g}"


def _kind(info: Any, sliders: bool = True) -> str:
    ann = info.annotation
    if ann is bool:
        return "bool"
    if ann is int:
        return "int"
    if ann is float:
        lo, hi = bounds(info)
        # a slider is only usable for a narrow range (shares, effects); big counts get a box
        return "slider" if sliders and lo is not None and hi is not None and hi - lo <= 10 else "float"
    return "toml"


def controls(group: LeverGroup) -> list[Control]:
    """The controls of one lever group, in the parameter object's order."""
    out = []
    for name, info in iter_fields():
        section, key = name.split(".", 1)
        if section in group.sections and group.keep(key):
            lo, hi = bounds(info)
            out.append(Control(name, info.description or "", _kind(info, group.sliders), lo, hi))
    return out


# Fields without a number or switch control (lists such as regelreflex.incidents): typed as TOML.
# (Text fields such as run.start_from are taken as they are typed.)
_TOML_FIELDS = {name for name, info in iter_fields() if _kind(info) == "toml" and info.annotation is not str}


def presets() -> dict[str, Path]:
    """Scenario files shipped in ``scenarios/`` by name (stem), baseline first."""
    files = sorted(SCENARIOS.glob("*.toml"), key=lambda p: (p.stem != DEFAULT_PRESET, p.stem))
    return {p.stem: p for p in files}


def preset_params(name: str) -> Params:
    """Parameters of a preset (the defaults if there is no such file)."""
    path = presets().get(name)
    return load_scenario(path) if path else Params()


def get(params: Params, name: str) -> Any:
    """The value of a dotted parameter name."""
    section, key = name.split(".", 1)
    return getattr(getattr(params, section), key)


def nest(edits: dict[str, Any]) -> dict[str, Any]:
    """Dotted names -> nested sections, as ``with_overrides`` takes them."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in edits.items():
        section, key = name.split(".", 1)
        out.setdefault(section, {})[key] = value
    return out


LEVERS_FROM = "levers.from"  # not a parameter: the month from which the page's dated edits apply ("" = from the start)


def resolve(preset: str, edits: dict[str, Any]) -> Params:
    """The preset with the page's edits applied.

    With :data:`LEVERS_FROM` set to a month, the edits of parameters that may be dated become
    one ``[[timeline]]`` entry from that month (after the preset's own entries); the others
    (run settings, the shock, lists) apply from the start.

    Raises:
        ScenarioError: an edit out of range or of the wrong type, or a month the run does not
            simulate (message names key and range).

    """
    edits = dict(edits)
    start = str(edits.pop(LEVERS_FROM, "") or "").strip()
    typed = {k: parse_toml_value(k, v) if k in _TOML_FIELDS and isinstance(v, str) else v for k, v in edits.items()}
    base = preset_params(preset)
    origin = f"dashboard settings (preset {preset})"
    if not start:
        return base.with_overrides(nest(typed), origin=origin)
    known = dict(iter_fields())
    dated = {k: v for k, v in typed.items() if datable(k, known.get(k)) and v != get(base, k)}
    now = base.with_overrides(nest({k: v for k, v in typed.items() if k not in dated}), origin=origin)
    if not dated:
        return now
    entries = now.model_dump(mode="json", by_alias=True, exclude_none=True)["timeline"]
    entries.append({"from": start, "set": dated})
    return now.with_overrides({"timeline": entries}, origin=f"{origin}, levers from {short(start, 20)}")


def parse_toml_value(name: str, text: str) -> Any:
    """A TOML value typed into a box (e.g. regelreflex incidents); ScenarioError if malformed."""
    return parse_toml(f"v = {text}", f"dashboard settings: key '{name}'")["v"]


def toml_text(value: Any) -> str:
    """A value as it is typed into a TOML box."""
    return dump_toml({"v": value}).strip().removeprefix("v = ")


def changed_from_defaults(params: Params) -> dict[str, dict[str, Any]]:
    """Sections and keys whose value differs from the defaults (the overrides a scenario needs)."""
    defaults, current = Params().model_dump(mode="json"), params.model_dump(mode="json")
    out: dict[str, Any] = {}
    for section, values in current.items():
        if not isinstance(values, dict):  # the timeline: dated values, kept whole (as a scenario file writes them)
            continue
        diff = {k: v for k, v in values.items() if defaults[section][k] != v}
        if diff:
            out[section] = diff
    if params.timeline:
        out["timeline"] = params.model_dump(mode="json", by_alias=True, exclude_none=True)["timeline"]
    return out


def scenario_toml(params: Params, description: str) -> str:
    """A scenario file of overrides only that ``ketensim run`` turns back into ``params``."""
    meta = {"meta": {"description": description}}
    head = "# Exported from the Ketensim dashboard: overrides of the defaults in sim/params.py.\n"
    return head + dump_toml({**meta, **changed_from_defaults(params)})

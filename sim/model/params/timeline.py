"""Dated parameter changes: the ``[[timeline]]`` of a scenario file.

A policy comes with dates (legal aid for parents from 2023, a staffing path over 2019-2024).
Each timeline entry sets parameters from a month on; with ``until`` the change is a ramp,
linear from the value in force before ``from`` to the new value reached in month ``until``::

    [[timeline]]
    from = "2023-01"
    set = { "contradiction.legal_aid_share" = 1.0 }

    [[timeline]]
    from = "2024-07"
    until = "2025-06"
    set = { "raad.n_staff" = 1200, "guardians.n_guardians" = 1100 }

Entries are validated with the rest of the parameters (``rules.violations``): a key must be
a parameter the model reads while it runs (:func:`datable`), each value is checked as if the
scenario set it (type, range, the rules across keys), dates must be months of the simulated
years, entries must be in order of ``from`` and a parameter's ramps must not overlap. The
model applies the schedule at the start of each month (``ChainModel.retune``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from sim.model.params.scenario import Params

# Sections read only when the model is built (the population and its start), or with dates of
# their own (the shock, the incidents), or describing the world rather than the chain (the true
# effects of care): dating them would silently change nothing, or mean something else.
UNDATED_SECTIONS = ("run", "initial", "population", "shock", "regelreflex", "outcomes")
# Parameters read only when the professionals are drawn (their traits stay with them).
UNDATED_KEYS = frozenset(
    {"decisions.bias_sd", "decisions.values_sd", "decisions.dialogue_skill_mean", "decisions.dialogue_skill_sd"}
)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def datable(name: str, info: Any = None) -> bool:
    """Whether parameter ``name`` (dotted; ``info`` its field) may be given dated values in a timeline.

    Numbers and yes/no values outside the undated sections and keys; not lists (the second
    assessors' points, the incidents).
    """
    if name.split(".", 1)[0] in UNDATED_SECTIONS or name in UNDATED_KEYS:
        return False
    return info is None or info.annotation in (bool, int, float)


def flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted names: ``{"raad": {"n_staff": 1}}`` -> ``{"raad.n_staff": 1}``."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat(value, f"{name}."))
        else:
            out[name] = value
    return out


class TimelineEntry(BaseModel):
    """Parameters set from month ``from`` on (reached in month ``until`` by a linear ramp, if given)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, populate_by_name=True)

    start: str = Field(alias="from", description='first month of the change, "YYYY-MM"')
    until: str | None = Field(None, description='with a ramp: the month the new values are reached, "YYYY-MM"')
    set: dict[str, bool | int | float] = Field(description="parameters and their new values (dotted names)")

    @field_validator("set", mode="before")
    @classmethod
    def _dotted(cls, value: Any) -> Any:
        # `set = { raad.n_staff = 1200 }` (TOML dotted keys) arrives nested; `{ "raad.n_staff" = 1200 }` flat
        return flat(value) if isinstance(value, dict) else value


def month_index(text: str, first_year: int) -> int | None:
    """Months since January of ``first_year`` for ``"YYYY-MM"``; None when not such a month."""
    match = MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return 12 * (int(match.group(1)) - first_year) + int(match.group(2)) - 1


def nested(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Dotted names and values (``{"raad.n_staff": 1200}``) as scenario overrides (``{"raad": {"n_staff": 1200}}``)."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        section, key = name.split(".", 1)
        out.setdefault(section, {})[key] = value
    return out


def problems(params: Params) -> list[str]:
    """Every way ``params.timeline`` is wrong, one message each naming the entry and what is allowed."""
    from sim.model.params.scenario import ScenarioError, _merge, iter_fields, short, validated

    entries = params.timeline
    if not entries:
        return []
    run = params.run
    first, last = run.start_year - run.warmup_years, run.start_year + run.years - 1
    n_months = 12 * (last - first + 1)
    known = dict(iter_fields())
    found: list[str] = []
    previous_start = -1
    busy_until: dict[str, int] = {}  # parameter -> last month of its latest change
    base = params.model_dump()
    base["timeline"] = []
    state: dict[str, Any] = {}
    for i, entry in enumerate(entries):
        where = f"timeline[{i}]"
        start = month_index(entry.start, first)
        end = start if entry.until is None else month_index(entry.until, first)
        span = f'allowed: a month "YYYY-MM" of the simulated years {first}-{last}'
        if start is None or not 0 <= start < n_months:
            found.append(f"{where}.from = {short(entry.start, quote=True)}; {span}")
            continue
        if end is None or not 0 <= end < n_months:
            found.append(f"{where}.until = {short(entry.until, quote=True)}; {span}")
            continue
        if end < start:
            found.append(f"{where}.until {entry.until} comes before from {entry.start}; allowed: until after from")
            continue
        if start < previous_start:
            found.append(f"{where}.from {entry.start} comes before the entry above it; allowed: entries in order of from")
        previous_start = max(previous_start, start)
        if not entry.set:
            found.append(f'{where}.set is empty; allowed: at least one parameter, e.g. {{ "raad.n_staff" = 1200 }}')
        for name, value in entry.set.items():
            if name not in known:
                found.append(f"{where}.set: unknown parameter '{short(name)}'; allowed: a dotted name from `ketensim params`")
            elif not datable(name, known[name]):
                found.append(
                    f"{where}.set: '{name}' cannot be dated (read only when the run starts, or dated by its own keys); "
                    f"allowed: parameters outside the sections {', '.join(UNDATED_SECTIONS)} and not {', '.join(sorted(UNDATED_KEYS))}"
                )
            elif entry.until is not None and isinstance(value, bool):
                found.append(f"{where}.set: '{name}' is yes/no and cannot ramp; allowed: a ramp for numbers only (drop until)")
            elif name in busy_until and start <= busy_until[name]:
                found.append(f"{where}.set: '{name}' changes again before its ramp above ends; allowed: one change at a time")
            else:
                busy_until[name] = end
                state[name] = value
        try:  # the values as a scenario would set them: type, range, the rules across keys
            validated(type(params), _merge(base, nested({k: v for k, v in state.items() if k in known})), where, "timeline")
        except ScenarioError as exc:
            found.extend(f"{where}.set: {line.strip().removeprefix('- ')}" for line in str(exc).splitlines()[1:])
    return found


def schedule(params: Params, first_year: int) -> dict[int, dict[str, Any]]:
    """Month index -> the parameter values that change at the start of that month.

    A step sets the value in month ``from``; a ramp moves it by equal steps from the value
    in force before (the earlier entries', else the scenario's) to the new value in month
    ``until``; whole-number parameters are rounded at each step.
    """
    current: dict[str, Any] = {}
    out: dict[int, dict[str, Any]] = {}
    for entry in params.timeline:
        start = month_index(entry.start, first_year)
        end = start if entry.until is None else month_index(entry.until, first_year)
        assert start is not None and end is not None  # validated
        for name, value in entry.set.items():
            section, key = name.split(".", 1)
            before = current.get(name, getattr(getattr(params, section), key))
            steps = end - start + 1
            for k in range(steps):
                share = (k + 1) / steps
                now = value if share == 1 or isinstance(value, bool) else before + (value - before) * share
                if isinstance(before, int) and not isinstance(before, bool):
                    now = round(now)
                out.setdefault(start + k, {})[name] = now
            current[name] = value
    return out

"""Parameters as people read them: what values a field allows, and what a scenario changes.

``ketensim params`` prints :func:`allowed`; ``ketensim run`` shows the Dutch figures only when
:func:`policy_changes` is empty (the figures describe the chain as it is, not under a lever).
"""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from sim.model.params.base import bounds, role
from sim.model.params.scenario import Params, iter_fields

# Roles whose change makes a scenario another chain than the one the Dutch figures count.
POLICY_ROLES = ("lever", "capacity", "event")


def _kind(annotation: Any) -> str:
    """A type as people read it: ``"harm" | "scandal"``, ``a list of ...``, ``float``, a table of keys."""
    origin = get_origin(annotation)
    if origin is Literal:
        return " | ".join(f'"{v}"' if isinstance(v, str) else repr(v) for v in get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        return f"a list of {_kind(item)}"
    if origin in (Union, types.UnionType):
        return " or ".join(_kind(a) for a in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "{ " + ", ".join(f"{k} = {allowed(info)}" for k, info in annotation.model_fields.items()) + " }"
    return getattr(annotation, "__name__", str(annotation))


def _bound(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)  # whole, even 2**63 - 1 (the seed's bound)
    return f"{value:g}" if float(f"{value:g}") == value else repr(value)


def allowed(info: Any) -> str:
    """What a field allows: its type with its range (``float in [0, 1]``) or its values (``"harm" | "scandal"``)."""
    lo, hi = bounds(info)
    kind = _kind(info.annotation)
    if lo is None and hi is None:
        return kind
    return f"{kind} in [{_bound(lo)}, {_bound(hi)}]"


def _value(dump: dict[str, Any], dotted: str) -> Any:
    section, key = dotted.split(".", 1)
    return dump[section][key]


def policy_changes(params: Params) -> list[str]:
    """Dotted names of the levers, capacities and events that ``params`` sets away from their defaults.

    Any dated value counts (``raad.n_staff from 2023-01``): the chain no longer stays as it is.
    """
    now, default = params.model_dump(), Params().model_dump()
    changed = [name for name, info in iter_fields() if role(info) in POLICY_ROLES and _value(now, name) != _value(default, name)]
    return changed + [f"{name} from {entry.start}" for entry in params.timeline for name in entry.set]

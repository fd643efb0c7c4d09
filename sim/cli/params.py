"""``ketensim params [SECTION|KEY] [--role ROLE]``: the parameters with default, allowed values, role, description and source."""

from __future__ import annotations

import argparse
import difflib

from pydantic.fields import FieldInfo

from sim.model.params import ROLES, Params, ScenarioError, allowed, iter_fields, role
from sim.model.params.timeline import datable


def selected(which: str | None, only_role: str | None) -> list[tuple[str, FieldInfo]]:
    """The fields ``ketensim params`` shows: all, one section, or one dotted key; of one role if given.

    Raises:
        ScenarioError: ``which`` is neither a section nor a key (the message lists the sections and near names).

    """
    fields = iter_fields()
    if which is not None:
        sections = list(Params.model_fields)
        keep = [(n, i) for n, i in fields if n == which or n.split(".", 1)[0] == which]
        if not keep:
            near = difflib.get_close_matches(which, sections + [n for n, _ in fields], n=3)
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            raise ScenarioError(
                f"params {which}: no such section or key{hint}; allowed: a section ({', '.join(sections)}) "
                "or a dotted key such as raad.n_staff"
            )
        fields = keep
    return [(n, i) for n, i in fields if only_role is None or role(i) == only_role]


def cmd_params(args: argparse.Namespace) -> int:
    """List parameters with default, allowed values, role (lever, capacity, ...), description and source."""
    defaults = Params().model_dump()
    rows = selected(args.which, args.role)
    print("roles:\n" + "\n".join(f"  {name:12s} {meaning}" for name, meaning in ROLES.items()))
    print(
        "  dated        (after the role) may be given dated values in a scenario's [[timeline]] (README, 'Policies on a calendar')\n"
    )
    for name, info in rows:
        section, key = name.split(".", 1)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        print(
            f"{name} = {defaults[section][key]!r}  [{role(info)}]{'  dated' if datable(name, info) else ''}\n"
            f"    {info.description}\n"
            f"    allowed: {allowed(info)}\n"
            f"    source: {extra.get('source', '')}"
        )
    if not rows:
        print(f"(no {args.role} parameter in {args.which})")
    return 0

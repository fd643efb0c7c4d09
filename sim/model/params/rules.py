"""Rules across fields: what each section's bounds cannot say on their own.

:func:`violations` is called by ``Params``'s validator, so every way of making parameters
(a scenario file, a sweep's design point, ``Params(...)`` or ``with_overrides`` from Python)
meets the same rules; :func:`meta_problems` checks the free-text ``[meta]`` table of a file.
A rule within one section that the section states itself (the truth thresholds of
``population``) stays there.

Threshold orders: each pair below holds at the defaults and across the calibration's search
ranges (``sim/experiments/calibration.py`` FREE), and is the order the chain's steps take: a
lighter step never needs a higher bar than a heavier one at the same actor. Equal is allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.params.scenario import Params

# (section, lower key, higher key, why the order is obvious)
THRESHOLD_ORDER: tuple[tuple[str, str, str, str], ...] = (
    (
        "veilig_thuis",
        "help_threshold",
        "investigate_threshold",
        "VT hands to voluntary help at a lower threat than it investigates",
    ),
    (
        "veilig_thuis",
        "help_threshold",
        "raad_threshold",
        "VT hands to voluntary help at a lower threat than it refers to the Raad",
    ),
    (
        "local_team",
        "home_help_threshold",
        "voluntary_placement_threshold",
        "intensive home help is offered at a lower threat than a voluntary placement is proposed",
    ),
    ("raad", "request_threshold", "placement_request_threshold", "a placement authorisation is asked on top of a measure"),
    ("raad", "request_threshold", "emergency_threshold", "a provisional order is for acute danger, beyond a request"),
    ("court", "grant_threshold", "placement_grant_threshold", "a placement authorisation is granted on top of an OTS"),
    ("court", "grant_threshold", "guardianship_grant_threshold", "ending parental authority weighs more than an OTS"),
    ("guardians", "end_threshold", "guardianship_threshold", "an OTS ends below a threat under which authority is never ended"),
)
INCIDENT_KEYS = ("year", "kind")


def _years(params: Params) -> tuple[int, int]:
    """The first and last simulated calendar years (warm-up included)."""
    run = params.run
    return run.start_year - run.warmup_years, run.start_year + run.years - 1


def violations(params: Params) -> list[str]:
    """Every cross-field rule ``params`` breaks, one message each naming the keys (empty: none)."""
    problems: list[str] = []
    for section, low, high, why in THRESHOLD_ORDER:
        values = getattr(params, section)
        lo, hi = getattr(values, low), getattr(values, high)
        if lo > hi:
            problems.append(f"{section}.{low} {lo} exceeds {section}.{high} {hi}; allowed: {low} <= {high} ({why})")
    first, last = _years(params)
    shock = params.shock
    if shock.enabled:
        if not first <= shock.start_year <= last:
            problems.append(f"shock.start_year {shock.start_year} is outside the simulated years {first}-{last}")
        if shock.compensation_year < shock.start_year + shock.duration_years:
            problems.append(
                f"shock.compensation_year {shock.compensation_year} falls before the shock ends "
                f"(start_year {shock.start_year} + duration_years {shock.duration_years})"
            )
    for i, incident in enumerate(params.regelreflex.incidents):
        missing = [k for k in INCIDENT_KEYS if k not in incident.model_fields_set]
        if missing:
            problems.append(
                f"regelreflex.incidents[{i}] lacks {' and '.join(missing)}; "
                'allowed: { year = <a simulated year>, kind = "harm" or "scandal" }'
            )
        elif not first <= incident.year <= last:
            problems.append(f"regelreflex.incidents[{i}].year {incident.year} is outside the simulated years {first}-{last}")
    if not problems:  # dated values are checked against parameters that hold on their own
        from sim.model.params import timeline

        problems.extend(timeline.problems(params))
    return problems


def parameter_names() -> set[str]:
    """Section names, dotted parameter names and their last parts: what a ``[meta]`` key may not be."""
    from sim.model.params.scenario import Params, iter_fields

    names = set(Params.model_fields)
    for dotted, _ in iter_fields():
        names.add(dotted)
        names.add(dotted.split(".", 1)[1])
    return names


def meta_problems(meta: Any, extra: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Keys of a ``[meta]`` table that are parameter names (or in ``extra``): a setting put in the wrong table."""
    if not isinstance(meta, dict):
        return []
    taken = parameter_names() | set(extra)
    return [
        f"key 'meta.{key}' is a parameter name, but [meta] is free text and ignored; "
        "allowed: put it in its own table (see `ketensim params`), or rename it"
        for key in meta
        if key in taken
    ]

"""Ketensim as an EMA Workbench model, so ``perform_experiments`` and EMA's optimisers drive it.

Uncertainties and levers are parameters of :class:`~sim.model.params.Params` by dotted name;
their EMA parameter (real, integer, boolean, categorical) and default range come from the
field's type and declared bounds, so nothing is listed twice. EMA 3 wants Python identifiers
as names, so in EMA's tables a parameter is ``section__field`` (``raad__n_staff``), as in
``ChainModel(params, raad__n_staff=...)``. Outcomes are run-summary keys
(``RunResult.summary``), each the mean over the replications. Every experiment runs with the
same replication seeds (common random numbers, as ``replicate`` and sweeps), spawned from the
base scenario's ``run.seed`` (``model.replications`` lists them), so an outcome's differences
between policies are the levers' effect, not luck. ema-workbench is an optional extra:
``pip install -e ".[ema]"``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, get_args, get_origin

import numpy as np
from ema_workbench import (
    BooleanParameter,
    CategoricalParameter,
    IntegerParameter,
    RealParameter,
    ReplicatorModel,
    ScalarOutcome,
)

from sim.experiments.runs import run_once, scenario_seeds
from sim.experiments.sweeps.spec import summary_outcomes
from sim.model.params import Params, ScenarioError, bounds, iter_fields

# A factor: a dotted name alone (its declared bounds), with (low, high), or with a list of values.
Factors = Iterable[str] | Mapping[str, tuple[float, float] | Sequence[Any] | None]


def ema_name(dotted: str) -> str:
    """A parameter's name in EMA (a Python identifier): ``raad.n_staff`` -> ``raad__n_staff``."""
    return dotted.replace(".", "__", 1)


def _parameter(name: str, spec: Any, origin: str) -> Any:
    """The EMA parameter for one field (named :func:`ema_name`), its range checked against the field's bounds."""
    fields = dict(iter_fields())
    if name not in fields:
        raise ScenarioError(f"{origin}: '{name}' is not a parameter (ketensim params lists them)")
    if name.startswith("run."):
        raise ScenarioError(f"{origin}: '{name}' is a run setting: set it in base (seeds come from the replications)")
    info = fields[name]
    kind, (lo, hi) = info.annotation, bounds(info)
    if isinstance(spec, list):  # explicit values: validated by the first run of each
        return CategoricalParameter(ema_name(name), spec)
    if kind is bool:
        return BooleanParameter(ema_name(name))
    if get_origin(kind) is Literal:
        return CategoricalParameter(ema_name(name), list(get_args(kind)))
    if kind not in (int, float):
        raise ScenarioError(f"{origin}: '{name}' is a {kind}; give it a list of values to choose from")
    low, high = spec if spec is not None else (lo, hi)
    if low is None or high is None or (lo is not None and low < lo) or (hi is not None and high > hi) or low >= high:
        raise ScenarioError(f"{origin}: '{name}' range [{low}, {high}]: allowed: low < high within [{lo}, {hi}]")
    if kind is int:
        return IntegerParameter(ema_name(name), int(low), int(high))
    return RealParameter(ema_name(name), float(low), float(high))


def _specs(factors: Factors) -> dict[str, Any]:
    return dict(factors) if isinstance(factors, Mapping) else dict.fromkeys(factors)


def run_experiment(base: Params, outcomes: Sequence[str], seed: int, **values: Any) -> dict[str, float]:
    """One replication of one EMA experiment: ``base`` with ``values`` (by :func:`ema_name`) and ``seed``."""
    fields = dict(iter_fields())
    overrides: dict[str, dict[str, Any]] = {"run": {"seed": int(seed)}}
    for name, value in values.items():
        section, key = name.split("__", 1)
        kind = fields[f"{section}.{key}"].annotation
        # EMA samples numpy scalars; the parameter object is strict about int, float and bool
        plain = value.item() if isinstance(value, np.generic) else value
        overrides.setdefault(section, {})[key] = kind(plain) if kind in (int, float, bool) else plain
    summary = run_once(base.with_overrides(overrides, origin="EMA experiment")).summary
    return {name: float(summary[name]) for name in outcomes}


def ketensim_model(
    uncertainties: Factors,
    levers: Factors = (),
    *,
    outcomes: Sequence[str] = (),
    base: Params | None = None,
    replications: int = 1,
    minimize: Sequence[str] = (),
    maximize: Sequence[str] = (),
    name: str = "ketensim",
) -> ReplicatorModel:
    """An EMA ``ReplicatorModel`` running Ketensim.

    Args:
        uncertainties: dotted parameter names (``"decisions.placement_benefit_bias"``), or a mapping
            of names to ``(low, high)`` (within the field's bounds; ``None``: the bounds) or to a
            list of values.
        levers: the same, for EMA's policies (levers and capacities, e.g.
            ``{"contradiction.second_assessor_share": (0, 1)}``).
        outcomes: run-summary keys, each reported as its mean over replications (empty: all).
        base: the scenario the factors change (its scale, years and seed apply to every experiment).
        replications: seeds per experiment, the same for every experiment, spawned from ``base.run.seed``.
        minimize: outcomes EMA's optimisers should minimise (``ScalarOutcome.MINIMIZE``).
        maximize: outcomes they should maximise.
        name: the model's name in EMA's results (a Python identifier).

    Raises:
        ScenarioError: an unknown parameter or outcome, a run setting as a factor, a range outside the bounds.

    """
    base = base or Params()
    origin = "ketensim_model(...)"
    known = summary_outcomes()
    names = list(outcomes) or list(known)
    unknown = [n for n in [*names, *minimize, *maximize] if n not in known]
    if unknown:
        raise ScenarioError(f"{origin}: unknown outcome(s) {', '.join(unknown)}; allowed: {', '.join(known)}")
    names += [n for n in [*minimize, *maximize] if n not in names]
    model = ReplicatorModel(name, function=functools.partial(run_experiment, base, tuple(names)))
    model.uncertainties = [_parameter(n, s, origin) for n, s in _specs(uncertainties).items()]
    model.levers = [_parameter(n, s, origin) for n, s in _specs(levers).items()]
    kinds = {**dict.fromkeys(minimize, ScalarOutcome.MINIMIZE), **dict.fromkeys(maximize, ScalarOutcome.MAXIMIZE)}
    model.outcomes = [ScalarOutcome(n, kind=kinds.get(n, ScalarOutcome.INFO), function=np.mean) for n in names]
    model.replications = [{"seed": seed} for seed in scenario_seeds(base, replications)]
    return model

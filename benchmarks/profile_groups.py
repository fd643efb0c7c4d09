"""Where a run's time goes, grouped: per-case Python, event machinery, numpy, random draws, statistics.

Profiles one run (``cProfile``, which slows Python calls more than numpy calls, so read the
shares, not the seconds) and sums each function's own time into a group by where it lives:

* ``random draws``: methods of numpy's ``Generator`` (``random``, ``normal``, ``binomial``, ...).
  They are compiled with Cython, whose functions cProfile does not see (their time would count
  to the caller), so for the profile every stream is a :class:`ProfiledGenerator`: the same
  bit generator and the same draws, each drawing method behind a thin Python wrapper;
* ``numpy``: every other numpy function or array method, and numpy's Python code;
* ``event machinery``: the pending ends (sim/model/events.py), a case's ``due``/``_fire``/
  ``cancel_event``, Mesa's event list and ``schedule_event``, ``heapq``;
* ``agents (Mesa)``: Mesa's agent register/remove, agent sets and observable properties;
* ``statistics``: the ledger's monthly counts, ``collect`` and pandas;
* ``population (Python)``: the Python around the whole-population arrays (population.py,
  harm.py, truth.py, shock.py, climate.py);
* ``per-case Python``: the actors, cases, queues, staff, judgement, routing, decisions;
* ``other``: the rest (builtins such as ``len``/``max``, dict and set methods, ...).

Usage::

    .venv/bin/python benchmarks/profile_groups.py --scale 0.2 [--json benchmarks/out/profile.json]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from pathlib import Path

import numpy as np

from sim.experiments.runs import gc_paused
from sim.model.chain import ChainModel
from sim.model.params import Params
from sim.model.results import collect

EVENT_FUNCS = {"due", "_fire", "cancel_event", "schedule_event", "_arm", "_restored"}
STATISTICS_FILES = ("sim/model/ledger.py", "sim/model/results.py", "sim/experiments/stats.py")
POPULATION_FILES = ("population.py", "harm.py", "truth.py", "shock.py", "climate.py", "equity.py")


DRAWS = (
    "random", "normal", "uniform", "binomial", "poisson", "integers", "choice", "exponential",
    "permutation", "shuffle", "beta", "gamma", "lognormal", "geometric", "multinomial", "standard_normal",
)  # fmt: skip


class ProfiledGenerator(np.random.Generator):
    """numpy's Generator with its drawing methods as Python functions, so cProfile sees them."""


def _wrapped(name: str) -> object:
    method = getattr(np.random.Generator, name)

    def draw(self: np.random.Generator, *args: object, **kwargs: object) -> object:
        return method(self, *args, **kwargs)

    return draw


for _name in DRAWS:
    setattr(ProfiledGenerator, _name, _wrapped(_name))


def profiled_default_rng(seed: object = None) -> np.random.Generator:
    """``np.random.default_rng`` giving a :class:`ProfiledGenerator` (same bit generator, same draws)."""
    return ProfiledGenerator(np.random.PCG64(seed))


def group(filename: str, name: str) -> str:
    """The group of one profiled function (file and function name as pstats gives them)."""
    where = filename.replace("\\", "/")
    if where == "~":  # a C function: pstats names it "{built-in method ...}" or "{method 'x' of 'T' objects}"
        if "numpy.random" in name or "Generator" in name:
            return "random draws"
        if "heapq" in name:
            return "event machinery"
        if "numpy" in name:
            return "numpy"
        return "other"
    if name == "draw" and where.endswith("profile_groups.py"):
        return "random draws"
    if "/numpy/" in where:
        return "numpy"
    if "/pandas/" in where or "/pyarrow/" in where or any(where.endswith(f) for f in STATISTICS_FILES):
        return "statistics"
    if "/mesa/time/" in where or where.endswith("sim/model/events.py"):
        return "event machinery"
    if "/mesa/" in where:
        return "event machinery" if name in EVENT_FUNCS else "agents (Mesa)"
    if where.endswith("sim/model/cases.py") and name in EVENT_FUNCS:
        return "event machinery"
    if any(where.endswith("sim/model/" + f) for f in POPULATION_FILES):
        return "population (Python)"
    if "/sim/" in where:
        return "per-case Python"
    return "other"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.2, help="fraction of the population (default 0.2)")
    ap.add_argument("--years", type=int, default=10, help="reported years (default 10)")
    ap.add_argument("--json", type=Path, help="write the groups to this JSON file")
    args = ap.parse_args(argv)
    params = Params().with_overrides({"run": {"scale": args.scale, "years": args.years}})
    np.random.default_rng = profiled_default_rng  # the streams (sim/model/rng.py) call it at run time
    profile = cProfile.Profile()
    start = time.perf_counter()
    with gc_paused():
        profile.enable()
        model = ChainModel(params)
        while model.running:
            model.step()
        collect(model)
        profile.disable()
    wall = time.perf_counter() - start
    totals: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, _) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        key = group(filename, name)
        totals[key] = totals.get(key, 0.0) + own
    whole = sum(totals.values())
    print(f"scale {args.scale}, {args.years} years: {wall:.1f} s wall under the profiler, {whole:.1f} s profiled")
    for key, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {key:22s} {seconds:6.2f} s  {seconds / whole:6.1%}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        shares = {k: v / whole for k, v in totals.items()}
        args.json.write_text(json.dumps({"scale": args.scale, "seconds": totals, "shares": shares}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

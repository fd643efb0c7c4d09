"""Regression baselines on disk: ``ketensim baseline update | check``.

``scenarios/regression/*.toml`` are small fixed-seed scenarios; ``baselines/<name>.json``
beside them hold, per scenario, every number of one run with the scenario's seed (the exact
check), the mean and standard error per key over stored replications (the statistical
check), and the resolved parameters they were made with, so a failing check can say which
parameters changed. ``update`` rewrites them deliberately and writes ``CHANGES.md`` (what
moved, by how much, and which parameters changed) for the reviewer, plus the resolved
defaults per package version in ``params/<version>.toml``. Comparisons live in
:mod:`sim.experiments.regression.compare`.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.experiments.regression import DEFAULT_DIR, M_STORED
from sim.experiments.regression.compare import (
    K_SE,
    N_CHECK,
    RTOL,
    Value,
    describe,
    drift_table,
    drifts,
    exact_changes,
    exact_table,
    flatten_exact,
    flatten_means,
    marker_counts,
)
from sim.experiments.runs import run_once
from sim.model.params import Params, ScenarioError, load_scenario
from sim.model.params.scenario import read_toml
from sim.model.rng import replication_seeds

SHOWN_ROWS = 40  # rows of a failure table; `ketensim baseline check --all` prints every row
LEGEND = ". < 1 %   * < 5 %   ** < 20 %   *** >= 20 % (or from/to zero, NaN or a missing key)"


@dataclass(frozen=True)
class Scenario:
    """One regression scenario file and its resolved parameters."""

    name: str
    path: Path
    params: Params

    @property
    def baseline_path(self) -> Path:
        """Where its baseline is stored."""
        return self.path.parent / "baselines" / f"{self.name}.json"


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check of one scenario."""

    scenario: str
    check: str  # "exact" or "statistical"
    ok: bool
    text: str


def find(directory: Path = DEFAULT_DIR, names: Sequence[str] = ()) -> list[Scenario]:
    """The regression scenarios in ``directory`` (all, or those named by stem or path).

    Raises:
        ScenarioError: no such folder, an unknown name, or a bad scenario file.

    """
    available = {p.stem: p for p in sorted(Path(directory).glob("*.toml"))}
    if not available:
        raise ScenarioError(f"{directory}: no regression scenarios (*.toml) found")
    unknown = [n for n in names if Path(n).stem not in available]
    if unknown:
        raise ScenarioError(
            f"{', '.join(unknown)}: not a regression scenario in {directory}; choose from: {', '.join(available)}"
        )
    chosen = [available[Path(n).stem] for n in dict.fromkeys(names)] if names else list(available.values())
    return [Scenario(p.stem, p, load_scenario(p)) for p in chosen]


def check_master_seed(seed: int) -> int:
    """The master seed of the check's replications: not the stored ones' (``seed``) nor spawned from it."""
    state = np.random.SeedSequence([seed, zlib.crc32(b"ketensim regression check")]).generate_state(1, dtype=np.uint64)
    return int(state[0] >> 1)


def _run(params: Params, seed: int, exact: bool) -> dict[str, Value]:
    """One run flattened (a top-level function so worker processes can call it)."""
    result = run_once(params.with_overrides({"run": {"seed": seed}}))
    return flatten_exact(result) if exact else flatten_means(result)


def run_all(tasks: list[tuple[Params, int, bool]], jobs: int = 1) -> list[dict[str, Value]]:
    """Run ``(params, seed, exact)`` tasks, in worker processes when ``jobs`` > 1; results in task order.

    Each run depends only on its parameters and seed, so the results are the same for any
    number of workers. Workers are spawned, not forked (forking a process with threads is unsafe).
    """
    if jobs <= 1 or len(tasks) <= 1:
        return [_run(*task) for task in tasks]
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=get_context("spawn")) as pool:
        params, seeds, exact = zip(*tasks, strict=True)
        return list(pool.map(_run, params, seeds, exact, chunksize=2))


def flat_params(params: Params) -> dict[str, Any]:
    """Resolved parameters as ``section.key`` -> value (and ``timeline`` -> its entries, when there are any)."""
    dump = params.model_dump(mode="json", by_alias=True, exclude_none=True)
    timeline = dump.pop("timeline")
    flat = {f"{s}.{k}": v for s, values in dump.items() for k, v in values.items()}
    return flat | ({"timeline": timeline} if timeline else {})


# --- reading and writing --------------------------------------------------------------------
def load_baseline(scenario: Scenario) -> dict[str, Any]:
    """The stored baseline of a scenario.

    Raises:
        ScenarioError: missing, unreadable or not a baseline (names the file and the fix).

    """
    path = scenario.baseline_path
    fix = f"write it with `ketensim baseline update {scenario.name}`"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no baseline for regression scenario '{scenario.name}'; {fix}") from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"{path}: cannot read baseline ({exc}); {fix}") from None
    missing = [k for k in ("exact", "statistical", "params") if not isinstance(doc, dict) or k not in doc]
    if missing:
        raise ScenarioError(f"{path}: not a regression baseline (missing key(s) {', '.join(missing)}); {fix}")
    return doc


def _write_text(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, then an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _json(doc: Any, depth: int = 0) -> str:
    """Indented JSON with one line per key and short records (``{"mean", "se", "n"}``, seed lists) kept on one line.

    Meant for diffs a reviewer reads: one changed number is one changed line. NaN is stored as null.
    """
    flat = (str, int, float, bool, type(None))
    short = isinstance(doc, list) and all(isinstance(v, flat) for v in doc)
    short |= isinstance(doc, dict) and len(doc) <= 4 and all(isinstance(v, flat) for v in doc.values())
    if short or not isinstance(doc, (dict, list)):
        return json.dumps(doc, allow_nan=False, separators=(", ", ": "))
    pad = " " * (depth + 1)
    if isinstance(doc, list):
        items = [pad + _json(v, depth + 1) for v in doc]
        return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"
    items = [f"{pad}{json.dumps(k)}: {_json(v, depth + 1)}" for k, v in doc.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"


# --- checks -----------------------------------------------------------------------------------
def _params_moved(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """``key: old -> new`` for each resolved parameter that differs."""
    keys = sorted(set(old) | set(new))
    return [f"{k}: {old.get(k, '(none)')!r} -> {new.get(k, '(none)')!r}" for k in keys if old.get(k) != new.get(k)]


def _params_note(scenario: Scenario, doc: dict[str, Any]) -> str:
    moved = _params_moved(doc["params"], flat_params(scenario.params))
    if not moved:
        return "Parameters: the same as when the baseline was made, so the model's code changed its behaviour."
    return f"Parameters changed since the baseline ({len(moved)}):\n" + "\n".join(f"  {m}" for m in moved)


def exact_verdict(scenario: Scenario, doc: dict[str, Any], new: dict[str, Value], limit: int | None = SHOWN_ROWS) -> Verdict:
    """Compare one fixed-seed run with the stored values."""
    changes = exact_changes(doc["exact"]["values"], new)
    if not changes:
        return Verdict(scenario.name, "exact", True, f"{scenario.name}: exact check passed ({len(new)} keys)")
    text = "\n".join(
        [
            f"{scenario.name}: exact check FAILED: {len(changes)} of {len(new)} keys differ from {scenario.baseline_path} "
            f"(seed {scenario.params.run.seed}, relative tolerance {RTOL:g})",
            f"sizes: {marker_counts(changes)}   [{LEGEND}]",
            _params_note(scenario, doc),
            "One changed draw or decision reshuffles the rest of a single-seed run, so many keys move together; "
            "whether behaviour moved on average is the statistical check's verdict (and CHANGES.md's after an update).",
            "",
            exact_table(changes, limit),
            "",
            f"If the change is intended: `ketensim baseline update {scenario.name}`, review CHANGES.md and commit both.",
        ]
    )
    return Verdict(scenario.name, "exact", False, text)


def statistical_verdict(
    scenario: Scenario, doc: dict[str, Any], runs: list[dict[str, Value]], k: float = K_SE, limit: int | None = SHOWN_ROWS
) -> Verdict:
    """Compare the means of the check's replications with the stored means."""
    stored = doc["statistical"]
    rows = drifts(stored["values"], describe(runs), k)
    failed = [d for d in rows if d.failed]
    what = f"{len(runs)} replications vs {stored['replications']} stored, k = {k:g} standard errors"
    if not failed:
        return Verdict(
            scenario.name, "statistical", True, f"{scenario.name}: statistical check passed ({len(rows)} keys, {what})"
        )
    text = "\n".join(
        [
            f"{scenario.name}: statistical check FAILED: {len(failed)} of {len(rows)} key means moved beyond "
            f"k standard errors ({what}; {scenario.baseline_path})",
            _params_note(scenario, doc),
            "",
            drift_table(failed, limit),
            "",
            f"If the change is intended: `ketensim baseline update {scenario.name}`, review CHANGES.md and commit both.",
        ]
    )
    return Verdict(scenario.name, "statistical", False, text)


def check(
    scenarios: Sequence[Scenario],
    *,
    jobs: int = 1,
    exact: bool = True,
    statistical: bool = True,
    n: int = N_CHECK,
    limit: int | None = SHOWN_ROWS,
) -> list[Verdict]:
    """Run the checks of the given scenarios against their stored baselines.

    Raises:
        ScenarioError: a baseline is missing or unreadable.

    """
    docs = {s.name: load_baseline(s) for s in scenarios}  # refuse bad files before running anything
    plan: list[tuple[Scenario, str]] = []
    tasks: list[tuple[Params, int, bool]] = []
    for s in scenarios:
        if exact:
            plan.append((s, "exact"))
            tasks.append((s.params, s.params.run.seed, True))
        if statistical:
            seeds = replication_seeds(check_master_seed(s.params.run.seed), n)
            plan.extend((s, "statistical") for _ in seeds)
            tasks.extend((s.params, seed, False) for seed in seeds)
    results = run_all(tasks, jobs)
    verdicts: list[Verdict] = []
    for s in scenarios:
        mine = [r for (owner, kind), r in zip(plan, results, strict=True) if owner is s and kind == "exact"]
        if mine:
            verdicts.append(exact_verdict(s, docs[s.name], mine[0], limit))
        runs = [r for (owner, kind), r in zip(plan, results, strict=True) if owner is s and kind == "statistical"]
        if runs:
            verdicts.append(statistical_verdict(s, docs[s.name], runs, limit=limit))
    return verdicts


# --- update -----------------------------------------------------------------------------------
def compute(scenarios: Sequence[Scenario], *, reps: int = M_STORED, jobs: int = 1) -> dict[str, dict[str, Any]]:
    """New baseline documents: one fixed-seed run and ``reps`` replications per scenario."""
    tasks: list[tuple[Params, int, bool]] = []
    seeds = {s.name: replication_seeds(s.params.run.seed, reps) for s in scenarios}
    for s in scenarios:
        tasks.append((s.params, s.params.run.seed, True))
        tasks.extend((s.params, seed, False) for seed in seeds[s.name])
    results = iter(run_all(tasks, jobs))
    docs: dict[str, dict[str, Any]] = {}
    for s in scenarios:
        exact_values = next(results)
        runs = [next(results) for _ in range(reps)]
        docs[s.name] = {
            "scenario": s.name,
            "note": "written by `ketensim baseline update`; do not edit by hand (see README, Regression checks)",
            "ketensim_version": __version__,
            "exact": {"seed": s.params.run.seed, "rtol": RTOL, "values": exact_values},
            "statistical": {
                "master_seed": s.params.run.seed,
                "replications": reps,
                "seeds": seeds[s.name],
                "check_master_seed": check_master_seed(s.params.run.seed),
                "values": describe(runs),
            },
            "params": flat_params(s.params),
        }
    return docs


def _defaults_note(directory: Path) -> str:
    """How today's defaults differ from the last stored ``params/<version>.toml``."""
    stored = sorted((directory / "params").glob("*.toml"), key=lambda p: _version_key(p.stem))
    if not stored:
        return "Default parameters: none stored before."
    previous = (
        stored[-1]
        if not (directory / "params" / f"{__version__}.toml").exists()
        else directory / "params" / f"{__version__}.toml"
    )
    try:
        old = flat_params(load_scenario(previous))
    except ScenarioError as exc:
        return f"Default parameters: the previous file could not be read ({exc})."
    new = flat_params(Params())
    moved = [f"| `{k}` | {old.get(k)!r} | {new.get(k)!r} |" for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
    rel = previous.relative_to(directory)
    if not moved:
        return f"Default parameters: unchanged since `{rel}`."
    return "\n".join(
        [f"Default parameters changed since `{rel}` ({len(moved)}):", "", "| parameter | old | new |", "|---|---|---|", *moved]
    )


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in text.split("."))


def _section(scenario: Scenario, old: dict[str, Any] | None, new: dict[str, Any], why_missing: str) -> str:
    lines = [f"## {scenario.name}", ""]
    if old is None:
        return "\n".join([*lines, f"New baseline ({why_missing}).", ""])
    moved_params = _params_moved(old["params"], new["params"])
    if moved_params:
        lines += [f"Parameters changed ({len(moved_params)}):", "", *(f"- `{m}`" for m in moved_params), ""]
    else:
        lines += ["Parameters: unchanged, so any change below comes from the model's code.", ""]
    changes = exact_changes(old["exact"]["values"], new["exact"]["values"])
    n_keys = len(new["exact"]["values"])
    lines.append(
        f"Exact (seed {new['exact']['seed']}): {len(changes)} of {n_keys} keys moved beyond {RTOL:g}: {marker_counts(changes)}"
    )
    outcomes = [c for c in changes if c.key.startswith("summary.")]
    if outcomes:
        # one changed draw moves most single-year keys; the summary outcomes are what analysts quote
        lines += ["", "Summary outcomes of the fixed-seed run (every key: `git diff` of the baseline file):"]
        lines += ["", "```text", exact_table(outcomes), "```"]
    rows = drifts(old["statistical"]["values"], new["statistical"]["values"])
    moved = [d for d in rows if d.failed]
    reps = new["statistical"]["replications"]
    lines += ["", f"Statistical (means of {reps} replications): {len(moved)} key means moved beyond {K_SE:g} standard errors"]
    if moved:
        lines += ["", "```text", drift_table(moved, SHOWN_ROWS), "```"]
    elif any(d.z for d in rows):
        lines += ["", "Largest moves, all within that:", "", "```text", drift_table(rows[:5]), "```"]
    return "\n".join([*lines, ""])


def update(scenarios: Sequence[Scenario], directory: Path = DEFAULT_DIR, *, reps: int = M_STORED, jobs: int = 1) -> str:
    """Regenerate baselines, write ``CHANGES.md`` and ``params/<version>.toml``; return the change summary.

    Everything is computed before anything is written, so an interrupted update leaves the
    old baselines in place; each file is replaced atomically.
    """
    directory = Path(directory)
    new_docs = compute(scenarios, reps=reps, jobs=jobs)
    sections = []
    for s in scenarios:
        try:
            old, why = load_baseline(s), ""
        except ScenarioError as exc:
            old, why = None, "none stored before" if not s.baseline_path.exists() else f"the old one was unreadable: {exc}"
        sections.append(_section(s, old, new_docs[s.name], why))
    names = ", ".join(s.name for s in scenarios)
    summary = "\n".join(
        [
            "# Regression baseline changes",
            "",
            f"Written by `ketensim baseline update` (ketensim {__version__}) for: {names}.",
            f"Sizes of a change: {LEGEND}.",
            "",
            _defaults_note(directory),
            "",
            *sections,
        ]
    )
    for s in scenarios:
        _write_text(s.baseline_path, _json(new_docs[s.name]) + "\n")
    header = f"# Resolved default parameters of ketensim {__version__}, written by `ketensim baseline update`.\n"
    _write_text(directory / "params" / f"{__version__}.toml", header + Params().to_toml())
    _write_text(directory / "CHANGES.md", summary)
    return summary


def default_jobs() -> int:
    """Worker processes for update/check: the CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def read_meta(path: Path) -> dict[str, Any]:
    """The free-text ``[meta]`` table of a scenario file (e.g. ``lever``: its lever scenario)."""
    return read_toml(path).get("meta", {})

"""Calibration: fit the free parameters to the Dutch figures in ``targets.toml``.

Which parameters are free, and why, is listed in ``FREE`` below; everything else comes from
literature or is a documented assumption (``ketensim params`` shows each source). The
search is Optuna's TPE sampler with a fixed seed, run sequentially, and every trial uses
the same replication seeds (common random numbers), so the same command reproduces the
same fitted values; the current defaults are always the first trial, so a calibration can
only improve on them.

The error of one target is normalised, ``z = (model - target) / tolerance``: within
tolerance means ``|z| <= 1``. The loss is the sum of ``z**2`` plus a penalty of
``OUTSIDE_PENALTY * (|z| - 1)**2`` for each target outside its tolerance, so the search
prefers every target inside its band over a few targets spot on and one far off.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import tomllib
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.runs import run_once, scenario_seeds
from sim.experiments.targets import ArmMeans, Target, arm_params, arms, targets
from sim.locations import CALIBRATION
from sim.model.params import Params, dump_toml

OUTSIDE_PENALTY = 10.0


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the calibration may move, within a plausible range."""

    name: str  # dotted, as in scenario files
    low: float
    high: float
    step: float  # search grid: fitted defaults stay round numbers
    why: str  # the targets it mainly moves, and why it is not taken from literature


FREE: tuple[FreeParameter, ...] = (
    # the Raad: how many investigations end in a request, and with a placement
    FreeParameter("raad.request_threshold", 1.8, 2.1, 0.05, "Raad request share; OTS starts"),
    FreeParameter("raad.placement_request_threshold", 3.0, 4.8, 0.05, "share of OTS requests with a placement authorisation"),
    FreeParameter(
        "raad.emergency_threshold", 2.7, 3.8, 0.05, "provisional orders (a target since 0.3.1); OTS duration, placement share"
    ),
    # referrals to the Raad
    FreeParameter("veilig_thuis.raad_threshold", 1.65, 1.9, 0.05, "Raad investigations"),
    FreeParameter("local_team.escalate_threshold", 1.7, 1.95, 0.05, "Raad investigations"),
    FreeParameter(
        "local_team.withdraw_consent", 0.03, 0.15, 0.01, "voluntarily placed children referred to the Raad: placement share"
    ),
    # the judge
    FreeParameter("court.grant_threshold", 0.95, 1.35, 0.05, "OTS starts per request"),
    FreeParameter("court.guardianship_grant_threshold", 1.6, 2.1, 0.05, "guardianship starts"),
    # guardians: how long an OTS lasts, when authority is ended, how many guardians
    FreeParameter("guardians.end_threshold", 1.2, 1.7, 0.05, "OTS duration and running OTS"),
    FreeParameter("guardians.guardianship_after_months", 9, 18, 1, "guardianship starts"),
    FreeParameter("guardians.guardianship_threshold", 1.7, 2.2, 0.05, "guardianship starts"),
    FreeParameter("guardians.n_guardians", 1000, 1400, 20, "children waiting for a guardian; FTE counts are uncertain"),
    # stocks at the start (2013 is before the CBS series used here) and care places
    FreeParameter("initial.n_ots", 17000, 24000, 500, "running OTS in the first reported years"),
    FreeParameter("initial.n_guardianship", 8500, 12000, 250, "running guardianships (the stock falls slowly)"),
    FreeParameter("care.foster_capacity", 14500, 18000, 250, "foster share: places in use, not licensed places"),
    FreeParameter("care.residential_capacity", 11000, 15000, 250, "foster share; youth in care with residence"),
    # capacity that binds (issue 12): the Raad's investigator FTE is not published; its waiting list is
    FreeParameter(
        "raad.investigations_per_staff", 2.4, 3.4, 0.05, "children waiting for the Raad (capacity sized by its waiting list)"
    ),
    # responses: intensive home help against care as usual, and the financial shock's two paths
    FreeParameter("local_team.home_help_effect", 0.5, 2.5, 0.1, "home help's placement effect g (controlled trial)"),
    FreeParameter(
        "decisions.poverty_bias", 0.0, 0.5, 0.05, "shock: hit vs matched measures (DiD); children of hit families placed"
    ),
    FreeParameter("shock.stress_onset_multiplier", 1.0, 3.0, 0.1, "shock: DiD of measures; children of hit families placed"),
)


def normalised_errors(means: ArmMeans, against: list[Target] | None = None) -> dict[str, float]:
    """``(model - target) / tolerance`` per target (levels and responses); a missing outcome counts as far off."""
    out = {}
    for t in against or targets():
        m = means.get(t.arm, {}).get(t.summary_key, math.nan)
        out[t.key] = (m - t.value) / t.tolerance if math.isfinite(m) else 10.0
    return out


def loss(z: dict[str, float]) -> float:
    """Sum of squared normalised errors plus the penalty for targets outside tolerance (0 is perfect)."""
    return float(sum(v * v + OUTSIDE_PENALTY * max(0.0, abs(v) - 1) ** 2 for v in z.values()))


def _summary(params: Params) -> dict[str, float]:
    """One run's summary (a top-level function, so worker processes can run it)."""
    return run_once(params).summary


def evaluate(params: Params, reps: int, pool: Executor | None = None) -> tuple[ArmMeans, dict[str, float]]:
    """Mean summary per arm over ``reps`` replications and the normalised error per target.

    Every arm the targets need (the baseline, the shock, the home-help trial) runs with the
    replication seeds of :func:`sim.experiments.runs.replicate` (common random numbers);
    with a ``pool`` the runs go to its worker processes, with the same results.
    """
    seeds = scenario_seeds(params, reps)
    names = arms()
    jobs = [arm_params(params, arm).with_overrides({"run": {"seed": seed}}) for arm in names for seed in seeds]
    summaries = list(pool.map(_summary, jobs) if pool is not None else map(_summary, jobs))
    means = {arm: pd.DataFrame(summaries[i * reps : (i + 1) * reps]).mean().to_dict() for i, arm in enumerate(names)}
    return means, normalised_errors(means)


def apply(base: Params, values: dict[str, float]) -> Params:
    """``base`` with dotted-name values set (integers where the parameter is an integer)."""
    overrides: dict[str, dict[str, Any]] = {}
    defaults = base.model_dump()
    for name, value in values.items():
        section, key = name.split(".", 1)
        overrides.setdefault(section, {})[key] = int(round(value)) if isinstance(defaults[section][key], int) else value
    return base.with_overrides(overrides, origin="calibration")


def current_values(params: Params, free: tuple[FreeParameter, ...] = FREE) -> dict[str, float]:
    """The free parameters' values in ``params``."""
    data = params.model_dump()
    return {f.name: data[f.name.split(".")[0]][f.name.split(".")[1]] for f in free}


@dataclass
class Calibration:
    """The result: best values, their per-target errors, and every trial."""

    best: dict[str, float]
    best_means: ArmMeans
    best_errors: dict[str, float]
    trials: pd.DataFrame
    settings: dict[str, Any]

    def to_toml(self) -> str:
        """The fitted values, the loss per target and how to reproduce them."""
        by_key = {t.key: t for t in targets()}
        data: dict[str, Any] = {
            "meta": {**self.settings, "date": dt.date.today().isoformat(), "loss": loss(self.best_errors)},
            "fitted": {name: value for name, value in self.best.items()},
            "targets": {
                key: {
                    "kind": by_key[key].kind,
                    "arm": by_key[key].arm,
                    "target": by_key[key].value,
                    "model": self.best_means.get(by_key[key].arm, {}).get(by_key[key].summary_key, math.nan),
                    "z": z,
                    "within_tolerance": bool(abs(z) <= 1),
                }
                for key, z in self.best_errors.items()
            },
        }
        return dump_toml(data)


def calibrate(
    base: Params,
    *,
    trials: int,
    reps: int,
    seed: int = 0,
    free: tuple[FreeParameter, ...] = FREE,
    on_trial: Callable[[int, float], None] | None = None,
    workers: int = 1,
) -> Calibration:
    """Search the free parameters with Optuna's seeded TPE sampler, sequentially (reproducible).

    Args:
        base: run settings and all fixed parameters (``run.scale``, ``run.years`` etc.).
        trials: number of parameter sets to try; the first is ``base``'s own values.
        reps: replications per trial (the same seeds every trial).
        seed: the sampler's seed.
        free: the parameters to fit.
        on_trial: called with (trial number, loss) after each trial.
        workers: processes running a trial's replications side by side (same results).

    """
    import optuna  # imported here: only calibration needs it

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, trials), multivariate=True)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.enqueue_trial(current_values(base, free))
    results: dict[int, tuple[dict[str, float], dict[str, float]]] = {}

    def objective(trial: Any) -> float:
        values = {}
        for f in free:
            if f.step >= 1:
                values[f.name] = float(trial.suggest_int(f.name, int(f.low), int(f.high), step=int(f.step)))
            else:  # on the step grid, without float noise (1.9000000000000001)
                values[f.name] = round(trial.suggest_float(f.name, f.low, f.high, step=f.step), 6)
        means, z = evaluate(apply(base, values), reps, pool)
        results[trial.number] = (means, z)
        for key, value in z.items():
            trial.set_user_attr(f"z.{key}", value)
        value = loss(z)
        if on_trial is not None:
            on_trial(trial.number, value)
        return value

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if workers > 1 else None
    try:
        study.optimize(objective, n_trials=trials)
    finally:
        if pool is not None:
            pool.shutdown()
    best = study.best_trial
    frame = study.trials_dataframe(attrs=("number", "value", "params", "user_attrs"))
    best_values = {f.name: int(best.params[f.name]) if f.step >= 1 else round(float(best.params[f.name]), 6) for f in free}
    settings = {
        "trials": trials,
        "reps": reps,
        "sampler_seed": seed,
        "scale": base.run.scale,
        "years": base.run.years,
        "warmup_years": base.run.warmup_years,
        "start_year": base.run.start_year,
        "run_seed": base.run.seed,
        "best_trial": best.number,
    }
    means, z = results[best.number]
    return Calibration(best_values, means, z, frame, settings)


# The committed fit (``ketensim calibrate`` wrote it): its settings say which seeds it was fitted on.
FITTED_TOML = CALIBRATION / "fitted.toml"


def training_seed_overlap(params: Params, reps: int, fitted: Path = FITTED_TOML) -> int:
    """How many of ``reps`` replication seeds of ``params`` the committed fit was trained on.

    Validation on those seeds is partly in-sample (docs/ODD.md section 8, "Held-out seeds").
    A run with the same seed, scale, warm-up and start year repeats a training run (a longer
    or shorter one shares its years), whatever the scenario's other parameters: common random
    numbers share its luck. Returns 0 when the fit's file is missing or unreadable (an
    installed package without the repository): the check is a note, never a failure.
    """
    try:
        meta = tomllib.loads(fitted.read_text(encoding="utf-8"))["meta"]
        setting = (float(meta["scale"]), int(meta["warmup_years"]), int(meta["start_year"]))
        trained_with = {"run": {"seed": int(meta["run_seed"])}}
        trained_reps = int(meta["reps"])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
        return 0
    if (params.run.scale, params.run.warmup_years, params.run.start_year) != setting:
        return 0
    trained = scenario_seeds(params.with_overrides(trained_with), trained_reps)
    return len(set(scenario_seeds(params, reps)) & set(trained))


def write(result: Calibration, folder: Path) -> None:
    """``fitted.toml`` (values, loss per target, settings) and ``trials.csv`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fitted.toml").write_text(result.to_toml(), encoding="utf-8")
    result.trials.to_csv(folder / "trials.csv", index=False)

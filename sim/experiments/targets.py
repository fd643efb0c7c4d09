"""The Dutch figures the model is calibrated and validated against: levels and responses.

``sim/data/targets.toml`` (a copy of the project's calibration targets) holds the levels of
the baseline; ``sim/data/responses.toml`` adds what the baseline alone cannot show: levels
measured in a scenario arm (the shock) and *responses*, how outcomes change under a lever
or a shock, each with its source and the tolerance the literature allows. Every target
names its arm (``baseline`` or a file in ``scenarios/validation/``) and the run-summary key
it is compared with; :func:`errors_table` says how model means compare.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from sim.locations import SCENARIOS
from sim.model.params import Params, load_scenario

ARMS_DIR = SCENARIOS / "validation"  # each arm's overrides, applied on top of the validated scenario

# Targets the run summary can be compared with; the inter-rater kappa is checked by the
# vignette experiment instead (sim/experiments/vignettes.py), since it is a property of the
# decision noise, not of the chain's flows.
VIGNETTE_TARGETS = ("interrater_kappa_placement",)
BASELINE = "baseline"
Kind = Literal["level", "response"]


def _read(name: str) -> dict[str, dict[str, object]]:
    text = resources.files("sim").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tomllib.loads(text)["targets"]


def load_targets() -> dict[str, dict[str, object]]:
    """The Dutch calibration targets shipped with the package (``sim/data/targets.toml``)."""
    return _read("targets.toml")


@dataclass(frozen=True)
class Target:
    """One Dutch figure with its tolerance, as a run summary of one arm reports it."""

    key: str
    value: float
    tolerance: float
    unit: str
    source: str
    kind: Kind = "level"
    arm: str = BASELINE
    outcome: str = ""  # the run-summary key (the target's key when empty)

    @property
    def summary_key(self) -> str:
        """The run-summary outcome this target is compared with."""
        return self.outcome or self.key


def _target(key: str, t: dict[str, object]) -> Target:
    value = float(t["value"])  # type: ignore[arg-type]
    if key == "vt_reports_per_year":
        value /= 2  # the target's note: compare child-related reports with half of all reports
    tol = float(t["tolerance_abs"]) if "tolerance_abs" in t else float(t["tolerance_rel"]) * value  # type: ignore[arg-type]
    kind: Kind = "response" if t.get("kind") == "response" else "level"
    return Target(
        key,
        value,
        tol,
        str(t.get("unit", "")),
        str(t.get("source", "")),
        kind,
        str(t.get("arm", BASELINE)),
        str(t.get("outcome", "")),
    )


def targets(kind: Kind | None = None) -> list[Target]:
    """Every target comparable with a run summary (VT reports halved: the model has child reports only)."""
    rows = [(k, t) for k, t in load_targets().items() if k not in VIGNETTE_TARGETS] + list(_read("responses.toml").items())
    out = [_target(key, t) for key, t in rows]
    return [t for t in out if kind is None or t.kind == kind]


def arms(against: list[Target] | None = None) -> list[str]:
    """The scenario arms the targets need, the baseline first."""
    names = {t.arm for t in (against or targets())} - {BASELINE}
    return [BASELINE, *sorted(names)]


def arm_params(base: Params, arm: str, folder: Path = ARMS_DIR) -> Params:
    """The parameters of one arm: ``base`` itself, or a validation experiment's overrides applied on top of it."""
    return base if arm == BASELINE else load_scenario(folder / f"{arm}.toml", base=base)


ArmMeans = dict[str, dict[str, float]]  # arm -> summary outcome -> mean over replications
ArmIntervals = dict[str, dict[str, tuple[float, float]]]


def errors_table(means: ArmMeans, intervals: ArmIntervals | None = None, kind: Kind | None = None) -> pd.DataFrame:
    """Per target: Dutch figure, model mean (and interval), normalised error, within tolerance."""
    rows = []
    for t in targets(kind):
        m = means.get(t.arm, {}).get(t.summary_key, math.nan)
        lo, hi = (intervals or {}).get(t.arm, {}).get(t.summary_key, (math.nan, math.nan))
        z = (m - t.value) / t.tolerance if math.isfinite(m) else math.nan
        rows.append(
            {
                "target": t.key,
                "kind": t.kind,
                "arm": t.arm,
                "real": t.value,
                "tolerance": t.tolerance,
                "model": m,
                "ci_low": lo,
                "ci_high": hi,
                "z": z,
                "within": bool(np.isfinite(z) and abs(z) <= 1),
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)

"""The Dutch figures the model is calibrated and validated against (``sim/data/targets.toml``).

Each target has a value, a tolerance, a unit and its source; :func:`targets` gives those the
run summary can be compared with, and :func:`errors_table` how a set of model means compares.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

# Targets the run summary can be compared with; the inter-rater kappa is checked by the
# vignette experiment instead (sim/vignettes.py), since it is a property of the decision
# noise, not of the chain's flows.
VIGNETTE_TARGETS = ("interrater_kappa_placement",)


def load_targets() -> dict[str, dict[str, object]]:
    """The Dutch calibration targets shipped with the package (``sim/data/targets.toml``)."""
    text = resources.files("sim").joinpath("data/targets.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["targets"]


@dataclass(frozen=True)
class Target:
    """One Dutch figure with its tolerance, as the run summary reports it."""

    key: str
    value: float
    tolerance: float
    unit: str
    source: str


def targets() -> list[Target]:
    """Targets comparable with the run summary (VT reports halved: the model has child reports only)."""
    out = []
    for key, t in load_targets().items():
        if key in VIGNETTE_TARGETS:
            continue
        value = float(t["value"])  # type: ignore[arg-type]
        if key == "vt_reports_per_year":
            value /= 2  # the target's note: compare child-related reports with half of all reports
        tol = float(t["tolerance_abs"]) if "tolerance_abs" in t else float(t["tolerance_rel"]) * value  # type: ignore[arg-type]
        out.append(Target(key, value, tol, str(t.get("unit", "")), str(t.get("source", ""))))
    return out


def errors_table(means: dict[str, float], intervals: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Target, Dutch figure, model mean (and interval), normalised error, within tolerance."""
    rows = []
    for t in targets():
        m = means.get(t.key, math.nan)
        lo, hi = (intervals or {}).get(t.key, (math.nan, math.nan))
        z = (m - t.value) / t.tolerance if math.isfinite(m) else math.nan
        rows.append(
            {
                "target": t.key,
                "real": t.value,
                "tolerance": t.tolerance,
                "model": m,
                "ci_low": lo,
                "ci_high": hi,
                "z": z,
                "within": bool(np.isfinite(z) and abs(z) <= 1),
            }
        )
    return pd.DataFrame(rows)

"""Folders the tools read: scenarios, calibration, dashboards.

In a source checkout (the usual editable install) they are the repository's folders. An
installed wheel has no repository, but carries the scenario presets (``scenarios/`` without
``regression/``) as package data in ``sim/presets`` (pyproject.toml, ``sim.presets``), so
``load_scenario(SCENARIOS / "more_contradiction.toml")`` and ``ketensim validate`` work there
too; calibration and dashboards fall back where each caller says.
"""

from __future__ import annotations

from pathlib import Path

from sim.model.params import ScenarioError

REPO = Path(__file__).resolve().parents[1]
PRESETS = Path(__file__).resolve().parent / "presets"  # only in an installed wheel
SCENARIOS = PRESETS if PRESETS.is_dir() else REPO / "scenarios"
CALIBRATION = REPO / "calibration"
DASHBOARDS = REPO / "dashboards"


def preset(name: str) -> Path:
    """The shipped scenario file ``name`` (``"baseline"``, ``"more_contradiction"``, ``"validation/home_help_trial"``).

    Raises:
        ScenarioError: no such preset; the message lists those there are.

    """
    path = SCENARIOS / f"{name.removesuffix('.toml')}.toml"
    if not path.is_file():
        names = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
        raise ScenarioError(f"no scenario preset {name!r} in {SCENARIOS}; presets: {', '.join(names)}")
    return path

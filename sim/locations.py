"""Folders of the source checkout the tools read: scenarios, calibration, dashboards.

The package runs from its repository (an editable install); these paths point there. An
installed package without the repository falls back where each user says (see the callers).
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
CALIBRATION = REPO / "calibration"
DASHBOARDS = REPO / "dashboards"

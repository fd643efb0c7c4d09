"""docs/api_example.py runs as documented, and the notebook API's names are there (README "Python API")."""

from __future__ import annotations

import runpy
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

import sim

EXAMPLE = ROOT / "docs" / "api_example.py"


def test_the_api_example_runs_and_writes_its_charts(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLE), "--out", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("refused:") == 3  # with_overrides, model_copy and ChainModel keywords
    assert "unknown key 'raad.n_staf'" in proc.stdout and "key 'scale' = 5.0" in proc.stdout
    assert {p.name for p in tmp_path.glob("*.html")} == {"sankey.html", "ots_starts.html", "comparison.html"}
    assert (tmp_path / "plotly.min.js").is_file()  # the charts open offline


def test_the_example_returns_paired_differences_with_intervals() -> None:
    diff = runpy.run_path(str(EXAMPLE))["main"]()
    assert isinstance(diff, pd.DataFrame)
    row = diff.set_index("outcome").loc["ots_starts_per_year"]
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]


@pytest.mark.parametrize("name", sim.__all__)
def test_every_name_the_package_lists_imports_and_is_documented(name: str) -> None:
    obj = getattr(sim, name)
    assert (obj.__doc__ or "").strip(), f"sim.{name} has no docstring"
    assert name in (ROOT / "README.md").read_text(encoding="utf-8"), f"README does not mention sim.{name}"

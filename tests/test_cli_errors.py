"""The real command line refuses bad input with exit code 2 and a readable message, and writes nothing.

Every case runs the console entry in its own subprocess (one per test, so ``pytest -n`` spreads them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.model.params import iter_fields

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # a run that wrongly starts simulating fails instead of hanging
KEEP_TEXT = "earlier results\n"

BAD_SCENARIOS = {
    # id: (file text, key expected in stderr, or None for malformed TOML)
    "unknown_key": ("[run]\nyeers = 3\n", "run.yeers"),
    "wrong_type": ('[run]\nscale = "0.1"\n', "run.scale"),
    "out_of_range": ("[contradiction]\nsecond_assessor_share = 1.5\n", "contradiction.second_assessor_share"),
    "malformed_toml": ("[run\nyears = 3\n", None),
}


def _cli(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def _module(*args: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", *args]


@pytest.mark.parametrize("name", list(BAD_SCENARIOS))
def test_bad_scenario_exit_2_and_existing_results_untouched(tmp_path: Path, name: str) -> None:
    text, key = BAD_SCENARIOS[name]
    scenario = tmp_path / "bad_scenario.toml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "results" / "bad_scenario"
    out.mkdir(parents=True)
    keep = out / "keep.txt"
    keep.write_text(KEEP_TEXT, encoding="utf-8")

    proc = _cli(_module("run", str(scenario), "--quiet", "--out", str(out)))

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert str(scenario) in proc.stderr
    if key is not None:
        assert key in proc.stderr
    else:
        assert "TOML" in proc.stderr
    # the earlier result folder is left exactly as it was, with no temporary or backup siblings
    assert keep.read_text(encoding="utf-8") == KEEP_TEXT
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["bad_scenario"]


def test_reps_zero_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.toml"
    scenario.write_text("[run]\nyears = 1\nwarmup_years = 0\nscale = 0.0005\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = _cli(_module("run", str(scenario), "--quiet", "--reps", "0", "--out", str(out)))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "--reps" in proc.stderr
    assert not out.exists()


def test_params_lists_sources() -> None:
    script = Path(sys.executable).with_name("ketensim")
    proc = _cli([str(script), "params"] if script.exists() else _module("params"))
    assert proc.returncode == 0, proc.stderr
    sources = [line.strip() for line in proc.stdout.splitlines() if line.strip().startswith("source:")]
    assert len(sources) == len(iter_fields())
    assert all(line.removeprefix("source:").strip() for line in sources)
    assert "contradiction.second_assessor_share = 0.0  [lever]" in proc.stdout
    assert proc.stdout.count("allowed: float in [0, 1]") > 10

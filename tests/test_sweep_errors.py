"""Bad sweep files and options: a clear message naming the file, the key and the allowed range; exit 2; nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from sweep_util import LHS, TWO_LEVERS, write_sweep

from sim.experiments.sweeps import load_sweep
from sim.model.params import ScenarioError

TIMEOUT = 120
SHARE = '"contradiction.second_assessor_share"'

BAD = {
    # id: (settings, factors, words the message must contain)
    "unknown_sweep_key": (LHS + "\nreplicatoins = 3", TWO_LEVERS, ["sweep.replicatoins", "allowed keys here", "replications"]),
    "wrong_type": (LHS.replace("points = 4", 'points = "4"'), TWO_LEVERS, ["sweep.points", "int"]),
    "unknown_design": (LHS.replace("latin_hypercube", "random"), TWO_LEVERS, ["sweep.design", "full_factorial", "halton"]),
    "zero_replications": (LHS.replace("replications = 2", "replications = 0"), TWO_LEVERS, ["sweep.replications", "[1, 10000]"]),
    "range_outside_bounds": (
        LHS,
        f"[levers]\n{SHARE} = {{ range = [0.0, 1.5] }}",
        ["levers.contradiction.second_assessor_share", "[0, 1]"],
    ),
    "range_falls": (
        LHS,
        f"[levers]\n{SHARE} = {{ range = [0.8, 0.2] }}",
        ["levers.contradiction.second_assessor_share", "low < high"],
    ),
    "value_out_of_bounds": (
        LHS,
        '[uncertainties]\n"decisions.anchoring" = { values = [0.5, 2.0] }',
        ["decisions.anchoring", "2.0", "[0, 1]"],
    ),
    "value_wrong_type": (
        LHS,
        '[levers]\n"court.n_judges" = { values = [100, "many"] }',
        ["court.n_judges", "'many'", "int in [1, 10000]"],
    ),
    "fractional_int_range": (LHS, '[levers]\n"court.n_judges" = { range = [10.5, 20] }', ["court.n_judges", "whole number"]),
    "unknown_parameter": (
        LHS,
        '[levers]\n"court.n_judgez" = { range = [1, 2] }',
        ["levers.court.n_judgez", "no parameter", "ketensim params"],
    ),
    "seed_not_a_factor": (LHS, '[levers]\n"run.seed" = { values = [1, 2] }', ["run.seed", "cannot be swept"]),
    "unknown_factor_key": (LHS, f"[levers]\n{SHARE} = {{ rnge = [0, 1] }}", ["rnge", "allowed keys here: range, values, levels"]),
    "range_and_values": (LHS, f"[levers]\n{SHARE} = {{ range = [0, 1], values = [0.5] }}", ["exactly one of range"]),
    "no_factors": (LHS, "", ["at least one factor"]),
    "lever_and_uncertainty": (
        LHS,
        f"[levers]\n{SHARE} = {{ range = [0, 1] }}\n[uncertainties]\n{SHARE} = {{ range = [0, 1] }}",
        ["both a lever and an uncertainty"],
    ),
    "unknown_outcome": (
        LHS.replace("ots_starts_per_year", "ots_startz"),
        TWO_LEVERS,
        ["sweep.outcomes", "ots_startz", "ots_starts_per_year"],
    ),
    "sobol_not_power_of_two": ('design = "sobol"\npoints = 10', TWO_LEVERS, ["sweep.points", "power of 2"]),
    "points_missing": ('design = "halton"', TWO_LEVERS, ["sweep.points"]),
    "points_in_factorial": ('design = "full_factorial"\npoints = 4', TWO_LEVERS, ["sweep.points", "levels"]),
    "missing_base": (LHS, TWO_LEVERS, ["sweep.base", "no such scenario file"]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_sweep_file_names_file_key_and_range(tmp_path: Path, name: str) -> None:
    settings, factors, words = BAD[name]
    path = write_sweep(tmp_path, settings, factors)
    if name == "missing_base":
        path.write_text(path.read_text().replace("baseline.toml", "nothere.toml"))
    with pytest.raises(ScenarioError) as err:
        load_sweep(path)
    message = str(err.value)
    assert str(path) in message
    for word in words:
        assert word in message, message


def test_bad_override_in_sweep_file_is_named(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, LHS, TWO_LEVERS, overrides="run = { scale = 5.0 }")
    with pytest.raises(ScenarioError, match=r"(?s)\[overrides\].*run.scale.*1.0"):
        load_sweep(path)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "sim.cli", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@pytest.mark.parametrize("case", ["bad_file", "bad_workers", "other_sweep_in_folder"])
def test_cli_refuses_with_exit_2_and_writes_nothing(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    if case == "bad_file":
        path = write_sweep(tmp_path, LHS, f"[levers]\n{SHARE} = {{ range = [0.0, 1.5] }}")
        proc, key = _cli("sweep", str(path), "--out", str(out)), "levers.contradiction.second_assessor_share"
    elif case == "bad_workers":
        path = write_sweep(tmp_path, LHS, TWO_LEVERS)
        proc, key = _cli("sweep", str(path), "--workers", "0", "--out", str(out)), "--workers"
    else:  # a folder with another sweep's results: resuming into it would mix them
        (out / "runs").mkdir(parents=True)
        (out / "sweep.json").write_text('{"fingerprint": "another sweep"}')
        path = write_sweep(tmp_path, LHS, TWO_LEVERS)
        proc, key = _cli("sweep", str(path), "--out", str(out)), "different sweep"
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and key in proc.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) if out.exists() else []
    assert written == ([] if case != "other_sweep_in_folder" else ["runs", "sweep.json"])


def test_analyze_refuses_a_folder_that_is_not_a_sweep(tmp_path: Path) -> None:
    proc = _cli("analyze", str(tmp_path))
    assert proc.returncode == 2 and "not a sweep output folder" in proc.stderr and "Traceback" not in proc.stderr

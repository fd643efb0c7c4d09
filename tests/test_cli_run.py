"""The command line end to end: run writes real parquet files and a report; compare pairs seeds."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
from conftest import ROOT, SCENARIOS

from sim.model.params import load_scenario

SMALL = ["--scale", "0.003", "--years", "2", "--quiet"]


def ketensim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_run_writes_results_report_parameters_and_seeds(tmp_path):
    out = tmp_path / "base"
    proc = ketensim("run", str(SCENARIOS / "baseline.toml"), *SMALL, "--reps", "2", "--seed", "3", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "ots_starts_per_year" in proc.stdout and "Dutch figure" in proc.stdout
    yearly = pd.read_parquet(out / "yearly.parquet")
    assert sorted(yearly["replication"].unique()) == [0, 1]
    assert len(yearly) == 2 * 2
    for name in ("monthly", "equity", "costs", "summary"):
        assert len(pd.read_parquet(out / f"{name}.parquet")) > 0
    seeds = json.loads((out / "seeds.json").read_text())
    assert seeds["scenario_seed"] == 3
    assert list(pd.read_parquet(out / "summary.parquet")["seed"]) == seeds["replication_seeds"]
    # the resolved parameters are a valid scenario that reproduces the run's settings
    params = load_scenario(out / "params.toml")
    assert params.run.seed == 3 and params.run.scale == 0.003
    html = (out / "report.html").read_text()
    assert "Bermuda triangle" in html and "The chain: mean yearly flows" in html and "Waiting lists" in html
    assert not list(out.glob(".ketensim-*")), "temporary folders left behind"


def test_rerun_replaces_results_atomically(tmp_path):
    out = tmp_path / "r"
    assert ketensim("run", str(SCENARIOS / "baseline.toml"), *SMALL, "--seed", "1", "--out", str(out)).returncode == 0
    first = pd.read_parquet(out / "yearly.parquet")
    assert ketensim("run", str(SCENARIOS / "baseline.toml"), *SMALL, "--seed", "1", "--out", str(out)).returncode == 0
    pd.testing.assert_frame_equal(first, pd.read_parquet(out / "yearly.parquet"))


def test_compare_reports_paired_differences(tmp_path):
    proc = ketensim(
        "compare",
        str(SCENARIOS / "baseline.toml"),
        str(SCENARIOS / "more_contradiction.toml"),
        *SMALL,
        "--reps",
        "2",
        "--out",
        str(tmp_path / "cmp"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "paired replications" in proc.stdout
    diff = pd.read_parquet(tmp_path / "cmp" / "compare.parquet")
    assert {"outcome", "difference", "ci_low", "ci_high"} <= set(diff.columns)
    assert "unwarranted_placements_per_year" in set(diff["outcome"])


def test_compare_of_a_scenario_with_itself_is_exactly_zero(tmp_path):
    proc = ketensim(
        "compare",
        str(SCENARIOS / "baseline.toml"),
        str(SCENARIOS / "baseline.toml"),
        *SMALL,
        "--reps",
        "2",
        "--out",
        str(tmp_path / "same"),
    )
    assert proc.returncode == 0, proc.stderr
    diff = pd.read_parquet(tmp_path / "same" / "compare.parquet")
    assert (diff["difference"].fillna(0) == 0).all()


def test_results_folder_keeps_files_it_does_not_write(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "earlier").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(SCENARIOS / "baseline.toml"), *SMALL, "--out", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "earlier").is_dir()
    assert (tmp_path / "yearly.parquet").exists()


def test_compare_refuses_different_run_settings(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text("[run]\nyears = 3\n")
    # --years on the command line applies to both, so only a scenario's own years can differ
    proc = ketensim("compare", str(SCENARIOS / "baseline.toml"), str(other), "--scale", "0.003", "--quiet", "--reps", "2")
    assert proc.returncode == 2
    assert "run.years" in proc.stderr and "Traceback" not in proc.stderr


def test_run_of_a_lever_scenario_shows_no_dutch_figures_and_says_why(tmp_path):
    proc = ketensim("run", str(SCENARIOS / "staff_shortage.toml"), *SMALL, "--out", str(tmp_path / "short"))
    assert proc.returncode == 0, proc.stderr
    header = next(line for line in proc.stdout.splitlines() if line.startswith("outcome"))
    assert "model" in header and "Dutch figure" not in header
    assert "No Dutch figures: this scenario sets raad.n_staff, guardians.n_guardians away from the baseline" in proc.stdout


def test_compare_writes_an_html_report_with_paired_intervals(tmp_path):
    proc = ketensim(
        "compare",
        str(SCENARIOS / "baseline.toml"),
        str(SCENARIOS / "more_home_help.toml"),
        *SMALL,
        "--reps",
        "2",
        "--out",
        str(tmp_path / "cmp"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "95 % interval of the paired difference, 2 paired replications (same seeds)" in proc.stdout
    page = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "Ketensim comparison: more_home_help − baseline" in page and "By year" in page
    assert "compare.html" in proc.stdout


def test_one_replication_prints_no_nan_and_its_report_says_so(tmp_path):
    out = tmp_path / "one"
    proc = ketensim("run", str(SCENARIOS / "baseline.toml"), *SMALL, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "nan" not in proc.stdout.lower().split() and ".000" not in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if line.startswith("ots_starts_per_year"))
    assert row.split()[2] == "–"  # mean, then no interval: a dash
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "one replication: no interval" in page.lower() and "The Netherlands as it is" in page  # the file's [meta] description

"""`ketensim validate`: levels and responses tables, the validation experiments, the HTML report; drift check."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, small

from sim.cli.common import format_experiments, format_trends
from sim.experiments import validation
from sim.experiments.runs import replicate
from sim.model.params import Params
from sim.reports import validation as validation_report

# Drift check: CI runs the baseline at its own scale (0.05, where it was calibrated: smaller
# scales round capacities and shift some shares) with 3 replications instead of 10, so the
# model mean has about twice the sampling noise of `ketensim validate`. A target fails here
# if it is more than DRIFT_WIDENING tolerances from the Dutch figure: wide enough that noise
# alone almost never fails it, narrow enough that a real drift (a target moving by a full
# tolerance) does.
DRIFT_SCALE, DRIFT_REPS, DRIFT_WIDENING = 0.05, 3, 2.0


def ketensim(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh process, from the repository's root."""
    cmd = [sys.executable, "-m", "sim.cli", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def fit_run_seed() -> int:
    """The master seed the committed fit trained on."""
    return tomllib.loads((ROOT / "calibration" / "fitted.toml").read_text(encoding="utf-8"))["meta"]["run_seed"]


@pytest.fixture(scope="module")
def small_validation() -> validation.Validation:
    runs = []

    def run(p, reps):
        runs.append(p)
        return replicate(p, reps)

    v = validation.validate(small(scale=0.005, years=7, warmup=1), reps=2, scenario="tiny", run=run)  # covers CBS's 2015-2022
    assert len(runs) == 1 + validation.experiment_runs()  # the progress bar's total is right
    return v


def test_every_experiment_is_reported(small_validation):
    v = small_validation
    columns = {"target", "kind", "arm", "real", "model", "ci_low", "ci_high", "z", "within", "source"}
    assert len(v.targets) == 20 and set(v.targets.columns) >= columns  # 19 of the baseline, 1 of the shock arm
    assert set(v.targets["kind"]) == {"level"} and set(v.responses["kind"]) == {"response"}
    assert set(v.responses["target"]) == {"shock_measure_did", "home_help_placement_effect_g"}
    assert list(v.staff["outcome"]) == list(validation.STAFF_OUTCOMES)
    assert set(v.shock["group"]) == {"hit", "matched", "other"}
    assert set(v.shock["period"]) == {"before", "year 1", "year 2", "year 3"}
    assert v.shock_figures["shock_hit_children_court_placed"] >= 0
    assert len(v.home_help) == 8 and v.home_help["value"].notna().all()
    assert len(v.exits) == 3 and v.exits["value"].between(0, 1).all()
    assert list(v.contradiction["outcome"]) == list(validation.BERMUDA)


def test_staff_cut_lengthens_the_wait_for_a_guardian(small_validation):
    row = small_validation.staff.set_index("outcome").loc["children_waiting_for_guardian"]
    assert row["b_mean"] > row["a_mean"]


def test_report_has_every_section(small_validation, tmp_path: Path):
    path = tmp_path / "validation.html"
    validation_report.write(small_validation, path)
    text = path.read_text(encoding="utf-8")
    for heading in (
        "Levels: model vs. Dutch figures",
        "Responses: what changes under a lever or a shock",
        "Bermuda triangle of more contradiction",
        "Stocks and flows over time",
        "Staff shortage",
        "Financial shock with matched controls",
        "Intensive home help",
        "Exits from placement",
    ):
        assert heading in text, heading
    assert text.count("<script") >= 5 and "cdn.plot.ly" not in text.split("<body>")[1][:200]


def test_report_names_its_intervals_and_shows_no_nan_or_negative_count(small_validation, tmp_path: Path):
    text = validation_report.build(small_validation)
    visible = re.sub(r"<script.*?</script>", "", text, flags=re.S)
    assert "95 % t-interval of the mean, 2 replications" in visible
    assert "spread over 2 replications (2.5-97.5 percentiles)" in visible
    assert "95 % interval of the paired difference, 2 paired replications" in visible
    assert not re.search(r"\bnan\b", re.sub(r"<[^>]+>", " ", visible), re.IGNORECASE)
    levels = small_validation.targets
    counts = levels[~levels["target"].str.contains("share|probability|duration|caseload")]
    assert (counts["ci_low"].dropna() >= 0).all(), "a count's interval below zero"


def test_cli_text_reports_every_experiment(small_validation):
    text = format_experiments(small_validation)
    for title in ("Financial shock with matched controls", "Staff shortage", "Bermuda triangle", "Intensive home help"):
        assert title in text, title
    shock = text.split("Financial shock")[1].split("Staff shortage")[0]
    for group in ("hit before", "matched before", "other before"):
        assert shock.count(group) == 2, group  # the rates with a measure and placed, the year before first


def test_experiments_are_overrides_of_the_validated_scenario():
    base = Params().with_overrides({"run": {"scale": 0.01, "seed": 3}})
    staff = validation.experiment_params(base, "staff_shortage_2019_2022")
    assert staff.run.scale == 0.01 and staff.run.seed == 3
    assert staff.raad.n_staff < base.raad.n_staff and staff.guardians.n_guardians < base.guardians.n_guardians
    assert validation.experiment_params(base, "home_help_trial").local_team.home_help_trial_share == 0.5
    assert validation.experiment_params(base, "more_contradiction").contradiction.second_assessor_share == 1.0
    assert validation.experiment_params(base, "financial_shock_matched").shock.enabled
    assert validation.experiment_params(base, "exits_from_placement") == base


def test_baseline_has_not_drifted_from_the_dutch_figures():
    """The reduced-scale baseline stays within DRIFT_WIDENING x the targets' tolerances."""
    params = Params().with_overrides({"run": {"scale": DRIFT_SCALE}})
    v = validation.validate(params, DRIFT_REPS, experiments=False)
    off = v.targets[v.targets["z"].abs() > DRIFT_WIDENING]
    assert off.empty, "\n" + off[["target", "real", "model", "z"]].to_string(index=False)


def test_cli_validate_writes_the_report(tmp_path: Path):
    scenario = tmp_path / "tiny.toml"
    scenario.write_text("[run]\nscale = 0.003\nyears = 2\n", encoding="utf-8")  # the fit's warm-up and start
    out = tmp_path / "val"
    # the fit's training seed, but at another scale: other runs
    proc = ketensim(
        "validate", str(scenario), "--reps", "2", "--no-experiments", "--quiet", "--seed", str(fit_run_seed()), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    assert "targets within tolerance" in proc.stdout
    assert "in-sample" not in proc.stdout  # another scale: none of the fit's training runs
    assert sorted(p.name for p in out.iterdir()) == [
        "params.toml",
        "seeds.json",
        "summary.parquet",
        "targets.csv",
        "validation.html",
    ]


@pytest.mark.parametrize("command", ["validate", "calibrate", "vignettes"])
def test_bad_scenario_is_refused_with_exit_2(tmp_path: Path, command: str):
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[raad]\nrequest_treshold = 2\n", encoding="utf-8")
    proc = ketensim(command, str(scenario), timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "raad.request_treshold" in proc.stderr and str(scenario) in proc.stderr


def test_cli_validate_says_when_its_seeds_are_the_fits_training_seeds(tmp_path: Path):
    for seed, in_sample in ((fit_run_seed(), True), (None, False)):  # the defaults' own seeds are held out
        seed_args = ["--seed", str(seed)] if seed is not None else []
        proc = ketensim("validate", "--reps", "2", "--no-experiments", "--quiet", *seed_args, "--out", str(tmp_path / f"v{seed}"))
        assert proc.returncode == 0, proc.stderr
        note = "Note: 2 of these 2 replication seeds are the ones the defaults were fitted on"
        assert (note in proc.stdout) is in_sample, proc.stdout[-500:]


def test_trends_say_how_far_each_level_moves_within_the_reported_years(small_validation):
    """The slope is the least-squares one (the mean of the replications' slopes is the slope of their mean)."""
    t = small_validation.trends.set_index("target")
    assert set(t.index) == {key for _, key, _ in validation.SERIES}
    yearly = small_validation.reps.table("yearly")
    by_year = yearly.groupby("year")["n_guardianship"].mean()
    row = t.loc["guardianship_running_end_of_year"]
    slope = np.polyfit(by_year.index.to_numpy(float), by_year.to_numpy(), 1)[0]
    assert row["slope_per_year"] == pytest.approx(slope)
    assert row["slope_low"] <= row["slope_per_year"] <= row["slope_high"]
    span = by_year.index.max() - by_year.index.min()
    assert row["change_in_tolerances"] == pytest.approx(slope * span / row["tolerance"])
    assert row["first_year"] == pytest.approx(by_year.iloc[0]) and row["last_year"] == pytest.approx(by_year.iloc[-1])
    expected = (t["change_in_tolerances"].abs() > 1) & ((t["slope_low"] > 0) | (t["slope_high"] < 0))
    assert (t["moving"] == expected).all()
    text = format_trends(small_validation.trends)
    assert all(key in text for key in t.index[t["moving"]])
    assert "Moving within the reported years" in validation_report.build(small_validation)


def test_trends_text_for_no_movers_one_replication_and_one_year():
    assert format_trends(None) == "" and format_trends(pd.DataFrame()) == ""
    one_year = validation.trends(replicate(small(years=1, warmup=1), 2))
    assert one_year.empty and format_trends(one_year) == ""
    one_run = validation.trends(replicate(small(years=3, warmup=1), 1))
    assert len(one_run) == len(validation.SERIES) and one_run["slope_low"].isna().all() and not one_run["moving"].any()
    assert "not known (one replication has no interval)" in format_trends(one_run)
    still = one_run.assign(slope_low=-1.0, slope_high=1.0)
    assert format_trends(still) == "No level moves by more than its tolerance within the reported years."
    mover = still.assign(moving=still["target"] == "ots_starts_per_year", slope_low=0.5)
    text = format_trends(mover)
    assert "ots_starts_per_year" in text and "n_guardianship" not in text and "running_end_of_year" not in text

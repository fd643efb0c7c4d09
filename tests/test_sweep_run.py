"""Running sweeps: identical results on every executor, failures recorded, analysis and EMA export."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sweep_util import LHS, TWO_LEVERS, stable, write_sweep

from sim.experiments.sweeps import analyze, run_sweep, to_ema, write_ema
from sim.model.params import ScenarioError
from sim.model.rng import replication_seeds
from sim.reports.sweep import write_report


@pytest.fixture(scope="module")
def lhs_sweep(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A 4-point LHS sweep (+ base) x 2 replications, run serially in this process."""
    folder = tmp_path_factory.mktemp("lhs")
    path = write_sweep(folder, LHS, TWO_LEVERS)
    return path, run_sweep(path, workers=1, out=folder / "serial")


def test_serial_sweep_records_every_run_with_common_seeds(lhs_sweep: tuple[Path, pd.DataFrame]) -> None:
    path, runs = lhs_sweep
    assert len(runs) == 5 * 2 and runs["run_id"].is_unique
    assert (runs["status"] == "ok").all()
    seeds = replication_seeds(11, 2)  # spawned from [sweep] seed; the same at every point
    assert all(list(g.sort_values("replication")["seed"]) == seeds for _, g in runs.groupby("point"))
    out = path.parent / "serial"
    assert json.loads((out / "seeds.json").read_text())["replication_seeds"] == seeds
    manifest = pd.read_parquet(out / "manifest.parquet")
    for col in ("run_id", "point", "replication", "seed", "parameters", "version", "status", "error", "wall_time_s"):
        assert col in manifest
    assert json.loads(manifest.loc[2, "parameters"]).keys() == {
        "contradiction.second_assessor_share",
        "local_team.home_help_capacity",
        "decisions.placement_benefit_bias",
    }
    assert not list((out / "runs").glob(".tmp-*"))
    # the outcomes asked for plus the three Bermuda-triangle outcomes, nothing else
    outcomes = {"ots_starts_per_year", "unwarranted_placements_per_year", "missed_children_per_year"}
    assert outcomes <= set(runs.columns) and "mean_wellbeing" not in runs


def test_process_pool_gives_identical_results(lhs_sweep: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    path, serial = lhs_sweep
    pooled = run_sweep(path, workers=2, out=tmp_path / "pool")
    pd.testing.assert_frame_equal(stable(pooled), stable(serial))


def test_dask_local_cluster_gives_identical_results(lhs_sweep: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    from distributed import LocalCluster

    path, serial = lhs_sweep
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_sweep(path, dask=cluster.scheduler_address, out=tmp_path / "dask")
    pd.testing.assert_frame_equal(stable(on_dask), stable(serial))


def test_failing_runs_are_recorded_the_rest_complete_and_a_rerun_retries_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a run that raises (here: the model, at voice 0.9) is recorded as failed; the sweep goes on
    import sim.experiments.runs

    real = sim.experiments.runs.run_once

    def flaky(params):  # noqa: ANN001, ANN202 - stands in for run_once
        if params.contradiction.voice == 0.9:
            raise RuntimeError("model broke at voice 0.9")
        return real(params)

    monkeypatch.setattr(sim.experiments.runs, "run_once", flaky)
    factors = '[uncertainties]\n"contradiction.voice" = { values = [0.2, 0.9] }\n'
    path = write_sweep(tmp_path, 'design = "full_factorial"\nreplications = 2', factors)
    out = tmp_path / "out"
    runs = run_sweep(path, out=out)
    failed = runs[runs["status"] == "failed"]
    assert list(failed["point"].unique()) == [2]
    assert failed["error"].str.contains("RuntimeError: model broke at voice 0.9").all()
    assert (runs.loc[runs["point"] != 2, "status"] == "ok").all() and len(runs) == 6
    assert failed[["ots_starts_per_year"]].isna().all().all()

    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    again = run_sweep(path, out=out)
    pd.testing.assert_frame_equal(stable(again).drop(columns="error"), stable(runs).drop(columns="error"))
    after = {p.name: p.stat().st_mtime_ns for p in (out / "runs").iterdir()}
    retried = {name for name in stamps if after[name] != stamps[name]}
    assert retried == {"p000002-r0000.parquet", "p000002-r0001.parquet"}  # only the failed runs ran again


def test_a_combination_breaking_a_rule_is_refused_before_anything_runs(tmp_path: Path) -> None:
    # concern_threshold 1.8 lies above the default serious_threshold 1.7: each value is valid on
    # its own, the combination is not; the design points are checked before any run or file
    factors = '[uncertainties]\n"population.concern_threshold" = { values = [0.9, 1.8] }\n'
    path = write_sweep(tmp_path, 'design = "full_factorial"\nreplications = 2', factors)
    out = tmp_path / "out"
    with pytest.raises(ScenarioError) as info:
        run_sweep(path, out=out)
    message = str(info.value)
    assert str(path) in message and "1 of 2 design point(s)" in message
    assert "point 2 (population.concern_threshold = 1.8)" in message
    assert "concern_threshold < serious_threshold" in message
    assert not out.exists()


def test_resuming_into_a_folder_of_another_sweep_is_refused(lhs_sweep: tuple[Path, pd.DataFrame]) -> None:
    path, _ = lhs_sweep
    other = write_sweep(path.parent, LHS.replace("points = 4", "points = 5"), TWO_LEVERS, name="other.toml")
    before = sorted(p.name for p in (path.parent / "serial" / "runs").iterdir())
    with pytest.raises(ScenarioError, match="different sweep.*settings"):
        run_sweep(other, out=path.parent / "serial")
    assert sorted(p.name for p in (path.parent / "serial" / "runs").iterdir()) == before


@pytest.mark.parametrize(
    ("design", "method", "columns"), [("saltelli", "sobol", ["S1", "ST"]), ("morris", "morris", ["mu_star"])]
)
def test_analysis_writes_intervals_differences_indices_and_report(
    tmp_path: Path, design: str, method: str, columns: list
) -> None:
    points = 2  # saltelli: 2 x (3 + 2) points; morris: 2 trajectories x (3 + 1) points
    settings = f'design = "{design}"\npoints = {points}\nreplications = 2\noutcomes = ["ots_starts_per_year"]'
    factors = TWO_LEVERS.replace("{ values = [0.1, 0.3, 0.5] }", "{ range = [0.0, 0.6] }")
    out = tmp_path / "out"
    runs = run_sweep(write_sweep(tmp_path, settings, factors), out=out)
    analysis = analyze(out)
    write_report(analysis)
    tables = analysis.tables

    summary = tables["summary"]
    n_points = runs["point"].nunique()
    assert len(summary) == n_points * 4  # 4 outcomes kept
    assert (summary["ci_low"] <= summary["mean"]).all() and (summary["mean"] <= summary["ci_high"]).all()
    diff = tables["differences"]
    assert set(diff["point"]) == set(range(1, n_points))  # every design point against the base point
    sens = tables["sensitivity"]
    assert set(sens["method"]) == {method}
    assert set(sens["factor"]) == {
        "contradiction.second_assessor_share",
        "local_team.home_help_capacity",
        "decisions.placement_benefit_bias",
    }
    assert sens[columns].notna().all().all()
    for name in ("summary", "differences", "sensitivity"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"), tables[name], check_dtype=False)
        assert (out / f"{name}.csv").stat().st_size > 0
    report = (out / "report.html").read_text(encoding="utf-8")
    assert '<script src="http' not in report and len(report) > 1_000_000  # plotly.js inline: works offline
    for title in ("Response to decisions.placement_benefit_bias", "Paired differences", "Sensitivity", "Trade-off"):
        assert title in report


def test_ema_export_has_the_workbench_shape(lhs_sweep: tuple[Path, pd.DataFrame]) -> None:
    path, runs = lhs_sweep
    out = path.parent / "serial"
    experiments, outcomes = to_ema(out)
    assert len(experiments) == len(runs)
    assert {"scenario", "policy", "model"} <= set(experiments.columns)
    assert experiments["decisions.placement_benefit_bias"].dtype == float  # the uncertainty, as float
    assert experiments["local_team.home_help_capacity"].dtype == float  # ints cast: EMA's PRIM needs floats
    assert (experiments.loc[runs["point"] == 0, "policy"] == "base").all()
    assert experiments["scenario"].nunique() == 3  # the three placement_benefit_bias values (base = 0.3)
    assert set(outcomes) == {
        "ots_starts_per_year",
        "unwarranted_raad_investigations_per_year",
        "unwarranted_placements_per_year",
        "missed_children_per_year",
    }
    assert all(isinstance(v, np.ndarray) and v.shape == (len(runs),) for v in outcomes.values())
    np.testing.assert_array_equal(outcomes["ots_starts_per_year"], runs.sort_values("run_id")["ots_starts_per_year"])

    # the tar.gz layout of EMA's save_results, read back the way load_results reads it
    archive = write_ema(out, out / "ema.tar.gz")
    with tarfile.open(archive, "r:gz") as tar:
        read = pd.read_csv(tar.extractfile("experiments.csv"))
        meta = [line.decode().strip().split(",") for line in tar.extractfile("experiments metadata.csv").readlines()]
        shapes = dict(line.decode().strip().split(",", 1) for line in tar.extractfile("outcomes metadata.csv").readlines())
        values = pd.read_csv(io.BytesIO(tar.extractfile("missed_children_per_year.csv").read()), header=None).to_numpy()
    assert [m[0] for m in meta] == list(experiments.columns) and all(len(m) == 2 for m in meta)
    assert len(read) == len(runs) and list(read.columns) == list(experiments.columns)
    assert shapes["missed_children_per_year"] == f"({len(runs)},)"
    np.testing.assert_allclose(values.ravel(), outcomes["missed_children_per_year"])

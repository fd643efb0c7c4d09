"""Sweeps under hostile input (issue 15): size limit, scheduler checked first, damaged bookkeeping, orphaned workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT
from sweep_util import write_sweep

from sim.cli import build_parser, main
from sim.experiments.sweeps import load_sweep, run_sweep
from sim.experiments.sweeps.design import make_design, n_points
from sim.experiments.sweeps.run import MAX_RUNS, check_size
from sim.model.params import ScenarioError

ONE_FACTOR = '[levers]\n"contradiction.voice" = { values = [0.1, 0.4] }\n'
SMALL = 'design = "full_factorial"\nreplications = 1\noutcomes = ["ots_starts_per_year"]'


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A finished 3-run sweep (base + 2 points, 1 replication) and its output folder."""
    folder = tmp_path_factory.mktemp("small")
    path = write_sweep(folder, SMALL, ONE_FACTOR)
    out = folder / "out"
    runs = run_sweep(path, out=out)
    assert (runs["status"] == "ok").all() and len(runs) == 3
    return path, out


@pytest.mark.parametrize(
    ("settings", "factors"),
    [
        (
            'design = "full_factorial"',
            '[levers]\n"contradiction.voice" = { range = [0, 1], levels = 4 }\n"court.n_judges" = { values = [100, 120] }',
        ),
        ('design = "latin_hypercube"\npoints = 7', ONE_FACTOR),
        (
            'design = "morris"\npoints = 3',
            '[levers]\n"contradiction.voice" = { range = [0, 1] }\n"contradiction.legal_aid_share" = { range = [0, 1] }',
        ),
        (
            'design = "saltelli"\npoints = 4',
            '[levers]\n"contradiction.voice" = { range = [0, 1] }\n"contradiction.legal_aid_share" = { range = [0, 1] }',
        ),
        (
            'design = "saltelli"\npoints = 4\nsecond_order = true',
            '[levers]\n"contradiction.voice" = { range = [0, 1] }\n"contradiction.legal_aid_share" = { range = [0, 1] }',
        ),
    ],
)
def test_point_count_before_drawing_equals_the_design(tmp_path: Path, settings: str, factors: str) -> None:
    sweep = load_sweep(write_sweep(tmp_path, settings, factors))
    assert n_points(sweep) == len(make_design(sweep))


def test_a_sweep_over_the_run_limit_is_refused_without_the_flag(tmp_path: Path) -> None:
    factors = '[levers]\n"contradiction.voice" = { range = [0, 1], levels = 1000 }\n"contradiction.legal_aid_share" = { range = [0, 1], levels = 1000 }'
    path = write_sweep(tmp_path, 'design = "full_factorial"\nreplications = 2', factors)
    out = tmp_path / "out"
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        run_sweep(path, out=out)
    assert time.perf_counter() - started < 10  # refused before a million points are drawn
    message = str(info.value)
    assert str(path) in message and "1,000,001 design points" in message and "2,000,002 runs" in message
    assert f"at most {MAX_RUNS:,}" in message and "--allow-large" in message
    assert not out.exists()
    assert check_size(load_sweep(path), allow_large=True) == 2_000_002


def test_the_limit_is_inclusive(tmp_path: Path) -> None:
    # 1 + 4999 points x 2 replications = 10,000 runs: allowed; one point more is not
    at = write_sweep(tmp_path, 'design = "latin_hypercube"\npoints = 4999\nreplications = 2', ONE_FACTOR)
    assert check_size(load_sweep(at)) == MAX_RUNS
    over = write_sweep(tmp_path, 'design = "latin_hypercube"\npoints = 5000\nreplications = 2', ONE_FACTOR, name="over.toml")
    with pytest.raises(ScenarioError, match="10,002 runs"):
        check_size(load_sweep(over))


def test_cli_help_states_the_limit() -> None:
    sweep_parser = build_parser()._subparsers._group_actions[0].choices["sweep"]  # noqa: SLF001
    assert f"{MAX_RUNS:,}" in sweep_parser.format_help().replace("\n", " ")


def test_cli_refuses_a_large_sweep_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_sweep(tmp_path, 'design = "latin_hypercube"\npoints = 20000\nreplications = 1', ONE_FACTOR)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--allow-large" in err and "Traceback" not in err
    assert not out.exists()


def test_unreachable_scheduler_is_refused_before_the_folder_is_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_sweep(tmp_path, SMALL, ONE_FACTOR)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--dask", "tcp://127.0.0.1:1", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "tcp://127.0.0.1:1" in err and "no Dask scheduler reachable" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("address", ["tcp://host", "tcp://host:port", "tcp://host:70000"])
def test_scheduler_address_without_a_valid_port(tmp_path: Path, address: str) -> None:
    path = write_sweep(tmp_path, SMALL, ONE_FACTOR)
    with pytest.raises(ScenarioError, match="with a port"):
        run_sweep(path, dask=address, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", [False, True])
def test_out_that_is_a_file_is_refused_before_any_run(tmp_path: Path, inside: bool) -> None:
    path = write_sweep(tmp_path, SMALL, ONE_FACTOR)
    blocker = tmp_path / "a_file"
    blocker.write_text("keep\n", encoding="utf-8")
    out = blocker / "sub" if inside else blocker
    with pytest.raises(ScenarioError, match="a_file") as info:
        run_sweep(path, out=out)
    assert "is a file" in str(info.value) or "is not a folder" in str(info.value)
    assert blocker.read_text(encoding="utf-8") == "keep\n"


def _copy(out: Path, into: Path) -> Path:
    import shutil

    shutil.copytree(out, into)
    return into


@pytest.mark.parametrize("name", ["design.parquet", "sweep.json", "seeds.json"])
def test_a_truncated_bookkeeping_file_is_named_on_resume(finished: tuple[Path, Path], tmp_path: Path, name: str) -> None:
    path, out = finished
    copy = _copy(out, tmp_path / "copy")
    damaged = copy / name
    damaged.write_bytes(damaged.read_bytes()[: len(damaged.read_bytes()) // 2])
    before = sorted(p.name for p in (copy / "runs").iterdir())
    with pytest.raises(ScenarioError) as info:
        run_sweep(path, out=copy)
    message = str(info.value)
    assert str(damaged) in message and "damaged" in message
    assert "different sweep" not in message
    assert sorted(p.name for p in (copy / "runs").iterdir()) == before


def test_a_deleted_bookkeeping_file_is_rewritten_and_the_runs_kept(finished: tuple[Path, Path], tmp_path: Path) -> None:
    path, out = finished
    copy = _copy(out, tmp_path / "copy")
    (copy / "design.parquet").unlink()
    (copy / "seeds.json").unlink()
    stamps = {p.name: p.stat().st_mtime_ns for p in (copy / "runs").iterdir()}
    runs = run_sweep(path, out=copy)
    assert len(runs) == 3 and (runs["status"] == "ok").all()
    assert {p.name: p.stat().st_mtime_ns for p in (copy / "runs").iterdir()} == stamps  # nothing rerun
    pd.testing.assert_frame_equal(pd.read_parquet(copy / "design.parquet"), pd.read_parquet(out / "design.parquet"))
    assert json.loads((copy / "seeds.json").read_text()) == json.loads((out / "seeds.json").read_text())


def test_a_design_file_of_other_points_is_refused(finished: tuple[Path, Path], tmp_path: Path) -> None:
    path, out = finished
    copy = _copy(out, tmp_path / "copy")
    design = pd.read_parquet(copy / "design.parquet")
    design.loc[1, "contradiction.voice"] = 0.3
    design.to_parquet(copy / "design.parquet", index=False)
    with pytest.raises(ScenarioError, match="design.parquet.*points differ"):
        run_sweep(path, out=copy)


def test_analyze_names_a_truncated_design(
    finished: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = finished
    copy = _copy(out, tmp_path / "copy")
    (copy / "design.parquet").write_bytes(b"PAR1 truncated")
    assert main(["analyze", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "design.parquet" in err and "damaged" in err and "Traceback" not in err


DRIVER = """
import sys, time
from sim.experiments.sweeps.run import make_executor
with make_executor(workers=2) as (pool, _):
    futures = [pool.submit(time.sleep, 120) for _ in range(2)]
    time.sleep(2)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(120)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_end_when_the_driver_is_killed() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    driver = subprocess.Popen([sys.executable, "-c", DRIVER], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        pids = [int(p) for p in driver.stdout.readline().split()]  # type: ignore[union-attr]
        assert len(pids) == 2 and not any(_gone(p) for p in pids)
        driver.send_signal(signal.SIGKILL)
        driver.wait(10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(_gone(p) for p in pids):
            time.sleep(0.2)
        alive = [p for p in pids if not _gone(p)]
        for pid in alive:  # clean up before failing
            os.kill(pid, signal.SIGKILL)
        assert not alive, f"workers {alive} outlived their driver"
    finally:
        if driver.poll() is None:
            driver.kill()

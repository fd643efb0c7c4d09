"""Kill -9 a real `ketensim sweep` mid-way, start it again: nothing lost, nothing duplicated, same results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from conftest import ROOT
from sweep_util import stable, write_sweep

from sim.experiments.sweeps import run_sweep

TIMEOUT = 120
# 8 LHS points + base, 2 replications: 18 runs of ~0.15 s each, in one worker so they finish one by one
SETTINGS = 'design = "latin_hypercube"\npoints = 8\nreplications = 2\nseed = 4'
FACTORS = '[levers]\n"contradiction.second_assessor_share" = { range = [0.0, 1.0] }\n'
OVERRIDES = "run = { scale = 0.002, years = 2, warmup_years = 1 }"


def _sweep_cmd(path: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "sim.cli", "sweep", str(path), "--workers", "1", "--out", str(out), "--quiet"]


def test_killed_sweep_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    path = write_sweep(tmp_path, SETTINGS, FACTORS, overrides=OVERRIDES)
    out = tmp_path / "killed"
    runs_dir = out / "runs"
    # its own session, so kill -9 hits the whole sweep (as a crash or a lost terminal would)
    proc = subprocess.Popen(
        _sweep_cmd(path, out), cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + TIMEOUT
    while not (runs_dir.is_dir() and len(list(runs_dir.glob("p*.parquet"))) >= 4):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no runs written in time"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=TIMEOUT)
    before = {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("p*.parquet")}
    assert 4 <= len(before) < 18, f"kill came too late to test resuming ({len(before)} runs written)"

    resumed = subprocess.run(_sweep_cmd(path, out), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(before)} of 18 runs already done" in resumed.stderr
    after = {p.name: p.stat().st_mtime_ns for p in runs_dir.glob("p*.parquet")}
    assert len(after) == 18 and not list(runs_dir.glob(".tmp-*"))
    assert all(after[name] == stamp for name, stamp in before.items()), "finished runs were run again"

    manifest = pd.read_parquet(out / "manifest.parquet")
    assert manifest["run_id"].is_unique and len(manifest) == 18 and (manifest["status"] == "ok").all()
    uninterrupted = run_sweep(path, out=tmp_path / "whole")
    pd.testing.assert_frame_equal(stable(manifest), stable(uninterrupted))


def test_an_unreadable_run_file_is_set_aside_and_rerun(tmp_path):
    """A truncated run file (a crash) does not break resume or analysis: it is moved aside, the run counts as not done."""
    from sim.experiments.sweeps.store import read_runs, write_run

    runs = tmp_path / "runs"
    runs.mkdir()
    write_run(runs, {"run_id": "p000000-r0000", "point": 0, "replication": 0, "status": "ok", "error": None})
    (runs / "p000001-r0000.parquet").write_bytes(b"PAR1 truncated")
    frame = read_runs(tmp_path)
    assert list(frame["run_id"]) == ["p000000-r0000"]
    assert not (runs / "p000001-r0000.parquet").exists()
    assert (runs / ".corrupt-p000001-r0000.parquet").exists()
    assert list(read_runs(tmp_path)["run_id"]) == ["p000000-r0000"]  # read again: the set-aside file stays aside

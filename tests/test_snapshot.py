"""Snapshots: a run saved at a month and continued is the uninterrupted run; forks share state; bad files are refused."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, small

from sim.experiments.runs import replicate, run_once
from sim.experiments.snapshot_file import Snapshot, SnapshotError
from sim.experiments.snapshots import PRESENT, present_path, run_until, snapshot_month, start_model, take
from sim.model.chain import ChainModel
from sim.model.params import Params, ScenarioError, load_scenario
from sim.model.results import RunResult, collect
from sim.model.snapshot.codec import CodecError, Decoder
from sim.model.snapshot.state import capture, restore

TABLES = ("yearly", "monthly", "equity", "costs", "episodes")


def near_present(params: Params | None = None, **run: object) -> Params:
    """A small run whose years hold the present (2021-2024 after a warm-up year 2020: January 2023 is month 36)."""
    p = small(params, years=4)
    return p.with_overrides({"run": {"start_year": 2021, **run}})


def assert_same(a: RunResult, b: RunResult) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.summary.keys() == b.summary.keys()
    for key in a.summary:
        assert a.summary[key] == b.summary[key] or (np.isnan(a.summary[key]) and np.isnan(b.summary[key])), key


def run_rest(model: ChainModel) -> RunResult:
    while model.running:
        model.step()
    return collect(model)


def shocked() -> Params:
    """A timeline ramp, a dated step and a financial shock all under way at month 20."""
    p = small(load_scenario(SCENARIOS / "financial_shock.toml"), years=3)
    first = p.run.start_year - p.run.warmup_years
    return p.with_overrides(
        {
            "shock": {"start_year": first + 1},
            "timeline": [
                {
                    "from": f"{first + 1}-03",
                    "until": f"{first + 2}-06",
                    "set": {"raad.n_staff": 900, "guardians.n_guardians": 1500},
                },
                {"from": f"{first + 1}-09", "set": {"contradiction.legal_aid_share": 1.0}},
            ],
        }
    )


@pytest.mark.parametrize("month", [1, 20, 30])
def test_a_restored_model_steps_exactly_as_the_original(month: int) -> None:
    params = shocked()
    original = run_until(params, month)
    state, arrays = capture(original)
    again = restore(json.loads(json.dumps(state)), {k: v.copy() for k, v in arrays.items()})
    assert json.dumps(capture(again)[0]) == json.dumps(state)  # nothing lost or added on the way (as text: NaN != NaN)
    assert_same(run_rest(original), run_rest(again))


def test_a_run_continued_from_a_file_is_the_uninterrupted_run(tmp_path: Path) -> None:
    params = shocked()
    at = f"{params.run.start_year}-01"  # after the warm-up: the continued run reports every year
    take(params, at, [params.run.seed], tmp_path / "s.zip", "shocked")
    whole = run_once(params)
    continued = run_once(params.with_overrides({"run": {"start_from": str(tmp_path / "s.zip")}}))
    assert_same(whole, continued)


def test_a_continued_run_reports_from_the_snapshot_year_on(tmp_path: Path) -> None:
    params = near_present()
    take(params, "2023-01", [params.run.seed], tmp_path / "s.zip", "baseline")
    whole = run_once(params)
    continued = run_once(params.with_overrides({"run": {"start_from": str(tmp_path / "s.zip")}}))
    assert list(continued.yearly["year"]) == [2023, 2024]
    later = whole.yearly[whole.yearly["year"] >= 2023].reset_index(drop=True)
    pd.testing.assert_frame_equal(later, continued.yearly, check_exact=True)
    assert continued.summary["vt_reports_per_year"] == later["vt_reports"].mean()


def test_the_snapshot_file_is_the_same_bytes_for_the_same_state(tmp_path: Path) -> None:
    params = small(years=2)
    take(params, f"{params.run.start_year}-03", [1, 2], tmp_path / "a.zip", "x")
    take(params, f"{params.run.start_year}-03", [1, 2], tmp_path / "b.zip", "x")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with Snapshot(tmp_path / "a.zip") as snap:
        assert snap.manifest.seeds == [1, 2] and len(snap) == 2
        assert snap.manifest.month == snapshot_month(params, f"{params.run.start_year}-03") == 14


def test_the_present_is_built_once_and_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETENSIM_CACHE", str(tmp_path))
    params = near_present(start_from="present")
    first = run_once(params)
    path = present_path(params)
    assert path.is_file() and path.parent.parent == tmp_path
    built = path.stat().st_mtime_ns
    assert_same(first, run_once(params))  # read from the cache the second time
    assert path.stat().st_mtime_ns == built
    with Snapshot(path) as snap:
        assert snap.manifest.at == PRESENT and snap.manifest.seeds == [params.run.seed]
    # the present is the baseline's own state: the baseline from the present is the baseline's 2023 on
    whole = run_once(near_present())
    pd.testing.assert_frame_equal(whole.yearly[whole.yearly["year"] >= 2023].reset_index(drop=True), first.yearly)


def test_a_damaged_cached_present_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETENSIM_CACHE", str(tmp_path))
    params = near_present(start_from="present")
    first = run_once(params)
    path = present_path(params)
    path.write_bytes(path.read_bytes()[:1000])
    assert_same(first, run_once(params))


def test_forks_share_the_state_and_the_random_streams(tmp_path: Path) -> None:
    params = near_present()
    take(params, "2023-01", [params.run.seed], tmp_path / "s.zip", "baseline")
    start = {"run": {"start_from": str(tmp_path / "s.zip")}}
    a = start_model(params.with_overrides(start))
    b = start_model(params.with_overrides({**start, "contradiction": {"legal_aid_share": 1.0}}))
    state_a, arrays_a = capture(a)
    state_b, arrays_b = capture(b)
    for state in (state_a, state_b):  # what differs: the scenario, and its change due at the fork
        state.pop("params"), state["model"].pop("timeline")
    assert json.dumps(state_a) == json.dumps(state_b)  # the same cases, queues, staff and stream states
    assert all(np.array_equal(arrays_a[k], arrays_b[k]) for k in arrays_a)
    assert b.timeline == {36: {"contradiction.legal_aid_share": 1.0}} and a.timeline == {}
    a.step(), b.step()
    assert b.params.contradiction.legal_aid_share == 1.0
    assert a.params.contradiction.legal_aid_share == Params().contradiction.legal_aid_share


def test_dated_parameters_take_effect_at_the_fork_and_the_timeline_after_it(tmp_path: Path) -> None:
    params = near_present()
    take(params, "2023-01", [params.run.seed], tmp_path / "s.zip", "baseline")
    raad_before = len(start_model(params.with_overrides({"run": {"start_from": str(tmp_path / "s.zip")}})).raad.staff)
    fork = params.with_overrides(
        {
            "run": {"start_from": str(tmp_path / "s.zip")},
            "raad": {"n_staff": 650},  # half the default: the pool halves at the fork
            "timeline": [
                {"from": "2022-06", "set": {"guardians.n_guardians": 600}},  # due before the fork: applies at it
                {"from": "2024-01", "set": {"contradiction.legal_aid_share": 1.0}},  # after: at its date
            ],
        }
    )
    model = start_model(fork)
    assert sorted(model.timeline) == [36, 48]  # the fork (January 2023) and January 2024, months from January 2020
    model.step()  # the fork's month: its changes apply at its start
    assert len(model.raad.staff) == model.scaled(650) < raad_before
    assert len(model.guardians.staff) == model.scaled(600)
    assert model.params.contradiction.legal_aid_share == Params().contradiction.legal_aid_share
    while model.steps < 49:
        model.step()
    assert model.params.contradiction.legal_aid_share == 1.0


def test_a_fork_that_changes_what_is_fixed_at_the_start_is_refused(tmp_path: Path) -> None:
    params = near_present()
    take(params, "2023-01", [params.run.seed], tmp_path / "s.zip", "baseline")
    start = {"run": {"start_from": str(tmp_path / "s.zip")}}
    for change, key in (
        ({"population": {"risk_multiplier": 3.0}}, "population.risk_multiplier"),
        ({"initial": {"n_ots": 100}}, "initial.n_ots"),
    ):
        with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
            start_model(params.with_overrides({**start, **change}))
    with pytest.raises(SnapshotError, match="scale 0.005, the scenario at 0.01"):
        start_model(params.with_overrides({"run": {**start["run"], "scale": 0.01}}))
    with pytest.raises(SnapshotError, match="no state for seed 8"):
        start_model(params.with_overrides({"run": {**start["run"], "seed": 8}}))


def test_replications_from_a_snapshot_use_its_seeds(tmp_path: Path) -> None:
    params = near_present()
    reps = replicate(params, 2)
    take(params, "2023-01", reps.seeds, tmp_path / "s.zip", "baseline")
    continued = replicate(params.with_overrides({"run": {"start_from": str(tmp_path / "s.zip")}}), 2)
    assert continued.seeds == reps.seeds
    whole = reps.table("yearly")
    pd.testing.assert_frame_equal(
        whole[whole["year"] >= 2023].reset_index(drop=True), continued.table("yearly"), check_exact=True
    )
    with pytest.raises(SnapshotError, match="--reps 2"):
        replicate(params.with_overrides({"run": {"start_from": str(tmp_path / "s.zip")}}), 3)


# --- refused files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    params = small(years=2)
    path = tmp_path_factory.mktemp("snap") / "s.zip"
    take(params, f"{params.run.start_year}-01", [params.run.seed], path, "small")
    return path


def rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of a snapshot zip with members replaced (or dropped, for None)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = change.get(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return target


def test_damaged_and_foreign_files_are_refused(snapshot_file: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(snapshot_file) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        state = zf.read("rep0/state.json")
    older = {**manifest, "ketensim_version": "0.0.1"}
    changed = {**manifest, "model_code": "0123456789abcdef"}
    wrong_type = {**manifest, "seeds": ["1"]}
    unknown = {**manifest, "voice": 0.9}
    no_members = {**manifest, "members": "all"}
    (tmp_path / "text.zip").write_text("hello")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(snapshot_file.read_bytes()[: snapshot_file.stat().st_size // 2])
    cases = [
        ("no such snapshot", tmp_path / "missing.zip"),
        ("not a Ketensim snapshot, or damaged", tmp_path / "text.zip"),
        ("not a Ketensim snapshot, or damaged", truncated),
        ("made by Ketensim 0.0.1", rewrite(snapshot_file, tmp_path / "old.zip", {"manifest.json": json.dumps(older).encode()})),
        ("with other model code", rewrite(snapshot_file, tmp_path / "code.zip", {"manifest.json": json.dumps(changed).encode()})),
        ("member\\(s\\) missing", rewrite(snapshot_file, tmp_path / "gone.zip", {"rep0/state.json": None})),
        (
            "damaged manifest: seeds\\[0\\]",
            rewrite(snapshot_file, tmp_path / "t.zip", {"manifest.json": json.dumps(wrong_type).encode()}),
        ),
        (
            "damaged manifest: voice: unknown",
            rewrite(snapshot_file, tmp_path / "u.zip", {"manifest.json": json.dumps(unknown).encode()}),
        ),
        (
            "damaged manifest: members",
            rewrite(snapshot_file, tmp_path / "m.zip", {"manifest.json": json.dumps(no_members).encode()}),
        ),
        (
            "does not match its checksum",
            rewrite(snapshot_file, tmp_path / "edited.zip", {"rep0/state.json": state.replace(b'"time":', b'"time": ', 1)}),
        ),
    ]
    for message, path in cases:
        with pytest.raises(SnapshotError, match=message):
            Snapshot(path).model(0)
    opened = []
    real_zip = zipfile.ZipFile
    with pytest.MonkeyPatch.context() as mp:  # a refused file is not left open
        mp.setattr(zipfile, "ZipFile", lambda *a, **k: opened.append(real_zip(*a, **k)) or opened[-1])
        with pytest.raises(SnapshotError):
            Snapshot(tmp_path / "u.zip")
    assert opened and all(z.fp is None for z in opened)
    flipped = tmp_path / "flipped.zip"
    data = bytearray(snapshot_file.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside a compressed member: its CRC no longer matches
    flipped.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match="damaged"):
        with Snapshot(flipped) as snap:
            snap.model(0)


def test_a_hand_made_state_with_matching_checksums_is_refused_not_a_crash(snapshot_file: Path, tmp_path: Path) -> None:
    """The manifest's checksums catch damage, not intent: a hand-made state must still end in a clear refusal."""
    with zipfile.ZipFile(snapshot_file) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        state = json.loads(zf.read("rep0/state.json"))
    deep = "1"
    for _ in range(5000):
        deep = '{"#": 0, "list": [' + deep + "]}"
    made = {
        "deep.zip": json.dumps({**state, "model": "@"}).replace('"@"', deep).encode(),
        "path.zip": json.dumps({**state, "model": {"x": {"params": ["nothing", 3]}}}).encode(),
        "ref.zip": json.dumps({**state, "model": {"x": {"ref": 99}}}).encode(),
    }
    for name, data in made.items():
        members = {**manifest["members"], "rep0/state.json": hashlib.sha256(data).hexdigest()}
        head = json.dumps({**manifest, "members": members}).encode()
        path = rewrite(snapshot_file, tmp_path / name, {"rep0/state.json": data, "manifest.json": head})
        with pytest.raises(SnapshotError, match="replication 0 cannot be read"):
            Snapshot(path).model(0)


def test_the_decoder_builds_nothing_outside_the_model() -> None:
    decoder = Decoder(object(), Params(), {})
    for data in (
        {"#": 0, "obj": "os:system", "state": {}},
        {"#": 0, "global": "subprocess:Popen"},
        {"#": 0, "obj": "sim.model.chain:math", "state": {}},  # a module, not a class
        {"#": 0, "defaultdict": [], "factory": "builtins:eval"},
        {"#": 0, "rng": "SeedSequence", "state": {}},
        {"enum": "sim.model.params:load_scenario", "v": "/etc/passwd"},  # a function called with the file's value
        {"#": 0, "defaultdict": [], "factory": "sim.model.params:iter_fields"},  # a function not marked as a factory
    ):
        with pytest.raises(CodecError):
            decoder.decode(data)


def test_cli_snapshot_run_and_compare_from_it(tmp_path: Path) -> None:
    env_cache = {"KETENSIM_CACHE": str(tmp_path / "cache")}

    def ketensim(*args: str) -> subprocess.CompletedProcess[str]:
        import os

        return subprocess.run(
            [sys.executable, "-m", "sim.cli", *args], capture_output=True, text=True, env={**os.environ, **env_cache}
        )

    run_args = ["--scale", "0.005", "--quiet"]
    base = str(SCENARIOS / "baseline.toml")
    made = ketensim("snapshot", base, "--at", "2024-01", "--out", str(tmp_path / "s.zip"), "--reps", "2", *run_args)
    assert made.returncode == 0, made.stderr
    assert "2 replication(s)" in made.stdout and (tmp_path / "s.zip").is_file()
    ran = ketensim("run", base, "--from", str(tmp_path / "s.zip"), "--reps", "2", "--out", str(tmp_path / "r"), *run_args)
    assert ran.returncode == 0, ran.stderr
    assert "2024-2025" in ran.stdout and "from the snapshot" in ran.stdout
    yearly = pd.read_parquet(tmp_path / "r" / "yearly.parquet")
    assert sorted(yearly["year"].unique()) == [2024, 2025]
    cmp = ketensim(
        "compare", base, str(SCENARIOS / "legal_aid_from_2023.toml"), "--from", str(tmp_path / "s.zip"), "--reps", "2", *run_args
    )
    assert cmp.returncode == 0, cmp.stderr
    assert "both from the snapshot" in cmp.stdout
    # refused, exit 2, nothing written
    for args, message in (
        (["snapshot", base, "--at", "2031-01", "--out", str(tmp_path / "x.zip")], "allowed: a month"),
        (["snapshot", base, "--at", "2023-01", "--out", str(tmp_path)], "is a folder"),
        (["run", base, "--from", str(tmp_path / "s.zip"), "--out", str(tmp_path / "r2")], "--reps 2"),
        (["run", base, "--from", str(tmp_path / "nothing.zip"), "--out", str(tmp_path / "r3")], "no such snapshot"),
    ):
        bad = ketensim(*args, *run_args)
        assert bad.returncode == 2, (args, bad.stderr)
        assert message in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "r2").exists() and not (tmp_path / "r3").exists()


def test_a_sweep_from_a_snapshot_is_identical_on_every_executor(tmp_path: Path) -> None:
    from distributed import LocalCluster
    from sweep_util import stable, write_sweep

    from sim.experiments.sweeps import run_sweep
    from sim.model.rng import replication_seeds

    params = near_present(scale=0.002)
    seeds = replication_seeds(11, 2)  # the sweep's replication seeds ([sweep] seed = 11)
    take(params, "2023-01", seeds, tmp_path / "s.zip", "baseline")
    run = f'run = {{ scale = 0.002, years = 4, warmup_years = 1, start_year = 2021, seed = 7, start_from = "{tmp_path / "s.zip"}" }}'
    settings = 'design = "full_factorial"\nreplications = 2\nseed = 11\noutcomes = ["ots_starts_per_year"]'
    factors = '[levers]\n"contradiction.legal_aid_share" = { values = [0.3, 1.0] }\n'
    path = write_sweep(tmp_path, settings, factors, overrides=run)
    serial = run_sweep(path, workers=1, out=tmp_path / "serial")
    assert (serial["status"] == "ok").all(), serial["error"].tolist()
    pooled = run_sweep(path, workers=2, out=tmp_path / "pool")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_sweep(path, dask=cluster.scheduler_address, out=tmp_path / "dask")
    pd.testing.assert_frame_equal(stable(pooled), stable(serial))
    pd.testing.assert_frame_equal(stable(on_dask), stable(serial))
    # and a run of one point is the run from the snapshot outside a sweep
    point = serial[(serial["replication"] == 0)].sort_values("run_id").iloc[-1]
    alone = run_once(
        params.with_overrides(
            {"run": {"seed": seeds[0], "start_from": str(tmp_path / "s.zip")}, "contradiction": {"legal_aid_share": 1.0}}
        )
    )
    assert point["ots_starts_per_year"] == alone.summary["ots_starts_per_year"]
    # a snapshot without the sweep's seeds is refused before any run
    take(params, "2023-01", [1], tmp_path / "other.zip", "baseline")
    other = write_sweep(tmp_path, settings, factors, overrides=run.replace("s.zip", "other.zip"), name="other.toml")
    with pytest.raises(SnapshotError, match="no state for seed"):
        run_sweep(other, workers=1, out=tmp_path / "refused")
    assert not (tmp_path / "refused").exists()

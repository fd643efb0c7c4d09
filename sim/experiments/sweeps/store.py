"""The sweep's output folder: definition, design, seeds, one parquet file per run, manifest.

Layout of ``OUT``::

    sweep.json        the definition (settings, factors, outcomes, base parameters) + fingerprint
    sweep.toml        a copy of the sweep file as given
    design.parquet    every point (0 = base) with its factor values and unit coordinates
    seeds.json        the sweep seed and the replication seeds (the same at every point)
    base_params.toml  the resolved base parameters (a valid scenario file)
    runs/<run_id>.parquet  one row per run, written atomically by the worker that ran it
    manifest.parquet, manifest.csv  all runs: ids, point, factor values, replication, seed,
                      parameters, version, status, error, wall time, outcomes (rebuilt from runs/)

The files in ``runs/`` are the truth: a run is done when its file exists with status
``ok``. Each is written under a temporary name in the same folder and renamed
(``os.replace`` is atomic), so a killed process leaves either a whole file or none.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiments.sweeps.spec import Sweep
from sim.model.params import ScenarioError
from sim.model.params.scenario import short

TMP_PREFIX = ".tmp-"
MANIFEST_COLUMNS = ["run_id", "point", "replication", "seed", "parameters", "version", "status", "error", "wall_time_s"]


def write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then rename it into place."""
    # a unique name (two workers may write the same run after a resume); created by the writer,
    # so it gets the usual permissions (mkstemp's 0600 would hide results on a shared disk)
    tmp = path.parent / f"{TMP_PREFIX}{uuid.uuid4().hex}{path.suffix}"
    try:
        write(tmp)
        # flush to disk before the rename: after a machine crash the final name must never
        # hold a truncated file (ext4 may reorder the rename before the data otherwise)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file atomically."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def run_id(point: int, replication: int) -> str:
    """The id of one run: point and replication, zero-padded so ids sort in order."""
    return f"p{point:06d}-r{replication:04d}"


def check_out_folder(out: Path) -> None:
    """Refuse an output folder that cannot be made or written, before any work is done.

    Raises:
        ScenarioError: ``out`` (or a folder above it) exists and is not a folder, or the
            nearest existing folder is not writable.

    """
    name = short(str(out), 300)
    try:
        ancestor = out
        while not ancestor.exists():
            if ancestor.parent == ancestor:
                break
            ancestor = ancestor.parent
    except (OSError, ValueError) as exc:  # a NUL in the name, a name too long
        raise ScenarioError(f"{name}: cannot use as output folder ({short(str(exc))})") from None
    if not ancestor.is_dir():
        where = "exists and is not a folder" if ancestor == out else f"lies inside {short(str(ancestor), 300)}, which is a file"
        raise ScenarioError(f"{name}: the output folder {where}; choose another --out")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ScenarioError(f"{name}: cannot write there ({short(str(ancestor), 300)} is not writable); choose another --out")


def _damaged(path: Path, why: str) -> ScenarioError:
    return ScenarioError(
        f"{path}: damaged sweep bookkeeping file ({why}); the finished runs in {path.parent}/runs are kept. "
        f"Delete {path.name} and run the same sweep again to have it rewritten from the sweep file "
        f"(or delete {path.parent} to start afresh)"
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _damaged(path, "not UTF-8 text") from None
    except ValueError as exc:  # truncated or garbled JSON
        raise _damaged(path, f"not valid JSON: {short(str(exc))}") from None
    except OSError as exc:
        raise _damaged(path, f"unreadable: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise _damaged(path, "not a JSON object")
    return data


def read_design(out: Path) -> pd.DataFrame:
    """``out/design.parquet``.

    Raises:
        ScenarioError: the file is missing, truncated or not a design table (named in the message).

    """
    path = out / "design.parquet"
    try:
        design = pd.read_parquet(path)
    except FileNotFoundError:
        raise _damaged(path, "missing") from None
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid derives from ValueError
        raise _damaged(path, f"unreadable: {short(str(exc))}") from None
    if not {"point", "kind"} <= set(design.columns):
        raise _damaged(path, "no point and kind columns")
    return design


def _check_bookkeeping(out: Path, sweep: Sweep, design: pd.DataFrame, seeds: list[int]) -> None:
    """On resume: each bookkeeping file is whole and agrees with the sweep; missing ones are rewritten."""
    path = out / "design.parquet"
    if path.exists():
        stored = read_design(out)
        try:
            pd.testing.assert_frame_equal(stored, design, check_dtype=False)
        except AssertionError:
            raise _damaged(
                path, "its points differ from the design this sweep file gives (damaged, or made by another SciPy or SALib)"
            ) from None
    else:
        write_atomic(path, lambda tmp: design.to_parquet(tmp, index=False))
    path = out / "seeds.json"
    if path.exists():
        if _read_json(path).get("replication_seeds") != seeds:
            raise _damaged(path, "its replication seeds differ from this sweep's")
    else:
        write_text_atomic(path, json.dumps({"sweep_seed": sweep.seed, "replication_seeds": seeds}, indent=2))
    if not (out / "base_params.toml").exists():
        write_text_atomic(out / "base_params.toml", sweep.base.to_toml())
    if not (out / "sweep.toml").exists():
        write_text_atomic(out / "sweep.toml", sweep.path.read_text(encoding="utf-8"))


def prepare(out: Path, sweep: Sweep, design: pd.DataFrame, seeds: list[int]) -> None:
    """Create ``out`` for this sweep, or check that it already holds this same sweep.

    Raises:
        ScenarioError: ``out`` is not a folder, holds a different sweep (resuming would mix
            results), or a bookkeeping file is damaged (named in the message).

    """
    check_out_folder(out)
    definition = {"fingerprint": sweep.fingerprint(), **sweep.definition()}
    existing = out / "sweep.json"
    if existing.exists():
        old = _read_json(existing)
        if "fingerprint" not in old:
            raise _damaged(existing, "no fingerprint")
        if old.get("fingerprint") != definition["fingerprint"]:
            differ = sorted(k for k in definition if k != "fingerprint" and old.get(k) != definition[k])
            raise ScenarioError(
                f"{out}: this folder holds results of a different sweep (differs in: {', '.join(differ) or 'format'}); "
                f"refusing to mix them. Use another --out folder, or delete {out} to start afresh."
            )
        _check_bookkeeping(out, sweep, design, seeds)
    elif out.is_dir() and any(out.iterdir()) and not (out / "runs").is_dir():
        raise ScenarioError(f"{out}: folder exists, is not empty and is not a sweep folder; choose another --out")
    (out / "runs").mkdir(parents=True, exist_ok=True)
    for stale in (out / "runs").glob(f"{TMP_PREFIX}*"):
        stale.unlink(missing_ok=True)  # a killed writer's half file; its run is simply rerun
    if not existing.exists():
        write_text_atomic(out / "sweep.toml", sweep.path.read_text(encoding="utf-8"))
        write_atomic(out / "design.parquet", lambda tmp: design.to_parquet(tmp, index=False))
        write_text_atomic(out / "seeds.json", json.dumps({"sweep_seed": sweep.seed, "replication_seeds": seeds}, indent=2))
        write_text_atomic(out / "base_params.toml", sweep.base.to_toml())
        write_text_atomic(existing, json.dumps(definition, indent=2, sort_keys=True))  # last: marks the folder complete


def write_run(runs_dir: Path, row: dict[str, Any]) -> None:
    """Write one run's row as ``runs/<run_id>.parquet``, atomically."""
    frame = pd.DataFrame([row])
    write_atomic(runs_dir / f"{row['run_id']}.parquet", lambda tmp: frame.to_parquet(tmp, index=False))


def read_runs(out: Path) -> pd.DataFrame:
    """All run rows in ``out/runs`` (one per run id), sorted by run id."""
    files = sorted(p for p in (out / "runs").glob("*.parquet") if not p.name.startswith("."))  # temporary or set aside
    if not files:
        return pd.DataFrame(columns=MANIFEST_COLUMNS)
    frames = []
    for path in files:
        try:
            frames.append(pd.read_parquet(path))
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            # unreadable (e.g. a disk full or a crash despite fsync): set it aside, rerun that run
            aside = path.with_name(f".corrupt-{path.name}")
            os.replace(path, aside)
            print(f"ketensim: {path} is unreadable ({exc}); moved to {aside.name}, the run will be rerun", file=sys.stderr)
    if not frames:
        return pd.DataFrame(columns=MANIFEST_COLUMNS)
    frames = [f.astype({"error": object}) for f in frames]  # all-null in ok runs, text in failed ones
    return pd.concat(frames, ignore_index=True).sort_values("run_id", ignore_index=True)


def write_manifest(out: Path) -> pd.DataFrame:
    """Rebuild ``manifest.parquet`` and ``manifest.csv`` from ``runs/``; return it.

    Each run's point kind (base/design) and factor values are joined from the design, so the
    manifest reads on its own.
    """
    runs = read_runs(out)
    if len(runs):
        design = read_design(out)
        design = design[[c for c in design.columns if not c.startswith("u:")]]
        runs = runs.merge(design, on="point", how="left")
        first = ["run_id", "point", "kind", *design.columns.drop(["point", "kind"])]
        runs = runs[first + [c for c in runs.columns if c not in first]]
    write_atomic(out / "manifest.parquet", lambda tmp: runs.to_parquet(tmp, index=False))
    write_atomic(out / "manifest.csv", lambda tmp: runs.to_csv(tmp, index=False))
    return runs


def load_definition(out: Path) -> dict[str, Any]:
    """The sweep definition stored in ``out/sweep.json``.

    Raises:
        ScenarioError: ``out`` is not a sweep output folder.

    """
    if not (out / "sweep.json").is_file():
        raise ScenarioError(f"{out}: not a sweep output folder (no sweep.json); run `ketensim sweep` first")
    return _read_json(out / "sweep.json")

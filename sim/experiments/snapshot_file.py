"""The snapshot file: one zip holding a manifest, and per replication its state (JSON) and arrays (``.npy``).

::

    manifest.json            format, version, month, scale, seeds, the scenario, a SHA-256 per member
    rep0/state.json          the model's state (sim/model/snapshot/codec.py)
    rep0/a12.npy ...         its numpy arrays, read with allow_pickle=False

Nothing in the file is executed or unpickled. A file is refused (:class:`SnapshotError`, a
:class:`~sim.model.params.ScenarioError`: exit 2 on the command line) when it is not a
Ketensim snapshot, was made by another version of Ketensim (its state belongs to that
version's model), or is damaged (a member missing, a checksum or a zip CRC that does not
match). The file is written to a temporary name and renamed when complete, and with fixed
zip timestamps, so the same state gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

import numpy as np
from pydantic import ConfigDict, TypeAdapter, ValidationError

from sim import __version__
from sim.model.chain import ChainModel
from sim.model.params import ScenarioError
from sim.model.snapshot.codec import CodecError
from sim.model.snapshot.state import capture, restore


@functools.cache
def model_code() -> str:
    """A fingerprint of the model's source (``sim/model``): a snapshot holds that code's state.

    The version alone does not say it: between releases the model changes under one version
    number, and a cached present-day snapshot of the old code would continue as if nothing had.
    """
    root = Path(__file__).resolve().parents[1] / "model"
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


FORMAT = "ketensim-snapshot"
FORMAT_VERSION = 1
MAX_MEMBER_BYTES = 8 * 2**30  # a national replication's arrays are ~0.3 GB; more is not a snapshot of ours
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


class SnapshotError(ScenarioError):
    """A snapshot file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Manifest:
    """What a snapshot holds: the month it was taken at and the runs."""

    at: str  # "YYYY-MM": the first month the continued run simulates
    month: int  # months simulated before the snapshot (= the continued run's first month index)
    scale: float
    seeds: list[int]  # one per replication, in order
    scenario: str  # name of the scenario the snapshot ran
    params_toml: str  # its parameters (with the scenario seed)
    ketensim_version: str


# the manifest is checked field by field (strict: a damaged or hand-made file is not coerced)
_STRICT = ConfigDict(strict=True)
_MANIFEST_FIELDS = {name: TypeAdapter(kind, config=_STRICT) for name, kind in get_type_hints(Manifest).items()}
_MEMBERS = TypeAdapter(dict[str, str], config=_STRICT)


def _manifest(head: dict[str, Any], where: str) -> Manifest:
    """The manifest's fields, each of its type; refused naming the first field that is missing, unknown or wrong."""
    for name in sorted(set(head) ^ set(_MANIFEST_FIELDS)):
        raise SnapshotError(f"{where}: damaged manifest: {name}: {'unknown field' if name in head else 'missing'}")
    fields = {}
    for name, check in _MANIFEST_FIELDS.items():
        try:
            fields[name] = check.validate_python(head[name])
        except ValidationError as err:
            first = err.errors()[0]
            key = "".join(f"[{part}]" for part in first["loc"])
            raise SnapshotError(f"{where}: damaged manifest: {name}{key}: {first['msg']} ({err.title})") from None
    return Manifest(**fields)


def write(path: Path, manifest: Manifest, models: list[ChainModel]) -> int:
    """Write the models' states (one per seed in ``manifest.seeds``) to ``path``; returns its size in bytes.

    Raises:
        CodecError: a model holds something a snapshot cannot write.

    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    digests: dict[str, str] = {}
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for i, model in enumerate(models):
                state, arrays = capture(model)
                _put(zf, f"rep{i}/state.json", json.dumps(state, separators=(",", ":")).encode(), digests)
                for name, array in arrays.items():
                    buffer = io.BytesIO()
                    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
                    _put(zf, f"rep{i}/{name}.npy", buffer.getvalue(), digests)
            head = {"format": FORMAT, "format_version": FORMAT_VERSION, "model_code": model_code(), **vars(manifest)}
            head["members"] = digests
            _put(zf, "manifest.json", json.dumps(head, indent=1).encode(), {})
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.stat().st_size


def _put(zf: zipfile.ZipFile, name: str, data: bytes, digests: dict[str, str]) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data, compresslevel=1)
    digests[name] = hashlib.sha256(data).hexdigest()


class Snapshot:
    """An opened snapshot file: its manifest at once, each replication's model on demand."""

    def __init__(self, path: str | Path) -> None:
        """Open ``path`` and check that it is a whole snapshot of this version.

        Raises:
            SnapshotError: not a snapshot, another version, or damaged.

        """
        self.path = Path(path)
        if not self.path.is_file():
            raise SnapshotError(
                f"{path}: no such snapshot file; make one with: ketensim snapshot SCENARIO --at YYYY-MM --out FILE"
            )
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            raise SnapshotError(f"{path}: not a Ketensim snapshot, or damaged ({type(err).__name__}: {err})") from None
        try:
            self._check(str(path))
        except SnapshotError:
            self._zip.close()  # a refused file is not held open
            raise

    def _check(self, where: str) -> None:
        try:
            head = json.loads(self._read("manifest.json"))
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as err:
            raise SnapshotError(f"{where}: not a Ketensim snapshot, or damaged ({type(err).__name__}: {err})") from None
        if not isinstance(head, dict) or head.get("format") != FORMAT:
            raise SnapshotError(f"{where}: not a Ketensim snapshot (its manifest names no format {FORMAT!r})")
        if head.get("format_version") != FORMAT_VERSION or head.get("ketensim_version") != __version__:
            raise SnapshotError(
                f"{where}: made by Ketensim {head.get('ketensim_version')} (snapshot format {head.get('format_version')}); "
                f"this is Ketensim {__version__} (format {FORMAT_VERSION}), whose model state differs: "
                "make the snapshot again with this version (ketensim snapshot SCENARIO --at YYYY-MM --out FILE)"
            )
        if head.get("model_code") != model_code():
            raise SnapshotError(
                f"{where}: made by Ketensim {__version__} with other model code (sim/model changed since: fingerprint "
                f"{head.get('model_code')}, now {model_code()}); its state may not fit this model: make the snapshot again"
            )
        for key in ("format", "format_version", "model_code"):
            head.pop(key)
        try:
            self.members = _MEMBERS.validate_python(head.pop("members", None))
        except ValidationError:
            raise SnapshotError(f"{where}: damaged manifest: members: allowed: a table of member names and checksums") from None
        self.manifest = _manifest(head, where)
        missing = sorted(set(self.members) - set(self._zip.namelist()))
        if missing:
            raise SnapshotError(f"{where}: damaged: {len(missing)} member(s) missing, e.g. {missing[0]}")

    def __len__(self) -> int:
        """Replications held."""
        return len(self.manifest.seeds)

    def _read(self, name: str) -> bytes:
        info = self._zip.getinfo(name)
        if info.file_size > MAX_MEMBER_BYTES:
            raise SnapshotError(f"{self.path}: member {name} claims {info.file_size} bytes; allowed: at most {MAX_MEMBER_BYTES}")
        data = self._zip.read(name)
        expected = getattr(self, "members", {}).get(name)
        if expected is not None and hashlib.sha256(data).hexdigest() != expected:
            raise SnapshotError(f"{self.path}: damaged: {name} does not match its checksum in the manifest")
        return data

    def model(self, i: int) -> ChainModel:
        """Replication ``i``'s model, at the snapshot's month, ready to step on.

        Raises:
            SnapshotError: the replication's state is damaged or cannot be built by this version.

        """
        prefix = f"rep{i}/"
        try:
            state = json.loads(self._read(prefix + "state.json"))
            arrays = {
                name[len(prefix) : -4]: np.lib.format.read_array(io.BytesIO(self._read(name)), allow_pickle=False)
                for name in self.members
                if name.startswith(prefix) and name.endswith(".npy")
            }
            return restore(state, arrays)
        except SnapshotError:
            raise
        except (  # a damaged or hand-made state: whatever it trips over inside the decoder
            zipfile.BadZipFile,
            KeyError,
            IndexError,
            AttributeError,
            ValueError,
            EOFError,
            TypeError,
            RecursionError,
            CodecError,
            ValidationError,
        ) as err:
            raise SnapshotError(
                f"{self.path}: damaged: replication {i} cannot be read ({type(err).__name__}: {str(err)[:200]})"
            ) from None

    def close(self) -> None:
        """Close the file."""
        self._zip.close()

    def __enter__(self) -> Snapshot:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: Any) -> None:
        """Close the file."""
        self.close()

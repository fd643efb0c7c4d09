"""Export a sweep for the EMA Workbench (scenario discovery with PRIM/CART).

EMA's results are a pair ``(experiments, outcomes)``: a DataFrame with one row per
experiment (here: per finished run) holding the uncertainties and levers plus ``scenario``,
``policy`` and ``model`` columns, and a dict of outcome name -> numpy array (one value per
experiment). :func:`write_ema` saves that pair in the tar.gz layout of EMA's
``save_results`` (``experiments.csv``, ``experiments metadata.csv``, ``outcomes
metadata.csv``, one ``<outcome>.csv`` each), which ``ema_workbench.load_results`` reads.
ema-workbench itself is an optional extra (``pip install -e ".[ema]"``).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.sweeps.analysis import load_results
from sim.experiments.sweeps.store import write_atomic


def _labels(frame: pd.DataFrame, prefix: str) -> pd.Series:
    """Name each distinct combination of the columns (in order of first appearance)."""
    if frame.shape[1] == 0:
        return pd.Series([f"{prefix}0"] * len(frame), index=frame.index)
    codes = frame.astype(str).agg("|".join, axis=1)
    ids = {key: i for i, key in enumerate(dict.fromkeys(codes))}
    return codes.map(lambda key: f"{prefix}{ids[key]}")


def to_ema(out: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The finished runs of a sweep as EMA Workbench ``(experiments, outcomes)``.

    Numbers are floats (EMA 3.0's PRIM fails on integer columns under pandas 3); the base
    scenario's runs are policy ``base``. Each replication is one experiment, with its
    ``replication`` and ``seed`` as extra columns.
    """
    res = load_results(out)
    ok = res.ok.sort_values("run_id", ignore_index=True)
    defs = res.definition["factors"]
    uncertainties = [f["name"] for f in defs if f["role"] == "uncertainty"]
    levers = [f["name"] for f in defs if f["role"] == "lever"]
    experiments = pd.DataFrame(index=ok.index)
    for name in uncertainties + levers:
        column = ok[name]
        experiments[name] = column.astype(float) if pd.api.types.is_numeric_dtype(column) else column.astype(object)
    experiments["replication"] = ok["replication"].astype(float)
    experiments["seed"] = ok["seed"].astype(str)  # 63-bit seeds do not survive a float
    experiments["scenario"] = _labels(ok[uncertainties], "scenario ").astype(object)
    policy = _labels(ok[levers], "policy ").astype(object)
    experiments["policy"] = policy.where(ok["kind"] != "base", "base")
    experiments["model"] = "ketensim"
    outcomes = {name: ok[name].to_numpy(float) for name in res.outcomes}
    return experiments, outcomes


def write_ema(out: str | Path, path: str | Path) -> Path:
    """Write :func:`to_ema` as a tar.gz readable by ``ema_workbench.load_results``."""
    experiments, outcomes = to_ema(out)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def csv(frame: pd.DataFrame, header: bool) -> bytes:
        return frame.to_csv(header=header, index=False).encode("utf-8")

    dtypes = "\n".join(f"{c},{'object' if experiments[c].dtype == object else experiments[c].dtype}" for c in experiments)
    files = {
        "experiments.csv": csv(experiments, header=True),
        "experiments metadata.csv": dtypes.encode("utf-8"),
        "outcomes metadata.csv": "\n".join(f"{k},{v.shape}" for k, v in outcomes.items()).encode("utf-8"),
    }
    files.update({f"{k}.csv": csv(pd.DataFrame(v), header=False) for k, v in outcomes.items()})

    def write(tmp: Path) -> None:
        with tarfile.open(tmp, "w:gz") as archive:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))

    write_atomic(path, write)
    return path

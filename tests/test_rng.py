"""Named random streams: reproducible, distinct, independent of Python's hash seed."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import sim.model.rng
from sim.model.rng import STREAMS, replication_seeds, stream

ROOT = Path(__file__).resolve().parents[1]


def draws(seed: int, name: str, n: int = 8) -> np.ndarray:
    return stream(seed, name).random(n)


def test_stream_is_reproducible() -> None:
    for name in STREAMS:
        np.testing.assert_array_equal(draws(20221, name), draws(20221, name))


def test_streams_differ_between_names() -> None:
    for a, b in itertools.combinations(STREAMS, 2):
        assert not np.array_equal(draws(20221, a), draws(20221, b)), (a, b)


def test_streams_differ_between_seeds() -> None:
    for name in STREAMS:
        assert not np.array_equal(draws(1, name), draws(2, name)), name
    assert not np.array_equal(draws(0, "court"), draws(2**63 - 1, "court"))


def test_stream_names_are_unique() -> None:
    assert len(STREAMS) == len(set(STREAMS))


def test_unknown_name_still_gives_a_stream() -> None:
    # streams are derived from the name, so a new process does not reshuffle existing ones
    np.testing.assert_array_equal(draws(5, "new_actor"), draws(5, "new_actor"))
    assert not np.array_equal(draws(5, "new_actor"), draws(5, "court"))


# The child loads sim/rng.py on its own (not the sim package, whose import pulls in the whole
# model and takes seconds); the functions are the same code.
_SCRIPT = textwrap.dedent(
    """
    import importlib.util, sys
    spec = importlib.util.spec_from_file_location("rng_under_test", sys.argv[1])
    rng = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rng)
    replication_seeds, stream = rng.replication_seeds, rng.stream
    for name in ("population", "court", "veilig_thuis"):
        print(name, repr(stream(20221, name).random(3).tolist()))
    print(replication_seeds(7, 3))
    """
)


def _run_with_hashseeds(*hashseeds: str) -> list[str]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, sim.model.rng.__file__],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": h},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for h in hashseeds
    ]
    outputs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 0, stderr
        outputs.append(stdout)
    return outputs


def test_streams_do_not_depend_on_pythonhashseed() -> None:
    first, second = _run_with_hashseeds("0", "12345")
    assert first.count("\n") == 4
    assert first == second
    # and they match this process (whatever its hash seed)
    expected = "".join(f"{name} {stream(20221, name).random(3).tolist()!r}\n" for name in ("population", "court", "veilig_thuis"))
    expected += f"{replication_seeds(7, 3)}\n"
    assert first == expected


def test_replication_seeds_reproducible() -> None:
    assert replication_seeds(20221, 10) == replication_seeds(20221, 10)


def test_replication_seeds_distinct() -> None:
    seeds = replication_seeds(20221, 200)
    assert len(seeds) == 200
    assert len(set(seeds)) == 200
    assert set(seeds).isdisjoint(replication_seeds(20222, 200))


def test_replication_seeds_are_prefix_stable() -> None:
    # asking for more replications keeps the earlier ones (so --reps 5 extends --reps 3)
    assert replication_seeds(3, 5)[:3] == replication_seeds(3, 3)


def test_replication_seeds_are_valid_run_seeds() -> None:
    from sim.model.params import Params

    for seed in replication_seeds(20221, 50) + replication_seeds(2**63 - 1, 5):
        assert isinstance(seed, int)
        assert 0 <= seed <= 2**63 - 1
        assert Params().with_overrides({"run": {"seed": seed}}).run.seed == seed


def test_replication_streams_differ() -> None:
    a, b = replication_seeds(20221, 2)
    assert not np.array_equal(draws(a, "population"), draws(b, "population"))

"""Named random streams: one per process, so scenarios share their luck (common random numbers).

A stream is derived from the run seed and the stream's *name* (CRC32, never Python's
``hash()``), so changing court capacity does not reshuffle Veilig Thuis's draws.
"""

from __future__ import annotations

import zlib

import numpy as np

STREAMS = (
    "population",  # households, children, stressors, threat noise
    "reports",  # who is reported, and when
    "reporters",  # which kind of reporter made a report
    "harm",  # serious-harm incidents
    "staff_veilig_thuis",  # traits of professionals, one stream per role
    "staff_local_team",
    "staff_raad",
    "staff_court",
    "staff_guardian",
    "veilig_thuis",
    "local_team",
    "raad",
    "court",
    "guardians",
    "care",
    "shock",
    "regelreflex",
    "initial",  # initial stocks of measures and placements
    "debt_help",  # whether debt help resolves a helped family's debts this month
    "trial",  # randomisation of the in-model controlled trial of intensive home help
)


def stream(seed: int, name: str) -> np.random.Generator:
    """Return the named random stream for a seed."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def replication_seeds(seed: int, n: int) -> list[int]:
    """Spawn ``n`` independent replication seeds from one scenario seed."""
    children = np.random.SeedSequence(seed).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> 1) for c in children]

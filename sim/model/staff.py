"""Professionals: Mesa agents with their own stable traits.

Each professional has a personal bias in perceiving threat, a personal action threshold
(values: some find placement much harder than others) and a dialogue skill (how well they
find voluntary options with parents and child). A pool keeps the traits also as arrays so
that Veilig Thuis can decide on a month of reports at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from sim.model.rng import stream

if TYPE_CHECKING:
    from sim.model.chain import ChainModel


def spread_normal(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """``n`` standard-normal traits that keep the population's spread in a pool of any size.

    One draw from each of ``n`` equally likely slices of the normal distribution, handed
    out in random order (stratified sampling). A scaled-down chain has few professionals
    (6 judges at scale 0.05); independent draws would make each replication's chain as
    strict or lenient as its few judges happen to be, noise that the national chain, with
    hundreds, does not have (docs/ODD.md section 8, "Held-out seeds").
    """
    u = (rng.permutation(n) + rng.random(n)) / n
    return ndtri(np.clip(u, 1e-12, 1 - 1e-12))


class Professional(mesa.Agent):
    """One professional in the chain (VT worker, local team worker, Raad investigator, judge, guardian)."""

    def __init__(self, model: mesa.Model, role: str, bias: float, values: float, dialogue_skill: float) -> None:
        """Create a professional with fixed traits."""
        super().__init__(model)
        self.role = role
        self.bias = bias
        self.values = values
        self.dialogue_skill = dialogue_skill


class StaffPool:
    """All professionals of one role, with their traits as arrays for batch decisions."""

    def __init__(self, model: ChainModel, role: str, n: int) -> None:
        """Create ``n`` professionals with traits drawn from the role's own stream.

        One stream per role, so that changing the number of Raad investigators does not
        change who the judges and guardians are (common random numbers).
        """
        self.role = role
        self.members = self._draw(model, model.streams[f"staff_{role}"], n)
        self._arrays()

    def _draw(self, model: ChainModel, rng: np.random.Generator, n: int) -> list[Professional]:
        """``n`` new professionals, their traits drawn stratified (:func:`spread_normal`): bias, values, dialogue skill."""
        d = model.params.decisions
        bias = d.bias_sd * spread_normal(rng, n)
        values = d.values_sd * spread_normal(rng, n)
        skill = np.clip(d.dialogue_skill_mean + d.dialogue_skill_sd * spread_normal(rng, n), 0.0, 1.0)
        return [Professional(model, self.role, float(b), float(v), float(s)) for b, v, s in zip(bias, values, skill, strict=True)]

    def _arrays(self) -> None:
        """The members' traits as arrays, for batch decisions."""
        self.bias: NDArray[np.float64] = np.array([m.bias for m in self.members])
        self.values: NDArray[np.float64] = np.array([m.values for m in self.members])
        self.dialogue_skill: NDArray[np.float64] = np.array([m.dialogue_skill for m in self.members])

    def __len__(self) -> int:
        """Number of professionals in the pool."""
        return len(self.members)

    def resize(self, model: ChainModel, n: int) -> list[Professional]:
        """Professionals join (traits drawn as at the start) or leave (at random) until the pool has ``n``; returns who left.

        The draws come from a stream of their own, so a run is the same as one without the
        change until the change happens (common random numbers). Whoever held cases with a
        leaver hands them over (the caller's job: only guardians keep cases).
        """
        n = max(1, n)
        if n == len(self.members):
            return []  # no draw, no new stream: the run stays as it was
        name = f"staff_{self.role}_changes"
        if name not in model.streams:
            model.streams[name] = stream(int(model.params.run.seed), name)
        rng = model.streams[name]
        left: list[Professional] = []
        if n > len(self.members):
            self.members += self._draw(model, rng, n - len(self.members))
        elif n < len(self.members):
            leaving = set(rng.choice(len(self.members), size=len(self.members) - n, replace=False).tolist())
            left = [m for i, m in enumerate(self.members) if i in leaving]
            self.members = [m for i, m in enumerate(self.members) if i not in leaving]
            for member in left:
                member.remove()
        self._arrays()
        return left

    def pick(self, rng: np.random.Generator) -> Professional:
        """A professional at random (as case allocation is, in practice, close to random)."""
        return self.members[int(rng.random() * len(self.members))]

    def pick_many(self, rng: np.random.Generator, n: int) -> NDArray[np.intp]:
        """Indices of ``n`` professionals drawn at random, for batch decisions."""
        return rng.integers(0, len(self.members), n)

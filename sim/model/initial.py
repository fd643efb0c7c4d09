"""The stocks of measures and placements that exist when a run begins.

Without them the 7-year guardianships would need decades of warm-up: the highest-threat
children (with some noise) start with the running supervision orders, guardianships and
voluntary placements of ``params.initial``, and the initial placements began "some time ago".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.cases import Case
from sim.model.population import Legal

if TYPE_CHECKING:
    from sim.model.chain import ChainModel


def seed_initial_stocks(chain: ChainModel) -> None:
    """Open the initial cases, let guardians and care take them on, and forget what that counted."""
    ip, pop, rng = chain.params.initial, chain.population, chain.streams["initial"]
    guardians, care = chain.guardians, chain.care
    key = -(pop.threat + rng.normal(0, 0.5, pop.n_children))
    n_ots, n_guard, n_vol = chain.scaled(ip.n_ots), chain.scaled(ip.n_guardianship), chain.scaled(ip.n_voluntary_placed)
    chosen = smallest_first(key, n_ots + n_guard + n_vol)
    for k, child in enumerate(chosen):
        case = Case(chain, int(child), float(rng.normal()))
        case.judgement = float(pop.threat[child] + rng.normal(0, 0.5))
        if k < n_ots:
            case.legal = Legal.OTS
            guardians.need_guardian(case)
            if rng.random() < ip.share_ots_placed:
                care.request(case, court=True)
            else:
                guardians.supervise(case)  # half the guidance until a guardian is assigned
            guardians.schedule_review(case, rng.uniform(0, chain.params.guardians.review_interval_months))
        elif k < n_ots + n_guard:
            case.legal = Legal.GUARDIANSHIP
            guardians.need_guardian(case)
            care.request(case, court=True)
        else:
            care.request(case, court=False)
    guardians.step()
    care.step()
    for case in list(chain.cases.values()):  # initial placements start "some time ago"
        if case.placed_since is not None:
            case.placed_since = -float(rng.uniform(0, 36))
    chain.ledger.reset()


def smallest_first(key: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(key, kind="stable")[:k]`` without sorting every child (ties broken by index)."""
    if k <= 0:
        return np.zeros(0, np.intp)
    if k >= len(key):
        return np.argsort(key, kind="stable")
    kth = np.partition(key, k - 1)[k - 1]
    if np.isnan(kth):  # fewer than k numbers: NaNs come last, as in the full sort
        return np.argsort(key, kind="stable")[:k]
    candidates = np.flatnonzero(key <= kth)  # the k smallest and every tie with the k-th
    return candidates[np.argsort(key[candidates], kind="stable")[:k]]

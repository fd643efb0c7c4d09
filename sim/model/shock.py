"""A financial shock to a targeted group of families (toeslagenaffaire-like), with matched controls.

The government selects families on a risk profile (single parent, lowest income, migration
background: CBS 2022) and imposes debts: they do not resolve while the shock lasts, and
the stress makes other stressors (conflict, parental distress, violence) start sooner. That
is the shock's only path to a child's *true* threat; how professionals *read* a family in
debt is a separate parameter (``decisions.poverty_bias``). Compensation settles part of the
debts. For the equity analysis each hit family is matched to a family that was not hit with
the same pre-shock risk profile and stressor count (the design CBS used).
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.params import ShockParams
from sim.model.population import Group, Population


class FinancialShock:
    """Applies the shock at its calendar dates."""

    def __init__(self, params: ShockParams, population: Population, rng: np.random.Generator) -> None:
        """Prepare the shock (nothing happens before its start year)."""
        self.p = params
        self.population = population
        self.rng = rng
        self.hit: np.ndarray = np.zeros(0, np.int64)

    def on_month(self, year: int, month: int) -> None:
        """Start, ease and compensate at the configured dates (January of each year)."""
        if not self.p.enabled or month != 0:
            return
        if year == self.p.start_year:
            self._start()
        # the pressure ends in the first January after the shock (and never in its first one)
        eases_in = max(self.p.start_year + 1, math.ceil(self.p.start_year + self.p.duration_years))
        if len(self.hit) and year == eases_in:
            self.population.ease_stress(self.hit)
        if len(self.hit) and year == self.p.compensation_year:
            settled = self.hit[self.rng.random(len(self.hit)) < self.p.compensation_effect]
            self.population.settle_debts(self.hit, settled)

    def selection_weight(self) -> np.ndarray:
        """Each household's odds of being hit: one log-odds per risk-profile marker (CBS 2022 shares)."""
        pop, p = self.population, self.p
        log_odds = (
            p.selectivity_single_parent * pop.single_parent
            + p.selectivity_low_income * pop.low_income
            + p.selectivity_migration * pop.migration
        )
        return np.exp(log_odds)

    def _start(self) -> None:
        pop = self.population
        weight = self.selection_weight()
        n_hit = round(self.p.share_households * pop.n_households)
        if n_hit == 0:
            return
        hit = self.rng.choice(pop.n_households, size=n_hit, replace=False, p=weight / weight.sum())
        self.hit = np.sort(hit)
        stressors = pop.debt.astype(int) + pop.divorce + pop.mental + pop.violence
        self._match(np.minimum(stressors, 2))
        pop.group[self.hit] = Group.HIT
        pop.impose_debts(self.hit, self.p.stress_onset_multiplier)

    def _match(self, stressors: np.ndarray) -> None:
        """Pick, per hit family, an unhit family with the same risk profile (exact stratum match)."""
        pop = self.population
        stratum = (pop.single_parent * 1 + pop.low_income * 2 + pop.migration * 4) * 3 + stressors
        is_hit = np.zeros(pop.n_households, bool)
        is_hit[self.hit] = True
        for s in np.unique(stratum[self.hit]):
            need = int(np.sum(stratum[self.hit] == s))
            pool = np.flatnonzero((stratum == s) & ~is_hit)
            take = self.rng.choice(pool, size=min(need, len(pool)), replace=False)
            pop.group[take] = Group.MATCHED

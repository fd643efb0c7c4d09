"""Households and children (gezinnen), vectorised with numpy.

Every household does the same things each month (stressors start and end, support stays),
and every child's true development threat drifts toward a target set by those stressors;
so this is numpy over arrays, not Mesa agents. A child gets a ``Case`` (its file) only
when it enters the chain (see ``sim/model/cases.py``); the chain writes the child's state, legal
status and care setting back into these arrays, which are the single source of truth for
"where is every child now".
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from sim.model.params import Params

MONTHS_ADULT = 18 * 12
ADOLESCENT_MONTHS = 144  # 12 years: care helps adolescents less (Lindquist & Santavirta 2014)
CARE_RISK = (
    1.5  # threat added by care of quality 0 (exposure in care = vulnerability + CARE_RISK * (1 - quality) - benefit * quality)
)
# Months of household dynamics simulated before the run (assumption: spells last ~2 years, so
# the clustering of stressors settles within three years).
BURN_IN_MONTHS = 36


class State(IntEnum):
    """Where a child is in the chain; every child is in exactly one state."""

    HOME = 0  # not (or no longer) known to the chain
    VT = 1  # Veilig Thuis investigation (or waiting for one)
    HELP = 2  # ordinary voluntary help from the local team
    HOME_HELP_WAIT = 3  # waiting for intensive home help
    HOME_HELP = 4  # intensive home help (intensieve pedagogische thuishulp)
    RAAD = 5  # Raad waiting list or protection investigation
    COURT = 6  # request filed, waiting for the hearing
    MEASURE_HOME = 7  # under a measure, living at home
    PLACEMENT_WAIT = 8  # placement decided, waiting for a place
    PLACED = 9  # living in a care setting
    MEASURE_WAIT = 10  # under a measure, living at home, waiting for a guardian (no guardian yet)


# States of a child under a measure (or decided placement): a referral or request leaves them as they are.
UNDER_MEASURE = (State.PLACED, State.MEASURE_HOME, State.MEASURE_WAIT, State.PLACEMENT_WAIT)


class Legal(IntEnum):
    """Legal status (no measure, supervision order, guardianship)."""

    NONE = 0
    OTS = 1  # ondertoezichtstelling: supervision order
    GUARDIANSHIP = 2  # voogdij after a measure ending parental authority


class Setting(IntEnum):
    """Where a child lives."""

    HOME = 0
    FOSTER = 1  # pleeggezin
    GEZINSHUIS = 2  # family home
    RESIDENTIAL = 3  # tehuis


class Group(IntEnum):
    """Equity group for shock scenarios."""

    OTHER = 0
    HIT = 1  # family hit by the financial shock
    MATCHED = 2  # not hit, matched on pre-shock risk profile


class Population:
    """Arrays of households and children, and their monthly update."""

    def __init__(self, params: Params, rng: np.random.Generator) -> None:
        """Create the population at the run's scale."""
        pp = params.population
        self.params = params
        self.rng = rng
        n_children = max(100, round(pp.n_minors * params.run.scale))
        sizes = 1 + rng.poisson(pp.children_per_household - 1, n_children)
        ends = np.cumsum(sizes)
        n_households = int(np.searchsorted(ends, n_children) + 1)
        # intp, not int32: gathers by household (several per month) then need no index conversion
        self.household: NDArray[np.intp] = np.repeat(np.arange(n_households, dtype=np.intp), sizes[:n_households])[:n_children]
        self.n_children = n_children
        self.n_households = n_households

        # Household traits (the risk profile) and stressors.
        self.single_parent = rng.random(n_households) < pp.share_single_parent
        self.low_income = rng.random(n_households) < pp.share_low_income + 0.25 * self.single_parent
        self.migration = rng.random(n_households) < pp.share_migration_background
        self.support = rng.beta(2.0, 2.0, n_households).astype(np.float32)
        # Stressors start near their equilibrium prevalence (onset / (onset + resolution)),
        # then run a burn-in so their clustering settles before the chain starts.
        base_risk = 1 + (pp.risk_multiplier - 1) * (self.single_parent | self.low_income)
        self._profile_risk = base_risk.astype(np.float32)  # the household's risk profile
        self._base_risk = self._profile_risk.copy()  # ... times the stress of a financial shock while it lasts
        for name, p_on, p_off in self._stressor_rates():
            setattr(self, name, rng.random(n_households) < p_on * base_risk / (p_on * base_risk + p_off))
        self.debt_locked = np.zeros(n_households, bool)  # debts a financial shock imposed: they do not resolve
        # each household's stress_load(), kept up to date where stressors or the shock change
        # (a few percent of households a month) instead of recomputed for all every month
        self._load = self.stress_load()
        self._cumulative = self._transition_cumulative()
        for _ in range(BURN_IN_MONTHS):
            self._stressor_step()
        self.group = np.zeros(n_households, np.int8)

        # Children.
        self.age_months = rng.integers(0, MONTHS_ADULT, n_children).astype(np.int16)
        self.vulnerability = self._new_vulnerability(n_children)
        self.relief = np.zeros(n_children, np.float32)  # threat removed by help the chain gives
        self.threat = np.maximum(self._target(), 0.0)  # start at equilibrium; threat is never negative
        self.wellbeing = (-self.threat).astype(np.float32)
        self.state = np.zeros(n_children, np.int8)
        self.legal = np.zeros(n_children, np.int8)
        self.setting = np.zeros(n_children, np.int8)
        # when the chain last screened the child out or closed its case (missed-among-known counts)
        self.screened_out_at = np.full(n_children, -np.inf, np.float32)

    def _new_vulnerability(self, n: int) -> NDArray[np.float32]:
        sd = self.params.population.vulnerability_sd
        return (0.5 * np.exp(self.rng.normal(0.0, sd, n))).astype(np.float32)

    def stress_load(self, households: NDArray[np.intp] | slice = slice(None)) -> NDArray[np.float32]:
        """Threat added by the stressors of (some) households, minus network support."""
        pp = self.params.population
        f = np.float32
        load = f(pp.w_debt) * self.debt[households] + f(pp.w_divorce) * self.divorce[households]
        load += f(pp.w_mental) * self.mental[households]
        load += f(pp.w_violence) * self.violence[households]
        load -= f(pp.w_support) * self.support[households]
        return load

    def _target(self) -> NDArray[np.float32]:
        target = self._load[self.household]  # (+ vulnerability - relief, in place: addition commutes exactly)
        target += self.vulnerability
        target -= self.relief
        return target

    def child_group(self) -> NDArray[np.int8]:
        """Equity group of each child (from its household)."""
        return self.group[self.household]

    def step(self) -> NDArray[np.intp]:
        """Advance households and children one month.

        Returns:
            Indices of children who turned 18 this month (the chain must end their cases
            before :meth:`replace_adults` reuses their slots for newborns).

        """
        pp = self.params.population
        rng = self.rng
        self._stressor_step()
        # a uniform monthly shock with the configured sd (half the cost of a normal draw;
        # summed over months the threat's noise is close to normal anyway)
        noise = rng.random(self.n_children, dtype=np.float32)
        noise -= np.float32(0.5)
        noise *= np.float32(pp.threat_noise_sd * math.sqrt(12))
        # threat += rate * (target - threat) + noise, in place (the same float32 operations)
        change = self._target()
        change -= self.threat
        change *= pp.threat_adjust_rate
        change += noise
        self.threat += change
        np.maximum(self.threat, 0.0, out=self.threat)

        self.age_months += 1
        return np.flatnonzero(self.age_months >= MONTHS_ADULT)

    def resolve_family_stressors(self, child: int) -> None:
        """Help that worked: the family's violence, divorce conflict and parental distress end (not its debts).

        Intensive family help improves family functioning and parental psychopathology
        (three-level meta-analysis of 33 trials: g 0.19 and 0.34); it does not pay debts.
        """
        household = self.household[child]
        self.violence[household] = False
        self.divorce[household] = False
        self.mental[household] = False
        self.stressors_changed(np.array([household]))

    def _stressor_rates(self) -> tuple[tuple[str, float, float], ...]:
        pp = self.params.population
        return (
            ("debt", pp.p_debt_onset, pp.p_debt_resolve),
            ("divorce", pp.p_divorce_onset, pp.p_divorce_resolve),
            ("mental", pp.p_mental_onset, pp.p_mental_resolve),
            ("violence", pp.p_violence_onset, pp.p_violence_resolve),
        )

    def _transition_cumulative(self, households: NDArray[np.intp] | slice = slice(None)) -> NDArray[np.float32]:
        """Cumulative monthly chances that each stressor starts or ends, shape (4, n).

        Stressors cluster: poorer and single-parent households, and households already
        under stress, get new stressors more often (assumption, see params).
        """
        names = self._stressor_rates()
        current = [getattr(self, name)[households] for name, _, _ in names]
        n_now = current[0].astype(np.float32) + current[1] + current[2] + current[3]
        risk = self._base_risk[households] * (1 + np.float32(0.8) * n_now)
        chances = np.stack(
            [
                np.where(cur, np.float32(p_off) * (1 - locked), np.float32(p_on) * risk)
                for cur, locked, (_, p_on, p_off) in zip(current, self._locks(households), names, strict=True)
            ]
        )
        return np.cumsum(chances, axis=0, dtype=np.float32)

    def stressors_changed(self, households: NDArray[np.intp] | slice = slice(None)) -> None:
        """Recompute the stress load and transition chances of households whose stressors changed."""
        self._cumulative[:, households] = self._transition_cumulative(households)
        self._load[households] = self.stress_load(households)

    def _locks(self, households: NDArray[np.intp] | slice) -> tuple[NDArray[np.float32] | float, ...]:
        """Per stressor (debt, divorce, mental, violence): 1 where it cannot end now (a shock's debts)."""
        return (self.debt_locked[households].astype(np.float32), 0.0, 0.0, 0.0)

    def impose_debts(self, households: NDArray[np.intp], onset_multiplier: float) -> None:
        """A financial shock: problematic debts that do not resolve, and stress that makes other stressors start sooner."""
        self.debt[households] = True
        self.debt_locked[households] = True
        self._base_risk[households] = self._profile_risk[households] * np.float32(onset_multiplier)
        self.stressors_changed(households)

    def ease_stress(self, households: NDArray[np.intp]) -> None:
        """The shock's pressure ends (its debts remain until they are settled)."""
        self._base_risk[households] = self._profile_risk[households]
        self.stressors_changed(households)

    def settle_debts(self, households: NDArray[np.intp], settled: NDArray[np.intp]) -> None:
        """Compensation: the imposed debts of ``settled`` are paid off; the others may now resolve as debts do."""
        self.debt_locked[households] = False
        self.debt[settled] = False
        self.stressors_changed(households)

    def resolve_debt(self, households: NDArray[np.intp]) -> None:
        """Debt help that worked: the problematic debts of these households end (not a shock's, before settlement)."""
        free = households[~self.debt_locked[households]]
        self.debt[free] = False
        self.stressors_changed(free)

    def _stressor_step(self) -> None:
        """Stressors start and end for one month.

        Competing risks with one uniform draw per household: a household has a transition
        when ``u`` falls below its total chance, and ``u``'s place among the cumulative
        chances says which stressor starts or ends. At most one change per household per
        month (two at once have a chance below 0.4%). Only the few households that changed
        need their chances recomputed, which keeps this cheap at national scale.
        """
        u = self.rng.random(self.n_households, dtype=np.float32)
        changed = np.flatnonzero(u < self._cumulative[-1])
        which = np.sum(u[changed] >= np.take(self._cumulative, changed, axis=1), axis=0)  # take: 2x faster than [:, idx]
        for k, (name, _, _) in enumerate(self._stressor_rates()):
            flip = changed[which == k]
            array = getattr(self, name)
            array[flip] = ~array[flip]
        self.stressors_changed(changed)

    def stable_household(self, rng: np.random.Generator) -> int:
        """A household with no stressors, standing in for a foster family that becomes the child's family."""
        for _ in range(100):
            h = int(rng.integers(self.n_households))
            if not (self.debt[h] or self.divorce[h] or self.mental[h] or self.violence[h] or self.debt_locked[h]):
                return h
        return h

    def join_household(self, child: int, household: int) -> None:
        """Move a child to another household (its home threat now comes from there)."""
        self.household[child] = household

    def replace_adults(self, idx: NDArray[np.intp]) -> None:
        """Reuse the slots of children who turned 18 for newborns in the same household."""
        self.age_months[idx] = 0
        self.vulnerability[idx] = self._new_vulnerability(len(idx))
        self.relief[idx] = 0.0
        self.threat[idx] = np.maximum(self.vulnerability[idx] + self._load[self.household[idx]], 0.0)
        self.wellbeing[idx] = -self.threat[idx]
        self.state[idx] = State.HOME
        self.legal[idx] = Legal.NONE
        self.setting[idx] = Setting.HOME
        self.screened_out_at[idx] = -np.inf

    def exposure(
        self, quality_by_setting: NDArray[np.float32], benefit_young: float, benefit_adolescent: float
    ) -> NDArray[np.float32]:
        """Threat a child actually lives with: the home's threat, or the care setting's.

        In care, the child's own vulnerability remains; poor care quality adds threat and
        good care relieves it, more for young children than for adolescents (evidence both
        ways: Doyle 2007; Gross & Baron 2022; Lindquist & Santavirta 2014).
        """
        exposure = self.threat.copy()
        placed = np.flatnonzero(self.setting != Setting.HOME)
        if len(placed):
            quality = quality_by_setting[self.setting[placed]]
            benefit = np.where(self.age_months[placed] < ADOLESCENT_MONTHS, benefit_young, benefit_adolescent)
            exposure[placed] = self.vulnerability[placed] + CARE_RISK * (1 - quality) - benefit * quality
        return exposure

    def harm_and_wellbeing(
        self, exposure: NDArray[np.float32], protection_by_state: NDArray[np.float32], rng: np.random.Generator
    ) -> NDArray[np.intp]:
        """Draw this month's serious-harm incidents and move wellbeing toward -exposure.

        Args:
            exposure: threat each child lives with (see :meth:`exposure`).
            protection_by_state: share of the harm risk removed by the help a child receives, per state code.
            rng: the harm stream (one draw per child per month, whatever the scenario).

        Returns:
            Indices of children seriously harmed this month.

        """
        pp = self.params.population
        recovery = self.params.outcomes.wellbeing_recovery
        step = np.negative(exposure)  # wellbeing += recovery * (-exposure - wellbeing), in place
        step -= self.wellbeing
        step *= recovery
        self.wellbeing += step
        # Harm is only possible above the concern threshold (below it the risk is negligible
        # by definition of the truth scale), which also keeps this cheap at national scale.
        u = rng.random(self.n_children, dtype=np.float32)
        at_risk = np.flatnonzero(exposure > pp.concern_threshold)
        p = pp.p_harm_at_serious * np.exp(pp.harm_slope * (exposure[at_risk] - pp.serious_threshold))
        p *= 1 - protection_by_state[self.state[at_risk]]
        return at_risk[u[at_risk] < p]

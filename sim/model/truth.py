"""What the truth warranted: the yardstick of the error counts (only a simulation has it).

An investigation is unwarranted when the child's true threat is below the concern
threshold, a measure when it is below the serious threshold. A placement is unwarranted
when the child's expected situation in care is no better than at home with the help on
offer: the model knows both (:func:`placement_benefit`), so the count does not depend on a
placement threshold. Every count is also made at the edges of a band (the truth thresholds
and the effect of placement are uncertain), so a level comes with its range.
"""

from __future__ import annotations

import numpy as np

from sim.model.params import Params
from sim.model.population import ADOLESCENT_MONTHS, CARE_RISK, Population, Setting


def care_quality(params: Params) -> np.ndarray:
    """Care quality per setting code (home first, unused)."""
    out = params.outcomes
    return np.array([0.0, out.quality_foster, out.quality_gezinshuis, out.quality_residential], np.float32)


def care_exposure(population: Population, child: int, setting: Setting, params: Params) -> float:
    """The threat a child would live with in ``setting`` (the same rule as :meth:`Population.exposure`)."""
    out = params.outcomes
    quality = float(care_quality(params)[setting])
    benefit = (
        out.placement_benefit_young if population.age_months.item(child) < ADOLESCENT_MONTHS else out.placement_benefit_adolescent
    )
    return population.vulnerability.item(child) + CARE_RISK * (1 - quality) - benefit * quality


def placement_benefit(population: Population, child: int, setting: Setting, help_on_offer: float, params: Params) -> float:
    """How much less threat the child lives with in care than at home with the help on offer (negative: care is worse).

    ``help_on_offer`` is the threat relief of the best help the chain could give at home
    instead (intensive home help where it has room and was not tried, else ordinary help).
    """
    at_home = population.threat.item(child) - help_on_offer
    return at_home - care_exposure(population, child, setting, params)

"""Serious harm and wellbeing, each month, for every child: what the chain is there to prevent.

The help a child receives in its state of the chain removes part of the harm risk
(:data:`PROTECTION`); serious harm while no adequate help is in place (:data:`WITHOUT_HELP`,
or only ordinary help for a child whose true threat warranted a measure) makes a *missed
child* (docs/MODEL.md section 4). Harm to a child known to the chain may
be publicised and shift the regelreflex climate.
"""

from __future__ import annotations

import numpy as np

from sim.model.climate import Climate
from sim.model.ledger import Ledger
from sim.model.params import Params
from sim.model.population import Population, State

# Share of the serious-harm risk removed by the help a child receives in each state
# (assumption: supervision and intensive help protect more than ordinary help; Al et al.
# 2012 found no average placement-prevention effect, so none of these is large). A child
# waiting for a guardian has no guardian: only the attention of a GI's duty desk (IGJ
# 2025: acute danger is checked, the rest waits), like a child waiting at VT.
_PROTECTION_BY_STATE = {
    State.HOME: 0.0, State.VT: 0.1, State.HELP: 0.3, State.HOME_HELP_WAIT: 0.1, State.HOME_HELP: 0.5,
    State.RAAD: 0.2, State.COURT: 0.2, State.MEASURE_HOME: 0.4, State.PLACEMENT_WAIT: 0.3, State.PLACED: 0.0,
    State.MEASURE_WAIT: 0.1,
}  # fmt: skip
PROTECTION = np.array([_PROTECTION_BY_STATE[s] for s in State], dtype=np.float32)  # indexed by state code
# States in which no adequate help is in place yet (not known, or known but waiting or
# being investigated): serious harm here makes a "missed child" (docs/MODEL.md section 4).
WITHOUT_HELP = np.array(
    [State.HOME, State.VT, State.HOME_HELP_WAIT, State.RAAD, State.COURT, State.PLACEMENT_WAIT, State.MEASURE_WAIT]
)


def monthly_harm(
    population: Population, params: Params, ledger: Ledger, climate: Climate, rng: np.random.Generator, now: float
) -> None:
    """Draw the month's serious-harm incidents, move wellbeing, and count harm, missed children and publicity."""
    out = params.outcomes
    quality = np.array([0.0, out.quality_foster, out.quality_gezinshuis, out.quality_residential], np.float32)
    exposure = population.exposure(quality, out.placement_benefit_young, out.placement_benefit_adolescent)
    harmed = population.harm_and_wellbeing(exposure, PROTECTION, rng)
    state = population.state[harmed]
    unknown = int(np.sum(state == State.HOME))
    ledger.count("harm_incidents", len(harmed))
    ledger.count("harm_unknown_to_chain", unknown)
    ledger.count("harm_in_care", int(np.sum(state == State.PLACED)))
    # no adequate help: none at all (unknown, waiting, under investigation), or only ordinary
    # help for a child whose true threat warranted a measure
    under_helped = (state == State.HELP) & (population.threat[harmed] > params.population.serious_threshold)
    without_help = np.isin(state, WITHOUT_HELP) | under_helped
    # at home: known to the chain if it screened the child out or let it go recently
    seen = population.screened_out_at[harmed] >= now - params.population.screened_out_memory_months
    known = without_help & ((state != State.HOME) | seen)
    ledger.mark_missed(harmed[without_help], harmed[known], harmed[without_help & ~known])
    ledger.count("publicised_incidents", climate.publicise(len(harmed) - unknown))

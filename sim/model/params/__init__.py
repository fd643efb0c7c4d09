"""The one parameter object of Ketensim, split by theme; its defaults and their sources.

Every field declares its bounds, a one-line description and its source (a publication from
`calibration/sources.md` / `targets.toml`, or "assumption: <reason>"). Scenario files hold
only overrides; unknown keys, wrong types and out-of-range values are refused by
:func:`load_scenario` with a :class:`ScenarioError` naming the file, the key and the range.

Units: time in months unless the name says otherwise; counts at national scale (scale 1.0)
unless the name says otherwise; the model multiplies capacities by ``run.scale``.

=================  =====================================================================
module             sections
=================  =====================================================================
``run``            run, initial
``families``       population, reporting, outcomes
``professionals``  decisions, workload
``actors``         veilig_thuis, local_team, raad, court, guardians, care
``levers``         contradiction, regelreflex (incidents), shock
``costs``          costs
``scenario``       Params (all sections), scenario files, validation messages
``describe``       allowed values as people read them; the levers a scenario changes
=================  =====================================================================
"""

from sim.model.params.actors import CareParams, CourtParams, GuardianParams, LocalTeamParams, RaadParams, VeiligThuisParams
from sim.model.params.base import ROLES, Section, bounds, field, role
from sim.model.params.costs import CostParams
from sim.model.params.describe import allowed, policy_changes
from sim.model.params.families import OutcomeParams, PopulationParams, ReportingParams
from sim.model.params.levers import ContradictionParams, IncidentEvent, RegelreflexParams, ShockParams
from sim.model.params.professionals import DecisionParams, WorkloadParams
from sim.model.params.run import InitialParams, RunParams
from sim.model.params.scenario import Params, ScenarioError, dump_toml, iter_fields, load_scenario, parse_toml, read_toml

__all__ = [
    "ROLES",
    "CareParams",
    "ContradictionParams",
    "CostParams",
    "CourtParams",
    "DecisionParams",
    "GuardianParams",
    "IncidentEvent",
    "InitialParams",
    "LocalTeamParams",
    "OutcomeParams",
    "Params",
    "PopulationParams",
    "RaadParams",
    "RegelreflexParams",
    "ReportingParams",
    "RunParams",
    "ScenarioError",
    "Section",
    "ShockParams",
    "VeiligThuisParams",
    "WorkloadParams",
    "allowed",
    "bounds",
    "dump_toml",
    "field",
    "iter_fields",
    "load_scenario",
    "parse_toml",
    "policy_changes",
    "read_toml",
    "role",
]

"""The ledger: every outcome a run counts, registered once, and the monthly and yearly statistics.

Actors count flows (``ledger.count("ots_starts")``), waits and costs here; at the end of each
month the ledger reads the population's stocks, and at the end of each year the unique
children and the equity groups. :func:`sim.model.results.collect` turns it into tables.

Every flow key the chain may count is registered in :data:`FLOWS` (reported in the yearly
table, with its meaning) or :data:`COSTS` (euros per route); :meth:`Ledger.unknown_keys`
names any other key, and ``collect`` refuses a run that counted one, so a typo or a new
counter that nobody reports cannot disappear silently.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from sim.model.params import Params
from sim.model.population import Legal, Population, Setting, State
from sim.model.snapshot.codec import factory

if TYPE_CHECKING:
    import mesa

DAYS_PER_MONTH = 365.25 / 12

# Yearly flows, in the units Dutch statistics use, and what each means.
FLOWS: dict[str, str] = {
    "vt_reports": "reports (meldingen) about children to Veilig Thuis, incl. re-reports",
    "vt_reports_police": "reports by the police",
    "vt_reports_school": "reports by schools",
    "vt_reports_gp": "reports by GPs and youth health care",
    "vt_reports_care_provider": "reports by care providers",
    "vt_reports_network": "reports by family, neighbours and others",
    "vt_rereports": "reports about children already known to the chain",
    "vt_closed_at_triage": "reports closed at VT's safety assessment",
    "vt_triage_to_help": "reports VT handed straight to voluntary help",
    "vt_investigations": "VT investigations started",
    "vt_investigation_to_help": "VT investigations ending in voluntary help",
    "raad_referrals_from_vt": "cases VT referred to the Raad",
    "raad_referrals_from_local_team": "cases the local team referred to the Raad",
    "raad_referrals_from_gi": "placed children a GI referred to the Raad (ending authority)",
    "raad_investigations": "Raad investigations started (protection, and ending parental authority)",
    "raad_protection_investigations": "Raad protection investigations started",
    "raad_referred_back": "Raad protection investigations ending in a referral back to voluntary help",
    "raad_requests": "Raad requests to the court",
    "ots_requests": "Raad requests for a supervision order (OTS)",
    "placement_requests": "OTS requests that include a placement authorisation",
    "guardianship_requests": "Raad requests to end parental authority (guardianship)",
    "hearings": "court hearings held",
    "requests_refused": "requests the judge refused",
    "provisional_requests": "requests for a provisional (emergency) order",
    "ots_starts": "regular OTS starts",
    "ots_extensions": "OTS extended at a yearly review",
    "provisional_orders": "provisional (emergency) orders",
    "placement_authorisations": "placement authorisations granted (machtiging uithuisplaatsing)",
    "guardianship_starts": "guardianship (voogdij) starts",
    "ots_ends": "OTS (or lapsed provisional orders) ended by decision, not at majority",
    "ots_outflow": "OTS ended for any reason (decision, majority, guardianship, a provisional order followed by a regular OTS)",
    "provisional_converted": "provisional orders followed by a regular OTS (CBS counts two measures)",
    "guardianship_ends": "GI guardianships ended (majority, or passed to the foster parents)",
    "guardianship_to_foster_parents": "GI guardianships passed to the foster parents",
    "help_requests": "families' own requests for help to the local team",
    "help_starts": "starts of ordinary voluntary help",
    "home_help_referrals": "families put on the list for intensive home help",
    "home_help_starts": "starts of intensive home help",
    "home_help_ends": "intensive home help completed (not cut short by the case closing)",
    "placement_requests_care": "placements decided (voluntary or by the court): the child joins the list for a place",
    "placements_started": "placements started (incl. after a wait)",
    "placements_voluntary": "voluntary placements started",
    "placements_court": "court-ordered placements started",
    "placement_moves": "moves between care places (breakdowns)",
    "foster_breakdowns": "foster placements ended unplanned",
    "foster_planned_ends": "foster placements ended as planned",
    "reunifications": "children back home from care",
    "placements_ended": "placements ended for any reason",
    "placements_ended_majority": "placements ended because the child turned 18",
    "placements_ended_foster_guardianship": "placements ended because the foster parents became the guardians (the child stays)",
    "missed_children": "children seriously harmed while no adequate help was in place (unknown, waiting, under investigation, or only ordinary help where the truth warranted a measure)",
    "missed_known": "of those, children the chain knew: waiting, under investigation, given too little help, or screened out or let go in the past year (the Bermuda triangle's safety corner)",
    "missed_unreported": "of those, children the chain had not seen in the past year (no chain lever reaches them directly)",
    "harm_incidents": "serious-harm incidents, all children",
    "harm_unknown_to_chain": "serious-harm incidents to children the chain did not know",
    "harm_in_care": "serious-harm incidents to children in care",
    "second_assessments": "decisions with an independent second assessor",
    "debts_resolved_by_help": "households whose problematic debts were resolved by debt help (schuldhulpverlening)",
    "left_waiting_list_vt": "families who left VT's waiting list for an investigation (voluntary help or closed)",
    "left_waiting_list_raad": "families who left the Raad's waiting list (referred back to voluntary help or closed)",
    "left_waiting_list_home_help": "families who left the list for intensive home help (ordinary help instead)",
    "publicised_incidents": "publicised incidents (regelreflex)",
}
# Errors against the truth (sim/model/truth.py): each with its band, key_low (unwarranted even at
# the band's strict edge) and key_high (at its lenient edge).
ERRORS: dict[str, str] = {
    "unwarranted_vt_investigations": "VT investigations of children below the concern threshold",
    "unwarranted_raad_investigations": "Raad investigations of children below the concern threshold",
    "unwarranted_measures": "OTS starts for children below the serious threshold",
    "unwarranted_guardianships": "guardianships for children below the placement threshold",
    "unwarranted_placements": "placements of children who fare no better in care than at home with the help on offer",
}
BAND_EDGES = (("", ""), ("_low", ", at the strict edge of the truth band"), ("_high", ", at the lenient edge of the truth band"))
FLOWS.update({f"{key}{suffix}": f"{meaning}{edge}" for key, meaning in ERRORS.items() for suffix, edge in BAND_EDGES})
COST_ROUTES = ("vt", "raad", "voluntary_help", "home_help", "guardians", "foster", "gezinshuis", "residential")
COSTS = {f"cost_{route}" for route in COST_ROUTES}
KNOWN_KEYS = frozenset(FLOWS) | COSTS
WAITS = ("vt_investigation", "home_help", "raad_investigation", "guardian", "placement")  # reported mean waits


class Ledger:
    """Flows per calendar year, waits, monthly stocks, unique children and equity rows of one run."""

    def __init__(self, clock: mesa.Model, params: Params, population: Population, first_year: int) -> None:
        """An empty ledger for a run whose first simulated year is ``first_year``.

        Args:
            clock: the model whose ``time`` says which calendar year a count belongs to.
            params: the run's parameters (unit costs, the serious threshold).
            population: the children whose stocks are counted each month.
            first_year: calendar year of the first simulated month (warm-up included).

        """
        self._clock = clock
        self.params = params
        self.population = population
        self.first_year = first_year
        self.flows: defaultdict[int, Counter[str]] = defaultdict(Counter)
        self.waits: defaultdict[int, defaultdict[str, list[float]]] = defaultdict(_waits_by_queue)
        self.monthly: list[dict[str, float]] = []
        self.yearly_stocks: list[dict[str, float]] = []
        self.equity: list[dict[str, float]] = []
        self._year_time, self._year = -1.0, first_year
        self._flows_now: Counter[str] = Counter()
        n = population.n_children
        self.measure_year = np.full(n, -1, np.int16)  # last calendar year with a measure (for unique counts)
        self.placed_year = np.full(n, -1, np.int16)
        self.court_placed_year = np.full(n, -1, np.int16)
        self.missed_year = np.full(n, -1, np.int16)  # last year seriously harmed without adequate help
        self.missed_known_year = np.full(n, -1, np.int16)  # ... while known to the chain (or recently screened out)
        self.missed_unreported_year = np.full(n, -1, np.int16)  # ... while never (recently) seen by the chain

    # --- counting ------------------------------------------------------------------------
    def year(self) -> int:
        """Calendar year of the clock's current time (cached per time point: called for every count)."""
        clock = self._clock
        # `_time` is the storage behind Mesa's observable `time` descriptor: reading it
        # directly saves ~0.3 us per read, and count() runs millions of times a national run
        if clock._time != self._year_time:
            self._year_time = clock._time
            self._year = self.first_year + max(0, math.ceil(clock._time) - 1) // 12
            self._flows_now = self.flows[self._year]
        return self._year

    def count(self, key: str, n: float = 1) -> None:
        """Add ``n`` to this year's flow ``key`` (a key of :data:`KNOWN_KEYS`)."""
        if self._clock._time != self._year_time:
            self.year()
        self._flows_now[key] += n

    def count_error(self, key: str, margin: float, band: float) -> None:
        """Count an error against the truth, with its band.

        ``margin`` is how far the truth was on the warranted side (true threat minus the
        threshold the step needs, or a placement's true benefit). Counted as ``key`` when it
        is below 0, as ``key_low`` below ``-band`` (unwarranted even at the band's other edge)
        and as ``key_high`` below ``+band``.
        """
        if margin < band:
            self.count(f"{key}_high")
            if margin < 0:
                self.count(key)
                if margin < -band:
                    self.count(f"{key}_low")

    def count_cost(self, route: str, euros: float) -> None:
        """Add to this year's cost of a route (one of :data:`COST_ROUTES`)."""
        self.count(f"cost_{route}", euros)

    def record_wait(self, name: str, months: float) -> None:
        """Record a waiting time (or duration) in months."""
        self.waits[self.year()][name].append(months)

    def mark_measure_start(self, child: int) -> None:
        """Remember that this child had a measure this year (unique-children counts)."""
        self.measure_year[child] = self.year()

    def mark_missed(self, without_help: NDArray[np.intp], known: NDArray[np.intp], unreported: NDArray[np.intp]) -> None:
        """Children seriously harmed this year while no adequate help was in place.

        ``without_help`` are all of them; ``known`` those the chain knew (waiting, under
        investigation, or screened out recently); ``unreported`` those it never saw.
        """
        year = self.year()
        self.missed_year[without_help] = year
        self.missed_known_year[known] = year
        self.missed_unreported_year[unreported] = year

    def unknown_keys(self) -> set[str]:
        """Flow keys counted in this run that are not registered (:data:`KNOWN_KEYS`)."""
        counted = set().union(*(set(flows) for flows in self.flows.values())) if self.flows else set()
        return counted - KNOWN_KEYS

    def reset(self) -> None:
        """Forget everything counted so far (the initial stocks are set up before the run begins)."""
        self.flows.clear()
        self._year_time = -1.0  # the cached counter belonged to the cleared flows
        self.waits.clear()

    # --- statistics ----------------------------------------------------------------------
    def close_month(
        self,
        year: int,
        month: int,
        *,
        waiting: dict[str, int],
        families_per_guardian: float,
        climate_shift: float,
        home_help_quality: float,
        n_cases: int,
    ) -> None:
        """Monthly stocks, the costs of this month's stocks, and (in December) the year's unique children.

        Args:
            year: calendar year of the month.
            month: 0 (January) to 11.
            waiting: the chain's waiting lists, as ``n_waiting_<list>`` columns, in report order.
            families_per_guardian: the guardians' mean caseload in families.
            climate_shift: the regelreflex climate now.
            home_help_quality: quality of intensive home help now.
            n_cases: open cases.

        """
        pop, c = self.population, self.params.costs
        # only children known to the chain can be anywhere but HOME / NONE: count among them
        known = np.flatnonzero(pop.state != State.HOME)
        states = np.bincount(pop.state[known], minlength=len(State))
        states[State.HOME] = pop.n_children - len(known)
        legal = np.bincount(pop.legal[known], minlength=len(Legal))
        settings = np.bincount(pop.setting[known], minlength=len(Setting))
        measured = known[pop.legal[known] != Legal.NONE]
        self.measure_year[measured] = year
        placed = known[pop.setting[known] != Setting.HOME]
        self.placed_year[placed] = year
        self.court_placed_year[placed[pop.legal[placed] != Legal.NONE]] = year
        self.count_cost("foster", settings[Setting.FOSTER] * c.foster_per_day * DAYS_PER_MONTH)
        self.count_cost("gezinshuis", settings[Setting.GEZINSHUIS] * c.gezinshuis_per_day * DAYS_PER_MONTH)
        self.count_cost("residential", settings[Setting.RESIDENTIAL] * c.residential_per_day * DAYS_PER_MONTH)
        self.count_cost("home_help", states[State.HOME_HELP] * c.home_help_per_month)
        self.count_cost("voluntary_help", states[State.HELP] * c.help_per_month)
        self.count_cost("guardians", len(measured) * c.guardian_per_child_month)
        row: dict[str, float] = {
            "time": self._clock.time,
            "year": year,
            "month": month + 1,
            **{f"n_state_{s.name.lower()}": int(states[s]) for s in State},
            "n_ots": int(legal[Legal.OTS]),
            "n_guardianship": int(legal[Legal.GUARDIANSHIP]),
            **{f"n_{s.name.lower()}": int(settings[s]) for s in Setting if s != Setting.HOME},
            "n_placed": int(len(placed)),
            "n_court_placed": int(np.sum(pop.legal[placed] != Legal.NONE)),
            **waiting,
            "families_per_guardian": families_per_guardian,
            "n_hidden_serious": _count_hidden(pop.threat, pop.state, self.params.population.serious_threshold),
            "climate_shift": climate_shift,
            "home_help_quality": home_help_quality,
            "mean_wellbeing": float(pop.wellbeing.mean()),
            "mean_wellbeing_placed": float(pop.wellbeing[placed].mean()) if len(placed) else float("nan"),
            "n_cases": n_cases,
        }
        self.monthly.append(row)
        if month == 11:
            self._close_year(year)

    def _close_year(self, year: int) -> None:
        self.flows[year]["missed_children"] = int(np.sum(self.missed_year == year))
        self.flows[year]["missed_known"] = int(np.sum(self.missed_known_year == year))
        self.flows[year]["missed_unreported"] = int(np.sum(self.missed_unreported_year == year))
        self.equity_rows(year, ("other", "hit", "matched"))
        self.yearly_stocks.append(
            {
                "year": year,
                "children_with_measure_during_year": int(np.sum(self.measure_year == year)),
                "children_placed_during_year": int(np.sum(self.placed_year == year)),
                "children_court_placed_during_year": int(np.sum(self.court_placed_year == year)),
            }
        )

    def equity_rows(self, year: int, names: tuple[str, ...]) -> None:
        """Children (and households) with a measure, placed and court-placed in ``year``, per equity group.

        Households count as having a measure when any of their children had one (the unit of
        CBS's matched study of the toeslagenaffaire).
        """
        pop = self.population
        group = pop.child_group()
        measured = pop.household[self.measure_year == year]
        with_measure = np.zeros(pop.n_households, bool)
        with_measure[measured] = True
        has_children = np.zeros(pop.n_households, bool)
        has_children[pop.household] = True
        for g, name in enumerate(("other", "hit", "matched")):
            if name not in names:
                continue
            members = group == g
            households = (pop.group == g) & has_children
            self.equity.append(
                {
                    "year": year,
                    "group": name,
                    "n_children": int(members.sum()),
                    "n_with_measure": int(np.sum(members & (self.measure_year == year))),
                    "n_placed": int(np.sum(members & (self.placed_year == year))),
                    "n_court_placed": int(np.sum(members & (self.court_placed_year == year))),
                    "n_households": int(households.sum()),
                    "n_households_with_measure": int(np.sum(households & with_measure)),
                }
            )


@factory
def _waits_by_queue() -> defaultdict[str, list[float]]:
    """One year's waiting times by queue (a named, marked function, not a lambda: a snapshot writes the factory by name)."""
    return defaultdict(list)


def _count_hidden(threat: np.ndarray, state: np.ndarray, serious: float) -> int:
    """Children above the serious threshold whom the chain does not know."""
    serious_now = np.flatnonzero(threat > serious)
    return int(np.sum(state[serious_now] == State.HOME))

"""The Mesa model of the Dutch youth-protection chain (jeugdbeschermingsketen): wiring and the step order.

One model step is one month; the step order is written once, in :meth:`ChainModel.step`.
Between steps, Mesa's event list fires the ends of investigations, intensive home help,
hearings and OTS reviews at their own (fractional-month) times; the high-volume ordinary
help and voluntary-placement reviews fall due in monthly batches (step 5).

The parts: the population (households and children, :mod:`~sim.model.population`), the
actors (:mod:`sim.model.actors`, one module each), how professionals judge
(:mod:`~sim.model.judgement`), how cases pass between actors (:mod:`~sim.model.routing`),
and what is counted (:mod:`~sim.model.ledger`). docs/ARCHITECTURE.md draws them.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from sim.model.actors.base import Actor
from sim.model.actors.care import Care
from sim.model.actors.court import Court
from sim.model.actors.guardians import Guardians
from sim.model.actors.local_team import LocalTeam
from sim.model.actors.raad import Raad
from sim.model.actors.reporters import Reporters
from sim.model.actors.veilig_thuis import VeiligThuis
from sim.model.cases import Case, close_all
from sim.model.climate import Climate
from sim.model.episodes import EpisodeLog
from sim.model.events import PendingEnds
from sim.model.harm import monthly_harm
from sim.model.initial import seed_initial_stocks
from sim.model.judgement import Judgement
from sim.model.ledger import Ledger
from sim.model.params import Params, ScenarioError
from sim.model.params.timeline import datable, flat, nested, schedule
from sim.model.population import Legal, Population
from sim.model.rng import STREAMS, stream
from sim.model.routing import Routes
from sim.model.shock import FinancialShock


class ChainModel(mesa.Model):
    """Families, reporters, Veilig Thuis, local team, Raad, court, guardians and care."""

    def __init__(self, params: Params | None = None, **overrides: Any) -> None:
        """Build the population, the actors and the initial stocks.

        Args:
            params: all parameters (defaults if omitted).
            **overrides: parameters to change, as ``section__field=value`` (e.g.
                ``raad__n_staff=1050``), validated like a scenario file.

        Raises:
            ScenarioError: an override that is not a parameter, or a value out of range.

        """
        params = params or Params()
        if overrides:
            params = params.with_overrides(keyword_overrides(overrides), origin="ChainModel(...)")
        seed = int(params.run.seed)
        super().__init__(rng=seed)
        self.params = params
        self.streams = {name: stream(seed, name) for name in STREAMS}
        self.first_year = params.run.start_year - params.run.warmup_years
        self.months_total = 12 * (params.run.warmup_years + params.run.years)
        self.report_from_month = 12 * params.run.warmup_years  # results count from here (a continued run: from its start)

        self.population = Population(params, self.streams["population"])
        self.cases: dict[int, Case] = {}
        self.pending_ends = PendingEnds(self)  # ends of investigations, home help, hearings, reviews
        self.n_cases_opened = 0  # conservation check: opened - closed == open cases
        self.n_cases_closed = 0
        self.climate_state = Climate(params.regelreflex, self.streams["regelreflex"])
        self.shock = FinancialShock(params.shock, self.population, self.streams["shock"])
        self.ledger = Ledger(self, params, self.population, self.first_year)
        self.judgement = Judgement(params, self.population, self.ledger)
        self.routes = Routes(self, params)
        # what happened next to the same child (validation experiments: exits, home help)
        self.placement_log = EpisodeLog("placement")
        self.home_help_log = EpisodeLog("home_help")

        self.reporters = Reporters(self)
        self.veilig_thuis = VeiligThuis(self)
        self.local_team = LocalTeam(self)
        self.raad = Raad(self)
        self.court = Court(self)
        self.guardians = Guardians(self)
        self.care = Care(self)
        self.actors: tuple[Actor[Any], ...] = (
            self.reporters,
            self.veilig_thuis,
            self.local_team,
            self.raad,
            self.court,
            self.guardians,
            self.care,
        )
        seed_initial_stocks(self)
        self.timeline = schedule(params, self.first_year)  # month index -> dated parameter values

    # --- the calendar ---------------------------------------------------------------------
    @property
    def climate(self) -> float:
        """System-wide threshold shift from the regelreflex (negative: more interventionist)."""
        return self.climate_state.shift

    def scaled(self, n: float) -> int:
        """A national count at this run's scale: at least 1, except that none stays none."""
        return 0 if n <= 0 else max(1, round(n * self.params.run.scale))

    def month_index(self) -> int:
        """Months since the start of the run for the current time (the month now running)."""
        return max(0, math.ceil(self.time) - 1)

    def year(self) -> int:
        """Calendar year of the current time."""
        return self.ledger.year()

    def known_children(self) -> NDArray[np.intp]:
        """The children the chain holds a case for, in index order: exactly those not at ``State.HOME``.

        (A case's state is HOME only while it closes; tests/test_model.py checks the two agree
        all through a run.) Tens of thousands nationally, against 3.5 million children.
        """
        return np.sort(np.fromiter(self.cases, dtype=np.intp, count=len(self.cases)))

    def close_case(self, case: Case, *, leaving: str = "reunified") -> None:
        """Every actor releases what it holds for the case, and the chain lets it go."""
        for actor in self.actors:
            actor.release(case, leaving)
        if leaving == "reunified":  # the chain saw the child and let it go (missed-among-known counts)
            self.population.screened_out_at[case.child] = self.time
        case.close()

    def close_cases(self, cases: list[Case], *, leaving: str = "reunified") -> None:
        """:meth:`close_case` for many cases at once (a month's batch): the same effect as one after another."""
        if not cases:
            return
        ids = [case.unique_id for case in cases]
        for actor in self.actors:
            actor.release_all(cases, ids, leaving)  # each lets go of the cases' own records: order-free
        children = np.fromiter((case.child for case in cases), np.intp, len(cases))
        if leaving == "reunified":
            self.population.screened_out_at[children] = self.time
        close_all(self, cases, children)

    def retune(self, changes: dict[str, Any]) -> None:
        """Apply dated parameter values (``{"raad.n_staff": 1200}``): the chain works with them from now on.

        The new parameters are validated as a scenario's. Every part of the chain that holds a
        parameter section gets the new one; shared norms are read again; capacities change
        for real (:meth:`Actor.retune`: staff join or leave, places close as they empty).
        """
        new = self.params.with_overrides(nested(changes), origin=f"timeline, month {self.month_index() + 1}")
        self._take_params(new)
        self.routes.retune(new)
        for actor in self.actors:
            actor.retune()

    def _take_params(self, new: Params) -> None:
        """Every part of the chain that holds the parameters or one of their sections gets ``new``'s."""
        old = self.params
        swap: dict[int, Any] = {id(old): new}
        swap.update({id(getattr(old, name)): getattr(new, name) for name in type(old).model_fields})
        for part in (
            self,
            self.population,
            self.climate_state,
            self.shock,
            self.ledger,
            self.judgement,
            self.routes,
            *self.actors,
        ):
            for attr, value in list(vars(part).items()):
                if id(value) in swap and not isinstance(value, (int, float, str, bool)):
                    setattr(part, attr, swap[id(value)])

    def continue_as(self, params: Params) -> None:
        """Go on from now as the scenario ``params`` (a run continued from a snapshot; common random numbers).

        The scenario's parameters as they stand this month (its values, with its timeline
        entries before this month applied) take effect at the start of this month, as a
        timeline entry of this month would (:meth:`retune` in :meth:`step`): until then two
        scenarios continued from one state are the same state. Its later timeline entries
        follow at their dates; ``run.years`` sets the end; results count from this month on.

        Raises:
            ScenarioError: the scenario differs from the chain in a parameter fixed when a run
                starts (the population, the initial stocks, the shock, the seed, ...), or ends
                before this month.

        """
        now = self.steps
        due = schedule(params, self.first_year)
        earlier: dict[str, Any] = {}
        for month in sorted(m for m in due if m < now):
            earlier.update(due[month])
        target = params.with_overrides(nested(earlier), origin="timeline before the snapshot") if earlier else params
        wanted, current = _flat_params(target), _flat_params(self.params)
        differ = [name for name, value in wanted.items() if value != current.get(name)]
        fixed = [name for name in differ if name not in ("run.years", "run.start_from") and not datable(name)]
        if fixed:
            raise ScenarioError(
                f"cannot continue this run as the scenario: {', '.join(fixed[:8])}{' ...' if len(fixed) > 8 else ''} "
                "differ(s) from the run's own and are fixed when a run starts; allowed to differ: the parameters "
                "`ketensim params` marks dated, run.years and run.start_from"
            )
        months_total = 12 * (params.run.warmup_years + params.run.years)
        if months_total <= now:
            raise ScenarioError(f"run.years = {params.run.years} ends before the run's month {now + 1}; allowed: an end after it")
        self._take_params(self.params.model_copy(update={"run": target.run, "timeline": target.timeline}))
        at_fork = {name: wanted[name] for name in differ if datable(name)} | due.get(now, {})
        self.timeline = {m: c for m, c in due.items() if m > now} | ({now: at_fork} if at_fork else {})
        self.months_total, self.running = months_total, True
        self.report_from_month = now

    # --- the month ---------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month, in this order.

        1. Calendar levers: the financial shock (start, easing, compensation) and the
           regelreflex climate (decay, scheduled incidents).
        2. Households and children: stressors start and end, true threat drifts, children
           age; cases of children turning 18 end (measures end at majority), newborns take
           their places.
        3. Harm and wellbeing: serious-harm incidents (missed children when the chain is
           not involved), wellbeing moves toward the threat each child lives with;
           harm to children known to the chain may be publicised (regelreflex).
        4. Reports (meldingen) to Veilig Thuis, and VT's safety assessment of new ones;
           families' own requests for help (hulpvraag) and the local team's intake.
        5. Ordinary help and voluntary-placement reviews that fell due this month are
           judged (batched: high volume); debt help may resolve helped families' debts.
           Families on waiting lists may leave them
           (situation eased, other help found). Then capacity-limited services admit from
           their waiting lists, in chain order: VT investigations, intensive home help, Raad
           investigations, guardians, care places (after this month's breakdowns and moves).
        6. Statistics: monthly stocks, costs, unique children per year, equity groups.

        Investigations, intensive home help, hearings and OTS reviews end as events between steps.
        Before step 1, the scenario's timeline may change parameters from this month on (:meth:`retune`).
        """
        ledger = self.ledger
        month_index = self.month_index()
        changes = self.timeline.get(month_index)
        if changes:
            self.retune(changes)
        year, month = self.year(), month_index % 12
        # 1
        self.shock.on_month(year, month)
        if month == 0 and year == self.params.shock.start_year and len(self.shock.hit):
            # the year before the shock, for the families it hits and their matches (known
            # only now): each child's last year with a measure / placement is still that year
            ledger.equity_rows(year - 1, ("hit", "matched"))
        ledger.count("publicised_incidents", self.climate_state.on_month(year, month))
        # 2
        adults = self.population.step()
        for child in adults:
            case = self.cases.get(int(child))
            if case is not None:
                if case.legal == Legal.OTS:
                    ledger.count("ots_outflow")
                elif case.legal == Legal.GUARDIANSHIP:
                    ledger.count("guardianship_ends")
                self.close_case(case, leaving="majority")
        self.population.replace_adults(adults)
        # 3
        monthly_harm(self.population, self.params, ledger, self.climate_state, self.streams["harm"], self.time)
        # 4
        self.reporters.step()
        # 5
        self.local_team.end_due()
        self.local_team.debt_help()
        for actor in self.actors:
            actor.tend_waiting_list()
        self.veilig_thuis.step()
        self.local_team.step()
        self.raad.step()
        self.guardians.step()
        self.care.step()
        # 6
        self._statistics(year, month)
        if month_index + 1 >= self.months_total:
            self.running = False

    def _statistics(self, year: int, month: int) -> None:
        queues = (self.veilig_thuis.investigations, self.local_team.home_help, self.raad.investigations, self.guardians.caseloads)
        for queue in queues:
            self.ledger.waits[year][queue.name].extend(queue.drain_waits())
        self.ledger.close_month(
            year,
            month,
            waiting={
                "n_waiting_vt": len(self.veilig_thuis.investigations),
                "n_waiting_home_help": len(self.local_team.home_help),
                "n_waiting_raad": len(self.raad.investigations),
                "n_waiting_guardian": len(self.guardians.caseloads),
                "n_waiting_placement": len(self.care.waiting),
            },
            families_per_guardian=self.guardians.families_per_guardian(),
            climate_shift=self.climate,
            home_help_quality=self.local_team.home_help_quality(),
            n_cases=len(self.cases),
        )


def _flat_params(params: Params) -> dict[str, Any]:
    """Every parameter as ``{"raad.n_staff": 1050, ...}`` (not the timeline)."""
    return flat(params.model_dump(exclude={"timeline"}))


def keyword_overrides(overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{"raad__n_staff": 1050}`` as ``{"raad": {"n_staff": 1050}}`` (validated by :meth:`Params.with_overrides`).

    Raises:
        ScenarioError: a keyword without a ``section__field`` shape.

    """
    nested: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        section, sep, name = key.partition("__")
        if not (sep and section and name):
            raise ScenarioError(
                f"ChainModel(...): keyword '{key}' is not a parameter; give overrides as section__field=value (e.g. raad__n_staff=1050)"
            )
        nested.setdefault(section, {})[name] = value
    return nested

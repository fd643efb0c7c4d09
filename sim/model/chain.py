"""The Mesa model of the Dutch youth-protection chain (jeugdbeschermingsketen).

One model step is one month; the step order is written once, in :meth:`ChainModel.step`.
Between steps, Mesa's event list fires the ends of investigations, intensive home help,
hearings and OTS reviews at their own (fractional-month) times; the high-volume ordinary
help and voluntary-placement reviews fall due in monthly batches (step 5).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import mesa
import numpy as np

from sim.model import decisions as dec
from sim.model.actors.care import Care
from sim.model.actors.court import Court
from sim.model.actors.guardians import Guardians
from sim.model.actors.local_team import LocalTeam
from sim.model.actors.raad import Raad
from sim.model.actors.veilig_thuis import VeiligThuis
from sim.model.cases import Case
from sim.model.climate import Climate
from sim.model.episodes import EpisodeLog
from sim.model.events import PendingEnds
from sim.model.params import Params
from sim.model.population import Legal, Population, Setting, State
from sim.model.rng import STREAMS, stream
from sim.model.shock import FinancialShock
from sim.model.staff import Professional, StaffPool

# Share of the serious-harm risk removed by the help a child receives in each state
# (assumption: supervision and intensive help protect more than ordinary help; Al et al.
# 2012 found no average placement-prevention effect, so none of these is large).
_PROTECTION_BY_STATE = {
    State.HOME: 0.0, State.VT: 0.1, State.HELP: 0.3, State.HOME_HELP_WAIT: 0.1, State.HOME_HELP: 0.5,
    State.RAAD: 0.2, State.COURT: 0.2, State.MEASURE_HOME: 0.4, State.PLACEMENT_WAIT: 0.3, State.PLACED: 0.0,
}  # fmt: skip
PROTECTION = np.array([_PROTECTION_BY_STATE[s] for s in State], dtype=np.float32)  # indexed by state code
# States in which no adequate help is in place yet (not known, or known but waiting or
# being investigated): serious harm here makes a "missed child" (docs/MODEL.md section 4).
WITHOUT_HELP = np.array([State.HOME, State.VT, State.HOME_HELP_WAIT, State.RAAD, State.COURT, State.PLACEMENT_WAIT])
DAYS_PER_MONTH = 365.25 / 12
REPORTERS = ("police", "school", "gp", "care_provider", "network")
# Who reports, by household (violent / not) and age (under 4 / older): shares per reporter
# in the order of REPORTERS (assumption shaped by VT's figures: police dominate reports of
# domestic violence; schools and GPs/youth health care see children by age).
REPORTER_SHARES = np.array(
    [
        [0.85, 0.03, 0.02, 0.03, 0.07],  # violent household
        [0.20, 0.00, 0.40, 0.15, 0.25],  # no violence, child under 4
        [0.20, 0.35, 0.10, 0.15, 0.20],  # no violence, child 4 or older
    ]
)


class ChainModel(mesa.Model):
    """Families, reporters, Veilig Thuis, local team, Raad, court, guardians and care."""

    def __init__(self, params: Params | None = None, **kwargs: object) -> None:
        """Build the population, the actors and the initial stocks.

        Args:
            params: all parameters (defaults if omitted).
            **kwargs: ignored (Mesa's SolaraViz passes its own keywords).

        """
        params = params or Params()
        seed = int(params.run.seed)
        super().__init__(rng=seed)
        self.params = params
        self.streams = {name: stream(seed, name) for name in STREAMS}
        self.first_year = params.run.start_year - params.run.warmup_years
        self._year_time, self._year = -1.0, self.first_year
        self._flows_now: Counter[str] = Counter()
        self.months_total = 12 * (params.run.warmup_years + params.run.years)

        self.population = Population(params, self.streams["population"])
        self.cases: dict[int, Case] = {}
        self.pending_ends = PendingEnds(self)  # ends of investigations, home help, hearings, reviews
        self._reporter_table = np.cumsum(REPORTER_SHARES, axis=1)
        self.n_cases_opened = 0  # conservation check: opened - closed == open cases
        self.n_cases_closed = 0
        self.climate_state = Climate(params.regelreflex, self.streams["regelreflex"])
        self.shock = FinancialShock(params.shock, self.population, self.streams["shock"])
        self.veilig_thuis = VeiligThuis(self)
        self.local_team = LocalTeam(self)
        self.raad = Raad(self)
        self.court = Court(self)
        self.guardians = Guardians(self)
        self.care = Care(self)

        # Outputs: flows per calendar year, monthly stocks, waits, costs.
        self.flows: defaultdict[int, Counter[str]] = defaultdict(Counter)
        self.waits: defaultdict[int, defaultdict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.monthly: list[dict[str, float]] = []
        self.yearly_stocks: list[dict[str, float]] = []
        self.equity: list[dict[str, float]] = []
        n = self.population.n_children
        self.measure_year = np.full(n, -1, np.int16)  # last calendar year with a measure (for unique counts)
        self.placed_year = np.full(n, -1, np.int16)
        self.court_placed_year = np.full(n, -1, np.int16)
        self.missed_year = np.full(n, -1, np.int16)  # last year seriously harmed without adequate help
        # what happened next to the same child (validation experiments: exits, home help)
        self.placement_log = EpisodeLog("placement")
        self.home_help_log = EpisodeLog("home_help")

        self._seed_initial_stocks()

    # --- helpers used by the actors --------------------------------------------------------
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
        """Calendar year of the current time (cached per time point: called for every count)."""
        # `self._time` is the storage behind Mesa's observable `time` descriptor: reading it
        # directly saves ~0.3 us per read, and count() runs millions of times a national run
        if self._time != self._year_time:
            self._year_time = self._time
            self._year = self.first_year + self.month_index() // 12
            self._flows_now = self.flows[self._year]
        return self._year

    def count(self, key: str, n: float = 1) -> None:
        """Add ``n`` to this year's flow ``key``."""
        if self._time != self._year_time:
            self.year()
        self._flows_now[key] += n

    def count_if_unwarranted(self, key: str, case: Case, threshold: float) -> None:
        """Count an error against the truth: the child's true threat is below what the step warrants."""
        if case.truth < threshold:
            self.count(key)

    def count_cost(self, route: str, euros: float) -> None:
        """Add to this year's cost of a route."""
        self.count(f"cost_{route}", euros)

    def record_wait(self, name: str, months: float) -> None:
        """Record a waiting time (or duration) in months."""
        self.waits[self.year()][name].append(months)

    def mark_measure_start(self, case: Case) -> None:
        """Remember that this child had a measure this year (unique-children counts)."""
        self.measure_year[case.child] = self.year()

    def assess(
        self,
        case: Case,
        worker: Professional,
        rng: np.random.Generator,
        *,
        anchoring: float | None = None,
        legal_aid: int = 0,
        second_opinion: StaffPool | None = None,
        investigation: bool = False,
    ) -> float:
        """One professional's judgement of a case, written into the file.

        Everyone reading the file shares its information error; an ``investigation``
        gathers new information and replaces part of it. The judgement anchors on the one
        already in the file. When ``second_opinion`` is given, a share of decisions
        (contradiction lever) adds an independent assessor who neither sees the file's
        judgement nor relies only on its information; the two judgements are averaged.
        """
        d, c = self.params.decisions, self.params.contradiction
        if investigation:
            case.case_error = dec.refresh_case_error(case.case_error, rng, d.information_kept)
        noise_sd = dec.case_noise_sd_one(d, c, bool(rng.random() < d.instrument_use), legal_aid)
        truth = case.truth
        perceived = dec.perceive_one(
            truth,
            rng,
            noise_sd=noise_sd,
            occasion_sd=d.occasion_noise_sd,
            bias=worker.bias,
            case_error=case.case_error,
            prior=case.judgement,
            anchoring=d.anchoring if anchoring is None else anchoring,
        )
        if second_opinion is not None and rng.random() < c.second_assessor_share:
            other = second_opinion.pick(rng)
            own_look = dec.refresh_case_error(case.case_error, rng, d.information_kept)
            independent = dec.perceive_one(
                truth, rng, noise_sd=noise_sd, occasion_sd=d.occasion_noise_sd, bias=other.bias, case_error=own_look
            )
            # the second assessor's own values count as much as the first's: express the
            # second judgement relative to the first professional's threshold
            independent -= other.values - worker.values
            perceived = (perceived + independent) / 2  # dec.combine_independent, for two floats
            self.count("second_assessments")
        case.judgement = perceived
        return perceived

    def first_look(
        self, children: np.ndarray, pool: StaffPool, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """First judgements of children who have no file yet (VT triage, local-team intake).

        Returns (perceived, professionals' indices, the new files' information errors).
        """
        d = self.params.decisions
        n = len(children)
        who = pool.pick_many(rng, n)
        noise = dec.case_noise_sd(d, self.params.contradiction, rng.random(n) < d.instrument_use)
        case_error = rng.normal(0.0, 1.0, n)
        perceived = dec.perceive(
            self.population.threat[children],
            rng,
            noise_sd=noise,
            occasion_sd=d.occasion_noise_sd,
            bias=pool.bias[who],
            case_error=case_error,
        )
        return perceived, who, case_error

    def assess_batch(self, cases: list[Case], pool: StaffPool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Judgements of many cases at once (as :meth:`assess`, without second opinions).

        For the batched high-volume steps: one professional from ``pool`` per case, the
        same formula as :meth:`assess` in arrays. Returns (perceived, professionals' indices)
        and writes each judgement into its file.
        """
        d, c = self.params.decisions, self.params.contradiction
        n = len(cases)
        pop = self.population
        who = pool.pick_many(rng, n)
        children = np.fromiter((case.child for case in cases), np.intp, n)
        prior = np.fromiter((np.nan if case.judgement is None else case.judgement for case in cases), float, n)
        case_error = np.fromiter((case.case_error for case in cases), float, n)
        noise = dec.case_noise_sd(d, c, rng.random(n) < d.instrument_use)
        anchoring = np.where(np.isnan(prior), 0.0, d.anchoring)
        perceived = dec.perceive(
            pop.threat[children].astype(float),
            rng,
            noise_sd=noise,
            occasion_sd=d.occasion_noise_sd,
            bias=pool.bias[who],
            prior=np.nan_to_num(prior),
            anchoring=anchoring,
            case_error=case_error,
        )
        for case, value in zip(cases, perceived.tolist(), strict=True):
            case.judgement = value
        return perceived, who

    def consents_batch(self, skill: np.ndarray, perceived: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """:meth:`consents` for many cases at once."""
        return dec.finds_voluntary_route(skill, perceived, rng, midpoint=self.params.decisions.consent_midpoint)

    def placement_bar(self, threshold: float) -> float:
        """A placement threshold lowered by the overestimated benefit of placement.

        The same bias for every professional who decides on placement (docs/MODEL.md
        section 3); explicit weighing of alternatives (contradiction) removes part of it.
        """
        d, c = self.params.decisions, self.params.contradiction
        return dec.placement_threshold(threshold, d.placement_benefit_bias, c.weigh_alternatives)

    def consents(self, worker: Professional, perceived: float, rng: np.random.Generator) -> bool:
        """Whether this professional and the parents agree on a voluntary route."""
        midpoint = self.params.decisions.consent_midpoint
        return dec.finds_voluntary_route_one(worker.dialogue_skill, perceived, rng, midpoint=midpoint)

    def close_case(self, case: Case, *, leaving: str = "reunified") -> None:
        """Release everything a case holds and let it go."""
        if case.setting != Setting.HOME or case.state == State.PLACEMENT_WAIT:
            self.care.end_placement(case, leaving=leaving)
        for queue in (
            self.veilig_thuis.investigations,
            self.raad.investigations,
            self.local_team.home_help,
            self.guardians.caseloads,
        ):
            queue.release(case)
            queue.withdraw(case)
        self.court.requests.pop(case.unique_id, None)
        self.raad.authority_cases.discard(case.unique_id)
        self.local_team.help_ends.clear(case.child)
        self.local_team.reviews.clear(case.child)
        self.home_help_log.finish(case.child, self.time, "case_closed")
        case.close()

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
           judged (batched: high volume). Then
           capacity-limited services admit from their waiting lists, in chain order: VT
           investigations, intensive home help, Raad investigations, guardians, care
           places (after this month's breakdowns and moves).
        6. Statistics: monthly stocks, costs, unique children per year, equity groups.

        Investigations, intensive home help, hearings and OTS reviews end as events between steps.
        """
        month_index = self.month_index()
        year, month = self.year(), month_index % 12
        # 1
        self.shock.on_month(year, month)
        if month == 0 and year == self.params.shock.start_year and len(self.shock.hit):
            # the year before the shock, for the families it hits and their matches (known
            # only now): each child's last year with a measure / placement is still that year
            self._equity_rows(year - 1, ("hit", "matched"))
        self.count("publicised_incidents", self.climate_state.on_month(year, month))
        # 2
        adults = self.population.step()
        for child in adults:
            case = self.cases.get(int(child))
            if case is not None:
                if case.legal == Legal.OTS:
                    self.count("ots_outflow")
                elif case.legal == Legal.GUARDIANSHIP:
                    self.count("guardianship_ends")
                self.close_case(case, leaving="majority")
        self.population.replace_adults(adults)
        # 3
        self._harm()
        # 4
        self._reports()
        # 5
        self.local_team.end_due()
        self.veilig_thuis.step()
        self.local_team.step()
        self.raad.step()
        self.guardians.step()
        self.care.step()
        # 6
        self._statistics(year, month)
        if month_index + 1 >= self.months_total:
            self.running = False

    def _harm(self) -> None:
        pop, out = self.population, self.params.outcomes
        quality = np.array([0.0, out.quality_foster, out.quality_gezinshuis, out.quality_residential], np.float32)
        exposure = pop.exposure(quality, out.placement_benefit_young, out.placement_benefit_adolescent)
        harmed = pop.harm_and_wellbeing(exposure, PROTECTION, self.streams["harm"])
        state = pop.state[harmed]
        unknown = int(np.sum(state == State.HOME))
        self.count("harm_incidents", len(harmed))
        self.count("harm_unknown_to_chain", unknown)
        self.count("harm_in_care", int(np.sum(state == State.PLACED)))
        self.missed_year[harmed[np.isin(state, WITHOUT_HELP)]] = self.year()
        self.count("publicised_incidents", self.climate_state.publicise(len(harmed) - unknown))

    def _reports(self) -> None:
        """Reports to VT and families' own requests for help, from one draw per child (CRN).

        A child is reported when ``u < p_report``, and its family asks for help when
        ``p_report <= u < p_report + p_request``: one uniform array serves both.
        """
        pop, rp = self.population, self.params.reporting
        household = pop.household
        rise = np.exp(np.float32(rp.report_slope) * pop.threat)
        violent_visibility = np.float32(1 + (rp.violence_visibility - 1))
        visibility = np.where(pop.violence[household], violent_visibility, np.float32(1))
        known = np.flatnonzero(pop.state != State.HOME)
        visibility[known] *= rp.in_chain_visibility
        p_report = np.float32(rp.p_report_base) * rise * visibility
        p_either = p_report + np.float32(rp.p_help_request_base) * rise
        u = self.streams["reports"].random(pop.n_children, dtype=np.float32)
        either = np.flatnonzero(u < p_either)  # the few children with a report or a request
        is_report = u[either] < p_report[either]
        reported = either[is_report]
        new = reported[pop.state[reported] == State.HOME]
        self.count("vt_reports", len(reported))
        self._count_reporters(reported)
        self.count("vt_rereports", len(reported) - len(new))
        self.veilig_thuis.triage(new)
        asking = either[~is_report]
        self.local_team.intake(asking[pop.state[asking] == State.HOME])

    def _count_reporters(self, reported: np.ndarray) -> None:
        """Who made each report (melder): police, school, GP/youth health care, care provider, network.

        Assumption from VT's figures (~65-70% of all reports by police, mostly domestic
        violence): police report violent households; otherwise schools see school-age
        children, GPs and youth health care see the youngest. Drawn from a stream of its
        own, so it never shifts the draws of who is reported.
        """
        if not len(reported):
            return
        pop = self.population
        violent = pop.violence[pop.household[reported]]
        young = pop.age_months[reported] < 48
        row = np.where(violent, 0, np.where(young, 1, 2))
        cumulative = self._reporter_table[row]
        u = self.streams["reporters"].random(len(reported))
        kind = (u[:, None] >= cumulative).sum(axis=1)
        for k, name in enumerate(REPORTERS):
            self.count(f"vt_reports_{name}", int(np.sum(kind == k)))

    def _statistics(self, year: int, month: int) -> None:
        pop, c = self.population, self.params.costs
        for queue in (
            self.veilig_thuis.investigations,
            self.local_team.home_help,
            self.raad.investigations,
            self.guardians.caseloads,
        ):
            self.waits[year][queue.name].extend(queue.drain_waits())
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
            "time": self.time,
            "year": year,
            "month": month + 1,
            **{f"n_state_{s.name.lower()}": int(states[s]) for s in State},
            "n_ots": int(legal[Legal.OTS]),
            "n_guardianship": int(legal[Legal.GUARDIANSHIP]),
            **{f"n_{s.name.lower()}": int(settings[s]) for s in Setting if s != Setting.HOME},
            "n_placed": int(len(placed)),
            "n_court_placed": int(np.sum(pop.legal[placed] != Legal.NONE)),
            "n_waiting_vt": len(self.veilig_thuis.investigations),
            "n_waiting_home_help": len(self.local_team.home_help),
            "n_waiting_raad": len(self.raad.investigations),
            "n_waiting_guardian": len(self.guardians.caseloads),
            "n_waiting_placement": len(self.care.waiting),
            "families_per_guardian": self.guardians.families_per_guardian(),
            "n_hidden_serious": _count_hidden(pop.threat, pop.state, self.params.population.serious_threshold),
            "climate_shift": self.climate,
            "home_help_quality": self.local_team.home_help_quality(),
            "mean_wellbeing": float(pop.wellbeing.mean()),
            "mean_wellbeing_placed": float(pop.wellbeing[placed].mean()) if len(placed) else float("nan"),
            "n_cases": len(self.cases),
        }
        self.monthly.append(row)
        if month == 11:
            self._year_end(year)

    def _year_end(self, year: int) -> None:
        self.flows[year]["missed_children"] = int(np.sum(self.missed_year == year))
        self._equity_rows(year, ("other", "hit", "matched"))
        self.yearly_stocks.append(
            {
                "year": year,
                "children_with_measure_during_year": int(np.sum(self.measure_year == year)),
                "children_placed_during_year": int(np.sum(self.placed_year == year)),
                "children_court_placed_during_year": int(np.sum(self.court_placed_year == year)),
            }
        )

    def _equity_rows(self, year: int, names: tuple[str, ...]) -> None:
        """Children, with a measure, placed and court-placed in ``year``, per equity group."""
        group = self.population.child_group()
        for g, name in enumerate(("other", "hit", "matched")):
            if name not in names:
                continue
            members = group == g
            self.equity.append(
                {
                    "year": year,
                    "group": name,
                    "n_children": int(members.sum()),
                    "n_with_measure": int(np.sum(members & (self.measure_year == year))),
                    "n_placed": int(np.sum(members & (self.placed_year == year))),
                    "n_court_placed": int(np.sum(members & (self.court_placed_year == year))),
                }
            )

    # --- start -----------------------------------------------------------------------------
    def _seed_initial_stocks(self) -> None:
        """Give the highest-threat children the measures and placements that exist at the start.

        Without this the 7-year guardianships would need decades of warm-up.
        """
        ip, pop, rng = self.params.initial, self.population, self.streams["initial"]
        key = -(pop.threat + rng.normal(0, 0.5, pop.n_children))
        n_ots, n_guard, n_vol = self.scaled(ip.n_ots), self.scaled(ip.n_guardianship), self.scaled(ip.n_voluntary_placed)
        chosen = _smallest_first(key, n_ots + n_guard + n_vol)
        for k, child in enumerate(chosen):
            case = Case(self, int(child), float(rng.normal()))
            case.judgement = float(pop.threat[child] + rng.normal(0, 0.5))
            if k < n_ots:
                case.legal = Legal.OTS
                self.guardians.caseloads.join(case, 0.0)
                if rng.random() < ip.share_ots_placed:
                    self.care.request(case, court=True)
                else:
                    case.state = State.MEASURE_HOME
                    case.set_relief(self.params.local_team.help_effect / 2)  # guidance once a guardian is assigned
                case.due(rng.uniform(0, self.params.guardians.review_interval_months), self.guardians.review)
            elif k < n_ots + n_guard:
                case.legal = Legal.GUARDIANSHIP
                self.guardians.caseloads.join(case, 0.0)
                self.care.request(case, court=True)
            else:
                self.care.request(case, court=False)
        self.guardians.step()
        self.care.step()
        for case in list(self.cases.values()):  # initial placements start "some time ago"
            if case.placed_since is not None:
                case.placed_since = -float(rng.uniform(0, 36))
        self.flows.clear()
        self._year_time = -1.0  # the cached counter belonged to the cleared flows
        self.waits.clear()


def _count_hidden(threat: np.ndarray, state: np.ndarray, serious: float) -> int:
    """Children above the serious threshold whom the chain does not know."""
    serious_now = np.flatnonzero(threat > serious)
    return int(np.sum(state[serious_now] == State.HOME))


def _smallest_first(key: np.ndarray, k: int) -> np.ndarray:
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

"""What every actor of the chain has: its parameters, its random stream, and the chain's shared parts.

An actor is one organisation (Veilig Thuis, the local team, the Raad, the court, the GIs'
guardians, the care settings; the reporters before them). It decides with the chain's
:class:`~sim.model.judgement.Judgement`, counts in the :class:`~sim.model.ledger.Ledger`,
hands cases on through :class:`~sim.model.routing.Routes` (never by calling another actor),
and, when a case closes, :meth:`Actor.release` lets go of whatever it holds for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from sim.model.params import Section

if TYPE_CHECKING:
    from sim.model.cases import Case
    from sim.model.chain import ChainModel
    from sim.model.queues import CapacityQueue


P = TypeVar("P", bound=Section)


class Actor(Generic[P]):
    """Base of the chain's actors: one parameter section and one random stream (of the same name by default)."""

    section: ClassVar[str]  # its parameter section in Params (and its random stream, unless `stream` says otherwise)
    stream: ClassVar[str | None] = None

    def __init__(self, chain: ChainModel) -> None:
        """Take the actor's parameters and stream, and the chain's judgement, ledger and routes."""
        self.chain = chain
        self.p: P = getattr(chain.params, self.section)
        self.rng = chain.streams[self.stream or self.section]
        self.judgement = chain.judgement
        self.ledger = chain.ledger
        self.routes = chain.routes
        self.workload = chain.params.workload
        self.queue: CapacityQueue[Case] | None = None  # the capacity whose waiting list is the actor's load
        self.norm_capacity = 0  # that capacity at the norm caseload

    def capacity_is(self, queue: CapacityQueue[Case]) -> None:
        """Declare the capacity whose waiting list is this actor's load (at its norm caseload now)."""
        self.queue, self.norm_capacity = queue, queue.capacity

    def step(self) -> None:
        """Do the month's work (step 5 of :meth:`ChainModel.step`); nothing by default."""

    def retune(self) -> None:
        """Take changed capacities from ``self.p`` (a timeline's dated change); nothing by default.

        Staff join or leave (:meth:`StaffPool.resize`); places close only as they empty: a
        capacity below the cases in hand admits nobody new until fewer are in hand.
        """

    def set_norm_capacity(self, capacity: int) -> None:
        """A new capacity at the norm caseload for the queue declared by :meth:`capacity_is`."""
        assert self.queue is not None
        self.norm_capacity = self.queue.capacity = capacity

    def release(self, case: Case, leaving: str) -> None:
        """Let go of everything held for a case that closes (places, waiting lists, pending reviews).

        Args:
            case: the closing case.
            leaving: why the child leaves the chain: ``reunified`` (back home, or the measure
                ended), ``majority`` (turned 18) or ``foster_guardianship`` (the foster parents
                became the guardians).

        """

    def release_all(self, cases: list[Case], ids: list[int], leaving: str) -> None:
        """:meth:`release` for many closing cases (``ids`` their unique ids); one call each by default."""
        if type(self).release is Actor.release:
            return  # it holds nothing for a case
        for case in cases:
            self.release(case, leaving)

    # --- workload: the same rule at every capacity-limited actor (params.workload) --------
    def load(self) -> float:
        """The waiting list as a share of capacity (0 without a capacity), capped."""
        q = self.queue
        if q is None:
            return 0.0
        return min(self.workload.max_queue_ratio, len(q) / max(1, self.norm_capacity))

    def pressure(self) -> float:
        """How far the load raises the bars of this actor and of those who refer to it (triage)."""
        return self.workload.bar_rise * self.load()

    def stretched(self, months: float) -> float:
        """An investigation's length, longer when the waiting list is long."""
        return months * (1 + self.workload.duration_stretch * self.load())

    def stretch_caseloads(self) -> None:
        """Monthly: with a long list each professional carries more cases at once, each taking longer (:meth:`stretched`).

        The two balance, so the number of investigations finished a month stays about the
        same while each one, and the wait for it, takes longer (IJenV 2019: lead-time norms
        exceeded; VT Haaglanden 2018-19). As the list shortens the capacity falls, possibly below
        the cases in hand: those are finished, not dropped, and nobody new starts until fewer
        are in hand than the capacity.
        """
        if self.queue is not None:
            self.queue.capacity = round(self.norm_capacity * (1 + self.workload.duration_stretch * self.load()))

    def leaving_waiting_list(self, may_leave: Callable[[Case], bool] | None = None) -> list[Case]:
        """Take off the waiting list the families who leave it this month (situation eased, or other help found).

        They are taken off the list here; the actor decides where they go (:meth:`tend_waiting_list`).
        """
        q, p = self.queue, self.workload.p_leave_waiting_month
        if q is None or p <= 0 or not len(q):
            return []
        waiting = [case for case, _ in q.waiting() if may_leave is None or may_leave(case)]
        leave = [case for case, u in zip(waiting, self.rng.random(len(waiting)).tolist(), strict=True) if u < p]
        for case in leave:
            q.withdraw(case)
        return leave

    def tend_waiting_list(self) -> None:
        """Monthly (step 5): families may leave the waiting list; by default nobody does."""

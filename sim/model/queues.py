"""Capacity-limited services with first-come-first-served waiting lists."""

from __future__ import annotations

import math
from collections import deque
from itertools import chain
from typing import Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray


class HasId(Protocol):
    """Anything with a stable unique id (a case)."""

    unique_id: int


T = TypeVar("T", bound=HasId)


class CapacityQueue(Generic[T]):
    """A service with ``capacity`` places and a FIFO waiting list.

    The chain's capacities (investigators, guardians, intensive home help, beds) are all of
    this kind: a case waits until a place frees, and its waiting time is recorded.
    Withdrawing from the waiting list is O(1) (the entry is skipped when reached), so a
    case that closes can always be withdrawn from every list it might be on.
    """

    def __init__(self, name: str, capacity: int) -> None:
        """Create an empty service."""
        if capacity < 0:
            raise ValueError(f"{name}: capacity must be >= 0, got {capacity}")
        self.name = name
        self.capacity = capacity
        self._queue: deque[tuple[T, float, int]] = deque()  # (case, joined at, ticket)
        self._tickets: dict[int, int] = {}  # unique_id -> ticket of its live entry
        self._next_ticket = 0
        self.in_service: set[int] = set()
        self.waits_done: list[float] = []  # waiting times of admitted cases

    def __len__(self) -> int:
        """Number of cases waiting."""
        return len(self._tickets)

    @property
    def free(self) -> int:
        """Free places now."""
        return max(0, self.capacity - len(self.in_service))

    def join(self, item: T, now: float, *, front: bool = False) -> None:
        """Put a case on the waiting list (at the back, or at the front for an urgent move)."""
        if item.unique_id in self._tickets:
            return  # already waiting: keep its place
        self._next_ticket += 1
        self._tickets[item.unique_id] = self._next_ticket
        entry = (item, now, self._next_ticket)
        self._queue.appendleft(entry) if front else self._queue.append(entry)

    def waiting(self) -> list[tuple[T, float]]:
        """The live waiting list in order, as (case, joined at)."""
        return [(i, t) for i, t, k in self._queue if self._tickets.get(i.unique_id) == k]

    def _pop(self) -> tuple[T, float] | None:
        while self._queue:
            item, since, ticket = self._queue.popleft()
            if self._tickets.get(item.unique_id) == ticket:
                del self._tickets[item.unique_id]
                return item, since
        return None

    def admit(self, now: float) -> list[T]:
        """Admit waiting cases, first come first served, while places are free."""
        admitted: list[T] = []
        while len(self.in_service) < self.capacity:
            entry = self._pop()
            if entry is None:
                break
            item, since = entry
            self.in_service.add(item.unique_id)
            self.waits_done.append(now - since)
            admitted.append(item)
        return admitted

    def take_all(self) -> list[tuple[T, float]]:
        """Empty the waiting list and return it in order (for services that choose where to admit)."""
        out = self.waiting()
        self._queue.clear()
        self._tickets.clear()
        return out

    def start(self, item: T) -> bool:
        """Take a place directly (no waiting) if one is free."""
        if len(self.in_service) < self.capacity:
            self.in_service.add(item.unique_id)
            return True
        return False

    def release(self, item: T) -> None:
        """Free the place a case held (no-op if it held none)."""
        self.in_service.discard(item.unique_id)

    def withdraw(self, item: T) -> None:
        """Remove a case from the waiting list (no-op if it is not waiting)."""
        self._tickets.pop(item.unique_id, None)

    def release_all(self, ids: list[int]) -> None:
        """:meth:`release` and :meth:`withdraw` for many cases, by their ids (closing cases let go of everything)."""
        self.in_service.difference_update(ids)
        tickets = self._tickets
        if tickets:
            for uid in ids:
                tickets.pop(uid, None)

    def drain_waits(self) -> list[float]:
        """Waiting times recorded since the last call."""
        out, self.waits_done = self.waits_done, []
        return out


class DueTimes:
    """When each child's current high-volume step ends: the batch alternative to Mesa events.

    Ordinary help and voluntary-placement reviews happen tens of thousands of times a year;
    one Mesa event each would dominate a national run. Their end times live in an array
    instead and the model handles all that fell due in a month at once, in child order.

    Which children to look at comes from monthly buckets, not a scan of the whole array:
    each time set is also noted under its month (``ceil(time)``), so a month's
    :meth:`pop_due` reads only the children noted for the months that have come (at national
    scale a few thousand, against 3.5 million). A note goes stale when the child's time is
    cleared or moved; the array decides, so the answer is exactly the scan's.
    """

    def __init__(self, n: int) -> None:
        """No child has anything due."""
        self.at: NDArray[np.float64] = np.full(n, np.inf)
        self._months: dict[int, list[int]] = {}  # month -> children noted as due in it (some stale)

    def set(self, child: int, time: float) -> None:
        """Child ``child``'s step ends at ``time``."""
        self.at[child] = time
        self._months.setdefault(math.ceil(time), []).append(child)

    def set_many(self, children: NDArray[np.intp], times: NDArray[np.float64]) -> None:
        """:meth:`set` for many children at once (each child once)."""
        self.at[children] = times
        months = self._months
        for child, month in zip(children.tolist(), np.ceil(times).astype(np.int64).tolist(), strict=True):
            months.setdefault(month, []).append(child)

    def bring_forward(self, children: NDArray[np.intp], time: float) -> None:
        """These children's steps end at ``time`` if they were due later."""
        later = children[self.at[children] > time]
        self.at[later] = time
        self._months.setdefault(math.ceil(time), []).extend(later.tolist())

    def clear(self, child: int) -> None:
        """Nothing due for this child any more."""
        self.at[child] = np.inf

    def pop_due(self, now: float) -> NDArray[np.intp]:
        """Children whose time has come (and forget them), in index order."""
        month = math.ceil(now)
        come = [m for m in self._months if m <= month]
        if not come:
            return np.empty(0, dtype=np.intp)
        noted = np.unique(np.fromiter(chain.from_iterable(self._months.pop(m) for m in come), dtype=np.intp))
        at = self.at[noted]
        due = noted[at <= now]
        self.at[due] = np.inf
        later = noted[(at > now) & (at <= month)]  # noted for this month, due later in it (``now`` within a month)
        if len(later):
            self._months.setdefault(month, []).extend(later.tolist())
        return due

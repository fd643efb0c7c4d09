"""The pending ends of case steps, fired at their own times between the monthly steps.

At national scale some 30,000 case steps (investigations, intensive home help, hearings,
reviews) are pending at any moment and ~800,000 end in a run. One Mesa event each makes
Mesa's heap compare events in Python (``Event.__lt__``) ~15 times per push and pop, and
each costs an ``Event`` with a weak reference. Here the pending ends sit in a heap of plain
tuples, ordered in C, and Mesa's event list holds one event: the earliest end. When it
fires, every end due before the next monthly step runs, each at its own time (the model's
clock is set to it, as Mesa's loop would), in the order it was scheduled; then the earliest
end after that step is armed.

The order is exactly Mesa's own: Mesa orders events by (time, priority, creation), all
case events have the default priority, and ``(time, sequence number)`` is the same order.
Between two monthly steps Mesa's list holds nothing else (the model schedules no other
events), so running the ends up to the next step changes no order. The monthly step (Mesa's
high priority) still runs before any case end at the same time: ends at the next step's
time wait for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappop, heappush
from typing import TYPE_CHECKING

from mesa.time import Event

if TYPE_CHECKING:
    import mesa

# (time, sequence number, callback taking the sequence number); the number is unique, so
# tuples never compare callbacks
Entry = tuple[float, int, Callable[[int], None]]


class PendingEnds:
    """A time-ordered list of callbacks with one Mesa event armed for the earliest."""

    def __init__(self, model: mesa.Model) -> None:
        """Nothing pending yet."""
        self.model = model
        self._heap: list[Entry] = []
        self._next_number = 0  # a plain int, not itertools.count: a snapshot writes it as a number
        self._armed: Event | None = None  # the Mesa event for the earliest pending time
        self._firing = False
        self._fire_callback = _Fire(self)

    def __len__(self) -> int:
        """Entries in the heap, including ones their owner has since cancelled."""
        return len(self._heap)

    def add(self, at: float, callback: Callable[[int], None]) -> int:
        """Call ``callback(number)`` at time ``at``; returns the entry's number.

        Cancelling is the owner's business: it remembers the number of its live entry and
        ignores calls with any other (stale entries are dropped when they come up).
        """
        number = self._next_number
        self._next_number += 1
        heappush(self._heap, (at, number, callback))
        if not self._firing and (self._armed is None or at < self._armed.time):
            self._arm(at)
        return number

    # a snapshot (sim/model/snapshot) leaves out the Mesa event and its callback and makes them anew
    __snapshot_skip__ = ("_armed", "_fire_callback")

    def _restored(self) -> None:
        """After a snapshot is loaded: the callback anew, and the earliest pending end armed in the new model's event list."""
        self._armed, self._firing, self._fire_callback = None, False, _Fire(self)
        if self._heap:
            self._arm(self._heap[0][0])

    def _arm(self, at: float) -> None:
        if self._armed is not None:
            self._armed.cancel()
        self._armed = self.model.schedule_event(self._fire_callback, at=at)

    def _fire(self) -> None:
        """Run every entry before the next monthly step, in order, each at its time; then arm the next."""
        self._armed, self._firing = None, True
        model, heap = self.model, self._heap
        next_step = math.floor(model.time) + 1  # the monthly steps run at whole months
        try:
            while heap and heap[0][0] < next_step:
                at, number, callback = heappop(heap)
                model.time = at
                callback(number)
        finally:
            # also after an exception (the dashboard lets a user step on after an error):
            # the rest must still fire at their own times, as Mesa's own events would
            self._firing = False
            if heap:
                self._arm(heap[0][0])


class _Fire:
    """The callback of the armed Mesa event: calls :meth:`PendingEnds._fire`.

    Mesa keeps a weak reference to an event's callback. A bound method costs a
    Python-level ``WeakMethod`` (~2 % of a national run, which arms ~800,000 events); a
    small object like this one costs a C-level ``weakref.ref``, and unlike a closure it is
    copied with its model (``copy.deepcopy``).
    """

    __slots__ = ("ends", "__weakref__")

    def __init__(self, ends: PendingEnds) -> None:
        self.ends = ends

    def __call__(self) -> None:
        self.ends._fire()

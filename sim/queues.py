"""Capacity-limited services with first-come-first-served waiting lists."""

from __future__ import annotations

from collections import deque
from typing import Generic, Protocol, TypeVar


class HasId(Protocol):
    """Anything with a stable unique id (Mesa agents)."""

    unique_id: int


T = TypeVar("T", bound=HasId)


class CapacityQueue(Generic[T]):
    """A service with ``capacity`` places and a FIFO waiting list.

    The chain's capacities (investigators, guardians, intensive home help, beds) are all of
    this kind: a case waits until a place frees, and its waiting time is recorded.
    """

    def __init__(self, name: str, capacity: int) -> None:
        """Create an empty service."""
        if capacity < 0:
            raise ValueError(f"{name}: capacity must be >= 0, got {capacity}")
        self.name = name
        self.capacity = capacity
        self.waiting: deque[tuple[T, float]] = deque()
        self.in_service: set[int] = set()
        self.waits_done: list[float] = []  # waiting times of cases admitted since last drain

    def __len__(self) -> int:
        """Number of cases waiting."""
        return len(self.waiting)

    @property
    def free(self) -> int:
        """Free places now."""
        return max(0, self.capacity - len(self.in_service))

    def join(self, item: T, now: float) -> None:
        """Put a case on the waiting list."""
        self.waiting.append((item, now))

    def admit(self, now: float) -> list[T]:
        """Admit waiting cases, first come first served, while places are free."""
        admitted: list[T] = []
        while self.waiting and len(self.in_service) < self.capacity:
            item, since = self.waiting.popleft()
            self.in_service.add(item.unique_id)
            self.waits_done.append(now - since)
            admitted.append(item)
        return admitted

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
        """Remove a case from the waiting list (e.g. it turned 18 while waiting)."""
        self.waiting = deque((i, t) for i, t in self.waiting if i is not item)

    def drain_waits(self) -> list[float]:
        """Waiting times recorded since the last call."""
        out, self.waits_done = self.waits_done, []
        return out

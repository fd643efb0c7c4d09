"""One bounded pool of worker processes that runs every dashboard session's simulations.

Why processes: the model is pure Python, so runs in threads of the server process would share
one core (the GIL) and slow every page, including its own replies. A worker process per slot
runs on a core of its own, and each run gets a fresh process (``max_tasks_per_child=1``;
forked from a server that has the model imported, so it starts in milliseconds), so the
memory a run used goes back to the system when it ends.

Why a queue of our own in front of the executor: a session whose run waits must see its
place, and must be able to leave the queue (Cancel, a newer run, the tab closed). Runs are
served first come, first served; a session holds at most one slot, so one user cannot fill
the pool with runs while others wait.

Progress and "stop" cross the process boundary through a small shared array: two numbers
per slot (share done; stop flag), written by one side each, so no lock is needed.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

SLOTS_ENV = "KETENSIM_DASHBOARD_SLOTS"
POLL_S = 0.1  # how often a waiting or running session looks at its queue place, progress and Cancel

_shared: Any = None  # in a worker: the pool's shared array (set by _init_worker)


class RunCancelled(Exception):
    """The page asked the run to stop (Cancel, a newer run, or the session ended)."""


class WorkerDied(RuntimeError):
    """The process running a simulation ended without a result (killed, out of memory)."""


def default_slots() -> int:
    """Slots from ``$KETENSIM_DASHBOARD_SLOTS``, else one per core this process may use."""
    text = os.environ.get(SLOTS_ENV, "")
    if text.strip():
        return max(1, int(text))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _init_worker(driver: int, shared: Any) -> None:
    from sim.experiments.sweeps.run import _init_worker as stop_with_driver

    global _shared
    _shared = shared
    stop_with_driver(driver)  # a worker never outlives the dashboard server


def without_session[T: threading.Thread](thread: T) -> T:
    """``thread``, belonging to no page session (call before it starts).

    Why: Solara gives every new thread the session (kernel context) of the thread that makes
    it, and a thread that outlives the session keeps it, its state and its results. The process
    pool's manager and queue-feeder threads live as long as the pool: when a page's run started
    them they held that session for as long as the server ran (the load test found 2 of 10
    results still held after every tab closed).
    """
    thread.current_context = None  # type: ignore[attr-defined]  (Solara's record of the creating session)
    return thread


def outside_sessions(job: Callable[[], Any]) -> Any:
    """``job()`` in a thread that belongs to no page session (see :func:`without_session`); its result or exception."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = job()
        except BaseException as exc:  # noqa: BLE001  (handed to the caller)
            out["error"] = exc

    thread = without_session(threading.Thread(target=target, name="ketensim-outside-sessions", daemon=True))
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def _noop() -> None:
    """A job that starts the pool's threads (see :func:`outside_sessions`)."""


def worker_hooks(slot: int) -> tuple[Callable[[float], None], Callable[[], bool]]:
    """In a worker: the progress hook and "keep going?" check of the run in ``slot``."""

    def progress(share: float) -> None:
        _shared[2 * slot] = share

    def keep_going() -> bool:
        return _shared[2 * slot + 1] == 0.0

    return progress, keep_going


class RunPool:
    """``slots`` worker processes behind a first-come-first-served queue with visible places."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._cond = threading.Condition()
        self._waiting: deque[tuple[object, Hashable]] = deque()
        self._free = list(range(slots))
        self._owners: set[Hashable] = set()  # sessions that hold a slot
        self._executor: ProcessPoolExecutor | None = None
        self._shared: Any = None

    # --- queue -----------------------------------------------------------------------------

    def _grantable(self, ticket: object) -> bool:
        """The first waiting ticket whose session holds no slot gets the next free one."""
        if not self._free:
            return False
        for waiting, owner in self._waiting:
            if owner not in self._owners:
                return waiting is ticket
        return False

    def _place(self, ticket: object) -> int:
        """Runs ahead of ``ticket``: those running plus those queued before it."""
        ahead = next(i for i, (t, _) in enumerate(self._waiting) if t is ticket)
        return ahead + self.slots - len(self._free)

    def _acquire(self, owner: Hashable, on_wait: Callable[[int], None], keep_going: Callable[[], bool]) -> int:
        ticket = object()
        with self._cond:
            self._waiting.append((ticket, owner))
        try:
            while True:
                with self._cond:
                    if self._grantable(ticket):
                        self._leave(ticket)
                        self._owners.add(owner)
                        return self._free.pop(0)
                    place = self._place(ticket)
                # outside the lock: on_wait re-renders the page, which must not hold up the queue
                on_wait(place)
                if not keep_going():
                    raise RunCancelled
                with self._cond:
                    self._cond.wait(POLL_S)
        except BaseException:
            with self._cond:
                self._leave(ticket)
            raise

    def _leave(self, ticket: object) -> None:
        """Take ``ticket`` out of the queue (granted or given up) and wake the others; call with the lock held."""
        entry = next((w for w in self._waiting if w[0] is ticket), None)
        if entry is not None:
            self._waiting.remove(entry)
            self._cond.notify_all()

    def _release(self, slot: int, owner: Hashable) -> None:
        with self._cond:
            self._free.append(slot)
            self._owners.discard(owner)
            self._cond.notify_all()

    def busy(self) -> tuple[int, int]:
        """(running, waiting) runs now."""
        with self._cond:
            return self.slots - len(self._free), len(self._waiting)

    # --- workers -----------------------------------------------------------------------------

    def _pool(self) -> tuple[ProcessPoolExecutor, Any]:
        with self._cond:
            if self._executor is None:
                from sim.experiments.sweeps.run import forkserver_context

                ctx = forkserver_context(["sim.dashboard.runs"])
                self._shared = ctx.Array("d", 2 * self.slots, lock=False)
                executor = ProcessPoolExecutor(
                    self.slots,
                    mp_context=ctx,
                    initializer=_init_worker,
                    initargs=(os.getpid(), self._shared),
                    max_tasks_per_child=1,
                )
                # the first job starts the executor's long-lived threads: outside any session
                outside_sessions(lambda: executor.submit(_noop).result())
                self._executor = executor
            return self._executor, self._shared

    def _broken(self, executor: ProcessPoolExecutor) -> None:
        with self._cond:
            if self._executor is executor:
                self._executor = None  # the next run starts a new pool
        executor.shutdown(wait=False, cancel_futures=True)

    def run(
        self,
        owner: Hashable,
        job: Callable[..., Any],
        args: tuple[Any, ...],
        on_wait: Callable[[int], None],
        on_progress: Callable[[float], None],
        keep_going: Callable[[], bool],
    ) -> Any:
        """Wait for a slot, then run ``job(slot, *args)`` in a worker and return its result.

        ``on_wait(place)`` is called while queued (runs ahead), ``on_progress(share)`` while
        running; when ``keep_going()`` turns False the run leaves the queue or is told to stop
        at its next month, and RunCancelled is raised.
        """
        slot = self._acquire(owner, on_wait, keep_going)
        try:
            executor, shared = self._pool()
            shared[2 * slot], shared[2 * slot + 1] = 0.0, 0.0
            try:
                future: Future[Any] = executor.submit(job, slot, *args)
            except BrokenProcessPool:
                self._broken(executor)
                executor, shared = self._pool()
                future = executor.submit(job, slot, *args)
            while not future.done():
                if not keep_going():
                    shared[2 * slot + 1] = 1.0  # the worker stops at its next month
                on_progress(shared[2 * slot])
                time.sleep(POLL_S)
            try:
                return future.result()
            except BrokenProcessPool as exc:
                self._broken(executor)
                raise WorkerDied("the process running this simulation stopped (killed, or out of memory)") from exc
        finally:
            self._release(slot, owner)

    def shutdown(self) -> None:
        """Stop the worker processes (tests; the server's exit stops them too)."""
        with self._cond:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_pool: RunPool | None = None
_pool_lock = threading.Lock()


def shared_pool() -> RunPool:
    """The server's one pool (made on first use, sized by :func:`default_slots`)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = RunPool(default_slots())
        return _pool

"""The dashboard's run pool: a bounded set of worker processes behind a queue with visible places."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import ipyvuetify as v
import pytest
import solara
from solara.server import kernel
from solara.server.kernel_context import VirtualKernelContext

from sim.dashboard import app
from sim.dashboard import controls as dp
from sim.dashboard.pool import RunCancelled, RunPool, WorkerDied, shared_pool
from sim.dashboard.runs import shared_baseline, simulate, simulate_in_slot
from sim.model.params import Params

TINY = Params().with_overrides({"run": {"scale": 0.002, "years": 2, "seed": 11}})
LONG = TINY.with_overrides({"run": {"years": 40}})  # a run that is still going when it is stopped


class Caller:
    """One session's run in a thread: what it saw while queued and how it ended."""

    def __init__(self, pool: RunPool, owner: str, params: Params) -> None:
        self.places: list[int] = []
        self.progress: list[float] = []
        self.stop = threading.Event()
        self.result = self.error = None
        self.thread = threading.Thread(target=self._run, args=(pool, owner, params), daemon=True)
        self.thread.start()

    def _run(self, pool: RunPool, owner: str, params: Params) -> None:
        try:
            self.result = pool.run(
                owner, simulate_in_slot, (params,), self.places.append, self.progress.append, lambda: not self.stop.is_set()
            )
        except Exception as exc:  # noqa: BLE001  (the test looks at which)
            self.error = exc

    def join(self, timeout: float = 120) -> Caller:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "run did not end"
        return self


def _until(condition, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _baseline_cached(monkeypatch):
    """The page's opening baseline (tiny here) already in the server's cache: the pool runs only what a test runs."""
    monkeypatch.setattr(app, "OPENING", {"run.scale": 0.002, "run.years": 2, "run.seed": 11})
    params = app.opening_params()
    shared_baseline(params, lambda: app.Done(params, simulate(params), baseline=True))


@pytest.fixture
def pool():
    p = RunPool(1)
    yield p
    p.shutdown()


def test_runs_wait_in_order_with_their_place_and_give_the_same_results(pool):
    first = Caller(pool, "a", LONG)
    _until(lambda: first.progress and first.progress[-1] > 0)  # running in a worker, reporting progress
    second = Caller(pool, "b", TINY)
    _until(lambda: pool.busy() == (1, 1))
    third = Caller(pool, "c", TINY.with_overrides({"run": {"seed": 12}}))
    _until(lambda: pool.busy() == (1, 2))
    _until(lambda: second.places and third.places)
    assert set(second.places) == {1} and set(third.places) == {2}  # runs ahead: one running, one queued before
    first.stop.set()
    assert isinstance(first.join().error, RunCancelled)
    second.join(), third.join()
    assert second.error is None and third.error is None
    # a run in the pool is the same run as in this process: same seed, same numbers
    assert second.result.summary().equals(simulate(TINY).summary())
    assert pool.busy() == (0, 0)


def test_a_session_holds_at_most_one_slot():
    pool = RunPool(2)
    try:
        first = Caller(pool, "same tab", LONG)
        _until(lambda: pool.busy() == (1, 0))
        again = Caller(pool, "same tab", TINY)
        other = Caller(pool, "other tab", TINY)
        assert other.join().error is None  # the free slot goes to the other session...
        assert again.thread.is_alive() and again.places  # ...while the same session's second run waits
        first.stop.set()
        assert again.join().error is None
    finally:
        pool.shutdown()


def test_a_run_that_leaves_the_queue_frees_its_place(pool):
    first = Caller(pool, "a", LONG)
    _until(lambda: pool.busy() == (1, 0))
    queued = Caller(pool, "b", TINY)
    _until(lambda: pool.busy() == (1, 1))
    queued.stop.set()
    assert isinstance(queued.join().error, RunCancelled)
    assert pool.busy() == (1, 0)
    first.stop.set()
    first.join()


def test_a_killed_worker_is_reported_and_the_pool_recovers(pool):
    victim = Caller(pool, "a", LONG)
    _until(lambda: victim.progress and victim.progress[-1] > 0)
    for pid in list(pool._executor._processes):  # the worker running it
        os.kill(pid, signal.SIGKILL)
    assert isinstance(victim.join().error, WorkerDied)
    assert Caller(pool, "b", TINY).join().error is None


def _session():
    context = VirtualKernelContext(id=uuid.uuid4().hex, kernel=kernel.Kernel(), session_id=uuid.uuid4().hex)
    before = set(threading.enumerate())
    with context:
        app.edits.set({"run.scale": 0.002, "run.years": 2, "run.seed": 11})
        app.rejected.set({})
        app.preset.set(dp.DEFAULT_PRESET)
        _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    for thread in set(threading.enumerate()) - before:  # the opening baseline, from the cache
        if "<lambda>" in thread.name:
            thread.join(60)
    return context, rc


def _run_button(rc):
    return rc.find(v.Btn, children=["Run"]).widget


def _queued_text(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Html).widgets if "ahead of yours" in str(w.children))


def test_a_busy_pool_shows_the_place_in_the_queue_on_the_page(monkeypatch):
    pool = RunPool(1)
    monkeypatch.setattr(app, "shared_pool", lambda: pool)
    holder = Caller(pool, "another tab", LONG)
    _until(lambda: pool.busy() == (1, 0))
    context, rc = _session()
    try:
        with context:
            _run_button(rc).click()
            _until(lambda: _queued_text(rc))
            assert "1 run(s) ahead of yours" in _queued_text(rc)
            holder.stop.set()
            _until(lambda: app.run_task.finished, timeout=120)
            assert not _queued_text(rc)
    finally:
        with context:
            context.close()
        holder.join()
        pool.shutdown()


def test_closing_the_session_stops_its_run_and_frees_the_slot(monkeypatch):
    pool = RunPool(1)
    monkeypatch.setattr(app, "shared_pool", lambda: pool)
    context, rc = _session()
    try:
        with context:
            app.edits.set({**app.edits.value, "run.years": 40})
            _run_button(rc).click()
        _until(lambda: pool.busy() == (1, 0))
    finally:
        context.close()
    _until(lambda: pool.busy() == (0, 0), timeout=30)  # stopped at its next month, not run to the end
    assert Caller(pool, "next tab", TINY).join().error is None
    pool.shutdown()


def test_the_server_pool_is_sized_from_the_environment(monkeypatch):
    from sim.dashboard import pool as pool_module

    monkeypatch.setattr(pool_module, "_pool", None)
    monkeypatch.setenv(pool_module.SLOTS_ENV, "3")
    assert shared_pool().slots == 3
    monkeypatch.setattr(pool_module, "_pool", None)

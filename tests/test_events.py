"""PendingEnds fires case steps in exactly the order Mesa's own event list would."""

from __future__ import annotations

import copy

import mesa
import numpy as np
import pytest

from sim.model.events import PendingEnds


class Recorder(mesa.Model):
    """A model whose step and callbacks write (what, time) into a log."""

    def __init__(self) -> None:
        super().__init__(rng=0)
        self.log: list[tuple[str, float]] = []
        self.pending_ends = PendingEnds(self)

    def step(self) -> None:
        self.log.append(("step", self.time))


def _schedule_plan(seed: int) -> list[tuple[float, float | None]]:
    """(delay, follow-up delay or None): many ties, some on the integer times of steps."""
    rng = np.random.default_rng(seed)
    plan = []
    for _ in range(300):
        delay = float(rng.choice([rng.uniform(0, 6), rng.integers(1, 6), 2.5]))
        follow = float(rng.choice([rng.uniform(0, 3), 1.0])) if rng.random() < 0.3 else None
        plan.append((max(delay, 1e-6), follow))
    return plan


def _run(plan: list[tuple[float, float | None]], via_pending: bool) -> list[tuple[str, float]]:
    model = Recorder()
    callbacks = []  # keep the bound methods alive: Mesa holds weak references

    class Job:
        def __init__(self, name: str, follow: float | None) -> None:
            self.name, self.follow = name, follow

        def fire(self, *_: int) -> None:
            model.log.append((self.name, model.time))
            if self.follow is not None:
                child = Job(self.name + "+", None)
                callbacks.append(child)
                schedule(child, max(self.follow, 1e-6))

    def schedule(job: Job, after: float) -> None:
        if via_pending:
            model.pending_ends.add(model.time + after, job.fire)
        else:
            model.schedule_event(job.fire, after=after)

    for k, (delay, follow) in enumerate(plan):
        job = Job(f"job{k}", follow)
        callbacks.append(job)
        schedule(job, delay)
    for _ in range(8):
        model.step()
    return model.log


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_order_and_times_as_mesa_events(seed):
    plan = _schedule_plan(seed)
    mesa_log = _run(plan, via_pending=False)
    ours = _run(plan, via_pending=True)
    assert len(ours) > 300 and any(name == "step" for name, _ in ours)
    assert ours == mesa_log


def test_an_earlier_entry_is_armed_before_a_later_one():
    model = Recorder()
    fired: list[tuple[int, float]] = []
    model.pending_ends.add(0.9, lambda n: fired.append((n, model.time)))
    model.pending_ends.add(0.2, lambda n: fired.append((n, model.time)))
    model.step()
    assert fired == [(1, 0.2), (0, 0.9)]
    assert len(model.pending_ends) == 0


def test_entries_added_while_firing_wait_for_their_own_time():
    model = Recorder()
    fired: list[float] = []

    def first(_: int) -> None:
        fired.append(model.time)
        model.pending_ends.add(model.time + 0.5, lambda _: fired.append(model.time))

    model.pending_ends.add(0.25, first)
    model.step()
    assert fired == [0.25, 0.75]


def test_an_owner_ignores_its_stale_entries():
    """Cases cancel by forgetting the number; the stale entry fires harmlessly."""
    model = Recorder()
    live: dict[str, int | None] = {}
    fired: list[int] = []

    def callback(number: int) -> None:
        if number == live["case"]:
            fired.append(number)

    live["case"] = model.pending_ends.add(0.3, callback)
    live["case"] = model.pending_ends.add(0.6, callback)  # replaces the first
    model.step()
    assert fired == [1]


def test_entries_after_a_failing_callback_still_fire_at_their_own_times():
    """As with Mesa's own events: the failing one is consumed, the others keep their times."""
    model = Recorder()
    fired: list[tuple[str, float]] = []

    def fails(_: int) -> None:
        raise RuntimeError("a handler failed")

    model.pending_ends.add(0.5, fails)
    model.pending_ends.add(0.5, lambda _: fired.append(("b", model.time)))
    model.pending_ends.add(0.7, lambda _: fired.append(("c", model.time)))
    with pytest.raises(RuntimeError):
        model.step()
    model.step()
    assert fired == [("b", 0.5), ("c", 0.7)]


def test_a_copied_model_fires_its_own_entries():
    model = Recorder()
    model.pending_ends.add(0.5, Logger(model, "x"))
    twin = copy.deepcopy(model)
    twin.step()
    assert twin.log == [("x", 0.5), ("step", 1.0)]
    assert model.log == [] and len(model.pending_ends) == 1
    model.step()
    assert model.log == [("x", 0.5), ("step", 1.0)]


class Logger:
    """A callback that belongs to its model (so that a deep copy gets its own)."""

    def __init__(self, model: Recorder, name: str) -> None:
        self.model, self.name = model, name

    def __call__(self, _: int) -> None:
        self.model.log.append((self.name, self.model.time))


def test_mesa_holds_about_one_event_per_month_not_one_per_end():
    """The ends between two steps run from one armed event (the cost the module exists to save)."""
    model = Recorder()
    armed: list[float] = []
    schedule = model.schedule_event

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        armed.append(kwargs["at"])
        return schedule(*args, **kwargs)

    model.schedule_event = counting
    jobs = [lambda _: None for _ in range(200)]  # kept alive by this list
    for job, at in zip(jobs, np.random.default_rng(3).uniform(0, 6, 200), strict=True):  # 200 distinct times
        model.pending_ends.add(float(at), job)
    armed.clear()  # arming while entries are added is not the point here
    for _ in range(7):
        model.step()
    assert len(model.pending_ends) == 0
    assert len(armed) <= 6, armed  # one per month with ends after the first (was: one per distinct end time)

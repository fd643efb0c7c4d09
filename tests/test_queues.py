"""CapacityQueue: FIFO waiting list, capacity, releases, withdrawals and waiting times."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.queues import CapacityQueue, DueTimes


@dataclass(eq=False)
class Item:
    """The smallest thing a queue accepts: something with a unique_id."""

    unique_id: int


def items(n: int) -> list[Item]:
    return [Item(i) for i in range(n)]


def test_admission_is_first_come_first_served() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 3)
    a, b, c, d, e = items(5)
    for t, item in enumerate([c, a, e, b, d]):
        q.join(item, float(t))
    assert q.admit(10.0) == [c, a, e]
    assert [i for i, _ in q.waiting()] == [b, d]


def test_capacity_is_respected() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 2)
    for item in items(5):
        q.join(item, 0.0)
    assert len(q.admit(1.0)) == 2
    assert q.admit(2.0) == []
    assert len(q.in_service) == 2
    assert q.free == 0
    assert len(q) == 3


def test_zero_capacity_admits_nothing() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 0)
    (a,) = items(1)
    q.join(a, 0.0)
    assert q.admit(5.0) == []
    assert not q.start(a)
    assert len(q) == 1


def test_release_frees_a_place_for_the_next_in_line() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 1)
    a, b, c = items(3)
    for item in (a, b, c):
        q.join(item, 0.0)
    assert q.admit(1.0) == [a]
    q.release(a)
    assert q.free == 1
    assert q.admit(2.0) == [b]
    assert a.unique_id not in q.in_service
    assert b.unique_id in q.in_service


def test_release_of_item_without_place_is_noop() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 2)
    a, b = items(2)
    assert q.start(a)
    q.release(b)
    assert q.in_service == {a.unique_id}
    assert q.free == 1


def test_withdraw_removes_from_waiting_only_that_item() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 1)
    a, b, c = items(3)
    for t, item in enumerate((a, b, c)):
        q.join(item, float(t))
    q.withdraw(b)
    assert len(q) == 2
    assert [i for i, _ in q.waiting()] == [a, c]
    assert q.admit(5.0) == [a]
    q.release(a)
    assert q.admit(6.0) == [c]
    assert q.drain_waits() == [5.0, 4.0]


def test_withdraw_unknown_item_keeps_waiting_list() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 1)
    a, b = items(2)
    q.join(a, 0.0)
    q.withdraw(b)
    assert [i for i, _ in q.waiting()] == [a]


def test_waiting_times_recorded_and_drained() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 2)
    a, b, c = items(3)
    q.join(a, 1.0)
    q.join(b, 2.5)
    q.join(c, 3.0)
    q.admit(4.0)
    q.release(a)
    q.admit(7.0)
    assert q.drain_waits() == [3.0, 1.5, 4.0]
    assert q.drain_waits() == []


def test_start_only_when_a_place_is_free() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 2)
    a, b, c = items(3)
    assert q.start(a)
    assert q.start(b)
    assert not q.start(c)
    assert c.unique_id not in q.in_service
    q.release(a)
    assert q.start(c)
    assert q.in_service == {b.unique_id, c.unique_id}


def test_start_records_no_waiting_time() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 1)
    (a,) = items(1)
    assert q.start(a)
    assert q.drain_waits() == []


def test_started_items_count_against_admission() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 2)
    a, b, c = items(3)
    assert q.start(a)
    q.join(b, 0.0)
    q.join(c, 0.0)
    assert q.admit(1.0) == [b]
    assert len(q) == 1


def test_free_never_negative_after_capacity_cut() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 3)
    for item in items(3):
        assert q.start(item)
    q.capacity = 1
    assert q.free == 0
    (extra,) = [Item(99)]
    q.join(extra, 0.0)
    assert q.admit(1.0) == []


def test_negative_capacity_raises() -> None:
    with pytest.raises(ValueError, match="capacity"):
        CapacityQueue("beds", -1)


def test_len_counts_waiting_not_in_service() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 1)
    a, b = items(2)
    q.join(a, 0.0)
    q.join(b, 0.0)
    assert len(q) == 2
    q.admit(0.0)
    assert len(q) == 1


def test_waiting_reports_join_times_in_order() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 0)
    a, b = items(2)
    q.join(a, 1.0)
    q.join(b, 2.5)
    assert q.waiting() == [(a, 1.0), (b, 2.5)]


def test_withdraw_then_rejoin_goes_to_the_back() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 3)
    a, b, c = items(3)
    q.join(a, 0.0)
    q.join(b, 1.0)
    q.withdraw(a)
    q.join(c, 2.0)
    q.join(a, 3.0)
    assert len(q) == 3
    assert [i for i, _ in q.waiting()] == [b, c, a]
    assert q.admit(4.0) == [b, c, a]
    # a waits from its second join, not its first
    assert q.drain_waits() == [3.0, 2.0, 1.0]
    assert len(q) == 0


def test_withdrawn_item_is_never_admitted() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 5)
    a, b, c = items(3)
    for item in (a, b, c):
        q.join(item, 0.0)
    q.withdraw(a)
    q.withdraw(c)
    assert q.admit(1.0) == [b]
    assert q.in_service == {b.unique_id}
    assert q.admit(2.0) == []
    assert q.drain_waits() == [1.0]


def test_withdraw_does_not_free_a_place() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 1)
    a, b = items(2)
    assert q.start(a)
    q.withdraw(a)
    assert q.in_service == {a.unique_id}
    q.join(b, 0.0)
    assert q.admit(1.0) == []


def test_joining_twice_keeps_the_first_place() -> None:
    q: CapacityQueue[Item] = CapacityQueue("test", 2)
    a, b = items(2)
    q.join(a, 0.0)
    q.join(b, 1.0)
    q.join(a, 5.0)
    assert len(q) == 2
    assert q.admit(6.0) == [a, b]
    assert q.drain_waits() == [6.0, 5.0]


# --- due times: monthly buckets give exactly what a scan of the whole array gives -------


def _scan(at: np.ndarray, now: float) -> np.ndarray:
    """The plain answer: every child due by ``now``, in index order."""
    return np.flatnonzero(at <= now)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["set", "many", "clear", "forward", "pop"]),
            st.integers(0, 19),
            st.floats(-3.0, 30.0, allow_nan=False).map(lambda t: round(t * 4) / 4),  # on and between month ends
        ),
        max_size=80,
    )
)
def test_due_times_pop_exactly_the_children_a_full_scan_finds(ops: list[tuple[str, int, float]]) -> None:
    due, plain = DueTimes(20), np.full(20, np.inf)
    for op, child, time in ops:
        if op == "set":
            due.set(child, time)
            plain[child] = time
        elif op == "many":  # set_many for a few distinct children, each its own time
            children = np.unique(np.array([child, (child * 3) % 20, (child + 5) % 20], dtype=np.intp))
            times = time + np.arange(len(children)) * 0.75
            due.set_many(children, times)
            plain[children] = times
        elif op == "clear":
            due.clear(child)
            plain[child] = np.inf
        elif op == "forward":
            children = np.array([child, (child * 7) % 20], dtype=np.intp)
            due.bring_forward(children, time)
            plain[children] = np.minimum(plain[children], time)
        else:
            expected = _scan(plain, time)
            plain[expected] = np.inf
            assert due.pop_due(time).tolist() == expected.tolist()
        assert np.array_equal(due.at, plain)
    assert due.pop_due(1e9).tolist() == _scan(plain, 1e9).tolist()  # whatever is left, in order


def test_due_times_pop_reads_only_the_months_that_came() -> None:
    due = DueTimes(1000)
    due.set(5, 2.5)
    due.set(7, 3.0)
    due.set(9, 12.2)
    assert due.pop_due(2.0).tolist() == []
    assert due.pop_due(3.0).tolist() == [5, 7]
    assert sorted(due._months) == [13]  # a later month's children are not touched before it comes
    assert due.pop_due(12.1).tolist() == []  # within the month, before its time: still due
    assert due.pop_due(13.0).tolist() == [9]


def test_release_all_is_release_and_withdraw_of_each() -> None:
    one, many = CapacityQueue("q", 3), CapacityQueue("q", 3)
    items = [Item(i) for i in range(7)]
    for q in (one, many):
        for item in items:
            q.join(item, float(item.unique_id))
        q.admit(10.0)  # 0, 1, 2 in service; 3-6 waiting
    for item in (items[1], items[4], items[6]):
        one.release(item)
        one.withdraw(item)
    many.release_all([1, 4, 6])
    assert one.in_service == many.in_service == {0, 2}
    assert [i.unique_id for i, _ in many.waiting()] == [i.unique_id for i, _ in one.waiting()] == [3, 5]
    assert [i.unique_id for i in many.admit(11.0)] == [3]

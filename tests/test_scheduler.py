"""The core's timer queue: everything due comes out once, in (due time, insertion) order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smsc.scheduler import Scheduler

# Due times from a small set so that ties (FIFO among equal times) are common.
DUE = st.integers(0, 20).map(float)
OPS = st.lists(st.one_of(st.tuples(st.just("at"), DUE), st.tuples(st.just("pop"), DUE)))


@given(OPS)
def test_pops_in_due_then_insertion_order(ops: list[tuple[str, float]]) -> None:
    s: Scheduler[int] = Scheduler()
    model: list[tuple[float, int]] = []  # (due, insertion number), the reference
    popped: list[int] = []
    expected: list[int] = []
    for n, (op, t) in enumerate(ops):
        if op == "at":
            s.at(t, n)
            model.append((t, n))
        else:
            popped += s.pop_due(t)
            due = sorted(x for x in model if x[0] <= t)
            expected += [x[1] for x in due]
            model = [x for x in model if x[0] > t]
        assert len(s) == len(model)
        assert s.next_deadline() == (min(model)[0] if model else None)
    assert popped == expected


def test_out_of_order_timer_is_not_stuck_behind_later_ones() -> None:
    s: Scheduler[str] = Scheduler()
    s.at(10.0, "receipt")
    s.at(20.0, "later receipt")
    s.at(5.0, "retry")  # due before everything already queued
    assert s.next_deadline() == 5.0
    assert s.pop_due(5.0) == ["retry"]
    assert s.pop_due(15.0) == ["receipt"]
    assert s.pop_due(25.0) == ["later receipt"]
    assert s.pop_due(100.0) == []

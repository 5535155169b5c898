"""The window of outstanding requests: exact sizes, deadlines and order."""

from __future__ import annotations

import pytest

import pdu
from smsc.smpp.window import Window, WindowFull


def req(seq: int) -> pdu.DeliverSm:
    return pdu.DeliverSm(destination_addr="1", sequence_number=seq)


def test_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        Window(0, 30.0)


def test_add_records_sent_time_deadline_and_context() -> None:
    w = Window(3, 30.0)
    p = w.add(req(7), "ctx", 100.0)
    assert (p.context, p.sent, p.deadline) == ("ctx", 100.0, 130.0)
    assert p.request.sequence_number == 7
    assert len(w) == 1 and 7 in w and 8 not in w
    assert list(w) == [p]


def test_full_exactly_at_size_and_add_beyond_raises_window_full() -> None:
    w = Window(2, 30.0)
    w.add(req(1), None, 0.0)
    assert not w.full
    w.add(req(2), None, 0.0)
    assert w.full
    with pytest.raises(WindowFull):
        w.add(req(3), None, 0.0)
    assert len(w) == 2 and 3 not in w


def test_a_sequence_number_cannot_be_outstanding_twice() -> None:
    w = Window(5, 30.0)
    w.add(req(1), "first", 0.0)
    with pytest.raises(ValueError):
        w.add(req(1), "second", 1.0)
    (only,) = list(w)
    assert only.context == "first"


def test_pop_returns_the_pending_once() -> None:
    w = Window(2, 30.0)
    w.add(req(1), "a", 0.0)
    w.add(req(2), "b", 0.0)
    popped = w.pop(2)
    assert popped is not None and popped.context == "b"
    assert w.pop(2) is None
    assert w.pop(99) is None
    assert not w.full and len(w) == 1


def test_expired_takes_due_requests_oldest_first_deadline_inclusive() -> None:
    w = Window(5, 10.0)
    for seq, sent in ((1, 0.0), (2, 1.0), (3, 2.0)):
        w.add(req(seq), seq, sent)
    assert w.expired(9.999) == []
    assert [p.context for p in w.expired(11.0)] == [1, 2]  # 11.0 is exactly seq 2's deadline
    assert [p.context for p in w] == [3]
    assert w.next_deadline() == 12.0
    assert w.expired(11.5) == []


def test_next_deadline_follows_the_oldest_remaining_request() -> None:
    w = Window(5, 10.0)
    assert w.next_deadline() is None
    w.add(req(1), None, 0.0)
    w.add(req(2), None, 5.0)
    assert w.next_deadline() == 10.0
    w.pop(1)
    assert w.next_deadline() == 15.0
    w.pop(2)
    assert w.next_deadline() is None


def test_drain_returns_everything_in_order_and_empties() -> None:
    w = Window(3, 10.0)
    for seq in (5, 3, 9):
        w.add(req(seq), seq, 0.0)
    assert [p.context for p in w.drain()] == [5, 3, 9]
    assert len(w) == 0 and w.next_deadline() is None and w.drain() == []


def test_shrinking_the_size_below_the_count_makes_it_full() -> None:
    w = Window(3, 10.0)
    w.add(req(1), None, 0.0)
    w.add(req(2), None, 0.0)
    w.size = 1  # per-account limits applied after bind
    assert w.full
    with pytest.raises(WindowFull):
        w.add(req(3), None, 0.0)
    w.pop(1)
    assert w.full
    w.pop(2)
    assert not w.full

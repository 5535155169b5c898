"""The message store: one suite over MemoryStore and SqliteStore, then SQLite's own promises
(recovery after restart, durability across SIGKILL, clear errors when locked, read-only or
full)."""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdu.enums import MessageState
from smsc.model import Delivery, DeliveryKind, Direction, Message, StateChange
from smsc.store import (
    Batch,
    MemoryStore,
    Reschedule,
    Retention,
    SqliteStore,
    Store,
    StoreError,
    StoreFullError,
)

REPO = Path(__file__).resolve().parents[1]


def msg(message_id: str, **fields: Any) -> Message:
    base: dict[str, Any] = {
        "direction": Direction.MT,
        "account": "acme",
        "source_addr_ton": 1,
        "source_addr_npi": 1,
        "source_addr": "447700900001",
        "dest_addr_ton": 1,
        "dest_addr_npi": 1,
        "destination_addr": "447700900002",
        "esm_class": 0,
        "data_coding": 0,
        "registered_delivery": 1,
        "short_message": b"hello",
        "submit_time": 1000.0,
        "text": "hello",
    }
    base.update(fields)
    return Message(message_id=message_id, **base)


def delivery(delivery_id: int, **fields: Any) -> Delivery:
    base: dict[str, Any] = {
        "account": "acme",
        "kind": DeliveryKind.RECEIPT,
        "pdu": b"\x00\x00\x00\x10\x00\x00\x00\x05",
        "created": 1000.0,
        "next_attempt": 1000.0,
    }
    base.update(fields)
    return Delivery(delivery_id=delivery_id, **base)


FULL_MESSAGE = Message(
    message_id="0a1b2c3d",
    direction=Direction.MO,
    account="acme-2",
    source_addr_ton=5,
    source_addr_npi=0,
    source_addr="ACME",
    dest_addr_ton=2,
    dest_addr_npi=8,
    destination_addr="07700900123",
    esm_class=0x40,
    data_coding=8,
    registered_delivery=0x11,
    short_message=b"\x05\x00\x03\x2a\x02\x01\x00h\x00\xe9\x00\x00",  # UDH, UCS-2, a NUL
    submit_time=1_700_000_000.125,
    state=MessageState(42),  # an unknown state kept as such
    service_type="CMT",
    protocol_id=0x3F,
    priority_flag=3,
    schedule_time=1_700_000_060.5,
    expiry_time=1_700_086_400.0,
    done_time=1_700_000_001.0,
    error_code=0x1FF,
    concat_ref=42,
    part_number=1,
    part_total=2,
    text="hé\x00",
    tlvs={
        "sar_msg_ref_num": 42,
        "user_message_reference": MessageState.DELIVERED,  # an IntEnum is stored as an int
        "receipted_message_id": "abc",
        "network_error_code": b"\x03\x00\x01",
        "callback_num": [b"\x01", "x", None, True, 1.5],
        "pair": (1, b"\xff"),
    },
)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "s.db")
    yield s
    s.close()


def snapshot(s: Store) -> tuple[object, ...]:
    """Everything observable, to compare a store before and after a failed batch."""
    messages = s.find_messages(limit=10_000)
    return (
        messages,
        [s.state_history(m.message_id) for m in messages],
        s.load_pending_deliveries(),
        s.next_delivery_id(),
    )


# --- round trips ---------------------------------------------------------------------


def test_every_message_field_round_trips(store: Store) -> None:
    store.apply(Batch(messages=[FULL_MESSAGE]))
    got = store.get_message(FULL_MESSAGE.message_id)
    assert got == FULL_MESSAGE
    assert got is not None
    assert got.tlvs["user_message_reference"] == 2
    assert type(got.tlvs["pair"]) is tuple
    assert type(got.state) is MessageState


def test_message_defaults_round_trip(store: Store) -> None:
    plain = msg("m1", short_message=b"", text=None)
    store.apply(Batch(messages=[plain]))
    assert store.get_message("m1") == plain


def test_unknown_message_is_none(store: Store) -> None:
    assert store.get_message("nope") is None
    assert store.state_history("nope") == []


def test_history_starts_with_the_initial_state_at_submit_time(store: Store) -> None:
    store.apply(Batch(messages=[msg("m1", state=MessageState.SCHEDULED, submit_time=5.0)]))
    assert store.state_history("m1") == [StateChange("m1", MessageState.SCHEDULED, 5.0)]


def test_state_changes_update_the_message_and_its_history(store: Store) -> None:
    store.apply(Batch(messages=[msg("m1", submit_time=10.0)]))
    retry = StateChange("m1", MessageState.ENROUTE, 11.0, error_code=0x0A)
    store.apply(Batch(state_changes=[retry]))
    got = store.get_message("m1")
    assert got is not None
    assert (got.state, got.error_code, got.done_time) == (MessageState.ENROUTE, 0x0A, None)

    done = StateChange("m1", MessageState.UNDELIVERABLE, 12.5, error_code=0x22)
    store.apply(Batch(state_changes=[done]))
    got = store.get_message("m1")
    assert got is not None
    assert (got.state, got.error_code, got.done_time) == (MessageState.UNDELIVERABLE, 0x22, 12.5)
    assert store.state_history("m1") == [
        StateChange("m1", MessageState.ENROUTE, 10.0),
        retry,
        done,
    ]


def test_a_batch_may_create_and_change_the_same_message(store: Store) -> None:
    store.apply(
        Batch(
            messages=[msg("m1", submit_time=1.0)],
            state_changes=[StateChange("m1", MessageState.DELIVERED, 2.0)],
        )
    )
    got = store.get_message("m1")
    assert got is not None
    assert (got.state, got.done_time) == (MessageState.DELIVERED, 2.0)
    assert [c.state for c in store.state_history("m1")] == [
        MessageState.ENROUTE,
        MessageState.DELIVERED,
    ]


def test_deliveries_round_trip_reschedule_and_ack(store: Store) -> None:
    receipt = delivery(1, message_id="m1", next_attempt=30.0)
    mo = delivery(2, kind=DeliveryKind.MO, account="other", pdu=b"mo", next_attempt=20.0)
    store.apply(Batch(deliveries=[receipt, mo]))
    assert store.load_pending_deliveries() == [mo, receipt]  # by next_attempt

    store.apply(Batch(rescheduled=[Reschedule(2, attempts=1, next_attempt=40.0)]))
    assert store.load_pending_deliveries() == [receipt, replace(mo, attempts=1, next_attempt=40.0)]

    store.apply(Batch(acked=[1]))
    assert [d.delivery_id for d in store.load_pending_deliveries()] == [2]


def test_a_delivery_created_and_acked_in_one_batch_is_not_pending(store: Store) -> None:
    store.apply(Batch(deliveries=[delivery(7)], acked=[7]))
    assert store.load_pending_deliveries() == []
    assert store.next_delivery_id() == 8


def test_next_delivery_id_never_goes_back(store: Store) -> None:
    assert store.next_delivery_id() == 1
    store.apply(Batch(deliveries=[delivery(3), delivery(9), delivery(5)]))
    assert store.next_delivery_id() == 10
    store.apply(Batch(acked=[3, 5, 9]))
    assert store.next_delivery_id() == 10  # ids of acked deliveries are not handed out again


def test_changes_to_records_the_store_does_not_hold_are_ignored(store: Store) -> None:
    store.apply(Batch(messages=[msg("m1")], deliveries=[delivery(1)]))
    before = snapshot(store)
    store.apply(
        Batch(
            state_changes=[StateChange("gone", MessageState.DELIVERED, 5.0)],
            rescheduled=[Reschedule(99, 1, 5.0)],
            acked=[98],
        )
    )
    assert snapshot(store) == before
    assert store.state_history("gone") == []


def test_empty_batch_changes_nothing(store: Store) -> None:
    store.apply(Batch(messages=[msg("m1")]))
    before = snapshot(store)
    store.apply(Batch())
    assert snapshot(store) == before


def test_records_are_copied_in_and_out(store: Store) -> None:
    original = msg("m1", tlvs={"sar_msg_ref_num": 1})
    d = delivery(1)
    store.apply(Batch(messages=[original], deliveries=[d]))
    original.state = MessageState.DELIVERED
    original.tlvs["sar_msg_ref_num"] = 2
    d.attempts = 5

    got = store.get_message("m1")
    assert got is not None
    assert got.state is MessageState.ENROUTE
    assert got.tlvs == {"sar_msg_ref_num": 1}
    got.tlvs["x"] = 1
    got.account = "changed"
    assert store.get_message("m1") == msg("m1", tlvs={"sar_msg_ref_num": 1})
    assert store.load_pending_deliveries()[0].attempts == 0


# --- atomicity -------------------------------------------------------------------------


def _populated(store: Store) -> None:
    store.apply(
        Batch(
            messages=[msg("m1"), msg("m2")],
            deliveries=[delivery(1, message_id="m1"), delivery(2)],
        )
    )


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(Batch(messages=[msg("m1")]), id="message id already stored"),
        pytest.param(Batch(messages=[msg("n1"), msg("n1")]), id="message id twice in batch"),
        pytest.param(Batch(deliveries=[delivery(2)]), id="delivery id already stored"),
        pytest.param(Batch(deliveries=[delivery(3), delivery(3)]), id="delivery id twice"),
    ],
)
def test_a_failing_batch_writes_nothing(store: Store, bad: Batch) -> None:
    _populated(store)
    before = snapshot(store)
    # Valid work of every kind around the fault: none of it may land.
    batch = Batch(
        messages=[msg("n0"), *bad.messages, msg("n9")],
        state_changes=[StateChange("m1", MessageState.DELIVERED, 2000.0)],
        deliveries=[delivery(10), *bad.deliveries, delivery(11)],
        rescheduled=[Reschedule(2, 1, 3000.0)],
        acked=[1],
    )
    with pytest.raises(StoreError):
        store.apply(batch)
    assert snapshot(store) == before
    store.apply(Batch(messages=[msg("n0")]))  # and the store still works
    assert store.get_message("n0") is not None


def test_an_unstorable_tlv_value_is_a_type_error_and_writes_nothing(store: Store) -> None:
    _populated(store)
    before = snapshot(store)
    with pytest.raises(TypeError, match="object"):
        store.apply(Batch(messages=[msg("n1"), msg("n2", tlvs={"x": object()})]))
    assert snapshot(store) == before


# --- recovery queries and search -----------------------------------------------------


def test_load_open_messages_returns_non_final_oldest_first(store: Store) -> None:
    store.apply(
        Batch(
            messages=[
                msg("late", submit_time=30.0),
                msg("scheduled", submit_time=10.0, state=MessageState.SCHEDULED),
                msg("done", submit_time=5.0, state=MessageState.DELIVERED),
                msg("early", submit_time=20.0),
                msg("failed", submit_time=1.0),
            ],
            state_changes=[StateChange("failed", MessageState.REJECTED, 2.0)],
        )
    )
    open_ids = [m.message_id for m in store.load_open_messages(now=100.0)]
    assert open_ids == ["scheduled", "early", "late"]


SEARCH_SET = [
    msg("a1", submit_time=1.0, text="Your code is 1234"),
    msg("a2", submit_time=2.0, text="your CODE 50% off_now", destination_addr="447700900003"),
    msg("a3", submit_time=3.0, account="beta", source_addr="ACME", text=None, data_coding=4),
    msg("a4", submit_time=2.0, direction=Direction.MO, text="stop"),  # same time as a2
    msg("a5", submit_time=5.0, state=MessageState.DELIVERED, text="code"),
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["a1", "a2", "a3", "a4", "a5"]),  # the order stored, whatever the submit_time
        ({"direction": Direction.MO}, ["a4"]),
        ({"direction": Direction.MT}, ["a1", "a2", "a3", "a5"]),
        ({"account": "beta"}, ["a3"]),
        ({"source_addr": "ACME"}, ["a3"]),
        ({"destination_addr": "447700900003"}, ["a2"]),
        ({"state": MessageState.DELIVERED}, ["a5"]),
        ({"state": MessageState.ENROUTE, "account": "acme"}, ["a1", "a2", "a4"]),
        ({"text_contains": "code"}, ["a1", "a5"]),  # case-sensitive
        ({"text_contains": "50% off_"}, ["a2"]),  # % and _ are plain characters
        ({"text_contains": "%"}, ["a2"]),
        ({"since": 2.0}, ["a2", "a3", "a4", "a5"]),
        ({"since": 2.0, "direction": Direction.MT, "text_contains": "o"}, ["a2", "a5"]),
        ({"limit": 2}, ["a1", "a2"]),
        ({"limit": 2, "offset": 2}, ["a3", "a4"]),
        ({"newest_first": True}, ["a5", "a4", "a3", "a2", "a1"]),
        ({"newest_first": True, "limit": 2, "offset": 1}, ["a4", "a3"]),
        ({"after": 2}, ["a3", "a4", "a5"]),
        ({"before": 3}, ["a1", "a2"]),
        ({"after": 1, "before": 5, "newest_first": True}, ["a4", "a3", "a2"]),
        ({"after": 5}, []),
        ({"before": 1}, []),
        ({"handset": "447700900002"}, ["a1", "a3", "a5"]),  # MT to it (a4 is MO to it)
        ({"handset": "447700900001"}, ["a4"]),  # MO from it
        ({"handset": "447700900002", "newest_first": True, "limit": 2}, ["a5", "a3"]),
        ({"handset": "447700900002", "after": 1, "text_contains": "code"}, ["a5"]),
        ({"handset": "447700900002", "direction": Direction.MO}, []),
        ({"offset": 4}, ["a5"]),
        ({"limit": 0}, []),
        ({"account": "nobody"}, []),
    ],
)
def test_find_messages_filters(store: Store, filters: dict[str, Any], expected: list[str]) -> None:
    store.apply(Batch(messages=SEARCH_SET))
    assert [m.message_id for m in store.find_messages(**filters)] == expected


def test_seq_counts_up_from_1_in_the_order_stored_and_goes_on_after_a_reset(
    store: Store,
) -> None:
    store.apply(Batch(messages=[msg("m1", submit_time=5.0), msg("m2", submit_time=5.0)]))
    store.apply(Batch(messages=[msg("m3", submit_time=1.0)]))
    assert [(m.message_id, m.seq) for m in store.find_messages()] == [
        ("m1", 1),
        ("m2", 2),
        ("m3", 3),
    ]
    held = store.get_message("m2")
    assert held is not None and held.seq == 2
    store.delete_all()
    store.apply(Batch(messages=[msg("m4")]))
    # A cursor handed out before the reset still means "newer than what I saw".
    assert [(m.message_id, m.seq) for m in store.find_messages(after=3)] == [("m4", 4)]


def test_a_failed_batch_uses_no_seq(store: Store) -> None:
    store.apply(Batch(messages=[msg("m1")]))
    with pytest.raises(StoreError):
        store.apply(Batch(messages=[msg("m2"), msg("m1")]))
    store.apply(Batch(messages=[msg("m2")]))
    assert [m.seq for m in store.find_messages()] == [1, 2]


def test_pages_newest_first_by_cursor_see_every_message_once(store: Store) -> None:
    store.apply(Batch(messages=[msg(f"m{i}", submit_time=1.0) for i in range(25)]))
    seen: list[str] = []
    before = None
    while page := store.find_messages(newest_first=True, before=before, limit=10):
        seen += [m.message_id for m in page]
        before = page[-1].seq
        # A message arriving between pages does not shift the next page.
        store.apply(Batch(messages=[msg(f"new{len(seen)}")]))
    assert seen == [f"m{i}" for i in reversed(range(25))]


def test_conversations_list_each_handsets_latest_message_newest_first(store: Store) -> None:
    store.apply(
        Batch(
            messages=[
                msg("to-a", destination_addr="447700900010"),
                msg("to-b", destination_addr="447700900020"),
                msg("from-a", direction=Direction.MO, source_addr="447700900010"),
                msg("to-c", destination_addr="447700900030"),
            ]
        )
    )
    store.apply(Batch(messages=[msg("to-b-again", destination_addr="447700900020")]))
    latest = store.conversations()
    assert [m.message_id for m in latest] == ["to-b-again", "to-c", "from-a"]
    assert [m.message_id for m in store.conversations(limit=2)] == ["to-b-again", "to-c"]
    # The next page starts below the last conversation shown.
    assert [m.message_id for m in store.conversations(before=latest[1].seq)] == ["from-a"]
    assert [m.message_id for m in store.conversations(handset_contains="0900010")] == ["from-a"]
    assert store.conversations(handset_contains="9999") == []
    store.delete_all()
    assert store.conversations() == []


def test_find_messages_default_limit_is_100(store: Store) -> None:
    store.apply(Batch(messages=[msg(f"m{i}", submit_time=float(i)) for i in range(150)]))
    found = store.find_messages()
    assert [m.message_id for m in found] == [f"m{i}" for i in range(100)]


@pytest.mark.parametrize("page", [{"limit": -1}, {"offset": -1}])
def test_find_messages_rejects_negative_paging(store: Store, page: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        store.find_messages(**page)


def test_delete_all_forgets_everything(store: Store) -> None:
    _populated(store)
    store.delete_all()
    assert snapshot(store) == ([], [], [], 1)
    assert store.get_message("m1") is None
    assert store.state_history("m1") == []
    store.apply(Batch(messages=[msg("m1")]))  # ids may be reused after a reset
    assert store.get_message("m1") is not None


def test_a_closed_store_raises_store_error(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError):
        store.apply(Batch(messages=[msg("m1")]))
    with pytest.raises(StoreError):
        store.get_message("m1")


def test_reads_while_another_thread_applies(store: Store) -> None:
    batches, per_batch = 40, 25
    failures: list[BaseException] = []

    def write() -> None:
        try:
            for b in range(batches):
                store.apply(
                    Batch(
                        messages=[msg(f"b{b}m{i}", submit_time=float(b)) for i in range(per_batch)]
                    )
                )
        except BaseException as err:  # reported by the main thread
            failures.append(err)

    writer = threading.Thread(target=write)
    writer.start()
    seen: list[int] = []
    while writer.is_alive():
        found = store.find_messages(limit=10_000)
        # A reader sees whole batches only.
        assert len(found) % per_batch == 0
        seen.append(len(found))
    writer.join(timeout=30)
    assert not failures
    assert len(store.find_messages(limit=10_000)) == batches * per_batch
    assert seen == sorted(seen)


# --- the two stores behave alike ---------------------------------------------------------

_IDS = st.sampled_from([f"m{i}" for i in range(6)])
_DELIVERY_IDS = st.integers(1, 6)
_STATES = st.sampled_from(list(MessageState))
_TIMES = st.integers(0, 20).map(float)
_BATCHES = st.builds(
    Batch,
    messages=st.lists(
        st.builds(msg, _IDS, submit_time=_TIMES, state=_STATES, text=st.sampled_from(["a", "b"])),
        max_size=3,
    ),
    state_changes=st.lists(st.builds(StateChange, _IDS, _STATES, _TIMES), max_size=3),
    deliveries=st.lists(st.builds(delivery, _DELIVERY_IDS, next_attempt=_TIMES), max_size=3),
    rescheduled=st.lists(
        st.builds(Reschedule, _DELIVERY_IDS, st.integers(0, 3), _TIMES), max_size=2
    ),
    acked=st.lists(_DELIVERY_IDS, max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(_BATCHES, max_size=6))
def test_memory_and_sqlite_stores_agree(
    tmp_path_factory: pytest.TempPathFactory, batches: list[Batch]
) -> None:
    memory = MemoryStore()
    sqlite = SqliteStore(tmp_path_factory.mktemp("agree") / "s.db")
    try:
        for batch in batches:
            outcomes = []
            for s in (memory, sqlite):
                try:
                    s.apply(batch)
                    outcomes.append("ok")
                except StoreError:
                    outcomes.append("error")
            assert outcomes[0] == outcomes[1]
            assert snapshot(memory) == snapshot(sqlite)
            assert memory.load_open_messages(0.0) == sqlite.load_open_messages(0.0)
    finally:
        sqlite.close()


# --- retention ------------------------------------------------------------------------

DONE = MessageState.DELIVERED


def _fill(store: Store, states: list[MessageState], start: float = 1000.0) -> list[str]:
    """Messages m1, m2, ... submitted a second apart, in the given states; a pending
    delivery for every one of them."""
    ids = [f"m{i + 1}" for i in range(len(states))]
    store.apply(
        Batch(
            messages=[
                msg(mid, state=state, submit_time=start + i)
                for i, (mid, state) in enumerate(zip(ids, states, strict=True))
            ],
            deliveries=[delivery(i + 1, message_id=mid) for i, mid in enumerate(ids)],
        )
    )
    return ids


def _held(store: Store) -> list[str]:
    return [m.message_id for m in store.find_messages(limit=10_000)]


def test_max_messages_prunes_final_messages_beyond_the_newest_oldest_first(store: Store) -> None:
    _fill(store, [DONE, MessageState.ENROUTE, DONE, DONE, DONE, DONE])
    keep_three = Retention(max_messages=3, max_age=None)
    assert store.prune(keep_three, 5000.0, limit=100) == 2
    # m2 is open: never pruned; m4..m6 are the newest three.
    assert _held(store) == ["m2", "m4", "m5", "m6"]
    assert store.state_history("m1") == [] and store.state_history("m3") == []
    assert store.state_history("m4") != []
    assert len(store.load_pending_deliveries()) == 6  # deliveries are never pruned
    assert store.prune(keep_three, 5000.0, limit=100) == 0


def test_max_age_prunes_final_messages_submitted_before_it(store: Store) -> None:
    _fill(store, [DONE, DONE, MessageState.SCHEDULED, DONE])  # submitted at 1000..1003
    hour = Retention(max_messages=None, max_age=3600.0)
    assert store.prune(hour, 1000.0 + 3600 + 2.5, limit=100) == 2  # m1, m2; m3 is open
    assert _held(store) == ["m3", "m4"]


def test_a_step_prunes_at_most_limit_and_an_open_message_goes_once_final(store: Store) -> None:
    ids = _fill(store, [MessageState.ENROUTE] + [DONE] * 9)
    one = Retention(max_messages=1, max_age=None)
    assert [store.prune(one, 0.0, limit=4) for _ in range(3)] == [4, 4, 0]
    assert _held(store) == ["m1", "m10"]
    store.apply(Batch(state_changes=[StateChange(ids[0], DONE, 2000.0)]))
    assert store.prune(one, 0.0, limit=4) == 1
    assert _held(store) == ["m10"]


def test_nothing_is_pruned_within_the_limits(store: Store) -> None:
    _fill(store, [DONE] * 5)
    assert store.prune(Retention(), 1010.0, limit=100) == 0
    assert len(_held(store)) == 5


def test_retention_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_messages"):
        Retention(max_messages=0)
    with pytest.raises(ValueError, match="max_age"):
        Retention(max_age=0.0)
    assert not Retention(max_messages=None, max_age=None).enabled


# One limit of 1..30 on: a count of records, or an age in seconds.
ONE_LIMIT = st.integers(1, 30).flatmap(
    lambda n: st.sampled_from(
        [Retention(max_messages=n, max_age=None), Retention(max_messages=None, max_age=float(n))]
    )
)


@settings(max_examples=40)
@given(
    states=st.lists(
        st.sampled_from([DONE, MessageState.ENROUTE, MessageState.REJECTED]), max_size=30
    ),
    finished=st.sets(st.integers(0, 29)),
    retention=ONE_LIMIT,
    limit=st.integers(1, 7),
)
def test_memory_and_sqlite_prune_the_same_messages(
    tmp_path_factory: pytest.TempPathFactory,
    states: list[MessageState],
    finished: set[int],
    retention: Retention,
    limit: int,
) -> None:
    memory, sqlite = MemoryStore(), SqliteStore(tmp_path_factory.mktemp("prune") / "s.db")
    try:
        for s in (memory, sqlite):
            ids = _fill(s, states)
            steps = [s.prune(retention, 1030.0, limit) for _ in range(3)]
            later = [StateChange(ids[i], DONE, 1031.0) for i in finished if i < len(ids)]
            s.apply(Batch(state_changes=later))
            steps += [s.prune(retention, 1030.0, limit) for _ in range(40)]
            s.steps = steps  # type: ignore[attr-defined]
        assert memory.steps == sqlite.steps  # type: ignore[attr-defined]
        assert _held(memory) == _held(sqlite)
        assert snapshot(memory) == snapshot(sqlite)
    finally:
        sqlite.close()


# --- SqliteStore: restart and crash ------------------------------------------------------


def test_sqlite_store_recovers_after_close(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = SqliteStore(path)
    first.apply(
        Batch(
            messages=[msg("open", submit_time=1.0), msg("done", submit_time=2.0), FULL_MESSAGE],
            state_changes=[StateChange("done", MessageState.DELIVERED, 3.0)],
            deliveries=[delivery(4, message_id="done"), delivery(6)],
            acked=[6],
        )
    )
    first.close()

    second = SqliteStore(path)
    assert [m.message_id for m in second.load_open_messages(now=10.0)] == ["open"]
    assert second.load_pending_deliveries() == [delivery(4, message_id="done")]
    assert second.next_delivery_id() == 7
    assert second.get_message(FULL_MESSAGE.message_id) == FULL_MESSAGE
    assert len(second.state_history("done")) == 2
    second.close()


def test_sqlite_store_opened_again_while_the_first_was_never_closed(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = SqliteStore(path)
    first.apply(Batch(messages=[msg("m1")], deliveries=[delivery(1, message_id="m1")]))
    # No close(): the second instance must see what the first committed.
    second = SqliteStore(path)
    assert [m.message_id for m in second.load_open_messages(now=0.0)] == ["m1"]
    assert [d.delivery_id for d in second.load_pending_deliveries()] == [1]
    assert second.next_delivery_id() == 2
    second.close()
    del first


_CHILD = textwrap.dedent(
    """
    import sys
    from smsc.model import Delivery, DeliveryKind, Direction, Message
    from smsc.store import Batch, SqliteStore

    store = SqliteStore(sys.argv[1])
    for b in range(int(sys.argv[2])):
        messages = [
            Message(f"b{b}-{i}", Direction.MT, "acme", 1, 1, "1", 1, 1, "2", 0, 0, 1,
                    b"x" * 140, float(b))
            for i in range(200)
        ]
        receipt = Delivery(b + 1, "acme", DeliveryKind.RECEIPT, b"r", float(b), float(b))
        store.apply(Batch(messages=messages, deliveries=[receipt], acked=[b] if b else []))
        print(b, flush=True)  # the submit_sm_resp: sent only after the commit
    """
)


def test_every_batch_reported_committed_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    max_batches, kill_after = 5000, 25
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(max_batches)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    reported: list[int] = []
    buffered = b""
    deadline = time.monotonic() + 60
    try:
        while len(reported) < kill_after and time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(child.stdout.fileno(), 4096)
                if not chunk:
                    break  # the child died on its own: its stderr says why
                buffered += chunk
                *lines, buffered = buffered.split(b"\n")
                reported += [int(line) for line in lines]
        child.send_signal(signal.SIGKILL)
        # Lines written before the kill were printed after their commit: they count too.
        rest, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reported += [int(line) for line in (buffered + rest).split()]
    assert len(reported) >= kill_after, stderr.decode()
    assert child.returncode == -signal.SIGKILL
    last = max(reported)
    assert reported == list(range(last + 1))

    store = SqliteStore(path)
    try:
        ids = {m.message_id for m in store.find_messages(limit=10**6)}
        batches = {int(i.split("-")[0][1:]) for i in ids}
        # Every reported batch, whole; at most one more (committed, killed before printing).
        assert batches in ({*range(last + 1)}, {*range(last + 2)})
        assert len(ids) == 200 * len(batches)
        assert [d.delivery_id for d in store.load_pending_deliveries()] == [len(batches)]
    finally:
        store.close()


# --- SqliteStore: errors ---------------------------------------------------------------


def test_a_locked_database_fails_apply_with_store_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SqliteStore(path, busy_timeout=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
    try:
        with pytest.raises(StoreError, match="SQLITE_BUSY") as info:
            store.apply(Batch(messages=[msg("m1")]))
        assert not isinstance(info.value, StoreFullError)
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.apply(Batch(messages=[msg("m1")]))  # works again once the lock is gone
    assert store.get_message("m1") is not None
    store.close()


def test_a_full_database_fails_apply_with_store_full_and_writes_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db", max_bytes=64 * 1024)
    big = b"x" * 200
    with pytest.raises(StoreFullError, match="full"):
        for b in range(1000):  # bounded: 64 KiB holds far fewer than 1000 batches
            store.apply(Batch(messages=[msg(f"b{b}-{i}", short_message=big) for i in range(20)]))
    stored = {m.message_id for m in store.find_messages(limit=10**6)}
    assert stored == {f"b{x}-{i}" for x in range(b) for i in range(20)}  # no part of batch b
    store.apply(Batch(acked=[1]))  # a batch needing no room still goes through
    store.delete_all()  # and freeing room lets writes go on
    store.apply(Batch(messages=[msg("after", short_message=big)]))
    assert store.get_message("after") is not None
    store.close()


def test_a_read_only_database_fails_apply_with_store_error(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    writer = SqliteStore(path)
    writer.apply(Batch(messages=[msg("m1")]))
    reader = SqliteStore(path, read_only=True)
    with pytest.raises(StoreError, match="readonly"):
        reader.apply(Batch(messages=[msg("m2")]))
    with pytest.raises(StoreError, match="readonly"):
        reader.delete_all()
    assert reader.get_message("m1") is not None
    assert writer.get_message("m2") is None
    reader.close()
    writer.close()


def test_opening_a_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="open"):
        SqliteStore(tmp_path)


def test_opening_a_file_that_is_not_a_store_is_a_store_error(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError):
        SqliteStore(garbage)
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
        conn.execute("INSERT INTO schema_version VALUES (99)")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        SqliteStore(foreign)


def test_synchronous_must_be_normal_or_full(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "full.db", synchronous="FULL").close()
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStore(tmp_path / "off.db", synchronous="OFF")  # type: ignore[arg-type]


# --- opt-outs and subscriptions ------------------------------------------------------------


def test_sqlite_opt_outs_survive_a_reopen_and_reset_clears_them(tmp_path: Path) -> None:
    path = tmp_path / "pairs.sqlite3"
    first = SqliteStore(path)
    stops = first.pair_set("stop")
    stops.add("447700900001", "12345")
    stops.add("447700900002", "12345")
    stops.remove("447700900002", "12345")
    first.pair_set("subscribed").add("447700900003", "77777")
    first.close()

    again = SqliteStore(path)
    assert again.pair_set("stop").contains("447700900001", "12345")
    assert not again.pair_set("stop").contains("447700900002", "12345")
    assert again.pair_set("subscribed").list() == [("447700900003", "77777")]
    again.delete_all()
    assert again.pair_set("stop").list() == []
    again.close()
    assert SqliteStore(path).pair_set("stop").list() == []


def test_memory_opt_outs_are_kept_per_kind_and_reset() -> None:
    store = MemoryStore()
    store.pair_set("stop").add("1", "2")
    assert store.pair_set("stop").contains("1", "2")
    assert not store.pair_set("subscribed").contains("1", "2")
    store.delete_all()
    assert not store.pair_set("stop").contains("1", "2")


def test_a_store_made_before_raw_pdus_were_kept_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:  # the messages table as it was before raw_pdu
        columns = [r[1] for r in db.execute("PRAGMA table_info(messages)")]
        kept = ", ".join(c for c in columns if c != "raw_pdu")
        db.execute(f"CREATE TABLE old AS SELECT {kept} FROM messages")
        db.execute("DROP TABLE messages")
        db.execute("ALTER TABLE old RENAME TO messages")
    store = SqliteStore(path)
    m = msg("m-raw", raw_pdu=b"\x00\x00\x00\x10")
    store.apply(Batch(messages=[m]))
    got = store.get_message("m-raw")
    assert got is not None and got.raw_pdu == b"\x00\x00\x00\x10"
    store.close()


def test_a_store_made_before_cursors_gains_its_handsets_and_indexes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    first = SqliteStore(path)
    first.apply(
        Batch(
            messages=[
                msg("old-1", destination_addr="447700900010"),
                msg("old-2", direction=Direction.MO, source_addr="447700900020"),
            ]
        )
    )
    first.close()
    with sqlite3.connect(path) as db:  # as it was: (column, submit_time) indexes, no handsets
        db.execute("DROP TABLE handsets")
        db.execute("DELETE FROM counters WHERE name = 'message_seq'")
        for column in ("account", "source_addr", "destination_addr"):
            db.execute(f"DROP INDEX messages_by_{column}")
            db.execute(f"CREATE INDEX messages_{column} ON messages ({column}, submit_time)")
    store = SqliteStore(path)
    try:
        store.apply(Batch(messages=[msg("new", destination_addr="447700900030")]))
        assert [(m.message_id, m.seq) for m in store.conversations()] == [
            ("new", 3),
            ("old-2", 2),
            ("old-1", 1),
        ]
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "messages_account" not in indexes
    assert "messages_by_account" in indexes


def test_sqlite_pages_read_an_index_in_order_without_sorting(tmp_path: Path) -> None:
    """The queries of a page at 100,000+ messages: each is a search of an index in seq
    order (no scan of a table, no sort of more than a page)."""
    store = SqliteStore(tmp_path / "s.db")
    queries: list[str] = []
    store._reader.set_trace_callback(queries.append)
    try:
        for page in (
            {"newest_first": True, "before": 10},
            {"handset": "447700900002", "newest_first": True, "before": 10},
            {"destination_addr": "447700900002", "after": 5},
            {"account": "acme", "newest_first": True},
        ):
            store.find_messages(**page)  # type: ignore[arg-type]
        store.conversations(before=10)
        store._reader.set_trace_callback(None)
        for sql in queries:
            plan = " | ".join(r[3] for r in store._reader.execute(f"EXPLAIN QUERY PLAN {sql}"))
            # No scan of a table; a handset's page merges two arms of at most a page each.
            assert not re.search(r"SCAN (messages|handsets|m|h)\b", plan), (sql, plan)
            if "UNION ALL" not in sql:
                assert "TEMP B-TREE" not in plan, (sql, plan)
    finally:
        store.close()


def test_pages_and_conversations_pass_over_what_was_pruned(store: Store) -> None:
    store.apply(
        Batch(
            messages=[
                msg("old-a", destination_addr="447700900010", state=DONE),
                msg("open-b", destination_addr="447700900020"),  # ENROUTE: never pruned
                msg("old-c", destination_addr="447700900030", state=DONE),
                msg("new-a", destination_addr="447700900010", state=DONE),
                msg("new-d", destination_addr="447700900040", state=DONE),
            ]
        )
    )
    assert store.prune(Retention(max_messages=2, max_age=None), 2000.0, 100) == 2
    assert [m.message_id for m in store.find_messages(newest_first=True)] == [
        "new-d",
        "new-a",
        "open-b",
    ]
    assert [m.message_id for m in store.find_messages(handset="447700900010")] == ["new-a"]
    assert [m.message_id for m in store.find_messages(after=1, before=4)] == ["open-b"]
    assert [m.message_id for m in store.conversations()] == ["new-d", "new-a", "open-b"]


def test_memory_store_pages_stay_right_when_it_compacts_after_pruning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from smsc.store import memory

    monkeypatch.setattr(memory, "_COMPACT_EVERY", 1)  # compact after every prune step
    s = MemoryStore()
    s.apply(
        Batch(messages=[msg(f"m{i}", destination_addr=f"44770090000{i % 2}") for i in range(6)])
    )
    s.apply(Batch(state_changes=[StateChange(f"m{i}", DONE, 1001.0) for i in range(6)]))
    assert s.prune(Retention(max_messages=3, max_age=None), 2000.0, 100) == 3
    s.apply(Batch(messages=[msg("m6", destination_addr="447700900002")]))
    assert [m.message_id for m in s.find_messages()] == ["m3", "m4", "m5", "m6"]
    assert [m.message_id for m in s.find_messages(newest_first=True, before=6)] == ["m4", "m3"]
    assert [m.message_id for m in s.find_messages(handset="447700900000")] == ["m4"]
    assert [m.message_id for m in s.conversations()] == ["m6", "m5", "m4"]

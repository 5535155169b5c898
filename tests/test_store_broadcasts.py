"""SMPP 5.0 broadcasts in both stores: kept whole, the latest version of each; listed newest
first; the open ones for start-up recovery; gone with delete_all, kept over a restart; the
final ones pruned by [retention] as the messages are, counted apart from them."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_store import (
    ONE_LIMIT,
    msg,
    store,  # noqa: F401  (the fixture: each test runs on both stores)
)

from pdu import MessageState
from smsc.model import Broadcast
from smsc.store import Batch, MemoryStore, Retention, SqliteStore, Store
from smsc.store.sqlite_broadcasts import FINAL


def broadcast(message_id: str, **fields: object) -> Broadcast:
    b = Broadcast(
        message_id=message_id,
        account="acme",
        source_addr_ton=5,
        source_addr_npi=0,
        source_addr="ALERTS",
        areas=(b"\x00Cell 1", b"\x01\x02\x03"),
        content_type=(1, 0x0001),
        frequency=(0x09, 31),
        rep_num=3,
        payload=b"Road closed \x00\xff",
        submit_time=1_700_000_000.0,
        start_time=1_700_000_060.0,
        end_time=1_700_005_640.0,
        service_type="CMT",
        priority_flag=2,
        data_coding=8,
        sm_default_msg_id=0,
        user_message_reference=77,
        state=MessageState.SCHEDULED,
        text="Road closed",
        tlvs={"broadcast_channel_indicator": 1, "broadcast_service_group": b"\x01\x02"},
    )
    return replace(b, **fields)  # type: ignore[arg-type]


def test_a_broadcast_round_trips_whole(store: Store) -> None:  # noqa: F811
    b = broadcast("b1")
    store.apply(Batch(broadcasts=[b]))
    assert store.get_broadcast("b1") == b
    assert store.get_broadcast("nope") is None


def test_a_later_version_replaces_the_earlier(store: Store) -> None:  # noqa: F811
    b = broadcast("b1")
    store.apply(Batch(broadcasts=[b]))
    done = replace(b, state=MessageState.DELETED, done_time=1_700_000_100.0)
    store.apply(Batch(broadcasts=[done]))
    assert store.get_broadcast("b1") == done
    assert store.find_broadcasts() == [done]
    assert store.load_open_broadcasts() == []


def test_listed_newest_first_by_account_and_paged(store: Store) -> None:  # noqa: F811
    items = [broadcast(f"b{i}", submit_time=1_700_000_000.0 + i) for i in range(5)]
    items.append(broadcast("other", account="shop", submit_time=1_700_000_100.0))
    store.apply(Batch(broadcasts=items))
    assert [b.message_id for b in store.find_broadcasts()] == [
        "other",
        "b4",
        "b3",
        "b2",
        "b1",
        "b0",
    ]
    assert [b.message_id for b in store.find_broadcasts(account="acme", limit=2, offset=1)] == [
        "b3",
        "b2",
    ]


def test_open_broadcasts_oldest_first(store: Store) -> None:  # noqa: F811
    store.apply(
        Batch(
            broadcasts=[
                broadcast("late", submit_time=1_700_000_002.0, state=MessageState.ENROUTE),
                broadcast("ended", submit_time=1_700_000_001.0, state=MessageState.EXPIRED),
                broadcast("early", submit_time=1_700_000_000.0),
            ]
        )
    )
    assert [b.message_id for b in store.load_open_broadcasts()] == ["early", "late"]


def test_records_are_copied_in_and_out(store: Store) -> None:  # noqa: F811
    b = broadcast("b1")
    store.apply(Batch(broadcasts=[b]))
    b.tlvs["broadcast_channel_indicator"] = 0
    got = store.get_broadcast("b1")
    assert got is not None and got.tlvs["broadcast_channel_indicator"] == 1
    got.tlvs.clear()
    assert store.get_broadcast("b1") == broadcast("b1")


def test_delete_all_forgets_them(store: Store) -> None:  # noqa: F811
    store.apply(Batch(broadcasts=[broadcast("b1")]))
    store.delete_all()
    assert store.find_broadcasts() == [] and store.get_broadcast("b1") is None


def test_sqlite_keeps_them_over_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    first = SqliteStore(path)
    first.apply(Batch(broadcasts=[broadcast("b1", state=MessageState.ENROUTE)]))
    first.close()
    again = SqliteStore(path)
    try:
        assert again.load_open_broadcasts() == [broadcast("b1", state=MessageState.ENROUTE)]
    finally:
        again.close()


# --- retention ----------------------------------------------------------------------------

ENROUTE, EXPIRED, DELETED = MessageState.ENROUTE, MessageState.EXPIRED, MessageState.DELETED
T = 1_700_000_000.0


def _broadcasts(store: Store, states: list[MessageState]) -> None:  # noqa: F811
    """Broadcasts b1, b2, ... submitted a second apart (from T), in the given states."""
    store.apply(
        Batch(
            broadcasts=[
                broadcast(f"b{i + 1}", state=state, submit_time=T + i)
                for i, state in enumerate(states)
            ]
        )
    )


def _held(store: Store) -> list[str]:  # noqa: F811
    """The broadcasts held, oldest submitted first."""
    return [b.message_id for b in reversed(store.find_broadcasts(limit=1000))]


def test_max_messages_keeps_the_newest_final_broadcasts_and_every_open_one(
    store: Store,  # noqa: F811
) -> None:
    _broadcasts(store, [EXPIRED, ENROUTE, DELETED, EXPIRED, EXPIRED, MessageState.SCHEDULED])
    keep_two = Retention(max_messages=2, max_age=None)
    assert store.prune_broadcasts(keep_two, T, limit=100) == 2
    # b1 and b3 were the oldest of four final ones; b2 and b6 are open.
    assert _held(store) == ["b2", "b4", "b5", "b6"]
    assert store.get_broadcast("b1") is None
    assert store.prune_broadcasts(keep_two, T, limit=100) == 0


def test_max_age_prunes_final_broadcasts_submitted_before_it(store: Store) -> None:  # noqa: F811
    _broadcasts(store, [EXPIRED, ENROUTE, DELETED, EXPIRED])  # submitted at T..T+3
    hour = Retention(max_messages=None, max_age=3600.0)
    assert store.prune_broadcasts(hour, T + 3600 + 2.5, limit=100) == 2  # b1, b3; b2 is open
    assert _held(store) == ["b2", "b4"]


def test_a_step_prunes_at_most_limit_and_an_open_broadcast_goes_once_final(
    store: Store,  # noqa: F811
) -> None:
    _broadcasts(store, [ENROUTE] + [EXPIRED] * 9)
    one = Retention(max_messages=1, max_age=None)
    assert [store.prune_broadcasts(one, T, limit=4) for _ in range(3)] == [4, 4, 0]
    assert _held(store) == ["b1", "b10"]
    store.apply(Batch(broadcasts=[broadcast("b1", state=DELETED, submit_time=T)]))
    assert store.prune_broadcasts(one, T, limit=4) == 1  # two final now: the older goes
    assert _held(store) == ["b10"]


def test_broadcasts_and_messages_are_counted_apart(store: Store) -> None:  # noqa: F811
    _broadcasts(store, [EXPIRED] * 3)
    store.apply(Batch(messages=[msg(f"m{i}", state=MessageState.DELIVERED) for i in range(3)]))
    keep_three = Retention(max_messages=3, max_age=None)
    assert store.prune(keep_three, T, limit=100) == 0
    assert store.prune_broadcasts(keep_three, T, limit=100) == 0
    assert store.prune(Retention(max_messages=2, max_age=None), T, limit=100) == 1
    assert store.prune_broadcasts(Retention(max_messages=1, max_age=None), T, limit=100) == 2
    assert len(store.find_messages()) == 2 and _held(store) == ["b3"]


def test_a_broadcast_stored_again_is_counted_once(store: Store) -> None:  # noqa: F811
    # Ended, then stored again as it is (a later batch's copy): still one final broadcast.
    _broadcasts(store, [EXPIRED, EXPIRED])
    store.apply(Batch(broadcasts=[broadcast("b2", state=EXPIRED, submit_time=T + 1)] * 2))
    assert store.prune_broadcasts(Retention(max_messages=2, max_age=None), T, 100) == 0
    assert _held(store) == ["b1", "b2"]


def test_after_delete_all_the_count_starts_again(store: Store) -> None:  # noqa: F811
    _broadcasts(store, [EXPIRED] * 5)
    store.delete_all()
    _broadcasts(store, [EXPIRED] * 2)
    assert store.prune_broadcasts(Retention(max_messages=2, max_age=None), T, 100) == 0
    assert _held(store) == ["b1", "b2"]


def test_nothing_is_pruned_within_the_limits(store: Store) -> None:  # noqa: F811
    _broadcasts(store, [EXPIRED, DELETED])
    assert store.prune_broadcasts(Retention(), T + 10.0, limit=100) == 0
    assert store.prune_broadcasts(Retention(max_messages=None, max_age=None), T, 100) == 0
    assert _held(store) == ["b1", "b2"]


@settings(max_examples=40)
@given(
    states=st.lists(st.sampled_from([EXPIRED, ENROUTE, DELETED]), max_size=30),
    ended=st.sets(st.integers(0, 29)),
    same_time=st.booleans(),
    retention=ONE_LIMIT,
    limit=st.integers(1, 7),
)
def test_memory_and_sqlite_prune_the_same_broadcasts(
    tmp_path_factory: pytest.TempPathFactory,
    states: list[MessageState],
    ended: set[int],
    same_time: bool,
    retention: Retention,
    limit: int,
) -> None:
    now = T + 30.0
    # same_time: every broadcast submitted at once, so message_id orders them.
    items = [
        broadcast(f"b{i:02}", state=state, submit_time=T if same_time else T + (i * 7) % 30)
        for i, state in enumerate(states)
    ]
    memory, sqlite = MemoryStore(), SqliteStore(tmp_path_factory.mktemp("prune") / "s.db")
    try:
        steps = []
        for s in (memory, sqlite):
            s.apply(Batch(broadcasts=items))
            mine = [s.prune_broadcasts(retention, now, limit) for _ in range(3)]
            later = [replace(items[i], state=DELETED) for i in ended if i < len(items)]
            s.apply(Batch(broadcasts=later))
            mine += [s.prune_broadcasts(retention, now, limit) for _ in range(40)]
            steps.append(mine)
        assert steps[0] == steps[1]
        assert memory.find_broadcasts(limit=1000) == sqlite.find_broadcasts(limit=1000)
    finally:
        sqlite.close()


def test_sqlite_prunes_along_an_index_and_counts_a_store_made_before(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    first = SqliteStore(path)
    _broadcasts(first, [EXPIRED, ENROUTE, EXPIRED, EXPIRED])
    # As a store made before broadcasts were pruned: no count of final ones, no index.
    first._writer.execute("DELETE FROM counters WHERE name = 'final_broadcasts'")
    first._writer.execute("DROP INDEX broadcasts_final")
    first.close()
    again = SqliteStore(path)
    try:
        plan = " | ".join(
            r[3]
            for r in again._reader.execute(
                "EXPLAIN QUERY PLAN SELECT message_id, submit_time FROM broadcasts "
                f"WHERE {FINAL} ORDER BY submit_time, message_id LIMIT 5"
            )
        )
        assert "broadcasts_final" in plan and not re.search(r"SCAN broadcasts\b(?! USING)", plan)
        assert "TEMP B-TREE" not in plan, plan
        assert again.prune_broadcasts(Retention(max_messages=2, max_age=None), T, 100) == 1
        assert _held(again) == ["b2", "b3", "b4"]
    finally:
        again.close()

"""SMPP 5.0 broadcasts in both stores: kept whole, the latest version of each; listed newest
first; the open ones for start-up recovery; gone with delete_all, kept over a restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from test_store import store  # noqa: F401  (the fixture: each test runs on both stores)

from pdu import MessageState
from smsc.model import Broadcast
from smsc.store import Batch, SqliteStore, Store


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

"""The SQLite store's schema and rows: the tables, the SQL the store reuses, and how a Message
or a Delivery becomes a row and back."""

from __future__ import annotations

import sqlite3
from typing import Any, Final

from pdu.enums import MessageState
from smsc.model import Delivery, DeliveryKind, Direction, Message

from .contract import OPEN_STATES, StoreError, StoreFullError
from .tlvs import decode_tlvs, encode_tlvs

SCHEMA_VERSION: Final = 1
# Opt-outs and subscriptions (handset, sender) by kind; added without a version bump, so it
# is also created when missing from a store made before it existed.
# The states of an open message, as SQL: the partial index and the recovery query must
# spell the same list for SQLite to use the index.
OPEN_STATES_SQL: Final = ", ".join(str(s) for s in OPEN_STATES)

PAIRS_TABLE: Final = """CREATE TABLE IF NOT EXISTS handset_pairs (
        kind TEXT NOT NULL, handset TEXT NOT NULL, sender TEXT NOT NULL,
        PRIMARY KEY (kind, handset, sender)
    )"""

HANDSET: Final = "CASE direction WHEN 'mt' THEN destination_addr ELSE source_addr END"

# One statement per item: comments may hold any character.
SCHEMA: Final = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,  -- insertion order
        message_id TEXT NOT NULL UNIQUE,
        direction TEXT NOT NULL,
        account TEXT NOT NULL,
        source_addr_ton INTEGER NOT NULL,
        source_addr_npi INTEGER NOT NULL,
        source_addr TEXT NOT NULL,
        dest_addr_ton INTEGER NOT NULL,
        dest_addr_npi INTEGER NOT NULL,
        destination_addr TEXT NOT NULL,
        esm_class INTEGER NOT NULL,
        data_coding INTEGER NOT NULL,
        registered_delivery INTEGER NOT NULL,
        short_message BLOB NOT NULL,
        submit_time REAL NOT NULL,
        state INTEGER NOT NULL,
        service_type TEXT NOT NULL,
        protocol_id INTEGER NOT NULL,
        priority_flag INTEGER NOT NULL,
        schedule_time REAL,
        expiry_time REAL,
        done_time REAL,
        error_code INTEGER NOT NULL,
        concat_ref INTEGER,
        part_number INTEGER NOT NULL,
        part_total INTEGER NOT NULL,
        text TEXT,
        tlvs TEXT,  -- tagged JSON, NULL when empty
        raw_pdu BLOB NOT NULL DEFAULT x''
    )""",
    "CREATE INDEX messages_submit_time ON messages (submit_time)",
    # Start-up recovery reads only the open messages; keep them in a small partial index.
    f"CREATE INDEX messages_open ON messages (submit_time) WHERE state IN ({OPEN_STATES_SQL})",
    """CREATE TABLE state_history (
        message_id TEXT NOT NULL,
        state INTEGER NOT NULL,
        time REAL NOT NULL,
        error_code INTEGER NOT NULL
    )""",
    "CREATE INDEX state_history_message_id ON state_history (message_id)",
    """CREATE TABLE deliveries (
        delivery_id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        kind TEXT NOT NULL,
        pdu BLOB NOT NULL,
        created REAL NOT NULL,
        next_attempt REAL NOT NULL,
        attempts INTEGER NOT NULL,
        message_id TEXT
    )""",
    # Acked deliveries are deleted, so max(delivery_id) could go back: keep the high mark.
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO counters VALUES ('delivery_id', 0)",
    "INSERT INTO counters VALUES ('message_number', 0)",
    PAIRS_TABLE,
)

# Pages by insertion order. Added without a version bump (a store made before them gains
# them when opened): each statement is idempotent. A filter index holds (column, seq), seq
# being the rowid, so that a page of one account's or one number's messages, either way
# round from a cursor, is read in order from the index, unsorted.
CURSOR_SCHEMA: Final = (
    # Made before pages followed insertion order: (column, submit_time).
    "DROP INDEX IF EXISTS messages_account",
    "DROP INDEX IF EXISTS messages_source_addr",
    "DROP INDEX IF EXISTS messages_destination_addr",
    "CREATE INDEX IF NOT EXISTS messages_by_account ON messages (account)",
    "CREATE INDEX IF NOT EXISTS messages_by_source_addr ON messages (source_addr)",
    "CREATE INDEX IF NOT EXISTS messages_by_destination_addr ON messages (destination_addr)",
    # Each handset's latest message (the inbox's conversations), kept by apply: a page of
    # conversations is a range of handsets_last_seq.
    """CREATE TABLE IF NOT EXISTS handsets (
        handset TEXT PRIMARY KEY, last_seq INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS handsets_last_seq ON handsets (last_seq)",
    # The next seq is one more than this; kept by apply, not reset by delete_all.
    "INSERT OR IGNORE INTO counters SELECT 'message_seq', coalesce(max(seq), 0) FROM messages",
    # SMPP 5.0 broadcasts, each the latest version of itself as one JSON text.
    """CREATE TABLE IF NOT EXISTS broadcasts (
        message_id TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        state INTEGER NOT NULL,
        submit_time REAL NOT NULL,
        record TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS broadcasts_submit_time ON broadcasts (submit_time)",
    # Retention prunes final broadcasts oldest first, and keeps their count to compare
    # with max_messages (counted once for a store made before; kept by apply and prune).
    "CREATE INDEX IF NOT EXISTS broadcasts_final ON broadcasts (submit_time, message_id) "
    f"WHERE state NOT IN ({OPEN_STATES_SQL})",
    "INSERT OR IGNORE INTO counters SELECT 'final_broadcasts', count(*) FROM broadcasts "
    f"WHERE state NOT IN ({OPEN_STATES_SQL})",
)

MESSAGE_COLUMNS: Final = (
    "message_id, direction, account, source_addr_ton, source_addr_npi, source_addr, "
    "dest_addr_ton, dest_addr_npi, destination_addr, esm_class, data_coding, "
    "registered_delivery, short_message, submit_time, state, service_type, protocol_id, "
    "priority_flag, schedule_time, expiry_time, done_time, error_code, concat_ref, "
    "part_number, part_total, text, tlvs, raw_pdu"
)
INSERT_MESSAGE: Final = (
    f"INSERT INTO messages ({MESSAGE_COLUMNS}, seq) VALUES ({', '.join('?' * 29)})"
)
SELECTED: Final = f"{MESSAGE_COLUMNS}, seq"
SELECT_MESSAGES: Final = f"SELECT {SELECTED} FROM messages"
UPSERT_HANDSET: Final = (
    "INSERT INTO handsets VALUES (?, ?) "
    "ON CONFLICT (handset) DO UPDATE SET last_seq = excluded.last_seq"
)
DELIVERY_COLUMNS: Final = (
    "delivery_id, account, kind, pdu, created, next_attempt, attempts, message_id"
)

SQLITE_FULL: Final = 13
TABLES: Final = ("messages", "state_history", "deliveries", "handset_pairs", "handsets")

Row = tuple[object, ...]  # written
DbRow = tuple[Any, ...]  # read back: sqlite3 gives untyped rows


def message_row(m: Message, seq: int) -> Row:
    return (
        m.message_id,
        m.direction.value,
        m.account,
        m.source_addr_ton,
        m.source_addr_npi,
        m.source_addr,
        m.dest_addr_ton,
        m.dest_addr_npi,
        m.destination_addr,
        m.esm_class,
        m.data_coding,
        m.registered_delivery,
        m.short_message,
        m.submit_time,
        int(m.state),
        m.service_type,
        m.protocol_id,
        m.priority_flag,
        m.schedule_time,
        m.expiry_time,
        m.done_time,
        m.error_code,
        m.concat_ref,
        m.part_number,
        m.part_total,
        m.text,
        encode_tlvs(m.tlvs),
        m.raw_pdu,
        seq,
    )


def message_from_row(r: DbRow) -> Message:
    return Message(
        message_id=r[0],
        direction=Direction(r[1]),
        account=r[2],
        source_addr_ton=r[3],
        source_addr_npi=r[4],
        source_addr=r[5],
        dest_addr_ton=r[6],
        dest_addr_npi=r[7],
        destination_addr=r[8],
        esm_class=r[9],
        data_coding=r[10],
        registered_delivery=r[11],
        short_message=r[12],
        submit_time=r[13],
        state=MessageState(r[14]),
        service_type=r[15],
        protocol_id=r[16],
        priority_flag=r[17],
        schedule_time=r[18],
        expiry_time=r[19],
        done_time=r[20],
        error_code=r[21],
        concat_ref=r[22],
        part_number=r[23],
        part_total=r[24],
        text=r[25],
        tlvs=decode_tlvs(r[26]),
        raw_pdu=r[27],
        seq=r[28],
    )


def delivery_from_row(r: DbRow) -> Delivery:
    return Delivery(
        delivery_id=r[0],
        account=r[1],
        kind=DeliveryKind(r[2]),
        pdu=r[3],
        created=r[4],
        next_attempt=r[5],
        attempts=r[6],
        message_id=r[7],
    )


def store_error(err: sqlite3.Error, doing: str) -> StoreError:
    # sqlite_errorcode carries extended codes; the low byte is the primary code.
    code = getattr(err, "sqlite_errorcode", None)
    kind = StoreFullError if code is not None and code & 0xFF == SQLITE_FULL else StoreError
    name = getattr(err, "sqlite_errorname", type(err).__name__)
    return kind(f"sqlite {doing} failed ({name}): {err}")

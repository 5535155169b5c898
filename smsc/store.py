"""Where messages, their state history and pending deliveries are kept.

The core builds a :class:`Batch` of everything that changed; the Twisted adapter hands
batches to :meth:`Store.apply` from one writer thread (group commit) and releases the
submit_sm_resp of each message only once the batch holding it is committed. ``apply`` is
all-or-nothing: it either writes the whole batch or raises :class:`StoreError` (and
:class:`StoreFullError` when out of room) having written nothing, so the core can answer
ESME_RSYSERR / ESME_RMSGQFUL instead of acknowledging a message it has lost.

Two implementations: :class:`MemoryStore` (load runs and tests; gone with the process) and
:class:`SqliteStore` (one file; survives a crash of the process). A shared store such as
PostgreSQL would implement the same :class:`Store` protocol.

Semantics both implementations share (and the tests hold them to):

- A new message's initial state is recorded in its history at ``submit_time``;
  ``Batch.state_changes`` are the later transitions. A change sets the message's state and
  error_code, and its done_time to the change's time when the new state is final (None
  otherwise).
- Within a batch: new messages, then state changes, new deliveries, reschedules, acks.
  So a batch may create and change the same message, or create and ack the same delivery.
- State changes, reschedules and acks naming a record the store does not hold are ignored:
  the record was removed by ``delete_all`` or evicted by ``MemoryStore``'s cap while the
  core still had it in flight. A new message or delivery whose id is already held is an
  error (``StoreError``) and fails the whole batch.
- Records are copied in and out: mutating a Message after ``apply`` or a Message returned by
  a read does not change what is stored.
- ``find_messages`` orders by submit_time, then by insertion.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeVar

from pdu.enums import MessageState
from smsc.model import Delivery, DeliveryKind, Direction, Message, StateChange

__all__ = [
    "Batch",
    "MemoryStore",
    "Reschedule",
    "SqliteStore",
    "Store",
    "StoreError",
    "StoreFullError",
]


class StoreError(Exception):
    """The store failed (locked, read-only, I/O error, duplicate id, closed).

    Raised by ``apply`` with nothing of the batch written: answer ESME_RSYSERR.
    """


class StoreFullError(StoreError):
    """No room left (disk full or the configured size cap): answer ESME_RMSGQFUL."""


@dataclass(slots=True)
class Reschedule:
    """A delivery attempt failed temporarily: try again at ``next_attempt``."""

    delivery_id: int
    attempts: int
    next_attempt: float


@dataclass(slots=True)
class Batch:
    """Everything to write in one transaction, built by the core."""

    messages: list[Message] = field(default_factory=list)
    state_changes: list[StateChange] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    rescheduled: list[Reschedule] = field(default_factory=list)
    acked: list[int] = field(default_factory=list)  # delivery_ids answered: deleted
    # Messages already stored whose content replace_sm changed (short_message, times,
    # registered_delivery, text); unknown ids are ignored.
    replaced: list[Message] = field(default_factory=list)

    def __bool__(self) -> bool:
        # Called on every flush of the server: no len() of each list.
        return bool(
            self.messages
            or self.state_changes
            or self.deliveries
            or self.rescheduled
            or self.acked
            or self.replaced
        )

    def __len__(self) -> int:
        return (
            len(self.messages)
            + len(self.state_changes)
            + len(self.deliveries)
            + len(self.rescheduled)
            + len(self.acked)
            + len(self.replaced)
        )


class Store(Protocol):
    """What the core and the harness need from storage. Methods are thread-safe."""

    def apply(self, batch: Batch) -> None:
        """Write the batch atomically, or raise StoreError having written nothing."""

    def load_pending_deliveries(self) -> list[Delivery]:
        """Deliveries not yet acked, by next_attempt then delivery_id (start-up recovery)."""

    def load_open_messages(self, now: float) -> list[Message]:
        """Messages not in a final state (their receipts are still due), oldest first.

        ``now`` is the start-up time. The local stores return every open message and leave
        expiry to the core; the argument lets a shared store scope recovery (per node, by
        lease) without changing callers.
        """

    def next_delivery_id(self) -> int:
        """One more than the largest delivery_id ever applied (1 on an empty store)."""

    def get_message(self, message_id: str) -> Message | None: ...

    def find_messages(
        self,
        *,
        direction: Direction | None = None,
        account: str | None = None,
        source_addr: str | None = None,
        destination_addr: str | None = None,
        state: MessageState | None = None,
        text_contains: str | None = None,
        since: float | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Message]:
        """Messages matching every given filter, by submit_time then insertion.

        ``text_contains`` is a case-sensitive substring of the decoded text; ``since``
        keeps messages with ``submit_time >= since``.
        """

    def state_history(self, message_id: str) -> list[StateChange]:
        """The message's states in the order applied; empty for an unknown message."""

    def pair_set(self, kind: str) -> PairSet:
        """The (handset, sender) pairs of ``kind``: opt-outs ("stop"), subscriptions
        ("subscribed"). Writes go through at once (they are rare: a STOP, a JOIN)."""

    def delete_all(self) -> None:
        """Forget everything, delivery id counter and opt-outs included (reset between
        tests)."""

    def close(self) -> None: ...


# --- TLV values ------------------------------------------------------------------------
# Message.tlvs holds decoded TLV values: ints, strings, bytes and lists of them. JSON has no
# bytes, so every value is stored as a one-letter type tag and a JSON value.


def _tag_tlv(value: object) -> object:
    if value is None:
        return ["n", None]
    if isinstance(value, bool):  # before int: bool is an int
        return ["b", value]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, float):
        return ["f", value]
    if isinstance(value, int):
        return ["i", int(value)]  # an IntEnum comes back as its int value
    if isinstance(value, bytes | bytearray | memoryview):
        return ["x", bytes(value).hex()]
    if isinstance(value, list | tuple):
        return ["l" if isinstance(value, list) else "t", [_tag_tlv(v) for v in value]]
    raise TypeError(f"cannot store TLV value of type {type(value).__name__}: {value!r}")


def _untag_tlv(tagged: object) -> object:
    if not (isinstance(tagged, list) and len(tagged) == 2 and isinstance(tagged[0], str)):
        raise StoreError(f"corrupt TLV value {tagged!r}")
    tag, value = tagged
    if tag == "x" and isinstance(value, str):
        return bytes.fromhex(value)
    if tag == "l":
        return [_untag_tlv(v) for v in value]
    if tag == "t":
        return tuple(_untag_tlv(v) for v in value)
    return value


def _encode_tlvs(tlvs: dict[str, object]) -> str | None:
    if not tlvs:
        return None
    return json.dumps({name: _tag_tlv(v) for name, v in tlvs.items()}, separators=(",", ":"))


def _decode_tlvs(text: str | None) -> dict[str, object]:
    if text is None:
        return {}
    return {name: _untag_tlv(v) for name, v in json.loads(text).items()}


_FINAL_STATES = frozenset(int(s) for s in MessageState if s.is_final)


def _done_time(change: StateChange) -> float | None:
    return change.time if change.state in _FINAL_STATES else None


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError(f"limit and offset must be >= 0, got {limit}, {offset}")


_REPLACED_FIELDS: Final = (
    "short_message",
    "registered_delivery",
    "submit_time",
    "schedule_time",
    "expiry_time",
    "text",
    "concat_ref",
    "part_number",
    "part_total",
)


def _replace_content(stored: Message, m: Message) -> None:
    for name in _REPLACED_FIELDS:
        setattr(stored, name, getattr(m, name))


def _copy_message(m: Message) -> Message:
    return replace(m, tlvs=dict(m.tlvs))


_R = TypeVar("_R")


def _same(record: _R) -> _R:
    return record


# --- MemoryStore -----------------------------------------------------------------------


class MemoryStore:
    """Everything in dicts, guarded by one lock; nothing survives the process.

    Memory grows with every message and its history, so the store keeps at most
    ``max_messages`` (None: no cap): past it, the oldest messages (by insertion, whatever
    their state) are evicted with their history. Pending deliveries are never evicted;
    they leave when acked. ``delete_all`` empties the store.
    """

    def __init__(
        self, max_messages: int | None = 1_000_000, *, share_records: bool = False
    ) -> None:
        if max_messages is not None and max_messages < 1:
            raise ValueError(f"max_messages must be >= 1 or None, got {max_messages}")
        self._max_messages = max_messages
        # share_records: keep the core's own objects instead of copies. The server's memory
        # mode uses it (copying costs more than the rest of the per-message work there); the
        # store then shows the core's latest view of each record, which is what it would
        # converge to anyway once the pending batches are applied.
        self._copy: Callable[[Message], Message] = _same if share_records else _copy_message
        self._copy_delivery: Callable[[Delivery], Delivery] = _same if share_records else replace
        self._lock = threading.Lock()
        self._closed = False
        self._messages: dict[str, Message] = {}
        self._order: deque[str] = deque()  # insertion order, for eviction
        self._history: dict[str, list[StateChange]] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._max_delivery_id = 0
        self._pairs: dict[str, MemoryPairSet] = {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            if self._closed:
                raise StoreError("store is closed")
            yield

    def apply(self, batch: Batch) -> None:
        with self._locked():
            self._validate(batch)
            # Nothing below can fail, so the batch is all-or-nothing. This runs for every
            # message at full load: the loops keep their lookups local.
            messages = self._messages
            history = self._history
            if batch.messages:
                copy = self._copy
                order_append = self._order.append
                for m in batch.messages:
                    message_id = m.message_id
                    messages[message_id] = copy(m)
                    order_append(message_id)
                    history[message_id] = [
                        StateChange(message_id, m.state, m.submit_time, m.error_code)
                    ]
            if batch.state_changes:
                get = messages.get
                final = _FINAL_STATES
                for change in batch.state_changes:
                    stored = get(change.message_id)
                    if stored is None:
                        continue
                    stored.state = change.state
                    stored.error_code = change.error_code
                    stored.done_time = change.time if change.state in final else None
                    history[change.message_id].append(change)
            deliveries = self._deliveries
            if batch.deliveries:
                copy_delivery = self._copy_delivery
                for d in batch.deliveries:
                    deliveries[d.delivery_id] = copy_delivery(d)
                newest = max(d.delivery_id for d in batch.deliveries)
                self._max_delivery_id = max(self._max_delivery_id, newest)
            for r in batch.rescheduled:
                pending = deliveries.get(r.delivery_id)
                if pending is not None:
                    pending.attempts = r.attempts
                    pending.next_attempt = r.next_attempt
            if batch.acked:
                pop = deliveries.pop
                for delivery_id in batch.acked:
                    pop(delivery_id, None)
            for m in batch.replaced:
                stored = messages.get(m.message_id)
                if stored is not None and stored is not m:
                    _replace_content(stored, m)
            self._evict()

    def pair_set(self, kind: str) -> MemoryPairSet:
        """A set of (handset, sender) pairs by kind; lives as long as the store."""
        return self._pairs.setdefault(kind, MemoryPairSet())

    def _validate(self, batch: Batch) -> None:
        if batch.messages:
            messages = self._messages
            new_ids: set[str] = set()
            for m in batch.messages:
                message_id = m.message_id
                if message_id in messages or message_id in new_ids:
                    raise StoreError(f"duplicate message_id {message_id!r}")
                new_ids.add(message_id)
                if m.tlvs:
                    _encode_tlvs(m.tlvs)  # the same TypeError SqliteStore would raise
        if batch.deliveries:
            deliveries = self._deliveries
            new_deliveries: set[int] = set()
            for d in batch.deliveries:
                if d.delivery_id in deliveries or d.delivery_id in new_deliveries:
                    raise StoreError(f"duplicate delivery_id {d.delivery_id}")
                new_deliveries.add(d.delivery_id)

    def _evict(self) -> None:
        if self._max_messages is None:
            return
        while len(self._messages) > self._max_messages:
            message_id = self._order.popleft()
            del self._messages[message_id]
            del self._history[message_id]

    def load_pending_deliveries(self) -> list[Delivery]:
        with self._locked():
            pending = sorted(
                self._deliveries.values(), key=lambda d: (d.next_attempt, d.delivery_id)
            )
            return [replace(d) for d in pending]

    def load_open_messages(self, now: float) -> list[Message]:
        with self._locked():
            found = [m for m in self._messages.values() if not MessageState(m.state).is_final]
            found.sort(key=lambda m: m.submit_time)  # stable: insertion order on ties
            return [_copy_message(m) for m in found]

    def next_delivery_id(self) -> int:
        with self._locked():
            return self._max_delivery_id + 1

    def get_message(self, message_id: str) -> Message | None:
        with self._locked():
            m = self._messages.get(message_id)
            return None if m is None else _copy_message(m)

    def find_messages(
        self,
        *,
        direction: Direction | None = None,
        account: str | None = None,
        source_addr: str | None = None,
        destination_addr: str | None = None,
        state: MessageState | None = None,
        text_contains: str | None = None,
        since: float | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Message]:
        _check_page(limit, offset)
        with self._locked():
            found = [
                m
                for m in self._messages.values()
                if (direction is None or m.direction is direction)
                and (account is None or m.account == account)
                and (source_addr is None or m.source_addr == source_addr)
                and (destination_addr is None or m.destination_addr == destination_addr)
                and (state is None or m.state == state)
                and (text_contains is None or (m.text is not None and text_contains in m.text))
                and (since is None or m.submit_time >= since)
            ]
            found.sort(key=lambda m: m.submit_time)
            return [_copy_message(m) for m in found[offset : offset + limit]]

    def state_history(self, message_id: str) -> list[StateChange]:
        with self._locked():
            return list(self._history.get(message_id, ()))

    def delete_all(self) -> None:
        with self._locked():
            self._messages.clear()
            self._order.clear()
            self._history.clear()
            self._deliveries.clear()
            self._max_delivery_id = 0
            for pairs in self._pairs.values():
                pairs.clear()

    def close(self) -> None:
        with self._lock:
            self._closed = True


# --- SqliteStore -----------------------------------------------------------------------

SCHEMA_VERSION: Final = 1
# Opt-outs and subscriptions (handset, sender) by kind; added without a version bump, so it
# is also created when missing from a store made before it existed.
_PAIRS_TABLE: Final = """CREATE TABLE IF NOT EXISTS handset_pairs (
        kind TEXT NOT NULL, handset TEXT NOT NULL, sender TEXT NOT NULL,
        PRIMARY KEY (kind, handset, sender)
    )"""

# One statement per item: comments may hold any character.
_SCHEMA: Final = (
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
    # Every filter index ends in submit_time so that results come out in order, unsorted.
    "CREATE INDEX messages_submit_time ON messages (submit_time)",
    "CREATE INDEX messages_account ON messages (account, submit_time)",
    "CREATE INDEX messages_source_addr ON messages (source_addr, submit_time)",
    "CREATE INDEX messages_destination_addr ON messages (destination_addr, submit_time)",
    # Start-up recovery reads only the open messages; keep them in a small partial index.
    "CREATE INDEX messages_open ON messages (submit_time) WHERE state IN (0, 1)",
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
    _PAIRS_TABLE,
)

_MESSAGE_COLUMNS: Final = (
    "message_id, direction, account, source_addr_ton, source_addr_npi, source_addr, "
    "dest_addr_ton, dest_addr_npi, destination_addr, esm_class, data_coding, "
    "registered_delivery, short_message, submit_time, state, service_type, protocol_id, "
    "priority_flag, schedule_time, expiry_time, done_time, error_code, concat_ref, "
    "part_number, part_total, text, tlvs, raw_pdu"
)
_INSERT_MESSAGE: Final = f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES ({', '.join('?' * 28)})"
_SELECT_MESSAGES: Final = f"SELECT {_MESSAGE_COLUMNS} FROM messages"
_DELIVERY_COLUMNS: Final = (
    "delivery_id, account, kind, pdu, created, next_attempt, attempts, message_id"
)

_SQLITE_FULL: Final = 13

_Row = tuple[object, ...]  # written
_DbRow = tuple[Any, ...]  # read back: sqlite3 gives untyped rows


def _message_row(m: Message) -> _Row:
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
        _encode_tlvs(m.tlvs),
        m.raw_pdu,
    )


def _message_from_row(r: _DbRow) -> Message:
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
        tlvs=_decode_tlvs(r[26]),
        raw_pdu=r[27],
    )


def _delivery_from_row(r: _DbRow) -> Delivery:
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


def _store_error(err: sqlite3.Error, doing: str) -> StoreError:
    # sqlite_errorcode carries extended codes; the low byte is the primary code.
    code = getattr(err, "sqlite_errorcode", None)
    kind = StoreFullError if code is not None and code & 0xFF == _SQLITE_FULL else StoreError
    name = getattr(err, "sqlite_errorname", type(err).__name__)
    return kind(f"sqlite {doing} failed ({name}): {err}")


class SqliteStore:
    """One SQLite file in WAL mode, with a writer and a reader connection.

    Durability: ``synchronous="NORMAL"`` (the default) makes a commit a write() of the WAL
    frames without an fsync. A committed batch is then in the kernel's page cache and
    survives SIGKILL or any other crash of the process, which is what the SMSC promises
    after submit_sm_resp; it may be lost on power loss or a kernel crash. Pass
    ``synchronous="FULL"`` to fsync the WAL at every commit (one fsync per batch, thanks to
    group commit) when the promise must hold across power loss too.

    Threads: ``apply`` and ``delete_all`` use the writer connection, the reads use the
    reader connection, each behind its own lock (connections are opened with
    ``check_same_thread=False``). In WAL mode a reader sees the last committed batch and
    never waits for the writer, so the reactor thread can answer queries while the writer
    thread commits.

    ``busy_timeout`` is how long a write waits for another process's lock before failing
    with StoreError. ``max_bytes`` caps the file size: past it ``apply`` raises StoreFullError,
    as on a full disk. ``read_only`` opens an existing store for reading (e.g. inspecting
    a running server's file); ``apply`` then raises StoreError.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        synchronous: Literal["NORMAL", "FULL"] = "NORMAL",
        busy_timeout: float = 5.0,
        max_bytes: int | None = None,
        read_only: bool = False,
    ) -> None:
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous must be NORMAL or FULL, got {synchronous!r}")
        self.path = Path(path)
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._pair_sets: dict[str, SqlitePairSet] = {}
        self._writer = self._connect(busy_timeout, read_only, "open")
        try:
            self._writer.execute(f"PRAGMA synchronous = {synchronous}")
            if not read_only:
                self._init_schema()
            if max_bytes is not None:
                page_size = self._writer.execute("PRAGMA page_size").fetchone()[0]
                self._writer.execute(f"PRAGMA max_page_count = {max(1, max_bytes // page_size)}")
            self._check_version()
            self._reader = self._connect(busy_timeout, read_only, "open (reader)")
        except sqlite3.Error as err:
            self._writer.close()
            raise _store_error(err, "open") from err
        except StoreError:
            self._writer.close()
            raise

    def _connect(self, busy_timeout: float, read_only: bool, doing: str) -> sqlite3.Connection:
        target = f"{self.path.resolve().as_uri()}?mode=ro" if read_only else str(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            return sqlite3.connect(
                target,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,
                uri=read_only,
            )
        except sqlite3.Error as err:
            raise _store_error(err, doing) from err

    def _init_schema(self) -> None:
        mode = self._writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise StoreError(f"{self.path}: cannot switch to WAL mode (got {mode!r})")
        with self._transaction():
            exists = self._writer.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if exists is None:
                for statement in _SCHEMA:
                    self._writer.execute(statement)
                self._writer.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            else:
                self._writer.execute(_PAIRS_TABLE)
                columns = {r[1] for r in self._writer.execute("PRAGMA table_info(messages)")}
                if columns and "raw_pdu" not in columns:  # made before raw PDUs were kept
                    self._writer.execute(
                        "ALTER TABLE messages ADD COLUMN raw_pdu BLOB NOT NULL DEFAULT x''"
                    )

    def _check_version(self) -> None:
        try:
            row = self._writer.execute("SELECT version FROM schema_version").fetchone()
        except sqlite3.OperationalError as err:
            raise StoreError(f"{self.path} is not an smsc store: {err}") from err
        if row is None or row[0] != SCHEMA_VERSION:
            found = None if row is None else row[0]
            raise StoreError(
                f"{self.path} has schema version {found}, this code reads {SCHEMA_VERSION}"
            )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so a busy database fails here, at once
        # (after busy_timeout), rather than half-way through the batch.
        self._writer.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._writer.execute("COMMIT")
        except BaseException:
            # SQLite may already have rolled back after SQLITE_FULL or an I/O error.
            if self._writer.in_transaction:
                with suppress(sqlite3.Error):  # the original error is the one to report
                    self._writer.execute("ROLLBACK")
            raise

    def pair_set(self, kind: str) -> SqlitePairSet:
        """A persisted set of (handset, sender) pairs: opt-outs ("stop") or subscriptions."""
        pairs = self._pair_sets.get(kind)
        if pairs is None:
            pairs = self._pair_sets[kind] = SqlitePairSet(self, kind)
        return pairs

    def apply(self, batch: Batch) -> None:
        if not len(batch):
            return
        # Rows are built before the transaction: a bad TLV value raises TypeError with
        # nothing begun.
        messages = [_message_row(m) for m in batch.messages]
        history = [
            (m.message_id, int(m.state), m.submit_time, m.error_code) for m in batch.messages
        ]
        changes = [
            (int(c.state), c.error_code, _done_time(c), c.message_id) for c in batch.state_changes
        ]
        changed = [
            (c.message_id, int(c.state), c.time, c.error_code, c.message_id)
            for c in batch.state_changes
        ]
        deliveries = [
            (
                d.delivery_id,
                d.account,
                d.kind.value,
                d.pdu,
                d.created,
                d.next_attempt,
                d.attempts,
                d.message_id,
            )
            for d in batch.deliveries
        ]
        with self._write_lock:
            try:
                with self._transaction():
                    self._write(batch, messages, history, changes, changed, deliveries)
            except sqlite3.Error as err:
                raise _store_error(err, "apply") from err

    def _write(
        self,
        batch: Batch,
        messages: Sequence[_Row],
        history: Sequence[_Row],
        changes: Sequence[_Row],
        changed: Sequence[_Row],
        deliveries: Sequence[_Row],
    ) -> None:
        w = self._writer
        if messages:
            w.executemany(_INSERT_MESSAGE, messages)
            w.executemany("INSERT INTO state_history VALUES (?, ?, ?, ?)", history)
        if changes:
            w.executemany(
                "UPDATE messages SET state = ?, error_code = ?, done_time = ? WHERE message_id = ?",
                changes,
            )
            # History only for messages held, as MemoryStore does.
            w.executemany(
                "INSERT INTO state_history SELECT ?, ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM messages WHERE message_id = ?)",
                changed,
            )
        if deliveries:
            w.executemany(
                f"INSERT INTO deliveries ({_DELIVERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                deliveries,
            )
            w.execute(
                "UPDATE counters SET value = max(value, ?) WHERE name = 'delivery_id'",
                (max(d.delivery_id for d in batch.deliveries),),
            )
        if batch.rescheduled:
            w.executemany(
                "UPDATE deliveries SET attempts = ?, next_attempt = ? WHERE delivery_id = ?",
                [(r.attempts, r.next_attempt, r.delivery_id) for r in batch.rescheduled],
            )
        if batch.acked:
            w.executemany(
                "DELETE FROM deliveries WHERE delivery_id = ?", [(i,) for i in batch.acked]
            )
        if batch.replaced:
            w.executemany(
                "UPDATE messages SET "
                + ", ".join(f"{name} = ?" for name in _REPLACED_FIELDS)
                + " WHERE message_id = ?",
                [
                    (*(getattr(m, name) for name in _REPLACED_FIELDS), m.message_id)
                    for m in batch.replaced
                ],
            )

    def _read(self, sql: str, params: Iterable[object] = ()) -> list[_DbRow]:
        with self._read_lock:
            try:
                return self._reader.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as err:
                raise _store_error(err, "read") from err

    def load_pending_deliveries(self) -> list[Delivery]:
        rows = self._read(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries ORDER BY next_attempt, delivery_id"
        )
        return [_delivery_from_row(r) for r in rows]

    def load_open_messages(self, now: float) -> list[Message]:
        rows = self._read(f"{_SELECT_MESSAGES} WHERE state IN (0, 1) ORDER BY submit_time, seq")
        return [_message_from_row(r) for r in rows]

    def next_delivery_id(self) -> int:
        rows = self._read("SELECT value FROM counters WHERE name = 'delivery_id'")
        return int(rows[0][0]) + 1

    def get_message(self, message_id: str) -> Message | None:
        rows = self._read(f"{_SELECT_MESSAGES} WHERE message_id = ?", (message_id,))
        return _message_from_row(rows[0]) if rows else None

    def find_messages(
        self,
        *,
        direction: Direction | None = None,
        account: str | None = None,
        source_addr: str | None = None,
        destination_addr: str | None = None,
        state: MessageState | None = None,
        text_contains: str | None = None,
        since: float | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Message]:
        _check_page(limit, offset)
        where: list[str] = []
        params: list[object] = []
        for column, value in (
            ("direction", None if direction is None else direction.value),
            ("account", account),
            ("source_addr", source_addr),
            ("destination_addr", destination_addr),
            ("state", None if state is None else int(state)),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if text_contains is not None:
            # instr, not LIKE: case-sensitive, and % or _ in the needle are plain characters.
            where.append("instr(text, ?) > 0")
            params.append(text_contains)
        if since is not None:
            where.append("submit_time >= ?")
            params.append(since)
        sql = _SELECT_MESSAGES
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY submit_time, seq LIMIT ? OFFSET ?"
        params += [limit, offset]
        return [_message_from_row(r) for r in self._read(sql, params)]

    def state_history(self, message_id: str) -> list[StateChange]:
        rows = self._read(
            "SELECT message_id, state, time, error_code FROM state_history "
            "WHERE message_id = ? ORDER BY rowid",
            (message_id,),
        )
        return [StateChange(r[0], MessageState(r[1]), r[2], r[3]) for r in rows]

    def delete_all(self) -> None:
        with self._write_lock:
            try:
                with self._transaction():
                    for table in ("messages", "state_history", "deliveries", "handset_pairs"):
                        self._writer.execute(f"DELETE FROM {table}")
                    self._writer.execute("UPDATE counters SET value = 0")
            except sqlite3.Error as err:
                raise _store_error(err, "delete_all") from err
        for pairs in self._pair_sets.values():
            pairs.clear_cache()

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            self._reader.close()
            self._writer.close()


if TYPE_CHECKING:
    # mypy checks here that both classes implement the protocol.
    _memory: Store = MemoryStore()
    _sqlite: Store = SqliteStore("")


# --- opt-outs and subscriptions ---------------------------------------------------------


class PairSet(Protocol):
    """carriers.OptOuts, as the store keeps it."""

    def add(self, handset: str, sender: str) -> None: ...
    def remove(self, handset: str, sender: str) -> None: ...
    def contains(self, handset: str, sender: str) -> bool: ...
    def list(self) -> list[tuple[str, str]]: ...


class MemoryPairSet:
    __slots__ = ("_lock", "_pairs")

    def __init__(self) -> None:
        self._pairs: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def add(self, handset: str, sender: str) -> None:
        with self._lock:
            self._pairs.add((handset, sender))

    def remove(self, handset: str, sender: str) -> None:
        with self._lock:
            self._pairs.discard((handset, sender))

    def contains(self, handset: str, sender: str) -> bool:
        return (handset, sender) in self._pairs

    def list(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted(self._pairs)

    def clear(self) -> None:
        with self._lock:
            self._pairs.clear()


class SqlitePairSet:
    """Pairs cached in memory (contains() runs for every MT) and written through."""

    __slots__ = ("_cache", "_kind", "_store")

    def __init__(self, store: SqliteStore, kind: str) -> None:
        self._store = store
        self._kind = kind
        rows = store._read("SELECT handset, sender FROM handset_pairs WHERE kind = ?", (kind,))
        self._cache: set[tuple[str, str]] = {(r[0], r[1]) for r in rows}

    def _write(self, sql: str, handset: str, sender: str) -> None:
        store = self._store
        with store._write_lock:
            try:
                with store._transaction():
                    store._writer.execute(sql, (self._kind, handset, sender))
            except sqlite3.Error as err:
                raise _store_error(err, "write opt-outs") from err

    def add(self, handset: str, sender: str) -> None:
        self._write("INSERT OR IGNORE INTO handset_pairs VALUES (?, ?, ?)", handset, sender)
        self._cache.add((handset, sender))

    def remove(self, handset: str, sender: str) -> None:
        self._write(
            "DELETE FROM handset_pairs WHERE kind = ? AND handset = ? AND sender = ?",
            handset,
            sender,
        )
        self._cache.discard((handset, sender))

    def contains(self, handset: str, sender: str) -> bool:
        return (handset, sender) in self._cache

    def list(self) -> list[tuple[str, str]]:
        return sorted(self._cache)

    def clear_cache(self) -> None:
        self._cache.clear()

"""The SQLite store: one file in WAL mode; what it holds survives a crash of the process."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Literal

from pdu.enums import MessageState
from smsc.model import Broadcast, Delivery, Direction, Message, StateChange

from .broadcasts import broadcast_from_record, broadcast_record
from .contract import (
    REPLACED_FIELDS,
    Batch,
    Retention,
    StoreError,
    check_page,
    done_time,
    handset_of,
)
from .sqlite_broadcasts import BroadcastRow, prune_broadcasts, write_broadcasts
from .sqlite_schema import (
    CURSOR_SCHEMA,
    DELIVERY_COLUMNS,
    HANDSET,
    INSERT_MESSAGE,
    OPEN_STATES_SQL,
    PAIRS_TABLE,
    SCHEMA,
    SCHEMA_VERSION,
    SELECT_MESSAGES,
    SELECTED,
    UPSERT_HANDSET,
    DbRow,
    Row,
    delivery_from_row,
    message_from_row,
    message_row,
    store_error,
)

__all__ = ["SqlitePairSet", "SqliteStore"]


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
            if not read_only:
                # A store made before the message id floor was kept starts it at 0.
                self._writer.execute("INSERT OR IGNORE INTO counters VALUES ('message_number', 0)")
            self._next_seq = self._counter("message_seq") + 1
            self._reader = self._connect(busy_timeout, read_only, "open (reader)")
        except sqlite3.Error as err:
            self._writer.close()
            raise store_error(err, "open") from err
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
            raise store_error(err, doing) from err

    def _init_schema(self) -> None:
        mode = self._writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise StoreError(f"{self.path}: cannot switch to WAL mode (got {mode!r})")
        with self._transaction():
            exists = self._writer.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if exists is None:
                for statement in SCHEMA:
                    self._writer.execute(statement)
                self._writer.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            else:
                self._check_version()  # upgrade nothing of a store this code cannot read
                self._writer.execute(PAIRS_TABLE)
                columns = {r[1] for r in self._writer.execute("PRAGMA table_info(messages)")}
                if columns and "raw_pdu" not in columns:  # made before raw PDUs were kept
                    self._writer.execute(
                        "ALTER TABLE messages ADD COLUMN raw_pdu BLOB NOT NULL DEFAULT x''"
                    )
            had_handsets = self._writer.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'handsets'"
            ).fetchone()
            for statement in CURSOR_SCHEMA:
                self._writer.execute(statement)
            if had_handsets is None:  # a store made before: list its handsets once
                self._writer.execute(
                    f"INSERT INTO handsets SELECT {HANDSET}, max(seq) FROM messages GROUP BY 1"
                )

    def _counter(self, name: str) -> int:
        row = self._writer.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return 0 if row is None else int(row[0])

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

    def read_pairs(self, kind: str) -> set[tuple[str, str]]:
        """The stored pairs of ``kind`` (for ``SqlitePairSet``)."""
        rows = self._read("SELECT handset, sender FROM handset_pairs WHERE kind = ?", (kind,))
        return {(r[0], r[1]) for r in rows}

    def write_pair(self, kind: str, handset: str, sender: str, *, present: bool) -> None:
        """Add or remove one pair at once, in a transaction of its own (a STOP is rare)."""
        sql = (
            "INSERT OR IGNORE INTO handset_pairs VALUES (?, ?, ?)"
            if present
            else "DELETE FROM handset_pairs WHERE kind = ? AND handset = ? AND sender = ?"
        )
        self._write_one(sql, (kind, handset, sender), "write opt-outs")

    def clear_pairs(self, kind: str) -> None:
        self._write_one("DELETE FROM handset_pairs WHERE kind = ?", (kind,), "clear opt-outs")

    def _write_one(self, sql: str, params: tuple[object, ...], doing: str) -> None:
        with self._write_lock:
            try:
                with self._transaction():
                    self._writer.execute(sql, params)
            except sqlite3.Error as err:
                raise store_error(err, doing) from err

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
        seq = self._next_seq
        messages = [message_row(m, seq + i) for i, m in enumerate(batch.messages)]
        latest = {handset_of(m): seq + i for i, m in enumerate(batch.messages)}
        history = [
            (m.message_id, int(m.state), m.submit_time, m.error_code) for m in batch.messages
        ]
        changes = [
            (int(c.state), c.error_code, done_time(c), c.message_id) for c in batch.state_changes
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
        broadcasts: list[BroadcastRow] = [
            (b.message_id, b.account, int(b.state), b.submit_time, broadcast_record(b))
            for b in batch.broadcasts
        ]
        with self._write_lock:
            try:
                with self._transaction():
                    self._write(batch, messages, history, changes, changed, deliveries)
                    if broadcasts:
                        write_broadcasts(self._writer, broadcasts)
                    if messages:
                        self._writer.executemany(UPSERT_HANDSET, latest.items())
                        self._writer.execute(
                            "UPDATE counters SET value = ? WHERE name = 'message_seq'",
                            (seq + len(messages) - 1,),
                        )
            except sqlite3.Error as err:
                raise store_error(err, "apply") from err
            self._next_seq = seq + len(messages)
            for i, m in enumerate(batch.messages):
                m.seq = seq + i

    def _write(
        self,
        batch: Batch,
        messages: Sequence[Row],
        history: Sequence[Row],
        changes: Sequence[Row],
        changed: Sequence[Row],
        deliveries: Sequence[Row],
    ) -> None:
        w = self._writer
        if messages:
            w.executemany(INSERT_MESSAGE, messages)
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
                f"INSERT INTO deliveries ({DELIVERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                deliveries,
            )
            w.execute(
                "UPDATE counters SET value = max(value, ?) WHERE name = 'delivery_id'",
                (max(d.delivery_id for d in batch.deliveries),),
            )
        if batch.max_message_number:
            w.execute(
                "UPDATE counters SET value = max(value, ?) WHERE name = 'message_number'",
                (batch.max_message_number,),
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
                + ", ".join(f"{name} = ?" for name in REPLACED_FIELDS)
                + " WHERE message_id = ?",
                [
                    (*(getattr(m, name) for name in REPLACED_FIELDS), m.message_id)
                    for m in batch.replaced
                ],
            )

    def _read(self, sql: str, params: Iterable[object] = ()) -> list[DbRow]:
        with self._read_lock:
            try:
                return self._reader.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as err:
                raise store_error(err, "read") from err

    def load_pending_deliveries(self) -> list[Delivery]:
        rows = self._read(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY next_attempt, delivery_id"
        )
        return [delivery_from_row(r) for r in rows]

    def load_open_messages(self, now: float) -> list[Message]:
        rows = self._read(
            f"{SELECT_MESSAGES} WHERE state IN ({OPEN_STATES_SQL}) AND direction = ? "
            "ORDER BY submit_time, seq",
            (Direction.MT.value,),
        )
        return [message_from_row(r) for r in rows]

    def next_delivery_id(self) -> int:
        rows = self._read("SELECT value FROM counters WHERE name = 'delivery_id'")
        return int(rows[0][0]) + 1

    def next_message_number(self) -> int:
        rows = self._read("SELECT value FROM counters WHERE name = 'message_number'")
        return int(rows[0][0]) + 1

    def get_message(self, message_id: str) -> Message | None:
        rows = self._read(f"{SELECT_MESSAGES} WHERE message_id = ?", (message_id,))
        return message_from_row(rows[0]) if rows else None

    def get_broadcast(self, message_id: str) -> Broadcast | None:
        rows = self._read("SELECT record FROM broadcasts WHERE message_id = ?", (message_id,))
        return broadcast_from_record(rows[0][0]) if rows else None

    def find_broadcasts(
        self, *, account: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Broadcast]:
        check_page(limit, offset)
        where, params = ("WHERE account = ?", [account]) if account is not None else ("", [])
        rows = self._read(
            f"SELECT record FROM broadcasts {where} ORDER BY submit_time DESC, message_id DESC "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [broadcast_from_record(r[0]) for r in rows]

    def load_open_broadcasts(self) -> list[Broadcast]:
        final = ", ".join(str(int(s)) for s in MessageState if s.is_final)
        rows = self._read(
            f"SELECT record FROM broadcasts WHERE state NOT IN ({final}) ORDER BY submit_time"
        )
        return [broadcast_from_record(r[0]) for r in rows]

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
        handset: str | None = None,
        after: int | None = None,
        before: int | None = None,
        newest_first: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Message]:
        check_page(limit, offset)
        where: list[str] = []
        params: list[object] = []
        for clause, value in (
            ("direction = ?", None if direction is None else direction.value),
            ("account = ?", account),
            ("source_addr = ?", source_addr),
            ("destination_addr = ?", destination_addr),
            ("state = ?", None if state is None else int(state)),
            # instr, not LIKE: case-sensitive, and % or _ in the needle are plain characters.
            ("instr(text, ?) > 0", text_contains),
            ("submit_time >= ?", since),
            ("seq > ?", after),
            ("seq < ?", before),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        order = " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        if handset is None:
            sql = SELECT_MESSAGES + "".join(
                f" {'AND' if i else 'WHERE'} {c}" for i, c in enumerate(where)
            )
            rows = self._read(sql + order + " LIMIT ? OFFSET ?", [*params, limit, offset])
            return [message_from_row(r) for r in rows]
        # A handset's messages are MT to it and MO from it: each arm reads one index in
        # seq order (direction and address equal), and the two are merged.
        arms: list[str] = []
        arm_params: list[object] = []
        for arm, column in ((Direction.MT, "destination_addr"), (Direction.MO, "source_addr")):
            if direction is not None and direction is not arm:
                continue
            clauses = " AND ".join([f"{column} = ?", "direction = ?", *where])
            arms.append(f"SELECT * FROM ({SELECT_MESSAGES} WHERE {clauses}{order} LIMIT ?)")
            arm_params += [handset, arm.value, *params, limit + offset]
        sql = " UNION ALL ".join(arms) + order + " LIMIT ? OFFSET ?"
        return [message_from_row(r) for r in self._read(sql, [*arm_params, limit, offset])]

    def conversations(
        self, *, before: int | None = None, handset_contains: str | None = None, limit: int = 50
    ) -> list[Message]:
        check_page(limit, 0)
        selected = ", ".join(f"m.{c.strip()}" for c in SELECTED.split(","))
        sql = f"SELECT {selected} FROM handsets h JOIN messages m ON m.seq = h.last_seq"
        where: list[str] = []
        params: list[object] = []
        if before is not None:
            where.append("h.last_seq < ?")
            params.append(before)
        if handset_contains is not None:
            where.append("instr(h.handset, ?) > 0")
            params.append(handset_contains)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY h.last_seq DESC LIMIT ?"
        return [message_from_row(r) for r in self._read(sql, [*params, limit])]

    def state_history(self, message_id: str) -> list[StateChange]:
        rows = self._read(
            "SELECT message_id, state, time, error_code FROM state_history "
            "WHERE message_id = ? ORDER BY rowid",
            (message_id,),
        )
        return [StateChange(r[0], MessageState(r[1]), r[2], r[3]) for r in rows]

    def prune(self, retention: Retention, now: float, limit: int) -> int:
        """One bounded step (see ``Store.prune``), in a transaction of its own.

        Both limits are read along an index, so a step never scans the table: the count
        limit as a ``seq`` range (the messages beyond the newest ``max_messages`` ids; ids
        are given in insertion order), the age limit as a ``submit_time`` range. Open
        messages in those ranges are passed over (and looked at again by later steps).
        The pages freed are reused by later inserts, so the file stops growing at the
        size the limits allow (docs/performance.md, "Retention")."""
        if limit < 1:
            return 0
        with self._write_lock:
            try:
                with self._transaction():
                    victims = self._prunable(retention, now, limit)
                    if victims:
                        # One statement a table: SQLite works through the list without a
                        # trip back to Python (and the GIL) per row.
                        marks = ", ".join("?" * len(victims))
                        w = self._writer
                        w.execute(
                            f"DELETE FROM state_history WHERE message_id IN ({marks})",
                            [message_id for _, message_id in victims],
                        )
                        w.execute(
                            f"DELETE FROM messages WHERE seq IN ({marks})",
                            [seq for seq, _ in victims],
                        )
                        # A handset whose latest message went leaves the conversations.
                        w.executemany(
                            "DELETE FROM handsets WHERE last_seq = ?", [(q,) for q, _ in victims]
                        )
            except sqlite3.Error as err:
                raise store_error(err, "prune") from err
        return len(victims)

    def prune_broadcasts(self, retention: Retention, now: float, limit: int) -> int:
        """One bounded step (see ``Store.prune_broadcasts``), in a transaction of its own;
        it reads the count of final broadcasts from ``counters`` and at most ``limit`` rows
        of the partial index broadcasts_final."""
        with self._write_lock:
            try:
                with self._transaction():
                    return prune_broadcasts(self._writer, retention, now, limit)
            except sqlite3.Error as err:
                raise store_error(err, "prune broadcasts") from err

    def _prunable(self, retention: Retention, now: float, limit: int) -> list[tuple[int, str]]:
        w = self._writer
        final = f"state NOT IN ({OPEN_STATES_SQL})"
        found: dict[int, str] = {}
        if retention.max_messages is not None:
            top = w.execute("SELECT max(seq) FROM messages").fetchone()[0]
            if top is not None and top > retention.max_messages:
                rows = w.execute(
                    f"SELECT seq, message_id FROM messages WHERE seq <= ? AND {final} "
                    "ORDER BY seq LIMIT ?",
                    (top - retention.max_messages, limit),
                )
                found.update(rows)
        cutoff = retention.age_cutoff(now)
        if cutoff is not None and len(found) < limit:
            rows = w.execute(
                f"SELECT seq, message_id FROM messages WHERE submit_time < ? AND {final} "
                "ORDER BY submit_time LIMIT ?",
                (cutoff, limit),
            )
            for seq, message_id in rows:
                if len(found) >= limit:
                    break
                found[seq] = message_id
        return sorted(found.items())

    def delete_all(self) -> None:
        with self._write_lock:
            try:
                with self._transaction():
                    tables = (
                        "messages",
                        "state_history",
                        "deliveries",
                        "handset_pairs",
                        "handsets",
                        "broadcasts",
                    )
                    for table in tables:
                        self._writer.execute(f"DELETE FROM {table}")
                    # The message id floor and message_seq survive: ids are never handed out twice,
                    # and a cursor handed out before the reset stays valid.
                    self._writer.execute(
                        "UPDATE counters SET value = 0 "
                        "WHERE name IN ('delivery_id', 'final_broadcasts')"
                    )
            except sqlite3.Error as err:
                raise store_error(err, "delete_all") from err
        for pairs in self._pair_sets.values():
            pairs.forget()

    def close(self) -> None:
        with self._write_lock, self._read_lock:
            self._reader.close()
            self._writer.close()


class SqlitePairSet:
    """A persisted set of (handset, sender) pairs of one kind (``carriers.OptOuts``): cached
    in memory, as ``contains`` runs for every MT, and written through."""

    __slots__ = ("_cache", "_kind", "_store")

    def __init__(self, store: SqliteStore, kind: str) -> None:
        self._store = store
        self._kind = kind
        self._cache: set[tuple[str, str]] = store.read_pairs(kind)

    def add(self, handset: str, sender: str) -> None:
        self._store.write_pair(self._kind, handset, sender, present=True)
        self._cache.add((handset, sender))

    def remove(self, handset: str, sender: str) -> None:
        self._store.write_pair(self._kind, handset, sender, present=False)
        self._cache.discard((handset, sender))

    def contains(self, handset: str, sender: str) -> bool:
        return (handset, sender) in self._cache

    def list(self) -> list[tuple[str, str]]:
        return sorted(self._cache)

    def clear(self) -> None:
        self._store.clear_pairs(self._kind)
        self._cache.clear()

    def forget(self) -> None:
        """The store was emptied under the set (``delete_all``): drop the cache."""
        self._cache.clear()

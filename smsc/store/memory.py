"""The in-memory store: load runs and tests; nothing survives the process."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from carriers import MemoryOptOuts
from pdu.enums import MessageState
from smsc.model import Delivery, Direction, Message, StateChange

from .contract import (
    FINAL_STATES,
    Batch,
    StoreError,
    check_page,
    copy_message,
    replace_content,
    same,
)
from .tlvs import encode_tlvs

__all__ = ["MemoryStore"]


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
        self._copy: Callable[[Message], Message] = same if share_records else copy_message
        self._copy_delivery: Callable[[Delivery], Delivery] = same if share_records else replace
        self._lock = threading.Lock()
        self._closed = False
        self._messages: dict[str, Message] = {}
        self._order: deque[str] = deque()  # insertion order, for eviction
        self._history: dict[str, list[StateChange]] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._max_delivery_id = 0
        self._max_message_number = 0
        self._pairs: dict[str, MemoryOptOuts] = {}

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
            self._max_message_number = max(self._max_message_number, batch.max_message_number)
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
                final = FINAL_STATES
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
                    replace_content(stored, m)
            self._evict()

    def pair_set(self, kind: str) -> MemoryOptOuts:
        """A set of (handset, sender) pairs by kind; lives as long as the store."""
        return self._pairs.setdefault(kind, MemoryOptOuts())

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
                    encode_tlvs(m.tlvs)  # the same TypeError SqliteStore would raise
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
            found = [
                m
                for m in self._messages.values()
                if m.direction is Direction.MT and not MessageState(m.state).is_final
            ]
            found.sort(key=lambda m: m.submit_time)  # stable: insertion order on ties
            return [copy_message(m) for m in found]

    def next_delivery_id(self) -> int:
        with self._locked():
            return self._max_delivery_id + 1

    def next_message_number(self) -> int:
        with self._locked():
            return self._max_message_number + 1

    def get_message(self, message_id: str) -> Message | None:
        with self._locked():
            m = self._messages.get(message_id)
            return None if m is None else copy_message(m)

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
        check_page(limit, offset)
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
            return [copy_message(m) for m in found[offset : offset + limit]]

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

"""The in-memory store: load runs and tests; nothing survives the process."""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from carriers import MemoryOptOuts
from pdu.enums import MessageState
from smsc.model import Broadcast, Delivery, Direction, Message, StateChange

from .broadcasts import copy_broadcast
from .contract import (
    FINAL_STATES,
    Batch,
    Retention,
    StoreError,
    check_page,
    copy_message,
    handset_of,
    replace_content,
    same,
)
from .tlvs import encode_tlvs

__all__ = ["MemoryStore"]

MT = Direction.MT

# Compact the page indexes after this many messages pruned (amortised: a full pass each time).
_COMPACT_EVERY = 65_536


class MemoryStore:
    """Everything in dicts, guarded by one lock; nothing survives the process.

    Memory grows with every message and its history until ``prune`` takes the final
    ones that a ``Retention`` no longer keeps (the server calls it in small steps).
    ``delete_all`` empties the store.
    """

    def __init__(self, *, share_records: bool = False) -> None:
        # share_records: keep the core's own objects instead of copies. The server's memory
        # mode uses it (copying costs more than the rest of the per-message work there); the
        # store then shows the core's latest view of each record, which is what it would
        # converge to anyway once the pending batches are applied.
        self._copy: Callable[[Message], Message] = same if share_records else copy_message
        self._copy_delivery: Callable[[Delivery], Delivery] = same if share_records else replace
        self._lock = threading.Lock()
        self._closed = False
        self._messages: dict[str, Message] = {}
        # (seq, message_id) in insertion order, for pruning (seq as SqliteStore's, so that
        # both stores prune the same messages).
        self._order: deque[tuple[int, str]] = deque()
        self._inserted = 0  # the last seq given; never reset: cursors outlive delete_all
        # Open messages met at the old end while pruning, in order: looked at again first.
        self._parked: deque[tuple[int, str]] = deque()
        # Message ids by seq, for pages: _by_seq[i] has seq _first_seq + i (i >= _head). An
        # id no longer in _messages is a message pruned since.
        self._by_seq: list[str] = []
        self._first_seq = 1
        self._head = 0
        # handset -> its messages' seqs, ascending (conversations are ordered when read:
        # keeping the dict in that order would cost every message a re-insertion).
        self._handsets: dict[str, array[int]] = {}
        self._forgotten = 0  # pruned since the last compaction
        self._history: dict[str, list[StateChange]] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._max_delivery_id = 0
        self._max_message_number = 0
        self._pairs: dict[str, MemoryOptOuts] = {}
        self._broadcasts: dict[str, Broadcast] = {}  # in the order first stored
        # Final broadcasts as (submit_time, message_id), for pruning oldest first; an entry
        # whose broadcast is gone, open again or resubmitted since is passed over.
        self._final_broadcasts: list[tuple[float, str]] = []
        self._final_count = 0  # final broadcasts held

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
                by_seq_append = self._by_seq.append
                handsets = self._handsets
                seq = self._inserted
                for m in batch.messages:
                    message_id = m.message_id
                    seq += 1
                    kept = messages[message_id] = copy(m)
                    kept.seq = m.seq = seq
                    order_append((seq, message_id))
                    by_seq_append(message_id)
                    handset = m.destination_addr if m.direction is MT else m.source_addr
                    seqs = handsets.get(handset)
                    if seqs is None:
                        seqs = handsets[handset] = array("q")
                    seqs.append(seq)
                    history[message_id] = [
                        StateChange(message_id, m.state, m.submit_time, m.error_code)
                    ]
                self._inserted = seq
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
            if batch.broadcasts:
                self._store_broadcasts(batch.broadcasts)

    def _store_broadcasts(self, broadcasts: list[Broadcast]) -> None:
        held = self._broadcasts
        for b in broadcasts:
            old = held.get(b.message_id)
            was_final = old is not None and old.state in FINAL_STATES
            final = b.state in FINAL_STATES
            self._final_count += final - was_final
            if final and not (was_final and old is not None and old.submit_time == b.submit_time):
                heapq.heappush(self._final_broadcasts, (b.submit_time, b.message_id))
            held[b.message_id] = copy_broadcast(b)

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

    def prune(self, retention: Retention, now: float, limit: int) -> int:
        with self._locked():
            messages = self._messages
            cutoff = retention.age_cutoff(now)
            # Beyond the cap: inserted before the newest max_messages (as SqliteStore's seq).
            last_kept = (
                -1 if retention.max_messages is None else self._inserted - retention.max_messages
            )

            def beyond(number: int, m: Message) -> bool:
                return number <= last_kept or (cutoff is not None and m.submit_time < cutoff)

            pruned = 0
            # Open messages parked by earlier steps first: they are the oldest. Those still
            # open are passed over, as SqliteStore's scan passes over them.
            parked, still = self._parked, deque[tuple[int, str]]()
            while parked and pruned < limit:
                entry = parked.popleft()
                m = messages.get(entry[1])
                if m is None:
                    continue
                if m.state in FINAL_STATES and beyond(entry[0], m):
                    self._forget(entry[1])
                    pruned += 1
                else:
                    still.append(entry)
            still.extend(parked)
            self._parked = parked = still
            order = self._order
            while order and pruned < limit:
                number, message_id = order[0]
                m = messages.get(message_id)
                if m is not None and not beyond(number, m):
                    break  # insertion order is submit order: the rest is kept too
                entry = order.popleft()
                if m is None:
                    continue
                if m.state in FINAL_STATES:
                    self._forget(message_id)
                    pruned += 1
                else:
                    parked.append(entry)
            if self._forgotten >= _COMPACT_EVERY:
                self._compact()
            return pruned

    def prune_broadcasts(self, retention: Retention, now: float, limit: int) -> int:
        with self._locked():
            cutoff = retention.age_cutoff(now)
            cap = retention.max_messages
            queue, held = self._final_broadcasts, self._broadcasts
            pruned = 0
            while queue and pruned < limit:
                submit_time, message_id = queue[0]
                b = held.get(message_id)
                if b is None or b.state not in FINAL_STATES or b.submit_time != submit_time:
                    heapq.heappop(queue)  # stale: pruned, open again or resubmitted since
                    continue
                over = cap is not None and self._final_count > cap
                if not over and (cutoff is None or submit_time >= cutoff):
                    break  # the oldest final broadcast is kept: so is every later one
                heapq.heappop(queue)
                del held[message_id]
                self._final_count -= 1
                pruned += 1
            return pruned

    def _forget(self, message_id: str) -> None:
        del self._messages[message_id]
        del self._history[message_id]
        self._forgotten += 1

    def _compact(self) -> None:
        """Drop what pruning left behind in the page indexes: ids at the old end of
        _by_seq, and seqs of pruned messages in the handsets' lists (handsets left with
        none go)."""
        self._forgotten = 0
        by_seq = self._by_seq
        while self._head < len(by_seq) and self._at(self._first_seq + self._head) is None:
            self._head += 1
        del by_seq[: self._head]
        self._first_seq += self._head
        self._head = 0
        for handset, seqs in list(self._handsets.items()):
            live = array("q", (seq for seq in seqs if self._at(seq) is not None))
            if live:
                self._handsets[handset] = live
            else:
                del self._handsets[handset]

    def _at(self, seq: int) -> Message | None:
        i = seq - self._first_seq
        if i < self._head or i >= len(self._by_seq):
            return None
        m = self._messages.get(self._by_seq[i])
        return m if m is not None and m.seq == seq else None  # not an id reused since

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

    def get_broadcast(self, message_id: str) -> Broadcast | None:
        with self._locked():
            b = self._broadcasts.get(message_id)
            return None if b is None else copy_broadcast(b)

    def find_broadcasts(
        self, *, account: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Broadcast]:
        check_page(limit, offset)
        with self._locked():
            found = [
                b for b in self._broadcasts.values() if account is None or b.account == account
            ]
            found.sort(key=lambda b: (b.submit_time, b.message_id), reverse=True)
            return [copy_broadcast(b) for b in found[offset : offset + limit]]

    def load_open_broadcasts(self) -> list[Broadcast]:
        with self._locked():
            found = [b for b in self._broadcasts.values() if not b.state.is_final]
            found.sort(key=lambda b: b.submit_time)
            return [copy_broadcast(b) for b in found]

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

        def wanted(m: Message) -> bool:
            return (
                (direction is None or m.direction is direction)
                and (account is None or m.account == account)
                and (source_addr is None or m.source_addr == source_addr)
                and (destination_addr is None or m.destination_addr == destination_addr)
                and (handset is None or handset_of(m) == handset)
                and (state is None or m.state == state)
                and (text_contains is None or (m.text is not None and text_contains in m.text))
                and (since is None or m.submit_time >= since)
            )

        with self._locked():
            found: list[Message] = []
            skip = offset
            for seq in self._seqs(handset, after, before, newest_first):
                m = self._at(seq)
                if m is None or not wanted(m):
                    continue
                if skip:
                    skip -= 1
                    continue
                if len(found) == limit:
                    break
                found.append(copy_message(m))
            return found

    def _seqs(
        self, handset: str | None, after: int | None, before: int | None, newest_first: bool
    ) -> Iterator[int] | range:
        """The seqs to visit in order, within the bounds: a handset's own when one is asked
        for, else every one held."""
        low = self._first_seq + self._head if after is None else after + 1
        high = (self._inserted + 1) if before is None else before
        if handset is None:
            low = max(low, self._first_seq + self._head)
            high = min(high, (self._inserted + 1))
            return range(high - 1, low - 1, -1) if newest_first else range(low, high)
        seqs = self._handsets.get(handset)
        if seqs is None:
            return iter(())
        start, stop = bisect_left(seqs, low), bisect_left(seqs, high)
        span = range(stop - 1, start - 1, -1) if newest_first else range(start, stop)
        return (seqs[i] for i in span)

    def conversations(
        self, *, before: int | None = None, handset_contains: str | None = None, limit: int = 50
    ) -> list[Message]:
        check_page(limit, 0)
        with self._locked():
            oldest = self._first_seq + self._head  # below: evicted, not yet swept
            high = (self._inserted + 1) if before is None else before
            latest = (
                seqs[-1]
                for handset, seqs in self._handsets.items()
                if oldest <= seqs[-1] < high
                and (handset_contains is None or handset_contains in handset)
            )
            found = (self._at(seq) for seq in heapq.nlargest(limit, latest))
            return [copy_message(m) for m in found if m is not None]

    def state_history(self, message_id: str) -> list[StateChange]:
        with self._locked():
            return list(self._history.get(message_id, ()))

    def delete_all(self) -> None:
        with self._locked():
            self._messages.clear()
            self._order.clear()
            self._parked.clear()
            self._by_seq.clear()
            self._first_seq, self._head = self._inserted + 1, 0
            self._handsets.clear()
            self._forgotten = 0
            self._history.clear()
            self._deliveries.clear()
            self._max_delivery_id = 0
            self._broadcasts.clear()
            self._final_broadcasts.clear()
            self._final_count = 0
            for pairs in self._pairs.values():
                pairs.clear()

    def close(self) -> None:
        with self._lock:
            self._closed = True

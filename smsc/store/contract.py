"""Where messages, their state history and pending deliveries are kept.

The core builds a :class:`Batch` of everything that changed; the Twisted adapter hands
batches to :meth:`Store.apply` from one writer thread (group commit) and releases the
submit_sm_resp of each message only once the batch holding it is committed. ``apply`` is
all-or-nothing: it either writes the whole batch or raises :class:`StoreError` (and
:class:`StoreFullError` when out of room) having written nothing, so the core can answer
ESME_RSYSERR / ESME_RMSGQFUL instead of acknowledging a message it has lost.

Two implementations: ``smsc.store.memory.MemoryStore`` (load runs and tests; gone with the
process) and ``smsc.store.sqlite.SqliteStore`` (one file; survives a crash of the process). A
shared store such as PostgreSQL would implement the same :class:`Store` protocol.

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
  a read does not change what is stored. ``apply`` sets the ``seq`` of the batch's new
  messages (so that whoever is told of the batch knows their cursors).
- Each message stored gets the next insertion sequence number (``Message.seq``): 1, 2, 3, ...
  per store, never reused, not even after ``delete_all``. ``find_messages`` orders by it
  (the order stored, oldest first unless ``newest_first``); its ``after``/``before`` bounds
  are such numbers, so "newer than the last one I saw" is exact even when two messages
  share a submit_time, and a page boundary never moves when messages arrive.
- A message's handset (:func:`handset_of`) is its destination for MT, its source for MO;
  ``conversations`` lists each handset's latest message, newest first.
- ``prune`` deletes final messages with their history, oldest first, as a ``Retention``
  allows; open messages (SCHEDULED, ENROUTE) and deliveries are never pruned.
- Broadcasts (SMPP 5.0 cell broadcasts) are records of their own, not messages: each
  ``Batch.broadcasts`` entry is the whole broadcast, stored over any earlier version of it
  (after the batch's messages). ``prune`` leaves them; ``prune_broadcasts`` applies the same
  ``Retention`` to the final ones (EXPIRED, DELETED), counted apart from messages, oldest
  submitted first (then by message_id); open ones are never pruned. ``delete_all`` forgets
  them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final, Protocol, TypeVar

from carriers import OptOuts
from pdu.enums import MessageState
from smsc.model import Broadcast, Delivery, Direction, Message, StateChange
from smsc.retention import Retention

__all__ = [
    "Batch",
    "Reschedule",
    "Retention",
    "Store",
    "StoreError",
    "StoreFullError",
    "handset_of",
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
    # Broadcasts new or changed (each kept whole, as the latest version of itself).
    broadcasts: list[Broadcast] = field(default_factory=list)
    # The highest message id number handed out when the batch was taken (0: not known).
    max_message_number: int = 0

    def __bool__(self) -> bool:
        # Called on every flush of the server: no len() of each list.
        return bool(
            self.messages
            or self.state_changes
            or self.deliveries
            or self.rescheduled
            or self.acked
            or self.replaced
            or self.broadcasts
        )

    def __len__(self) -> int:
        return (
            len(self.messages)
            + len(self.state_changes)
            + len(self.deliveries)
            + len(self.rescheduled)
            + len(self.acked)
            + len(self.replaced)
            + len(self.broadcasts)
        )


class Store(Protocol):
    """What the core and the harness need from storage. Methods are thread-safe."""

    def apply(self, batch: Batch) -> None:
        """Write the batch atomically, or raise StoreError having written nothing."""

    def load_pending_deliveries(self) -> list[Delivery]:
        """Deliveries not yet acked, by next_attempt then delivery_id (start-up recovery)."""

    def load_open_messages(self, now: float) -> list[Message]:
        """MT messages not in a final state (their receipts are still due), oldest first.
        An MO not yet taken by an ESME is not one of them: its pending delivery is.

        ``now`` is the start-up time. The local stores return every open message and leave
        expiry to the core; the argument lets a shared store scope recovery (per node, by
        lease) without changing callers.
        """

    def next_delivery_id(self) -> int:
        """One more than the largest delivery_id ever applied (1 on an empty store)."""

    def next_message_number(self) -> int:
        """One more than the largest ``Batch.max_message_number`` ever applied (1 on a new
        store; kept by ``delete_all``): the floor of the next run's message ids, so that a
        clock stepped back cannot hand out an id again."""

    def get_message(self, message_id: str) -> Message | None: ...

    def get_broadcast(self, message_id: str) -> Broadcast | None: ...

    def find_broadcasts(
        self, *, account: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Broadcast]:
        """Broadcasts, newest submitted first, then by message_id, highest first (of
        ``account`` only, when given)."""

    def load_open_broadcasts(self) -> list[Broadcast]:
        """Broadcasts not yet EXPIRED or DELETED (start-up recovery), oldest first."""

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
        """Messages matching every given filter, in the order stored (by ``seq``), oldest
        first or ``newest_first``.

        ``text_contains`` is a case-sensitive substring of the decoded text; ``since``
        keeps messages with ``submit_time >= since``; ``handset`` keeps MT to it and MO from
        it; ``after``/``before`` keep messages with ``seq > after`` / ``seq < before``.
        A page costs time in proportion to its size, not to the store's (scanning only for
        ``text_contains`` and filters without an index).
        """

    def conversations(
        self, *, before: int | None = None, handset_contains: str | None = None, limit: int = 50
    ) -> list[Message]:
        """The latest message of each handset, newest first: handsets whose latest message
        has ``seq < before``, whose number contains ``handset_contains``."""

    def state_history(self, message_id: str) -> list[StateChange]:
        """The message's states in the order applied; empty for an unknown message."""

    def pair_set(self, kind: str) -> OptOuts:
        """The (handset, sender) pairs of ``kind``: opt-outs ("stop"), subscriptions
        ("subscribed"). Writes go through at once (they are rare: a STOP, a JOIN); the set
        lives as long as the store and is emptied by ``delete_all``."""

    def prune(self, retention: Retention, now: float, limit: int) -> int:
        """Delete at most ``limit`` final messages (and their history) that ``retention``
        no longer keeps at ``now``, oldest first; returns how many. One bounded step: the
        caller repeats it while it returns ``limit``."""

    def prune_broadcasts(self, retention: Retention, now: float, limit: int) -> int:
        """Delete at most ``limit`` final broadcasts that ``retention`` no longer keeps at
        ``now``: those submitted before its ``max_age``, and the oldest beyond the newest
        ``max_messages`` final broadcasts (by submit_time, then message_id); returns how
        many. One bounded step, as ``prune``."""

    def delete_all(self) -> None:
        """Forget everything, broadcasts, the delivery id counter and opt-outs included
        (reset between tests)."""

    def close(self) -> None: ...


# --- shared by the implementations -----------------------------------------------------

FINAL_STATES = frozenset(int(s) for s in MessageState if s.is_final)
OPEN_STATES = tuple(sorted(int(s) for s in MessageState if not s.is_final))


def done_time(change: StateChange) -> float | None:
    return change.time if change.state in FINAL_STATES else None


def check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError(f"limit and offset must be >= 0, got {limit}, {offset}")


def handset_of(m: Message) -> str:
    """The handset's number: where an MT goes, where an MO comes from."""
    return m.destination_addr if m.direction is Direction.MT else m.source_addr


REPLACED_FIELDS: Final = (
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


def replace_content(stored: Message, m: Message) -> None:
    for name in REPLACED_FIELDS:
        setattr(stored, name, getattr(m, name))


def copy_message(m: Message) -> Message:
    return replace(m, tlvs=dict(m.tlvs))


_R = TypeVar("_R")


def same(record: _R) -> _R:
    return record

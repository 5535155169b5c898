"""Which receiver bind gets which owed delivery.

The one place that decides it: a queue per account (``ANY_ACCOUNT`` holds development-mode
MO, which any receiver bind may take), offered round-robin to the account's receiver and
transceiver binds, each within its own window. Its inputs are a delivery ready to go
(``offer``), a bind added or lost, and a response that made room on a bind (``answered``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from ..model import Delivery, DeliveryKind
from .connection import Connection, Outbox

__all__ = ["ANY_ACCOUNT", "Receivers"]

ANY_ACCOUNT = ""  # queue key of MO in development mode: any receiver bind takes it


_ALERT = DeliveryKind.ALERT


class Receivers:
    __slots__ = (
        "_binds",
        "_forget_below",
        "_outbox",
        "_queues",
        "_rr",
        "_saturated",
        "_unanswered",
    )

    def __init__(self, outbox: Outbox, unanswered: Callable[[Delivery], None]) -> None:
        """``unanswered`` is told of each delivery written that no response will settle
        (an alert_notification): it is done once written."""
        self._outbox = outbox
        self._unanswered = unanswered
        self._queues: dict[str, deque[Delivery]] = {}
        self._rr: dict[str, int] = {}  # next bind to offer to, per account key
        self._saturated: set[str] = set()  # keys whose binds all had full windows
        self._binds: dict[str, list[Connection]] = {}
        self._forget_below = 0  # deliveries with a smaller id were forgotten by a reset

    # -- inputs ------------------------------------------------------------------------

    def offer(self, d: Delivery, now: float) -> None:
        """A delivery is ready (new, committed, or due for another attempt)."""
        self._queue(d)
        self._pump(d.account, now)

    def offer_all(self, deliveries: Iterable[Delivery], now: float) -> None:
        keys: set[str] = set()
        for d in deliveries:
            self._queue(d)
            keys.add(d.account)
        for key in keys:
            self._pump(key, now)

    def bind_added(self, c: Connection, now: float) -> None:
        """``c`` bound as a receiver or transceiver."""
        self._binds.setdefault(c.system_id, []).append(c)
        self._room(c.system_id, now)

    def bind_lost(self, c: Connection, unanswered: Iterable[object], now: float) -> None:
        """``c`` closed; ``unanswered`` are the contexts of the requests it never answered,
        oldest first: its deliveries go back to the front of their queues, in order."""
        binds = self._binds.get(c.system_id)
        if binds is not None and c in binds:
            binds.remove(c)
        for d in reversed(list(unanswered)):
            if isinstance(d, Delivery):
                self._queue(d, front=True)
        if c.system_id:
            self._room(c.system_id, now)

    def answered(self, c: Connection, now: float) -> None:
        """A response made room in ``c``'s window: fill that bind first, scanning no other."""
        self._saturated.discard(c.system_id)
        self._saturated.discard(ANY_ACCOUNT)
        for key in (c.system_id, ANY_ACCOUNT):
            q = self._queues.get(key)
            session = c.session
            while q and session.can_send_request:
                self._send(c, q.popleft(), now)
        self._outbox.touch(c)

    def forget_all(self, first_kept_id: int) -> None:
        """Reset: drop every queued delivery; ones still in a session's window (ids below
        ``first_kept_id``) must not come back by retry or requeue either."""
        self._queues.clear()
        self._saturated.clear()
        self._forget_below = first_kept_id

    def load(self, key: str, rounds: int) -> float:
        """Deliveries waiting for ``key``'s receiver binds, as a share of what they take in
        ``rounds`` round trips of their windows (0 with nothing waiting; 1 with no receiver
        bound and something waiting)."""
        q = self._queues.get(key)
        if not q:
            return 0.0
        room = sum(c.session.window.size for c in self._binds.get(key, ())) * rounds
        return min(1.0, len(q) / room) if room else 1.0

    def depth(self) -> int:
        return sum(len(q) for q in self._queues.values())

    # -- the decision ------------------------------------------------------------------

    def _queue(self, d: Delivery, *, front: bool = False) -> None:
        if d.delivery_id < self._forget_below:
            return
        q = self._queues.get(d.account)
        if q is None:
            q = self._queues[d.account] = deque()
        if front:
            q.appendleft(d)
        else:
            q.append(d)

    def _room(self, key: str, now: float) -> None:
        """Binds of ``key`` changed: both its queue and the any-bind queue may move again."""
        self._saturated.discard(key)
        self._saturated.discard(ANY_ACCOUNT)
        self._pump(key, now)
        self._pump(ANY_ACCOUNT, now)

    def _receivers(self, key: str) -> list[Connection]:
        if key == ANY_ACCOUNT:
            return [c for binds in self._binds.values() for c in binds]
        return self._binds.get(key, [])

    def _pump(self, key: str, now: float) -> None:
        """Offer ``key``'s queue to its binds round-robin, each within its window."""
        q = self._queues.get(key)
        if not q or key in self._saturated:
            return
        binds = self._receivers(key)
        n = len(binds)
        if not n:
            return
        i = self._rr.get(key, 0) % n
        full = 0  # consecutive binds found with a full window
        while q and full < n:
            c = binds[i]
            i = i + 1 if i + 1 < n else 0
            if not c.session.can_send_request:
                full += 1
                continue
            full = 0
            self._send(c, q.popleft(), now)
            self._outbox.touch(c)
        self._rr[key] = i
        if q:
            # Every window is full: no further scans until a response or a new bind makes
            # room (answered, bind_added, bind_lost).
            self._saturated.add(key)

    def _send(self, c: Connection, d: Delivery, now: float) -> None:
        d.attempts += 1
        assert d.request is not None
        c.session.send(d.request, now, d, d.pdu or None)
        if d.kind is _ALERT:
            self._unanswered(d)

"""Conversation metrics: how two-way traffic went, per number and per account.

A conversation is a handset and one of the app's numbers. From every batch the store
committed (``Conversations.stored``) it takes the app's MT (from the number to the handset),
the handsets' MO (to the number) and when each MO was delivered to the app (its
deliver_sm_resp ESME_ROK); ``opted_out`` is told of each STOP. Over a window of time it
reports, per number and per account:

* ``mt`` and ``mo``: messages sent and received (a long message counts once);
* ``handsets_messaged``: handsets the app sent an MT to; ``handsets_replied``: those of them
  that sent an MO after such an MT; ``reply_rate`` is the second over the first;
* ``opt_outs``: handsets messaged that opted out (STOP) after an MT; ``opt_out_rate``;
* the app's response time: for each MO delivered to the app, the time until the app's next
  MT to that handset from that number (p50, p95, max over the answers in the window);
* ``mo_unanswered``: MO received in the window that the app has not answered yet (delivered
  or still on its way to the app).

Bounded: at most ``MAX_CONVERSATIONS`` conversations (the least recently active forgotten
first), windows of at most ``MAX_WINDOW`` seconds, and per (account, number) the times of
the latest ``MAX_EVENTS`` MT, MO and answers each (a window reaching further back in a
load run counts only those). Totals since start-up (for /metrics) survive a reset; what a
window reports does not.

Pure: times come from the records; nothing here reads a clock.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from pdu import MessageState

from ..metrics import Histogram
from ..model import Direction, Message
from ..store import Batch

__all__ = [
    "MAX_EVENTS",
    "MAX_WINDOW",
    "RESPONSE_BUCKETS",
    "ConversationStats",
    "Conversations",
    "PairTotals",
]

MAX_CONVERSATIONS = 100_000
MAX_PAIRS = 1_000  # (account, number) pairs tracked; more are counted under OTHER
OTHER = "(other)"
MAX_WINDOW = 86_400.0
MAX_EVENTS = 100_000  # times kept per (account, number) of MT, MO and answers each
# The app's response time, seconds: a bot answers in well under a second, people in minutes.
RESPONSE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)


class _Waiting:
    """An MO forwarded to the app, not answered yet."""

    __slots__ = ("delivered", "message_id", "received")

    def __init__(self, received: float, message_id: str) -> None:
        self.received = received
        self.delivered: float | None = None  # its deliver_sm_resp ESME_ROK
        self.message_id = message_id


class _Conversation:
    __slots__ = (
        "account",
        "active",
        "handset",
        "last_concat",
        "last_mt",
        "mt_before_reply",
        "mt_before_stop",
        "number",
        "replied",
        "stopped",
        "waiting",
    )

    def __init__(self, handset: str, number: str, account: str, now: float) -> None:
        self.handset = handset
        self.number = number
        self.account = account  # the app's: of its MT, else of the MO's route
        self.active = now  # the latest time anything happened
        self.last_mt: float | None = None
        self.replied: float | None = None  # the handset's latest MO that followed an MT
        self.mt_before_reply: float | None = None  # ... and the MT it followed
        self.stopped: float | None = None
        self.mt_before_stop: float | None = None
        self.waiting: list[_Waiting] = []
        self.last_concat: tuple[Direction, int, int] | None = None  # long message being counted


class _Pair:
    """What one account did with one number: when each message was, response times, totals."""

    __slots__ = ("mo", "mo_total", "mt", "mt_total", "responses", "samples", "stops_total")

    def __init__(self) -> None:
        # The times of the latest MAX_EVENTS of each, oldest first.
        self.mt: deque[float] = deque(maxlen=MAX_EVENTS)
        self.mo: deque[float] = deque(maxlen=MAX_EVENTS)
        self.samples: deque[tuple[float, float]] = deque(maxlen=MAX_EVENTS)  # (at, seconds)
        self.responses = Histogram(RESPONSE_BUCKETS)
        self.mt_total = self.mo_total = self.stops_total = 0


@dataclass(slots=True)
class ConversationStats:
    """One number's or one account's conversations over a window."""

    mt: int = 0
    mo: int = 0
    handsets_messaged: int = 0
    handsets_replied: int = 0
    opt_outs: int = 0
    mo_unanswered: int = 0
    response_times: list[float] = field(default_factory=list)  # seconds, sorted

    @property
    def reply_rate(self) -> float | None:
        return self.handsets_replied / self.handsets_messaged if self.handsets_messaged else None

    @property
    def opt_out_rate(self) -> float | None:
        return self.opt_outs / self.handsets_messaged if self.handsets_messaged else None

    def percentile(self, p: float) -> float | None:
        """Nearest rank: the smallest time at or above ``p`` percent of the answers."""
        times = self.response_times
        if not times:
            return None
        return times[max(0, math.ceil(p / 100 * len(times)) - 1)]


@dataclass(frozen=True, slots=True)
class PairTotals:
    """Since start-up, for /metrics: never reset."""

    account: str
    number: str
    mt: int
    mo: int
    opt_outs: int
    mo_unanswered: int
    responses: Histogram


class Conversations:
    def __init__(self, *, network_account: str, max_conversations: int = MAX_CONVERSATIONS) -> None:
        self._network = network_account  # the network's own texts are not the app's
        self._max = max_conversations
        self._conversations: OrderedDict[tuple[str, str], _Conversation] = OrderedDict()
        self._pairs: dict[tuple[str, str], _Pair] = {}
        self._undelivered: dict[str, _Conversation] = {}  # MO message id -> its conversation

    # -- what happened ----------------------------------------------------------------------

    def stored(self, batch: Batch) -> None:
        """A committed batch: its new messages and its MO delivered to an app."""
        # The common case inline (the server's hot path runs through here): a one-part MT
        # in a conversation already known, with nothing waiting for an answer. Addresses
        # with a leading '+' miss here and are normalised in _mt.
        conversations = self._conversations
        move = conversations.move_to_end
        mt_direction = Direction.MT
        network = self._network
        last_account = last_number = None
        pair: _Pair | None = None
        for m in batch.messages:
            if m.direction is not mt_direction:
                self._mo(m)
                continue
            account = m.account
            if account == network:
                continue
            number = m.source_addr
            key = (m.destination_addr, number)
            c = conversations.get(key)
            if c is None or c.waiting or m.part_total > 1 or c.account != account:
                self._mt(m)
                continue
            t = m.submit_time
            move(key)
            c.active = c.last_mt = t  # a batch's messages come in the order they arrived
            c.last_concat = None
            if pair is None or number != last_number or account != last_account:
                last_account, last_number = account, number
                pair = self._pair(account, number)
            pair.mt_total += 1
            pair.mt.append(t)
        undelivered = self._undelivered
        if undelivered:
            for change in batch.state_changes:
                c = undelivered.pop(change.message_id, None)
                if c is not None and change.state is MessageState.DELIVERED:
                    for w in c.waiting:
                        if w.message_id == change.message_id:
                            w.delivered = change.time

    def _conversation(self, handset: str, number: str, account: str, t: float) -> _Conversation:
        key = (handset.removeprefix("+"), number.removeprefix("+"))
        conversations = self._conversations
        c = conversations.get(key)
        if c is None:
            c = conversations[key] = _Conversation(key[0], key[1], account, t)
            if len(conversations) > self._max:
                _, old = conversations.popitem(last=False)
                for w in old.waiting:
                    self._undelivered.pop(w.message_id, None)
        else:
            conversations.move_to_end(key)
            c.active = max(c.active, t)
        return c

    def _pair(self, account: str, number: str) -> _Pair:
        pair = self._pairs.get((account, number))
        if pair is None:
            if len(self._pairs) >= MAX_PAIRS:
                number = OTHER
            pair = self._pairs.setdefault((account, number), _Pair())
        return pair

    def _first_of(self, c: _Conversation, m: Message) -> bool:
        """Whether ``m`` starts a message to count (a long one counts once, by whichever
        of its parts comes first)."""
        if m.part_total <= 1 or m.concat_ref is None:
            c.last_concat = None
            return True
        concat = (m.direction, m.concat_ref, m.part_total)
        if c.last_concat == concat:
            return False
        c.last_concat = concat
        return True

    def _mt(self, m: Message) -> None:
        t = m.submit_time
        c = self._conversation(m.destination_addr, m.source_addr, m.account, t)
        c.account = m.account
        pair = self._pair(m.account, c.number)
        if c.waiting:
            still: list[_Waiting] = []
            for w in c.waiting:
                if w.delivered is not None and w.delivered <= t:
                    pair.samples.append((t, t - w.delivered))
                    pair.responses.observe(t - w.delivered)
                else:
                    still.append(w)
            c.waiting = still
        if not self._first_of(c, m):
            return
        c.last_mt = t
        pair.mt_total += 1
        pair.mt.append(t)

    def _mo(self, m: Message) -> None:
        t = m.submit_time
        c = self._conversation(m.source_addr, m.destination_addr, m.account, t)
        if not c.account:
            c.account = m.account
        if not self._first_of(c, m):
            return
        if c.last_mt is not None:
            c.replied = t
            c.mt_before_reply = c.last_mt
        pair = self._pair(c.account, c.number)
        pair.mo_total += 1
        pair.mo.append(t)
        # Forwarded to an app, which owes an answer, unless it is the STOP itself.
        if m.state is MessageState.ENROUTE and (c.stopped is None or c.stopped < t):
            c.waiting.append(_Waiting(t, m.message_id))
            self._undelivered[m.message_id] = c

    def opted_out(self, handset: str, number: str, now: float) -> None:
        """The handset sent ``number`` a STOP (compliance acted on it): the app can no
        longer answer it, so nothing of it is owed an answer, the STOP included."""
        c = self._conversation(handset, number, "", now)
        c.stopped = now
        c.mt_before_stop = c.last_mt
        for w in c.waiting:
            self._undelivered.pop(w.message_id, None)
        c.waiting = []
        pair = self._pair(c.account, c.number)
        pair.stops_total += 1

    def reset(self) -> None:
        """Forget the conversations (between tests); the totals since start-up stay."""
        self._conversations.clear()
        self._undelivered.clear()
        for pair in self._pairs.values():
            pair.mt.clear()
            pair.mo.clear()
            pair.samples.clear()

    # -- what it adds up to ---------------------------------------------------------------

    def report(
        self, now: float, window: float
    ) -> tuple[dict[str, ConversationStats], dict[str, ConversationStats]]:
        """(per number, per account) over the ``window`` seconds up to ``now``."""
        since = now - min(window, MAX_WINDOW)
        numbers: dict[str, ConversationStats] = {}
        accounts: dict[str, ConversationStats] = {}

        def both(account: str, number: str) -> Iterable[ConversationStats]:
            yield numbers.setdefault(number, ConversationStats())
            yield accounts.setdefault(account, ConversationStats())

        for (account, number), pair in self._pairs.items():
            mt, mo = _since(pair.mt, since), _since(pair.mo, since)
            times = [s for at, s in pair.samples if at >= since]
            if mt or mo or times:
                for stats in both(account, number):
                    stats.mt += mt
                    stats.mo += mo
                    stats.response_times += times
        for c in reversed(self._conversations.values()):
            if c.active < since:
                break  # ordered by activity: every one before it is older still
            messaged = c.last_mt is not None and c.last_mt >= since
            unanswered = sum(1 for w in c.waiting if w.received >= since)
            if not messaged and not unanswered:
                continue
            replied = _after(c.replied, c.mt_before_reply, since)
            stopped = _after(c.stopped, c.mt_before_stop, since)
            for stats in both(c.account, c.number):
                stats.handsets_messaged += messaged
                stats.handsets_replied += messaged and replied
                stats.opt_outs += messaged and stopped
                stats.mo_unanswered += unanswered
        for stats in (*numbers.values(), *accounts.values()):
            stats.response_times.sort()
        return numbers, accounts

    def totals(self) -> list[PairTotals]:
        """Per (account, number) since start-up, for /metrics."""
        unanswered: dict[tuple[str, str], int] = {}
        for c in self._conversations.values():
            if c.waiting:
                key = (c.account, c.number)
                unanswered[key] = unanswered.get(key, 0) + len(c.waiting)
        return [
            PairTotals(
                account,
                number,
                pair.mt_total,
                pair.mo_total,
                pair.stops_total,
                unanswered.get((account, number), 0),
                pair.responses,
            )
            for (account, number), pair in sorted(self._pairs.items())
        ]


def _after(event: float | None, mt: float | None, since: float) -> bool:
    """An event (a reply, a STOP) in the window that followed an MT in the window."""
    return event is not None and event >= since and mt is not None and mt >= since


def _since(times: deque[float], since: float) -> int:
    """How many of ``times`` (in the order they came, which is nearly time order) are at or
    after ``since``: counted from the newest until one is older."""
    n = 0
    for t in reversed(times):
        if t < since:
            break
        n += 1
    return n

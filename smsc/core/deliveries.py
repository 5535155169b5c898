"""Deliveries owed to ESMEs (receipts and MO as deliver_sm/data_sm): made, answered, retried.

A delivery stays pending until an ESME answers it with ESME_ROK or a permanent error; a
temporary error or no answer within response_timeout schedules another attempt with the
configured backoff. Which bind gets it is ``Receivers``' decision.
"""

from __future__ import annotations

import copy
import logging
import random
from dataclasses import dataclass
from itertools import count

import pdu
from pdu import CommandStatus as S
from pdu import MessageState, Pdu

from ..config import Timers
from ..faults import Faults
from ..model import Delivery, DeliveryKind, StateChange
from ..retrylog import RetrySummary
from ..scheduler import Scheduler
from ..smpp.session import ResponseReceived
from ..store import Reschedule
from .commit import GroupCommit
from .connection import Connection
from .receivers import Receivers
from .stats import Stats

__all__ = ["Deliveries", "RetryDue"]

log = logging.getLogger("smsc.core")

# deliver_sm_resp statuses after which we try again later (facts 4.1, ESME side).
TEMPORARY = frozenset((S.ESME_RX_T_APPN, S.ESME_RMSGQFUL, S.ESME_RTHROTTLED, S.ESME_RSYSERR))
PERMANENT = frozenset((S.ESME_RX_P_APPN, S.ESME_RX_R_APPN))


@dataclass(slots=True)
class RetryDue:
    """Scheduled: a delivery's next attempt."""

    delivery: Delivery


class Deliveries:
    __slots__ = (
        "_commit",
        "_faults",
        "_ids",
        "_receivers",
        "_rng",
        "_scheduler",
        "_stats",
        "_timers",
        "durable",
        "retry_log",
    )

    def __init__(
        self,
        *,
        first_id: int,
        durable: bool,
        commit: GroupCommit,
        receivers: Receivers,
        faults: Faults,
        scheduler: Scheduler[object],
        timers: Timers,
        rng: random.Random,
        stats: Stats,
    ) -> None:
        self._ids = count(first_id)
        self.durable = durable
        self._commit = commit
        self._receivers = receivers
        self._faults = faults
        self._scheduler = scheduler
        self._timers = timers
        self._rng = rng
        self._stats = stats
        self.retry_log = RetrySummary()  # the adapter flushes it when due()

    def new(
        self,
        account: str,
        kind: DeliveryKind,
        request: Pdu,
        now: float,
        message_id: str | None,
        *,
        encoded: bytes | None = None,
    ) -> Delivery:
        """Owe ``request`` to ``account``'s receiver binds (stored, then offered)."""
        if self._faults.active:
            # A network resending: the same PDU again, as deliveries of their own.
            field = "source_addr" if kind is DeliveryKind.RECEIPT else "destination_addr"
            copies = self._faults.duplicates(account, getattr(request, field, ""), self._rng)
            for _ in range(copies):
                self._make(account, kind, copy.copy(request), now, message_id, None)
        return self._make(account, kind, request, now, message_id, encoded)

    def _make(
        self,
        account: str,
        kind: DeliveryKind,
        request: Pdu,
        now: float,
        message_id: str | None,
        encoded: bytes | None,
    ) -> Delivery:
        blob = b""  # only a durable store keeps the encoded request
        if self.durable:
            blob = encoded if encoded is not None else pdu.encode(request)
        d = Delivery(
            delivery_id=next(self._ids),
            account=account,
            kind=kind,
            pdu=blob,
            created=now,
            next_attempt=now,
            message_id=message_id,
        )
        d.request = request
        self._commit.add_delivery(d, now)
        return d

    def answered(self, c: Connection, ev: ResponseReceived, now: float) -> None:
        """The ESME answered one of our requests on ``c``."""
        resp = ev.response
        key = (resp.command_id, resp.command_status)
        stats = self._stats
        stats.responses_received[key] = stats.responses_received.get(key, 0) + 1
        d = ev.context
        if not isinstance(d, Delivery):
            return  # enquire_link, unbind: the session's own
        stats.delivery_latency.observe(now - ev.sent)
        status = resp.command_status
        batch = self._commit.batch
        if status == 0:
            stats.counters["delivered_to_esme"] += 1
            batch.acked.append(d.delivery_id)
            if d.kind is DeliveryKind.MO and d.message_id is not None:
                batch.state_changes.append(StateChange(d.message_id, MessageState.DELIVERED, now))
        elif status in PERMANENT:
            log.info("delivery %d refused by %s: %s", d.delivery_id, c.system_id, S(status).name)
            batch.acked.append(d.delivery_id)
        else:
            self.failed(d, now, S(status).name)
        self._receivers.answered(c, now)

    def written(self, d: Delivery) -> None:
        """``d`` was written to an ESME and no response will come (alert_notification)."""
        self._commit.batch.acked.append(d.delivery_id)

    def failed(self, d: object, now: float, why: str) -> None:
        """An attempt failed for a temporary reason (``why``): try again after the backoff."""
        if not isinstance(d, Delivery):
            return
        delay = self._timers.retry_delay(max(d.attempts, 1))
        d.next_attempt = now + delay
        self._commit.batch.rescheduled.append(Reschedule(d.delivery_id, d.attempts, d.next_attempt))
        log.debug("delivery %d: %s; retry in %.1fs", d.delivery_id, why, delay)
        for line in self.retry_log.add(d.account, why, now):  # one line per account a while
            log.info("%s", line)
        self._scheduler.at(d.next_attempt, RetryDue(d))

    def retry_due(self, item: RetryDue, now: float) -> None:
        self._receivers.offer(item.delivery, now)

    def next_id(self) -> int:
        """An id above every delivery made so far (a reset forgets every id below it)."""
        return next(self._ids)

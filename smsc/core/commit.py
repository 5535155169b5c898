"""Group commit: what waits for the store before the ESME may hear of it.

Every change goes into the current ``Batch``. With a durable store a response that
acknowledges a message (submit_sm_resp and the like) is held until the batch holding that
message is committed, and a receipt or MO is offered to an ESME only once its delivery row is
committed: an acknowledged message survives SIGKILL. The adapter writes one batch at a time;
what arrives meanwhile forms the next batch, so the hot path never waits on a row. A failed
write refuses only that batch's new submissions and carries everything else over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from pdu import CommandStatus as S
from pdu import Pdu

from ..faults import SubmitAction
from ..ids import submitted_id
from ..model import Broadcast, Delivery, Direction, Message
from ..scheduler import Scheduler
from ..store import Batch, StoreFullError
from .connection import Connection, Outbox
from .receivers import Receivers

__all__ = ["GroupCommit", "Held", "LateResponse"]

log = logging.getLogger("smsc.core")


@dataclass(slots=True)
class LateResponse:
    """Scheduled by a slow_response fault: a response sent late. Never dropped (not even by
    a reset): the ESME's request would otherwise stay unanswered."""

    connection: Connection
    response: Pdu


@dataclass
class Held:
    """What waits for ``batch`` to become durable."""

    batch: Batch
    responses: list[tuple[Connection, Pdu]] = field(default_factory=list)
    # Responses to send only after the batch's deliveries are offered (a receipt that goes
    # before its submit_sm_resp, yet never before its message is stored).
    after_deliveries: list[tuple[Connection, Pdu]] = field(default_factory=list)
    late: list[tuple[Connection, Pdu, float]] = field(default_factory=list)  # (.., due)
    deliveries: list[Delivery] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # new MT acknowledged by a response
    broadcasts: list[str] = field(default_factory=list)  # ids of new broadcasts, likewise


class GroupCommit:
    __slots__ = ("_held", "_outbox", "_receivers", "_scheduler", "batch", "durable")

    def __init__(
        self,
        *,
        durable: bool,
        outbox: Outbox,
        receivers: Receivers,
        scheduler: Scheduler[object],
    ) -> None:
        self.durable = durable
        self._outbox = outbox
        self._receivers = receivers
        self._scheduler = scheduler
        self.batch = Batch()  # the changes being collected; concerns append to its lists
        self._held = Held(self.batch)

    # -- what goes in --------------------------------------------------------------------

    def respond(
        self,
        c: Connection,
        resp: Pdu,
        now: float,
        plan: SubmitAction | None = None,
        *,
        after_deliveries: bool = False,
    ) -> None:
        """Answer a request whose effects are in the current batch: at once in memory mode,
        once committed with a durable store; ``plan`` is a fault's (late or never).
        ``after_deliveries``: only once the batch's receipts were offered (in memory mode
        they were, as they were made)."""
        if plan is not None:
            if not plan.respond:
                log.info(
                    "conn %d: response seq %d never sent (fault %d)",
                    c.id,
                    resp.sequence_number,
                    plan.fault_id,
                )
            elif self.durable:
                self._held.late.append((c, resp, now + plan.delay))
            else:
                self._scheduler.at(now + plan.delay, LateResponse(c, resp))
            return
        if self.durable:
            if after_deliveries:
                self._held.after_deliveries.append((c, resp))
            else:
                self._held.responses.append((c, resp))
        else:
            c.session.send(resp, now)

    def add_submitted(self, msg: Message) -> None:
        """A new MT that a response will acknowledge (refused again if its batch fails)."""
        self.batch.messages.append(msg)
        self._held.messages.append(msg)

    def add_broadcast(self, b: Broadcast, *, new: bool = False) -> None:
        """A broadcast as it is now; ``new``: one a response will acknowledge (refused again
        if its batch fails)."""
        self.batch.broadcasts.append(b)
        if new:
            self._held.broadcasts.append(b.message_id)

    def add_delivery(self, d: Delivery, now: float) -> None:
        """A receipt or MO owed to an ESME: offered once its row is stored."""
        self.batch.deliveries.append(d)
        if self.durable:
            self._held.deliveries.append(d)
        else:
            self._receivers.offer(d, now)

    def late_response_due(self, item: LateResponse, now: float) -> None:
        self._outbox.send(item.connection, item.response, now)

    # -- the adapter's side ------------------------------------------------------------

    def take(self) -> Held | None:
        """The changes since the last call, to write; None when there are none."""
        if not self.batch:
            return None
        held = self._held
        self.batch = Batch()
        self._held = Held(self.batch)
        return held

    def done(self, held: Held, now: float, error: Exception | None = None) -> set[str]:
        """The adapter wrote ``held.batch`` (or failed to): release what waited on it.
        Returns the ids of the MT and broadcasts refused because their batch was not
        stored."""
        if error is None:
            for c, resp in held.responses:
                self._outbox.send(c, resp, now)
            for c, resp, due in held.late:
                self._scheduler.at(max(due, now), LateResponse(c, resp))
            self._receivers.offer_all(held.deliveries, now)
            for c, resp in held.after_deliveries:
                self._outbox.send(c, resp, now)
            return set()
        # Nothing of the batch is stored: its new submissions are refused after all (never a
        # silent drop), and everything else is carried into the next batch to be retried.
        status = S.ESME_RMSGQFUL if isinstance(error, StoreFullError) else S.ESME_RSYSERR
        log.error("store write failed (%s): answering %s", error, status.name)
        refused = {m.message_id for m in held.messages if m.direction is Direction.MT}
        refused_ids = {submitted_id(message_id) for message_id in refused}
        refused_ids.update(held.broadcasts)
        answers = held.responses + held.after_deliveries + [(c, r) for c, r, _ in held.late]
        for c, resp in answers:
            if getattr(resp, "message_id", None) in refused_ids:
                resp.command_status = status
            self._outbox.send(c, resp, now)
        failed, nxt = held.batch, self.batch
        nxt.messages[:0] = [m for m in failed.messages if m.message_id not in refused]
        nxt.state_changes[:0] = [x for x in failed.state_changes if x.message_id not in refused]
        nxt.deliveries[:0] = [d for d in failed.deliveries if d.message_id not in refused]
        nxt.rescheduled[:0] = failed.rescheduled
        nxt.acked[:0] = failed.acked
        nxt.replaced[:0] = failed.replaced
        nxt.broadcasts[:0] = [b for b in failed.broadcasts if b.message_id not in refused_ids]
        nxt.max_message_number = max(nxt.max_message_number, failed.max_message_number)
        self._held.deliveries[:0] = [d for d in held.deliveries if d.message_id not in refused]
        return refused | set(held.broadcasts)

    def reset(self, now: float) -> None:
        """Forget the uncommitted changes (the store is being emptied) but answer every
        request they held: responses now, late ones at their time."""
        held = self._held
        for c, resp in held.responses + held.after_deliveries:
            self._outbox.send(c, resp, now)
        for c, resp, due in held.late:
            self._scheduler.at(max(due, now), LateResponse(c, resp))
        self.batch = Batch()
        self._held = Held(self.batch)

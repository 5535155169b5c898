"""The life of an accepted MT: its final state, its receipts, and query/cancel/replace.

``accept`` opens a message and schedules the final state its outcome says (``FinalDue``);
``finalize`` records that state, tells the caller when the handset got it (``on_delivered``:
loop-back MO and simulated handsets live elsewhere) and owes the ESME its receipt. A later
timer for the same message (replace_sm with new times) supersedes the earlier one.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pdu
from carriers.config import normalize_number
from carriers.outcome import Outcome, OutcomeModel
from pdu import CommandStatus as S
from pdu import MessageState, Pdu
from pdu import receipt as receipt_text
from pdu.smpptime import format_absolute

from ..accounts import Accounts
from ..config import AccountConfig, ReceiptPdu, ReceiptPer, Timers
from ..faults import Faults
from ..ids import MessageIdFormat, convert, submitted_id
from ..model import DeliveryKind, Direction, Message, StateChange
from ..receipts import build_receipt, intermediate_wanted, receipt_wanted
from ..scheduler import Scheduler
from ..store import Store, StoreError
from ..validate import resolve_times
from .alerts import Alerts, dpf_requested
from .commit import GroupCommit
from .deliveries import Deliveries
from .stats import Stats
from .submission import concat_status, decode_parts

__all__ = ["FinalDue", "LateReceipt", "Lifecycle", "ReceiptWay"]

# A handset switched back on: the retry that finds it delivers at once.
DELIVERED_NOW = Outcome(MessageState.DELIVERED, 0, 0.0)


@dataclass(slots=True, eq=False)
class FinalDue:
    """Scheduled: the message reaches its final state (unless superseded or cancelled)."""

    message_id: str
    state: MessageState


@dataclass(frozen=True, slots=True)
class ReceiptWay:
    """How an account's receipts are made: the account's settings, read once."""

    style: receipt_text.Style = receipt_text.APPENDIX_B
    submit_format: MessageIdFormat = MessageIdFormat.DECIMAL
    id_format: MessageIdFormat | None = None  # None: the id the ESME was given
    as_data_sm: bool = False
    per_message: bool = False  # one receipt for a message sent in parts (its last part's)
    before_response: float = 0.0  # shares, see AccountConfig
    twice: float = 0.0

    @classmethod
    def of(cls, account: AccountConfig | None) -> ReceiptWay:
        if account is None:
            return cls()
        style = account.receipt_style
        id_format = account.receipt_id_format
        return cls(
            style=receipt_text.APPENDIX_B if style == receipt_text.APPENDIX_B else style,
            submit_format=account.message_id_format,
            id_format=None if id_format == account.message_id_format else id_format,
            as_data_sm=account.receipt_pdu is ReceiptPdu.DATA_SM,
            per_message=account.receipt_per is ReceiptPer.MESSAGE,
            before_response=account.receipt_before_response,
            twice=account.receipt_twice,
        )


@dataclass(slots=True)
class LateReceipt:
    """Scheduled by a receipt_delay fault: a receipt owed late."""

    account: str
    request: Pdu
    message_id: str


class Lifecycle:
    def __init__(
        self,
        *,
        store: Store,
        alerts: Alerts,
        accounts: Accounts,
        outcome: OutcomeModel,
        rng: random.Random,
        timers: Timers,
        scheduler: Scheduler[object],
        commit: GroupCommit,
        deliveries: Deliveries,
        faults: Faults,
        stats: Stats,
        on_delivered: Callable[[Message, float], None],
    ) -> None:
        self._store = store
        self._alerts = alerts
        self._accounts = accounts
        self._outcome = outcome
        self._rng = rng
        self._timers = timers
        self._scheduler = scheduler
        self._commit = commit
        self._deliveries = deliveries
        self._faults = faults
        self._stats = stats
        self._on_delivered = on_delivered
        self.open_messages: dict[str, Message] = {}
        self._due: dict[str, FinalDue] = {}  # message_id -> its live final-state timer
        # Open messages that found their handset absent, by handset (digits): delivered at
        # once if the handset is switched back on (handset_back) before their time comes.
        self._absent: dict[str, set[str]] = {}
        self._ways: dict[str, ReceiptWay] = {}  # per account; accounts never change

    # -- opening and closing -------------------------------------------------------------

    def accept(self, msg: Message, outcome: Outcome, now: float) -> bool:
        """A new MT, acknowledged to the ESME: open until ``outcome`` says otherwise.

        True when its receipt is to go before the response (the account's
        ``receipt_before_response`` share): it reached its final state at once, and its
        receipt is owed already."""
        self._stats.counters["submitted"] += 1
        self.open_messages[msg.message_id] = msg
        way = self._way(msg.account)
        early = bool(
            way.before_response
            and msg.schedule_time is None
            and receipt_wanted(msg.registered_delivery, outcome.state)
            and self._rng.random() < way.before_response
        )
        # The store's first history entry is the state as submitted: an early final state
        # must not reach it through the shared record.
        self._commit.add_submitted(copy.copy(msg) if early else msg)
        if outcome.absent and dpf_requested(msg):
            self._alerts.absent(msg)
        if intermediate_wanted(msg.registered_delivery):
            self._receipt(msg, MessageState.ENROUTE, now, way, intermediate=True)
        if early:
            msg.error_code = outcome.error_code
            self._finalize(msg, outcome.state, now)
            return True
        self._schedule_final(msg, outcome, now)
        if outcome.absent:
            self._wait(msg)
        return False

    def recover(self, messages: Iterable[Message], now: float) -> None:
        """Open MT left by a previous run: outcomes drawn again, from now."""
        for msg in messages:
            self.open_messages[msg.message_id] = msg
            outcome = self._outcome.outcome(msg, now, self._rng)
            if outcome.absent and dpf_requested(msg):
                self._alerts.absent(msg)
            self._schedule_final(msg, outcome, now)
            if outcome.absent:
                self._wait(msg)

    def handset_back(self, handset: str, now: float) -> int:
        """``handset`` (digits) is reachable again: its messages waiting because it was
        absent are delivered now (their alert first, where one is owed); how many."""
        waiting = self._absent.pop(handset, ())
        for message_id in sorted(waiting):  # sorted: the same order on every replay
            # Only open messages are listed: _finalize and forget take theirs out.
            self._schedule_final(self.open_messages[message_id], DELIVERED_NOW, now)
        return len(waiting)

    def _schedule_final(self, msg: Message, outcome: Outcome, now: float) -> None:
        start = msg.schedule_time if msg.schedule_time is not None else msg.submit_time
        due = max(start, now) + outcome.delay
        msg.error_code = outcome.error_code
        state = outcome.state
        if msg.expiry_time is not None and due > msg.expiry_time:
            state = MessageState.EXPIRED
            due = max(msg.expiry_time, now)
        item = FinalDue(msg.message_id, state)
        self._due[msg.message_id] = item  # replaces (supersedes) an earlier timer
        self._scheduler.at(due, item)

    def final_due(self, item: FinalDue, now: float) -> None:
        if self._due.get(item.message_id) is item:
            msg = self.open_messages.get(item.message_id)
            if msg is not None:
                self._finalize(msg, item.state, now)

    def _finalize(self, msg: Message, state: MessageState, now: float) -> None:
        del self.open_messages[msg.message_id]
        self._due.pop(msg.message_id, None)
        if self._absent:
            self._unwait(msg)
        msg.state = state
        msg.done_time = now
        self._commit.batch.state_changes.append(
            StateChange(msg.message_id, state, now, msg.error_code)
        )
        delivered = state is MessageState.DELIVERED
        if self._alerts.waiting:
            self._alerts.ended(msg, delivered, now)  # the alert goes ahead of the receipt
        if delivered and msg.direction is Direction.MT:
            self._on_delivered(msg, now)
        if receipt_wanted(msg.registered_delivery, state):
            way = self._way(msg.account)
            if not way.per_message or msg.part_number == msg.part_total:
                self._receipt(msg, state, now, way)

    def forget(self, message_ids: Iterable[str]) -> None:
        """These messages were refused after all (their batch could not be stored)."""
        for message_id in message_ids:
            msg = self.open_messages.pop(message_id, None)
            self._due.pop(message_id, None)
            if msg is not None and self._absent:
                self._unwait(msg)
            if msg is not None and self._alerts.waiting:
                self._alerts.ended(msg, False, 0.0)

    def _wait(self, msg: Message) -> None:
        """``msg`` found its handset absent: listed for handset_back."""
        self._absent.setdefault(normalize_number(msg.destination_addr), set()).add(msg.message_id)

    def _unwait(self, msg: Message) -> None:
        handset = normalize_number(msg.destination_addr)
        waiting = self._absent.get(handset)
        if waiting is not None:
            waiting.discard(msg.message_id)
            if not waiting:
                del self._absent[handset]

    def reset(self) -> None:
        """Forget every open message; their timers, when they fire, find nothing."""
        self.open_messages.clear()
        self._due.clear()
        self._absent.clear()

    # -- receipts ------------------------------------------------------------------------

    def _way(self, system_id: str) -> ReceiptWay:
        way = self._ways.get(system_id)
        if way is None:
            way = self._ways[system_id] = ReceiptWay.of(self._accounts.get(system_id))
        return way

    def _receipt(
        self,
        msg: Message,
        state: MessageState,
        now: float,
        way: ReceiptWay,
        *,
        intermediate: bool = False,
    ) -> None:
        receipted_id = None
        if way.id_format is not None:
            receipted_id = convert(submitted_id(msg.message_id), way.submit_format, way.id_format)
        request = build_receipt(
            msg,
            state,
            now,
            style=way.style,
            receipted_id=receipted_id,
            as_data_sm=way.as_data_sm,
            intermediate=intermediate,
        )
        self._stats.counters["receipts"] += 1
        if self._faults.active and not intermediate:
            extra = self._faults.receipt_delay(msg.account, msg.destination_addr, self._rng)
            if extra:
                if extra != math.inf:  # else lost: the state is final, the ESME never hears
                    late = LateReceipt(msg.account, request, msg.message_id)
                    self._scheduler.at(now + extra, late)
                return
        if way.twice and self._rng.random() < way.twice:
            # The carrier sends it again: a delivery of its own, right behind the first.
            again = copy.copy(request)
            self._deliveries.new(msg.account, DeliveryKind.RECEIPT, again, now, msg.message_id)
        self._deliveries.new(msg.account, DeliveryKind.RECEIPT, request, now, msg.message_id)

    def late_receipt_due(self, item: LateReceipt, now: float) -> None:
        self._deliveries.new(item.account, DeliveryKind.RECEIPT, item.request, now, item.message_id)

    # -- query, cancel, replace ----------------------------------------------------------

    def _find(self, message_id: str, system_id: str) -> Message | None:
        """The account's message by the id the ESME was given (a submit_multi's id names its
        first destination)."""
        msg = self.open_messages.get(message_id) or self.open_messages.get(message_id + "/0")
        if msg is None:
            try:
                msg = self._store.get_message(message_id) or self._store.get_message(
                    message_id + "/0"
                )
            except StoreError:
                return None
        if msg is None or msg.account != system_id:
            return None
        return msg

    def query_sm(self, system_id: str, p: pdu.QuerySm) -> pdu.QuerySmResp:
        msg = self._find(p.message_id, system_id)
        if msg is None or (p.source_addr and p.source_addr != msg.source_addr):
            return pdu.QuerySmResp(
                sequence_number=p.sequence_number, command_status=S.ESME_RQUERYFAIL
            )
        final_date = ""
        if msg.done_time is not None and msg.state.is_final:
            final_date = format_absolute(datetime.fromtimestamp(msg.done_time, UTC))
        return pdu.QuerySmResp(
            message_id=p.message_id,
            final_date=final_date,
            message_state=int(msg.state),
            error_code=msg.error_code & 0xFF,
            sequence_number=p.sequence_number,
        )

    def cancel_sm(self, system_id: str, p: pdu.CancelSm, now: float) -> pdu.CancelSmResp:
        """The response; ESME_ROK means the cancellation is in the current batch."""
        if p.message_id:
            msg = self._find(p.message_id, system_id)
            targets = [msg] if msg is not None else []
        else:
            targets = [
                m
                for m in self.open_messages.values()
                if m.account == system_id
                and m.source_addr == p.source_addr
                and m.destination_addr == p.destination_addr
                and (not p.service_type or m.service_type == p.service_type)
            ]
        targets = [
            m
            for m in targets
            if m.message_id in self.open_messages
            and (not p.source_addr or m.source_addr == p.source_addr)
        ]
        if not targets:
            return pdu.CancelSmResp(
                sequence_number=p.sequence_number, command_status=S.ESME_RCANCELFAIL
            )
        for msg in targets:
            self._finalize(msg, MessageState.DELETED, now)
        return pdu.CancelSmResp(sequence_number=p.sequence_number)

    def replace_sm(self, system_id: str, p: pdu.ReplaceSm, now: float) -> pdu.ReplaceSmResp:
        """The response; ESME_ROK means the replacement is in the current batch."""
        msg = self._find(p.message_id, system_id)
        status = 0
        if (
            msg is None
            or msg.message_id not in self.open_messages
            or (p.source_addr and p.source_addr != msg.source_addr)
        ):
            status = S.ESME_RREPLACEFAIL
        schedule = expiry = None
        if not status and (p.schedule_delivery_time or p.validity_period):
            status, schedule, expiry = resolve_times(
                p.schedule_delivery_time, p.validity_period, now, self._timers.default_validity
            )
        if not status and msg is not None:
            status = concat_status(msg.esm_class, p.short_message, p)[0]
        if status or msg is None:
            return pdu.ReplaceSmResp(
                sequence_number=p.sequence_number, command_status=status or S.ESME_RREPLACEFAIL
            )
        msg.short_message = p.short_message
        msg.registered_delivery = p.registered_delivery
        msg.submit_time = now  # receipts report the time of replacement (facts 6.2)
        decode_parts(msg, p)
        if schedule is not None or expiry is not None:
            msg.schedule_time = schedule
            msg.expiry_time = expiry
            self._schedule_final(msg, self._outcome.outcome(msg, now, self._rng), now)
        self._commit.batch.replaced.append(msg)
        return pdu.ReplaceSmResp(sequence_number=p.sequence_number)

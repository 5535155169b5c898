"""The SMSC itself, sans-I/O: binds, every ESME operation, receipts, store-and-forward.

The Twisted adapter (``smsc.server``) feeds it bytes, timer ticks and store completions with
``now``; the core answers through each connection's ``Session`` and reports which
connections have bytes to write. Randomness comes from one seeded ``random.Random``.

Durability ("group commit"): every change goes into the current ``Batch``. With a durable
store, a submit_sm_resp is held until the batch holding its message is committed, and a
receipt or MO is offered to an ESME only once its delivery row is committed. The hot path
never waits on a single row: the adapter writes whole batches in a worker thread.
"""

from __future__ import annotations

import copy
import logging
import math
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count

import pdu
from carriers import (
    CarriersConfig,
    Compliance,
    HandsetSimulator,
    Network,
    Numbers,
    Reply,
    ScheduledReply,
    plan_mo,
)
from carriers.config import normalize_number
from carriers.outcome import Outcome, OutcomeModel
from pdu import CommandId as C
from pdu import CommandStatus as S
from pdu import MessageState, Pdu
from pdu import text as pdu_text
from pdu.reassembly import ConcatError, ConcatInfo, concat_info
from pdu.segment import CounterReferenceAllocator, SegmentError, SegmentMethod, segment
from pdu.smpptime import format_absolute
from pdu.udh import UdhError

from .accounts import Accounts
from .config import AccountConfig, BindType, MessageIdFormat, ReceiptPdu, ReceiptPer, ServerConfig
from .faults import Faults, SubmitAction
from .ids import MessageIdAllocator, format_id, part_id, submitted_id
from .metrics import Histogram
from .model import Delivery, DeliveryKind, Direction, Message, StateChange
from .receipts import build_receipt, intermediate_wanted, receipt_wanted
from .scheduler import Scheduler
from .smpp.session import (
    Bound,
    Closed,
    Event,
    ProtocolError,
    RequestTimedOut,
    ResponseReceived,
    Session,
    SessionConfig,
    UnbindRequested,
)
from .smpp.states import BindState, Role
from .store import Batch, Reschedule, Store, StoreError, StoreFullError
from .throttle import RateLimiter
from .validate import check_addresses, check_flags, resolve_times

log = logging.getLogger("smsc.core")

BIND_TYPES: dict[int, BindType] = {
    C.bind_transmitter: BindType.TRANSMITTER,
    C.bind_receiver: BindType.RECEIVER,
    C.bind_transceiver: BindType.TRANSCEIVER,
}
BIND_RESP: dict[
    int, type[pdu.BindTransmitterResp | pdu.BindReceiverResp | pdu.BindTransceiverResp]
] = {
    C.bind_transmitter: pdu.BindTransmitterResp,
    C.bind_receiver: pdu.BindReceiverResp,
    C.bind_transceiver: pdu.BindTransceiverResp,
}
# deliver_sm_resp statuses after which we try again later (facts 4.1, ESME side).
TEMPORARY = frozenset((S.ESME_RX_T_APPN, S.ESME_RMSGQFUL, S.ESME_RTHROTTLED, S.ESME_RSYSERR))
PERMANENT = frozenset((S.ESME_RX_P_APPN, S.ESME_RX_R_APPN))
ANY_ACCOUNT = ""  # delivery queue key for MO in development mode: any receiver bind
NETWORK_ACCOUNT = "-network"  # owner of the texts the network itself sends (STOP replies)
MAX_ADDR = 20  # source_addr / destination_addr are C-Octet Strings of at most 21 octets


class MoError(ValueError):
    """A handset message the harness cannot send as asked (empty text, bad address, ...)."""


@dataclass(eq=False)
class Connection:
    """One TCP connection as the core sees it."""

    id: int
    session: Session
    peer: str
    account: AccountConfig | None = None
    system_id: str = ""
    can_receive: bool = False  # bound as receiver or transceiver
    closed: bool = False
    late: SubmitAction | None = None  # a fault's plan for the response being built
    drop_after: int = 0  # a fault closes the session after this many more PDUs (0: never)


@dataclass(slots=True, eq=False)
class _Final:
    """Scheduled: the message reaches its final state (unless superseded or cancelled)."""

    message_id: str
    state: MessageState


@dataclass(slots=True)
class _Retry:
    delivery: Delivery


@dataclass(slots=True)
class _HandsetReply:
    """Scheduled: a simulated handset's reply to an MT reaches the SMSC; ``part`` is None
    for the first arrival (routing is decided then), else the index of a later part."""

    reply: ScheduledReply
    part: int | None = None
    account: str | None = None
    deliver: bool = True


@dataclass(slots=True)
class _LateResponse:
    """Scheduled by a slow_response fault: a response sent late."""

    connection: Connection
    response: Pdu


@dataclass(slots=True)
class _LateReceipt:
    """Scheduled by a receipt_delay fault: a receipt queued late."""

    account: str
    request: Pdu
    message_id: str


@dataclass
class Held:
    """Responses waiting for a batch to become durable."""

    batch: Batch
    responses: list[tuple[Connection, Pdu]] = field(default_factory=list)
    late: list[tuple[Connection, Pdu, float]] = field(default_factory=list)  # (.., due)
    deliveries: list[Delivery] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)


class Smsc:
    def __init__(
        self,
        config: ServerConfig,
        *,
        store: Store,
        durable: bool,
        now: float,
        outcome: OutcomeModel | None = None,
        rng: random.Random | None = None,
        carriers: CarriersConfig | None = None,
    ) -> None:
        self.config = config
        self.accounts = Accounts.from_config(config)
        self.store = store
        self.durable = durable
        # The simulated networks: numbers and keywords decide where MO goes and what the
        # network answers (STOP/HELP/START); the network decides what happens to MT.
        self.carriers = carriers or CarriersConfig()
        self.numbers = Numbers(self.carriers)
        self.compliance = Compliance(
            self.numbers,
            opt_outs=store.pair_set("stop"),
            subscriptions=store.pair_set("subscribed"),
        )
        self.network = Network(
            self.carriers, compliance=self.compliance, default_delay=config.timers.receipt_delay
        )
        self.handsets = HandsetSimulator(self.carriers, self.network)
        self.outcome: OutcomeModel = outcome or self.network
        self.rng = rng or random.Random(config.seed)
        self.faults = Faults(config.faults)  # on demand; see smsc.faults
        self.ids = MessageIdAllocator(now)
        self.connections: dict[int, Connection] = {}
        self._conn_ids = count(1)
        self._delivery_ids = count(store.next_delivery_id())
        self._scheduler: Scheduler[
            _Final | _Retry | _HandsetReply | _LateResponse | _LateReceipt
        ] = Scheduler()
        self.open_messages: dict[str, Message] = {}
        self._due: dict[str, _Final] = {}  # message_id -> its live final-state timer
        self._queues: dict[str, deque[Delivery]] = {}
        self._rr: dict[str, int] = {}
        self._saturated: set[str] = set()  # queue keys whose binds all have full windows
        self._rx_binds: dict[str, list[Connection]] = {}
        self._limiters: dict[str, RateLimiter] = {}
        self._batch = Batch()
        self._held = Held(self._batch)
        self._dirty: dict[int, Connection] = {}
        self.counters: dict[str, int] = {
            "submitted": 0,
            "receipts": 0,
            "mo": 0,
            "delivered_to_esme": 0,
            "throttled": 0,
        }
        # deliver_sm/data_sm sent -> ESME's response, in seconds (the ESME's speed).
        self.delivery_latency = Histogram()
        self.responses_received: dict[tuple[int, int], int] = {}  # (command_id, status) -> n
        self._mo_refs = CounterReferenceAllocator()
        self._reset_mark = 0  # deliveries with a smaller id were forgotten by reset()
        t = config.timers
        self._session_config = SessionConfig(
            role=Role.SMSC,
            response_timeout=t.response_timeout,
            session_init_timeout=t.session_init_timeout,
            enquire_link_interval=t.enquire_link_interval,
            inactivity_timeout=t.inactivity_timeout,
            unbind_timeout=t.unbind_timeout,
            max_command_length=config.max_command_length,
            keep_raw=True,  # the message history shows each part's PDU as received
        )
        if self.accounts.development_mode:
            log.warning("development mode: no accounts configured, any system_id/password binds")
        self._recover(now)

    # -- start-up ------------------------------------------------------------------------

    def _recover(self, now: float) -> None:
        """Re-arm open messages and queue pending deliveries left by a previous run."""
        for msg in self.store.load_open_messages(now):
            self.open_messages[msg.message_id] = msg
            outcome = self.outcome.outcome(msg, now, self.rng)
            self._schedule_final(msg, outcome, now)
        for d in self.store.load_pending_deliveries():
            d.request = pdu.decode(d.pdu)
            self._queue(d)

    # -- connections ---------------------------------------------------------------------

    def connect(self, peer: str, now: float) -> Connection:
        session_config = self._session_config
        c = Connection(next(self._conn_ids), Session(session_config, now), peer)
        self.connections[c.id] = c
        return c

    def receive(self, c: Connection, data: bytes, now: float) -> None:
        events = c.session.receive_data(data, now)
        if c.drop_after:
            events = self._drop_after(c, events, now)
        self._handle(c, events, now)
        self._dirty[c.id] = c

    def session_timer(self, c: Connection, now: float) -> None:
        self._handle(c, c.session.handle_timer(now), now)
        self._dirty[c.id] = c

    def disconnected(self, c: Connection, now: float) -> None:
        if not c.closed:
            self._handle(c, c.session.connection_lost(), now)

    def take_output(self) -> list[Connection]:
        """Connections with bytes to write or that must be closed, since the last call."""
        out = list(self._dirty.values())
        self._dirty.clear()
        return out

    def _handle(self, c: Connection, events: list[Event], now: float) -> None:
        for ev in events:
            t = type(ev)
            if t is pdu.SubmitSm:
                if self.faults.active:
                    self._faulted(c, ev, now)  # type: ignore[arg-type]
                else:
                    self._submit_sm(c, ev, now)  # type: ignore[arg-type]
            elif t is ResponseReceived:
                self._delivery_answered(c, ev, now)  # type: ignore[arg-type]
            elif t is pdu.BindTransceiver or t is pdu.BindTransmitter or t is pdu.BindReceiver:
                self._bind(c, ev, now)  # type: ignore[arg-type]
            elif t is pdu.DataSm or t is pdu.SubmitMulti:
                if self.faults.active:
                    self._faulted(c, ev, now)  # type: ignore[arg-type]
                elif t is pdu.DataSm:
                    self._data_sm(c, ev, now)  # type: ignore[arg-type]
                else:
                    self._submit_multi(c, ev, now)  # type: ignore[arg-type]
            elif t is pdu.QuerySm:
                self._query_sm(c, ev)  # type: ignore[arg-type]
            elif t is pdu.CancelSm:
                self._cancel_sm(c, ev, now)  # type: ignore[arg-type]
            elif t is pdu.ReplaceSm:
                self._replace_sm(c, ev, now)  # type: ignore[arg-type]
            elif t is RequestTimedOut:
                self._delivery_failed(ev.context, now, "no response")  # type: ignore[union-attr]
            elif t is Closed:
                self._closed(c, ev, now)  # type: ignore[arg-type]
            elif t is ProtocolError:
                log.info("conn %d: %s", c.id, ev.error)  # type: ignore[union-attr]
            elif t is UnbindRequested:
                log.info("conn %d (%s): unbind", c.id, c.system_id)
            elif t is Bound:
                pass
            else:
                log.debug("conn %d: ignored %r", c.id, ev)

    # -- binds ---------------------------------------------------------------------------

    def _bind(self, c: Connection, p: pdu.BindTransceiver, now: float) -> None:
        cid = p.command_id
        resp_cls = BIND_RESP[cid]
        result = self.accounts.authenticate(p.system_id, p.password, BIND_TYPES[cid], c.peer, now)
        if not result.ok or result.account is None:
            log.info("conn %d: bind refused (%s): %s", c.id, result.status.name, result.reason)
            c.session.send(
                resp_cls(sequence_number=p.sequence_number, command_status=result.status), now
            )
            return
        if self.faults.active:
            status = self.faults.bind_fault(p.system_id, self.rng)
            if status:
                log.info("conn %d: bind refused by a fault (0x%08X)", c.id, status)
                c.session.send(
                    resp_cls(sequence_number=p.sequence_number, command_status=status), now
                )
                return
        account = result.account
        self.accounts.bind_opened(account)
        c.account = account
        c.system_id = account.system_id
        c.session.apply_limits(
            window_size=account.window_size,
            max_inbound_pending=account.max_outstanding,
            inbound_full_status=account.outstanding_status,
        )
        resp = resp_cls(
            system_id=self.config.system_id,
            sequence_number=p.sequence_number,
            sc_interface_version=0x34,
        )
        c.session.send(resp, now)
        log.info("conn %d: %s bound as %s", c.id, c.system_id, c.session.state.name)
        if self.faults.active:
            c.drop_after = self.faults.drop_after(c.system_id, self.rng)
        if account.throughput and c.system_id not in self._limiters:
            self._limiters[c.system_id] = RateLimiter.per_second(account.throughput)
        if cid != C.bind_transmitter:
            c.can_receive = True
            self._rx_binds.setdefault(c.system_id, []).append(c)
            self._saturated.discard(c.system_id)
            self._saturated.discard(ANY_ACCOUNT)
            self._pump(c.system_id, now)
            self._pump(ANY_ACCOUNT, now)

    def _closed(self, c: Connection, ev: Closed, now: float) -> None:
        c.closed = True
        self.connections.pop(c.id, None)
        log.info("conn %d (%s): closed: %s", c.id, c.system_id or "-", ev.reason)
        if c.account is not None:
            self.accounts.bind_closed(c.account)
        if c.can_receive:
            binds = self._rx_binds.get(c.system_id, [])
            if c in binds:
                binds.remove(c)
        # Unanswered deliveries of a lost session go back to the queue, at the front.
        for pending in reversed(ev.lost):
            d = pending.context
            if isinstance(d, Delivery):
                self._queue(d, front=True)
        self._dirty[c.id] = c
        if c.system_id:
            self._saturated.discard(c.system_id)
            self._saturated.discard(ANY_ACCOUNT)
            self._pump(c.system_id, now)
            self._pump(ANY_ACCOUNT, now)

    # -- submissions ---------------------------------------------------------------------

    def _submit_sm(self, c: Connection, p: pdu.SubmitSm, now: float) -> None:
        seq = p.sequence_number
        account = c.account
        assert account is not None
        status = check_addresses(
            p.source_addr_ton,
            p.source_addr_npi,
            p.dest_addr_ton,
            p.dest_addr_npi,
            p.destination_addr,
        )
        schedule: float | None = None
        expiry = 0.0
        if not status:
            status, schedule, expiry = self._check_submission(c, p, now)
        if status:
            c.session.send(pdu.SubmitSmResp(sequence_number=seq, command_status=status), now)
            return
        payload = p.short_message
        if not payload and p.message_payload is not None:
            payload = p.message_payload
        msg = self._new_message(
            account,
            p.source_addr_ton,
            p.source_addr_npi,
            p.source_addr,
            p.dest_addr_ton,
            p.dest_addr_npi,
            p.destination_addr,
            p.esm_class,
            p.data_coding,
            p.registered_delivery,
            payload,
            now,
            service_type=p.service_type,
            raw=getattr(p, "raw", b""),
            protocol_id=p.protocol_id,
            priority_flag=p.priority_flag,
            schedule=schedule,
            expiry=expiry,
        )
        status = self._concat(msg, p)
        if status:
            c.session.send(pdu.SubmitSmResp(sequence_number=seq, command_status=status), now)
            return
        outcome = self.outcome.outcome(msg, now, self.rng)
        if outcome.reject_status:
            c.session.send(
                pdu.SubmitSmResp(sequence_number=seq, command_status=outcome.reject_status), now
            )
            return
        self._accept(msg, outcome, now)
        self._respond(c, pdu.SubmitSmResp(msg.message_id, seq), now)

    def _data_sm(self, c: Connection, p: pdu.DataSm, now: float) -> None:
        seq = p.sequence_number
        account = c.account
        assert account is not None
        status = check_addresses(
            p.source_addr_ton,
            p.source_addr_npi,
            p.dest_addr_ton,
            p.dest_addr_npi,
            p.destination_addr,
        ) or check_flags(p.esm_class, p.registered_delivery, allow_forward_mode=True)
        if not status:
            status = self._check_source(account, p.source_addr)
        if not status:
            status = self._throttle(c, now)
        if status:
            c.session.send(pdu.DataSmResp(sequence_number=seq, command_status=status), now)
            return
        msg = self._new_message(
            account,
            p.source_addr_ton,
            p.source_addr_npi,
            p.source_addr,
            p.dest_addr_ton,
            p.dest_addr_npi,
            p.destination_addr,
            p.esm_class,
            p.data_coding,
            p.registered_delivery,
            p.message_payload or b"",
            now,
            service_type=p.service_type,
            raw=getattr(p, "raw", b""),
            schedule=None,
            expiry=now + self.config.timers.default_validity,
        )
        status = self._concat(msg, p)
        if not status:  # the network model is asked (and its generator drawn) only then
            outcome = self.outcome.outcome(msg, now, self.rng)
            status = outcome.reject_status
        if status:
            c.session.send(pdu.DataSmResp(sequence_number=seq, command_status=status), now)
            return
        self._accept(msg, outcome, now)
        self._respond(c, pdu.DataSmResp(message_id=msg.message_id, sequence_number=seq), now)

    def _submit_multi(self, c: Connection, p: pdu.SubmitMulti, now: float) -> None:
        seq = p.sequence_number
        account = c.account
        assert account is not None
        status, schedule, expiry = self._check_submission(c, p, now, len(p.dest_address))
        if status:
            c.session.send(pdu.SubmitMultiResp(sequence_number=seq, command_status=status), now)
            return
        payload = p.short_message or p.message_payload or b""
        status = _concat_status(p.esm_class, payload, p)
        if status:
            c.session.send(pdu.SubmitMultiResp(sequence_number=seq, command_status=status), now)
            return
        base = format_id(self.ids.next(), account.message_id_format is MessageIdFormat.HEX)
        unsuccess: list[pdu.UnsuccessSme] = []
        accepted: list[tuple[Message, Outcome]] = []
        for i, dest in enumerate(p.dest_address):
            if isinstance(dest, pdu.DistributionList):
                unsuccess.append(pdu.UnsuccessSme(0, 0, dest.dl_name, S.ESME_RINVDLNAME))
                continue
            ton, npi, addr = dest
            st = check_addresses(p.source_addr_ton, p.source_addr_npi, ton, npi, addr)
            if st:
                unsuccess.append(pdu.UnsuccessSme(ton, npi, addr, st))
                continue
            msg = self._new_message(
                account,
                p.source_addr_ton,
                p.source_addr_npi,
                p.source_addr,
                ton,
                npi,
                addr,
                p.esm_class,
                p.data_coding,
                p.registered_delivery,
                payload,
                now,
                service_type=p.service_type,
                raw=getattr(p, "raw", b""),
                protocol_id=p.protocol_id,
                priority_flag=p.priority_flag,
                schedule=schedule,
                expiry=expiry,
                message_id=part_id(base, i),
            )
            outcome = self.outcome.outcome(msg, now, self.rng)
            if outcome.reject_status:
                unsuccess.append(pdu.UnsuccessSme(ton, npi, addr, outcome.reject_status))
                continue
            accepted.append((msg, outcome))
        if not accepted:
            resp = pdu.SubmitMultiResp(
                message_id="",
                unsuccess_sme=unsuccess,
                sequence_number=seq,
                command_status=S.ESME_RSUBMITFAIL,
            )
            c.session.send(resp, now)
            return
        for msg, outcome in accepted:
            self._concat(msg, p)
            self._accept(msg, outcome, now)
        self._respond(
            c,
            pdu.SubmitMultiResp(message_id=base, unsuccess_sme=unsuccess, sequence_number=seq),
            now,
        )

    def _check_submission(
        self, c: Connection, p: pdu.SubmitSm | pdu.SubmitMulti, now: float, count: int = 1
    ) -> tuple[int, float | None, float]:
        """Flags, times, source and throughput of a submission: (status, schedule, expiry)."""
        assert c.account is not None
        default_validity = self.config.timers.default_validity
        status = check_flags(
            p.esm_class,
            p.registered_delivery,
            priority_flag=p.priority_flag,
            replace_if_present_flag=p.replace_if_present_flag,
            sm_default_msg_id=p.sm_default_msg_id,
        )
        schedule: float | None = None
        expiry = now + default_validity
        if not status and (p.schedule_delivery_time or p.validity_period):
            status, schedule, expiry = resolve_times(
                p.schedule_delivery_time, p.validity_period, now, default_validity
            )
        if not status:
            status = self._check_source(c.account, p.source_addr)
        if not status:
            status = self._throttle(c, now, count)
        return status, schedule, expiry

    def _check_source(self, account: AccountConfig, source_addr: str) -> int:
        if account.allowed_source_addresses is None or account.source_addr_allowed(source_addr):
            return 0
        return S.ESME_RINVSRCADR

    def _throttle(self, c: Connection, now: float, n: int = 1) -> int:
        limiter = self._limiters.get(c.system_id)
        if limiter is not None and not limiter.allow(now, n):
            self.counters["throttled"] += 1
            return S.ESME_RTHROTTLED
        return 0

    def _new_message(
        self,
        account: AccountConfig,
        source_addr_ton: int,
        source_addr_npi: int,
        source_addr: str,
        dest_addr_ton: int,
        dest_addr_npi: int,
        destination_addr: str,
        esm_class: int,
        data_coding: int,
        registered_delivery: int,
        payload: bytes,
        now: float,
        *,
        service_type: str = "",
        protocol_id: int = 0,
        priority_flag: int = 0,
        schedule: float | None,
        expiry: float,
        message_id: str | None = None,
        direction: Direction = Direction.MT,
        raw: bytes = b"",
    ) -> Message:
        if message_id is None:
            message_id = format_id(
                self.ids.next(), account.message_id_format is MessageIdFormat.HEX
            )
        return Message(
            message_id=message_id,
            direction=direction,
            account=account.system_id,
            source_addr_ton=source_addr_ton,
            source_addr_npi=source_addr_npi,
            source_addr=source_addr,
            dest_addr_ton=dest_addr_ton,
            dest_addr_npi=dest_addr_npi,
            destination_addr=destination_addr,
            esm_class=esm_class,
            data_coding=data_coding,
            registered_delivery=registered_delivery,
            short_message=payload,
            submit_time=now,
            service_type=service_type,
            protocol_id=protocol_id,
            priority_flag=priority_flag,
            schedule_time=schedule,
            expiry_time=expiry,
            raw_pdu=raw,
        )

    def _concat(self, msg: Message, p: Pdu) -> int:
        """Fill in concatenation info and the decoded text; a status if the parts are bad."""
        payload = msg.short_message
        status, info = _concat_info(msg.esm_class, payload, p)
        if status:
            return status
        if info is not None:
            msg.concat_ref = info.reference
            msg.part_number = info.seqnum
            msg.part_total = info.total
            payload = info.payload
        try:
            msg.text = pdu_text.decode(payload, msg.data_coding, "replace")
        except (pdu_text.TextError, TypeError):
            msg.text = None  # binary or an alphabet we do not decode
        return 0

    def _accept(self, msg: Message, outcome: Outcome, now: float) -> None:
        self.counters["submitted"] += 1
        self.open_messages[msg.message_id] = msg
        self._batch.messages.append(msg)
        self._held.messages.append(msg)
        if intermediate_wanted(msg.registered_delivery):
            self._receipt(
                msg, MessageState.ENROUTE, now, self.accounts.get(msg.account), intermediate=True
            )
        self._schedule_final(msg, outcome, now)

    def _schedule_final(self, msg: Message, outcome: Outcome, now: float) -> None:
        start = msg.schedule_time if msg.schedule_time is not None else msg.submit_time
        due = max(start, now) + outcome.delay
        msg.error_code = outcome.error_code
        state = outcome.state
        if msg.expiry_time is not None and due > msg.expiry_time:
            state = MessageState.EXPIRED
            due = max(msg.expiry_time, now)
        item = _Final(msg.message_id, state)
        self._due[msg.message_id] = item  # replaces (supersedes) an earlier timer
        self._scheduler.at(due, item)

    def _respond(self, c: Connection, resp: Pdu, now: float) -> None:
        late = c.late
        if late is not None:
            c.late = None
            if not late.respond:
                log.info(
                    "conn %d: response seq %d never sent (fault %d)",
                    c.id,
                    resp.sequence_number,
                    late.fault_id,
                )
            elif self.durable:
                self._held.late.append((c, resp, now + late.delay))
            else:
                self._scheduler.at(now + late.delay, _LateResponse(c, resp))
            return
        if self.durable:
            self._held.responses.append((c, resp))
        else:
            c.session.send(resp, now)

    # -- faults on demand (smsc.faults) -------------------------------------------------

    def _faulted(
        self, c: Connection, p: pdu.SubmitSm | pdu.DataSm | pdu.SubmitMulti, now: float
    ) -> None:
        """A submission while faults are active: refused by one, or handled as usual with
        its response sent late or never (``c.late``, read by ``_respond``)."""
        if type(p) is pdu.SubmitMulti:
            first = p.dest_address[0] if p.dest_address else None
            dest = first.destination_addr if isinstance(first, pdu.SmeAddress) else ""
        else:
            dest = p.destination_addr  # type: ignore[union-attr]
        action = self.faults.submit_fault(c.system_id, dest, now, self.rng)
        if action is not None and action.status:
            if action.status == S.ESME_RTHROTTLED:
                self.counters["throttled"] += 1
            err = pdu.PduError(
                "fault", action.status, sequence_number=p.sequence_number, command_id=p.command_id
            )
            c.session.send(pdu.error_response(err), now)  # type: ignore[arg-type]
            return
        c.late = action
        try:
            if type(p) is pdu.SubmitSm:
                self._submit_sm(c, p, now)
            elif type(p) is pdu.DataSm:
                self._data_sm(c, p, now)
            else:
                self._submit_multi(c, p, now)  # type: ignore[arg-type]
        finally:
            c.late = None  # refused after all: the error response went out at once

    def _drop_after(self, c: Connection, events: list[Event], now: float) -> list[Event]:
        """A drop_session fault: count the PDUs from the ESME; at the last one, handle the
        events up to it, then close the connection without unbinding."""
        for i, ev in enumerate(events):
            if isinstance(ev, Pdu | ResponseReceived):
                c.drop_after -= 1
                if not c.drop_after:
                    self._handle(c, events[: i + 1], now)
                    if not c.closed:
                        log.info("conn %d (%s): dropped by a fault", c.id, c.system_id)
                        self._handle(c, c.session.close("dropped by a fault"), now)
                    return []
        return events

    def _fault_due(self, item: _LateResponse | _LateReceipt, now: float) -> None:
        if type(item) is _LateReceipt:
            self._new_delivery(
                item.account, DeliveryKind.RECEIPT, item.request, now, item.message_id
            )
            return
        assert isinstance(item, _LateResponse)
        c = item.connection
        if not c.closed and not c.session.closed:
            c.session.send(item.response, now)
            self._dirty[c.id] = c

    # -- query, cancel, replace ----------------------------------------------------------

    def _find(self, message_id: str, c: Connection) -> Message | None:
        msg = self.open_messages.get(message_id) or self.open_messages.get(message_id + "/0")
        if msg is None:
            try:
                msg = self.store.get_message(message_id) or self.store.get_message(
                    message_id + "/0"
                )
            except StoreError:
                return None
        if msg is None or msg.account != c.system_id:
            return None
        return msg

    def _query_sm(self, c: Connection, p: pdu.QuerySm) -> None:
        msg = self._find(p.message_id, c)
        if msg is None or (p.source_addr and p.source_addr != msg.source_addr):
            c.session.send(
                pdu.QuerySmResp(
                    sequence_number=p.sequence_number, command_status=S.ESME_RQUERYFAIL
                ),
                0.0,
            )
            return
        final_date = ""
        if msg.done_time is not None and msg.state.is_final:
            final_date = format_absolute(datetime.fromtimestamp(msg.done_time, UTC))
        c.session.send(
            pdu.QuerySmResp(
                message_id=p.message_id,
                final_date=final_date,
                message_state=int(msg.state),
                error_code=msg.error_code & 0xFF,
                sequence_number=p.sequence_number,
            ),
            0.0,
        )

    def _cancel_sm(self, c: Connection, p: pdu.CancelSm, now: float) -> None:
        if p.message_id:
            msg = self._find(p.message_id, c)
            targets = [msg] if msg is not None else []
        else:
            targets = [
                m
                for m in self.open_messages.values()
                if m.account == c.system_id
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
            c.session.send(
                pdu.CancelSmResp(
                    sequence_number=p.sequence_number, command_status=S.ESME_RCANCELFAIL
                ),
                now,
            )
            return
        for msg in targets:
            self._finalize(msg, MessageState.DELETED, now)
        self._respond(c, pdu.CancelSmResp(sequence_number=p.sequence_number), now)

    def _replace_sm(self, c: Connection, p: pdu.ReplaceSm, now: float) -> None:
        msg = self._find(p.message_id, c)
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
                p.schedule_delivery_time,
                p.validity_period,
                now,
                self.config.timers.default_validity,
            )
        if not status and msg is not None:
            status = _concat_status(msg.esm_class, p.short_message, p)
        if status or msg is None:
            c.session.send(
                pdu.ReplaceSmResp(
                    sequence_number=p.sequence_number, command_status=status or S.ESME_RREPLACEFAIL
                ),
                now,
            )
            return
        msg.short_message = p.short_message
        msg.registered_delivery = p.registered_delivery
        msg.submit_time = now  # receipts report the time of replacement (facts 6.2)
        self._concat(msg, p)
        if schedule is not None or expiry is not None:
            msg.schedule_time = schedule
            msg.expiry_time = expiry
            self._schedule_final(msg, self.outcome.outcome(msg, now, self.rng), now)
        self._batch.replaced.append(msg)
        self._respond(c, pdu.ReplaceSmResp(sequence_number=p.sequence_number), now)

    # -- final states and receipts --------------------------------------------------------

    def tick(self, now: float) -> None:
        """Run everything that fell due."""
        for item in self._scheduler.pop_due(now):
            if type(item) is _Final:
                if self._due.get(item.message_id) is item:
                    msg = self.open_messages.get(item.message_id)
                    if msg is not None:
                        self._finalize(msg, item.state, now)
            elif type(item) is _Retry:
                self._queue(item.delivery)
                self._pump(item.delivery.account, now)
            elif type(item) is _HandsetReply:
                self._handset_replied(item, now)
            else:
                self._fault_due(item, now)  # type: ignore[arg-type]

    def next_deadline(self) -> float | None:
        return self._scheduler.next_deadline()

    def _finalize(self, msg: Message, state: MessageState, now: float) -> None:
        del self.open_messages[msg.message_id]
        self._due.pop(msg.message_id, None)
        msg.state = state
        msg.done_time = now
        self._batch.state_changes.append(StateChange(msg.message_id, state, now, msg.error_code))
        if state is MessageState.DELIVERED and msg.direction is Direction.MT:
            self._reached_handset(msg, now)
        if receipt_wanted(msg.registered_delivery, state):
            account = self.accounts.get(msg.account)
            per_message = account is not None and account.receipt_per is ReceiptPer.MESSAGE
            if not per_message or msg.part_number == msg.part_total:
                self._receipt(msg, state, now, account)

    def _receipt(
        self,
        msg: Message,
        state: MessageState,
        now: float,
        account: AccountConfig | None,
        *,
        intermediate: bool = False,
    ) -> None:
        request = build_receipt(
            msg,
            state,
            now,
            date_digits=account.receipt_date_digits if account else 10,
            as_data_sm=account is not None and account.receipt_pdu is ReceiptPdu.DATA_SM,
            intermediate=intermediate,
        )
        self.counters["receipts"] += 1
        if self.faults.active and not intermediate:
            extra = self.faults.receipt_delay(msg.account, msg.destination_addr, self.rng)
            if extra:
                if extra != math.inf:  # else lost: the state is final, the ESME never hears
                    self._scheduler.at(
                        now + extra, _LateReceipt(msg.account, request, msg.message_id)
                    )
                return
        self._new_delivery(msg.account, DeliveryKind.RECEIPT, request, now, msg.message_id)

    def _new_delivery(
        self,
        account: str,
        kind: DeliveryKind,
        request: Pdu,
        now: float,
        message_id: str | None,
        *,
        duplicate: bool = False,
        encoded: bytes | None = None,
    ) -> Delivery:
        if self.faults.active and not duplicate:
            # A network resending: the same PDU again, as a delivery of its own.
            dest = getattr(
                request, "source_addr" if kind is DeliveryKind.RECEIPT else "destination_addr", ""
            )
            for _ in range(self.faults.duplicates(account, dest, self.rng)):
                self._new_delivery(
                    account, kind, copy.copy(request), now, message_id, duplicate=True
                )
        d = Delivery(
            delivery_id=next(self._delivery_ids),
            account=account,
            kind=kind,
            pdu=(encoded if encoded is not None else pdu.encode(request)) if self.durable else b"",
            created=now,
            next_attempt=now,
            message_id=message_id,
        )
        d.request = request
        self._batch.deliveries.append(d)
        if self.durable:
            self._held.deliveries.append(d)
        else:
            self._queue(d)
            self._pump(account, now)
        return d

    # -- mobile-originated messages -------------------------------------------------------

    def inject_mo(
        self,
        source_addr: str,
        destination_addr: str,
        short_message: bytes,
        now: float,
        *,
        data_coding: int = 0,
        account: str | None = None,
        esm_class: int = 0,
        tlvs: dict[str, object] | None = None,
        as_payload: bool = False,
        deliver: bool = True,
    ) -> Message:
        """A handset sends a message: stored, then delivered as deliver_sm to ``account``'s
        receiver binds (any receiver bind in development mode when ``account`` is None).
        With ``deliver`` False it is only stored, as ACCEPTED: the network consumed it
        (a compliance keyword not forwarded, a keyword nobody owns)."""
        key = account if account is not None else ANY_ACCOUNT
        msg = Message(
            message_id=format_id(self.ids.next(), False),
            direction=Direction.MO,
            account=key,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr=source_addr,
            dest_addr_ton=0,
            dest_addr_npi=0,
            destination_addr=destination_addr,
            esm_class=esm_class,
            data_coding=data_coding,
            registered_delivery=0,
            short_message=short_message,
            submit_time=now,
            state=MessageState.ENROUTE,
        )
        request = pdu.DeliverSm(
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr=source_addr,
            destination_addr=destination_addr,
            esm_class=esm_class,
            data_coding=data_coding,
        )
        if len(short_message) > 254 or as_payload:
            request.message_payload = short_message
        else:
            request.short_message = short_message
        for name, value in (tlvs or {}).items():
            setattr(request, name, value)
        self._concat(msg, request)
        msg.raw_pdu = pdu.encode(request)  # as we send it; each attempt numbers it afresh
        self.counters["mo"] += 1
        if not deliver:
            msg.state = MessageState.ACCEPTED
            msg.done_time = now
        self._batch.messages.append(msg)
        if deliver:
            self._new_delivery(
                key, DeliveryKind.MO, request, now, msg.message_id, encoded=msg.raw_pdu
            )
        return msg

    def inject_mo_text(
        self,
        source_addr: str,
        destination_addr: str,
        text: str,
        now: float,
        *,
        data_coding: int | None = None,
        method: SegmentMethod = SegmentMethod.UDH_8BIT_REF,
        account: str | None = None,
    ) -> list[Message]:
        """A handset types ``text``: encoded (GSM-7 when it fits, else UCS-2, unless
        ``data_coding`` says), split as a handset would (``method``) and injected part by
        part. Raises MoError, with nothing injected, for input a handset could not send."""
        for name, addr in (("from", source_addr), ("to", destination_addr)):
            if not addr:
                raise MoError(f"{name} is empty")
            if len(addr) > MAX_ADDR or not addr.isascii() or not addr.isprintable():
                raise MoError(f"{name} must be 1-{MAX_ADDR} printable ASCII characters")
        if not text:
            raise MoError("text is empty")
        if account is not None and self.accounts.get(account) is None:
            raise MoError(f"unknown account {account!r}")
        deliver = True
        replies: tuple[Reply, ...] = ()
        if account is None:
            # As the network does: compliance keywords first, then the number's routing.
            plan = plan_mo(self.compliance, source_addr, destination_addr, text, now)
            account, deliver, replies = plan.account, plan.forward, plan.replies
        if data_coding is None:
            data_coding = pdu_text.choose_data_coding(text)
        try:
            payload = pdu_text.encode(text, data_coding)
            parts = segment(payload, data_coding, method, allocator=self._mo_refs)
        except (pdu_text.TextError, SegmentError) as e:
            raise MoError(f"text cannot be sent with data_coding {data_coding}: {e}") from None
        out: list[Message] = []
        for part in parts:
            tlvs: dict[str, object] = {}
            if part.sar_msg_ref_num is not None:
                tlvs = {
                    "sar_msg_ref_num": part.sar_msg_ref_num,
                    "sar_total_segments": part.sar_total_segments,
                    "sar_segment_seqnum": part.sar_segment_seqnum,
                }
            body = part.message_payload if part.message_payload is not None else part.short_message
            msg = self.inject_mo(
                source_addr,
                destination_addr,
                body,
                now,
                data_coding=data_coding,
                account=account,
                esm_class=0x40 if part.udhi else 0,
                tlvs=tlvs,
                as_payload=part.message_payload is not None,
                deliver=deliver,
            )
            out.append(msg)
        self._network_replies(replies, now)
        return out

    def _network_replies(self, replies: tuple[Reply, ...], now: float) -> None:
        """Texts the network itself sends a handset (STOP confirmation, HELP text, keyword
        auto-replies): stored as delivered MT, so the harness shows the conversation."""
        for r in replies:
            data_coding = pdu_text.choose_data_coding(r.text)
            msg = Message(
                message_id=format_id(self.ids.next(), False),
                direction=Direction.MT,
                account=NETWORK_ACCOUNT,
                source_addr_ton=0,
                source_addr_npi=0,
                source_addr=r.source_addr,
                dest_addr_ton=1,
                dest_addr_npi=1,
                destination_addr=r.destination_addr,
                esm_class=0,
                data_coding=data_coding,
                registered_delivery=0,
                short_message=pdu_text.encode(r.text, data_coding),
                submit_time=now,
                state=MessageState.DELIVERED,
                done_time=now,
                text=r.text,
            )
            self._batch.messages.append(msg)

    def _reached_handset(self, msg: Message, now: float) -> None:
        """An MT was delivered: to one of our own numbers it loops back as MO to that
        number's owner; to a simulated handset, the handset's rules may answer it."""
        if self.numbers.get(msg.destination_addr) is not None:
            text = msg.text or ""
            plan = plan_mo(self.compliance, msg.source_addr, msg.destination_addr, text, now)
            self.inject_mo(
                msg.source_addr,
                msg.destination_addr,
                msg.short_message,
                now,
                data_coding=msg.data_coding,
                account=plan.account,
                esm_class=msg.esm_class & 0x40,
                deliver=plan.forward,
            )
            self._network_replies(plan.replies, now)
            return
        for reply in self.handsets.on_mt(
            msg.source_addr, msg.destination_addr, msg.text, now, self.rng
        ):
            self._scheduler.at(reply.due, _HandsetReply(reply))

    def _handset_replied(self, item: _HandsetReply, now: float) -> None:
        """A simulated handset's answer arrives: routed like any MO when its first part
        comes in; each part is delivered at its own time, in the order (and with the faults)
        the simulator chose."""
        reply = item.reply
        if item.part is None:
            plan = plan_mo(
                self.compliance, reply.source_addr, reply.destination_addr, reply.text, now
            )
            self._network_replies(plan.replies, now)
            for i, part in enumerate(reply.parts):
                later = _HandsetReply(reply, i, plan.account, plan.forward)
                if part.due > now:
                    self._scheduler.at(part.due, later)
                else:
                    self._handset_replied(later, now)
            return
        part = reply.parts[item.part]
        self.inject_mo(
            reply.source_addr,
            reply.destination_addr,
            part.short_message,
            now,
            data_coding=reply.data_coding,
            account=item.account,
            esm_class=part.esm_class,
            tlvs=part.tlvs(),
            deliver=item.deliver,
        )

    # -- harness ------------------------------------------------------------------------

    def reset(self, now: float) -> None:
        """Forget every message and owed delivery (between tests); binds stay up.

        The adapter then empties the store, with no batch write in flight. Responses held
        for durability are sent now: the messages they acknowledge are forgotten anyway.
        Counters are kept (metrics are monotonic).
        """
        for c, resp in self._held.responses:
            if not c.closed:
                c.session.send(resp, now)
                self._dirty[c.id] = c
        self._batch = Batch()
        self._held = Held(self._batch)
        self.open_messages.clear()
        self._due.clear()
        self._scheduler = Scheduler()  # pending final states and delivery retries
        self._queues.clear()
        self._saturated.clear()
        # Deliveries still in a session's window must not come back by retry or requeue.
        self._reset_mark = next(self._delivery_ids)

    # -- harness: opt-outs ----------------------------------------------------------------

    def opt_out(self, handset: str, sender: str) -> None:
        """Put ``handset`` on ``sender``'s opt-out list as its STOP would (a subscription
        ends too), without the texts a STOP makes the network send."""
        handset, sender = normalize_number(handset), normalize_number(sender)
        self.compliance.opt_outs.add(handset, sender)
        self.compliance.subscriptions.remove(handset, sender)

    def opt_in(self, handset: str, sender: str) -> bool:
        """Take the pair off the opt-out list; whether it was on it."""
        handset, sender = normalize_number(handset), normalize_number(sender)
        listed = self.compliance.opt_outs.contains(handset, sender)
        self.compliance.opt_outs.remove(handset, sender)
        return listed

    def clear_opt_outs(self) -> int:
        """Empty the opt-out list; how many pairs were on it."""
        pairs = self.compliance.opt_outs.list()
        for handset, sender in pairs:
            self.compliance.opt_outs.remove(handset, sender)
        return len(pairs)

    def queue_depths(self) -> dict[str, int]:
        """Work waiting, for metrics: deliveries queued per account key, open messages,
        timers, changes not yet written."""
        return {
            "deliveries_queued": sum(len(q) for q in self._queues.values()),
            "open_messages": len(self.open_messages),
            "scheduled": len(self._scheduler),
            "unwritten_changes": len(self._batch),
        }

    # -- store-and-forward towards ESMEs ---------------------------------------------------

    def _queue(self, d: Delivery, *, front: bool = False) -> None:
        if d.delivery_id < self._reset_mark:
            return
        q = self._queues.get(d.account)
        if q is None:
            q = self._queues[d.account] = deque()
        if front:
            q.appendleft(d)
        else:
            q.append(d)

    def _receivers(self, key: str) -> list[Connection]:
        if key == ANY_ACCOUNT:
            return [c for binds in self._rx_binds.values() for c in binds]
        return self._rx_binds.get(key, [])

    def _pump(self, key: str, now: float) -> None:
        """Offer queued deliveries to the account's receiver binds, round-robin, each
        within its window."""
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
            session = c.session
            if not session.can_send_request:
                full += 1
                continue
            full = 0
            d = q.popleft()
            d.attempts += 1
            assert d.request is not None
            session.send(d.request, now, d, d.pdu or None)
            self._dirty[c.id] = c
        self._rr[key] = i
        if q:
            # Every bind's window is full: skip further scans until a response or a new
            # bind makes room (see _delivery_answered, _bind, _closed).
            self._saturated.add(key)

    def _delivery_answered(self, c: Connection, ev: ResponseReceived, now: float) -> None:
        resp = ev.response
        key = (resp.command_id, resp.command_status)
        self.responses_received[key] = self.responses_received.get(key, 0) + 1
        d = ev.context
        if not isinstance(d, Delivery):
            return
        self.delivery_latency.observe(now - ev.sent)
        status = resp.command_status
        if status == 0:
            self.counters["delivered_to_esme"] += 1
            self._batch.acked.append(d.delivery_id)
            if d.kind is DeliveryKind.MO and d.message_id is not None:
                self._batch.state_changes.append(
                    StateChange(d.message_id, MessageState.DELIVERED, now)
                )
        elif status in PERMANENT:
            log.info("delivery %d refused by %s: %s", d.delivery_id, c.system_id, status)
            self._batch.acked.append(d.delivery_id)
        else:
            self._delivery_failed(d, now, f"status 0x{int(status):08X}")
        # This bind has room again: fill it first, without scanning the others.
        self._saturated.discard(c.system_id)
        self._saturated.discard(ANY_ACCOUNT)
        self._fill(c, c.system_id, now)
        self._fill(c, ANY_ACCOUNT, now)

    def _fill(self, c: Connection, key: str, now: float) -> None:
        q = self._queues.get(key)
        if not q:
            return
        session = c.session
        while q and session.can_send_request:
            d = q.popleft()
            d.attempts += 1
            assert d.request is not None
            session.send(d.request, now, d, d.pdu or None)
        self._dirty[c.id] = c

    def _delivery_failed(self, d: object, now: float, why: str) -> None:
        if not isinstance(d, Delivery):
            return
        delay = self.config.timers.retry_delay(max(d.attempts, 1))
        d.next_attempt = now + delay
        self._batch.rescheduled.append(Reschedule(d.delivery_id, d.attempts, d.next_attempt))
        log.info("delivery %d: %s; retry in %.1fs", d.delivery_id, why, delay)
        self._scheduler.at(d.next_attempt, _Retry(d))

    # -- durability ----------------------------------------------------------------------

    def take_batch(self) -> Held | None:
        """The changes since the last call, to write; None when there are none."""
        if not self._batch:
            return None
        held = self._held
        self._batch = Batch()
        self._held = Held(self._batch)
        return held

    def has_pending_batch(self) -> bool:
        return bool(self._batch)

    def batch_done(self, held: Held, now: float, error: Exception | None = None) -> None:
        """The adapter wrote ``held.batch`` (or failed to). Release what waited on it."""
        if error is None:
            for c, resp in held.responses:
                if not c.closed:
                    c.session.send(resp, now)
                    self._dirty[c.id] = c
            for c, resp, due in held.late:
                self._scheduler.at(max(due, now), _LateResponse(c, resp))
            for d in held.deliveries:
                self._queue(d)
            for key in {d.account for d in held.deliveries}:
                self._pump(key, now)
            return
        # Nothing of the batch is stored: its new submissions are refused after all (never
        # a silent drop), and everything else is carried into the next batch to be retried.
        status = S.ESME_RMSGQFUL if isinstance(error, StoreFullError) else S.ESME_RSYSERR
        log.error("store write failed (%s): answering %s", error, status.name)
        refused = {m.message_id for m in held.messages if m.direction is Direction.MT}
        for message_id in refused:
            self.open_messages.pop(message_id, None)
            self._due.pop(message_id, None)
        refused_ids = {submitted_id(message_id) for message_id in refused}
        for c, resp in held.responses + [(c, r) for c, r, _ in held.late]:
            if not c.closed:
                if getattr(resp, "message_id", None) in refused_ids:
                    resp.command_status = status
                c.session.send(resp, now)
                self._dirty[c.id] = c
        failed, nxt = held.batch, self._batch
        nxt.messages[:0] = [m for m in failed.messages if m.message_id not in refused]
        nxt.state_changes[:0] = [x for x in failed.state_changes if x.message_id not in refused]
        kept = [d for d in failed.deliveries if d.message_id not in refused]
        nxt.deliveries[:0] = kept
        nxt.rescheduled[:0] = failed.rescheduled
        nxt.acked[:0] = failed.acked
        nxt.replaced[:0] = failed.replaced
        self._held.deliveries[:0] = [d for d in held.deliveries if d.message_id not in refused]

    # -- shutdown ------------------------------------------------------------------------

    def unbind_all(self, now: float) -> None:
        for c in list(self.connections.values()):
            if c.session.state.is_bound and not c.session.window.full:
                c.session.send(pdu.Unbind(), now)
                self._dirty[c.id] = c

    def binds(self) -> Iterable[Connection]:
        return (c for c in self.connections.values() if c.session.state is not BindState.OPEN)


def _concat_info(esm_class: int, payload: bytes, p: Pdu) -> tuple[int, ConcatInfo | None]:
    """Concatenation details from a UDH or SAR TLVs, or the status a malformed set gets."""
    if not esm_class & 0x40 and not p.__dict__:
        return 0, None  # no UDH and no TLVs at all: the common single-part message
    try:
        info = concat_info(
            esm_class,
            payload,
            getattr(p, "sar_msg_ref_num", None),
            getattr(p, "sar_total_segments", None),
            getattr(p, "sar_segment_seqnum", None),
        )
    except (ConcatError, UdhError) as e:
        return int(e.command_status), None
    return 0, info


def _concat_status(esm_class: int, payload: bytes, p: Pdu) -> int:
    return _concat_info(esm_class, payload, p)[0]

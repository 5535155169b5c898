"""The façade of the SMSC core: what the adapter and the harness call.

``Smsc`` owns what every concern shares (the time each call brings as ``now``, the seeded
Random and the scheduler) and routes each session event and each timer to the concern
that owns it: ``Binds``, ``Submissions``, ``Lifecycle``, ``Deliveries`` and ``Receivers``,
``TwoWay``, ``GroupCommit``. It decides nothing itself but which concern is asked.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from itertools import count

import pdu
from carriers import CarriersConfig, Compliance, HandsetSimulator, Network, Numbers
from carriers.network import Carrier
from carriers.outcome import OutcomeModel
from pdu import Pdu

from ..accounts import Accounts
from ..checks import Checker, ChecksConfig
from ..config import AccountConfig, OutbindConfig, ServerConfig
from ..faults import Fault, Faults
from ..ids import MessageIdAllocator
from ..metrics import Histogram
from ..model import Broadcast, Delivery, Message
from ..retrylog import RetrySummary
from ..scheduler import Scheduler
from ..smpp.session import (
    Bound,
    Closed,
    EnquireLinkReceived,
    Event,
    ProtocolError,
    RequestTimedOut,
    ResponseReceived,
    Session,
    SessionConfig,
    UnbindRequested,
)
from ..smpp.states import AWAITING_BIND, SMPP_5_0, Role
from ..store import Store
from .alerts import Alerts
from .binds import Binds
from .broadcasts import BroadcastDue, Broadcasts
from .commit import GroupCommit, Held, LateResponse
from .congestion import BACKLOG_LIMIT, QUEUE_ROUNDS, congestion_state
from .connection import Connection, Outbox
from .conversations import Conversations
from .deliveries import Deliveries, RetryDue
from .lifecycle import FinalDue, LateReceipt, Lifecycle
from .receivers import Receivers
from .stats import Stats
from .submission import Submission, Submissions
from .twoway import NETWORK_ACCOUNT, HandsetReplyDue, TwoWay

__all__ = ["Smsc"]

log = logging.getLogger("smsc.core")

DROPPED_BY_FAULT = "dropped by a fault"  # a drop_session fault's close reason


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
        checks: ChecksConfig | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.durable = durable
        self.rng = rng or random.Random(config.seed)
        self.accounts = Accounts.from_config(config)
        self.faults = Faults(config.faults)  # on demand; see smsc.faults
        self.stats = Stats()
        self.connections: dict[int, Connection] = {}
        self._conn_ids = count(1)
        # Every concern sets its own kind of timer here; ``tick`` routes each back to it.
        self._scheduler: Scheduler[object] = Scheduler()
        scheduler = self._scheduler
        self._outbox = Outbox()
        self._ids = MessageIdAllocator(now, store.next_message_number() - 1)
        timers = config.timers

        # The simulated networks: numbers and keywords decide where MO goes and what the
        # network answers (STOP/HELP/START); the network decides what happens to MT.
        carriers = carriers or CarriersConfig()
        numbers = Numbers(carriers)
        self.compliance = Compliance(
            numbers, opt_outs=store.pair_set("stop"), subscriptions=store.pair_set("subscribed")
        )
        self.network = Network(
            carriers,
            compliance=self.compliance,
            default_delay=timers.receipt_delay,
            default_validity=timers.default_validity,
        )
        model = outcome or self.network
        # The app checker watches what the concerns below decide; None when switched off.
        checks = checks or ChecksConfig()
        self.checks: Checker | None = None
        if checks.enabled:
            self.checks = Checker(checks, compliance=self.compliance, network=self.network)

        self._receivers = Receivers(self._outbox, unanswered=self._written)
        self._commit = GroupCommit(
            durable=durable, outbox=self._outbox, receivers=self._receivers, scheduler=scheduler
        )
        self._deliveries = Deliveries(
            first_id=store.next_delivery_id(),
            durable=durable,
            commit=self._commit,
            receivers=self._receivers,
            faults=self.faults,
            scheduler=scheduler,
            timers=timers,
            rng=self.rng,
            stats=self.stats,
        )
        self._conversations = Conversations(network_account=NETWORK_ACCOUNT)
        self._twoway = TwoWay(
            numbers=numbers,
            compliance=self.compliance,
            network=self.network,
            handsets=HandsetSimulator(carriers, self.network),
            accounts=self.accounts,
            ids=self._ids,
            rng=self.rng,
            scheduler=scheduler,
            commit=self._commit,
            deliveries=self._deliveries,
            stats=self.stats,
            conversations=self._conversations,
        )
        self._alerts = Alerts(self._deliveries)
        self._lifecycle = Lifecycle(
            store=store,
            alerts=self._alerts,
            accounts=self.accounts,
            outcome=model,
            rng=self.rng,
            timers=timers,
            scheduler=scheduler,
            commit=self._commit,
            deliveries=self._deliveries,
            faults=self.faults,
            stats=self.stats,
            on_delivered=self._twoway.reached_handset,
        )
        self._submissions = Submissions(
            ids=self._ids, outcome=model, rng=self.rng, timers=timers, stats=self.stats
        )
        self._broadcasts = Broadcasts(
            store=store, ids=self._ids, timers=timers, scheduler=scheduler, commit=self._commit
        )
        self._binds = Binds(
            accounts=self.accounts,
            faults=self.faults,
            rng=self.rng,
            system_id=config.system_id,
            receivers=self._receivers,
            send=self._send,
        )
        # The harness's two-way calls, answered by TwoWay itself (see its docstrings):
        # inject_mo (one MO PDU), inject_mo_text (a typed text; raises MoError), and the
        # opt-out list as a STOP or START would change it, where each conversation script run is.
        self.inject_mo = self._twoway.inject_mo
        self.inject_mo_text = self._twoway.inject_mo_text
        self.opt_out = self._twoway.opt_out
        self.opt_in = self._twoway.opt_in
        self.clear_opt_outs = self._twoway.clear_opt_outs
        self.opt_outs = self._twoway.opt_outs
        self.script_runs = self._twoway.script_runs
        # Conversation metrics: report(now, window) -> (per number, per account), and the
        # totals since start-up per (account, number) for /metrics.
        self.conversations = self._conversations.report
        self.conversation_totals = self._conversations.totals
        self._session_config = SessionConfig(
            role=Role.SMSC,
            response_timeout=timers.response_timeout,
            session_init_timeout=timers.session_init_timeout,
            enquire_link_interval=timers.enquire_link_interval,
            inactivity_timeout=timers.inactivity_timeout,
            unbind_timeout=timers.unbind_timeout,
            max_command_length=config.max_command_length,
            keep_raw=True,  # the message history shows each part's PDU as received
            interface_version=SMPP_5_0,  # a session runs at the lower of this and its bind's
        )
        self._recover(now)

    def _recover(self, now: float) -> None:
        """What a previous run left: open MT get their outcome again; owed receipts and MO
        deliveries (an MO stays ENROUTE until an ESME takes it) go back in their queues."""
        self._lifecycle.recover(self.store.load_open_messages(now), now)
        self._broadcasts.recover(self.store.load_open_broadcasts(), now)
        pending = self.store.load_pending_deliveries()
        for d in pending:
            d.request = pdu.decode(d.pdu)
        self._receivers.offer_all(pending, now)

    def _written(self, d: Delivery) -> None:
        """An alert_notification is done once written (Deliveries is made after Receivers)."""
        self._deliveries.written(d)

    # -- what the adapter calls ----------------------------------------------------------

    @property
    def counters(self) -> dict[str, int]:
        return self.stats.counters

    @property
    def delivery_latency(self) -> Histogram:
        return self.stats.delivery_latency

    @property
    def retry_log(self) -> RetrySummary:
        """Delivery retries summed up for the log; the adapter flushes it when due()."""
        return self._deliveries.retry_log

    @property
    def responses_received(self) -> dict[tuple[int, int], int]:
        return self.stats.responses_received

    def connect(self, peer: str, now: float) -> Connection:
        c = Connection(next(self._conn_ids), Session(self._session_config, now), peer)
        self.connections[c.id] = c
        return c

    def outbind(self, cfg: OutbindConfig, peer: str, now: float) -> Connection:
        """A connection we opened to an ``[[outbinds]]`` ESME: outbind goes out at once, and
        the bind that follows is served as ``cfg.account``'s (smsc.outbinds reconnects)."""
        c = self.connect(peer, now)
        c.outbind_for = cfg.account
        c.session.send(pdu.Outbind(system_id=cfg.system_id, password=cfg.password), now)
        self._outbox.touch(c)
        log.info("conn %d: outbind sent to %s for %s", c.id, peer, cfg.account)
        return c

    def receive(self, c: Connection, data: bytes, now: float) -> None:
        events = c.session.receive_data(data, now)
        if c.drop_after:
            events = self._drop_after(c, events, now)
        self._handle(c, events, now)
        self._outbox.touch(c)

    def session_timer(self, c: Connection, now: float) -> None:
        self._handle(c, c.session.handle_timer(now), now)
        self._outbox.touch(c)

    def disconnected(self, c: Connection, now: float) -> None:
        if not c.closed:
            self._handle(c, c.session.connection_lost(), now)

    def take_output(self) -> list[Connection]:
        """Connections with bytes to write or that must be closed, since the last call."""
        return self._outbox.take()

    def tick(self, now: float) -> None:
        """Run every timer that fell due."""
        checks = self.checks
        if checks is not None and checks.deadline is not None and checks.deadline <= now:
            checks.tick(now)
        for item in self._scheduler.pop_due(now):
            match item:
                case FinalDue():
                    self._lifecycle.final_due(item, now)
                case RetryDue():
                    self._deliveries.retry_due(item, now)
                case HandsetReplyDue():
                    self._twoway.handset_reply_due(item, now)
                case LateResponse():
                    self._commit.late_response_due(item, now)
                case LateReceipt():
                    self._lifecycle.late_receipt_due(item, now)
                case BroadcastDue():
                    self._broadcasts.due(item, now)

    def next_deadline(self) -> float | None:
        due = self._scheduler.next_deadline()
        checks = self.checks
        mine = None if checks is None else checks.deadline
        return mine if mine is not None and (due is None or mine < due) else due

    def take_batch(self) -> Held | None:
        """The changes since the last call, to write; None when there are none."""
        held = self._commit.take()
        if held is not None:
            held.batch.max_message_number = self._ids.last
        return held

    def has_pending_batch(self) -> bool:
        return bool(self._commit.batch)

    def batch_done(self, held: Held, now: float, error: Exception | None = None) -> None:
        """The adapter wrote ``held.batch`` (or failed to). Release what waited on it."""
        refused = self._commit.done(held, now, error)
        if refused:
            self._lifecycle.forget(refused)
            self._broadcasts.forget(refused)
        if error is None:  # a failed batch is carried into the next one, counted then
            self._conversations.stored(held.batch)

    def unbind_all(self, now: float) -> None:
        for c in list(self.connections.values()):
            if c.session.state.is_bound and not c.session.window.full:
                c.session.send(pdu.Unbind(), now)
                self._outbox.touch(c)

    # -- session events ------------------------------------------------------------------

    def _handle(self, c: Connection, events: list[Event], now: float) -> None:
        for ev in events:
            match ev:
                case pdu.SubmitSm() | pdu.DataSm() | pdu.SubmitMulti():
                    self._submission(c, ev, now)
                case ResponseReceived():
                    self._deliveries.answered(c, ev, now)
                    if self.checks is not None:
                        status = ev.response.command_status
                        latency = now - ev.sent
                        self.checks.responded(c.id, c.system_id, ev.context, status, latency, now)
                case pdu.BindTransceiver() | pdu.BindTransmitter() | pdu.BindReceiver():
                    self._binds.bind(c, ev, now)
                    if self.checks is not None and c.account is not None:
                        self.checks.bind_opened(c.id, c.system_id, now)
                case pdu.QuerySm():
                    self._send(c, self._lifecycle.query_sm(c.system_id, ev), now)
                case pdu.CancelSm():
                    self._answer(c, self._lifecycle.cancel_sm(c.system_id, ev, now), now)
                case pdu.ReplaceSm():
                    self._answer(c, self._lifecycle.replace_sm(c.system_id, ev, now), now)
                case pdu.BroadcastSm():
                    assert c.account is not None  # the session lets none in before a bind
                    self._answer(c, self._broadcasts.broadcast_sm(c.account, ev, now), now)
                case pdu.QueryBroadcastSm():
                    self._send(c, self._broadcasts.query_broadcast_sm(c.system_id, ev), now)
                case pdu.CancelBroadcastSm():
                    answer = self._broadcasts.cancel_broadcast_sm(c.system_id, ev, now)
                    self._answer(c, answer, now)
                case RequestTimedOut():
                    self._deliveries.failed(ev.context, now, "no response")
                    if self.checks is not None:
                        self.checks.timed_out(c.id, c.system_id, ev.context, now)
                case Closed():
                    self.connections.pop(c.id, None)
                    self._binds.closed(c, ev, now)
                    self._outbox.touch(c)
                    if self.checks is not None:
                        self.checks.bind_closed(c.id, ev.reason == DROPPED_BY_FAULT, now)
                case ProtocolError():
                    log.info("conn %d: %s", c.id, ev.error)
                case UnbindRequested():
                    log.info("conn %d (%s): unbind", c.id, c.system_id)
                    if self.checks is not None:
                        self.checks.unbinding(c.id)
                case EnquireLinkReceived():
                    if self.checks is not None:
                        self.checks.enquire_link(c.id, now)
                case Bound():
                    pass
                case _:
                    log.debug("conn %d: ignored %r", c.id, ev)

    def _submission(self, c: Connection, p: Submission, now: float) -> None:
        """A submission, perhaps under a fault that refuses it or answers it late or never."""
        account = c.account
        assert account is not None  # the session lets no submission in before a bind
        plan = None
        if self.faults.active:
            plan = self.faults.submit_fault(c.system_id, _first_destination(p), now, self.rng)
            if plan is not None and plan.status:
                if plan.status == pdu.CommandStatus.ESME_RTHROTTLED:
                    self.stats.counters["throttled"] += 1
                err = pdu.PduError(
                    "fault", plan.status, sequence_number=p.sequence_number, command_id=p.command_id
                )
                refusal = pdu.error_response(err)
                assert refusal is not None  # every submission has a response PDU
                self._refuse(c, account, refusal, now)
                return
        decision = self._submissions.submit(account, p, now)
        if self.checks is not None:
            self.checks.submitted(account.system_id, p, decision.accepted, decision.response, now)
        if not decision.accepted:
            self._refuse(c, account, decision.response, now)  # by us or the network
            return
        early = False  # a receipt goes before this response
        for msg, outcome in decision.accepted:
            early |= self._lifecycle.accept(msg, outcome, now)
        if c.session.interface_version >= SMPP_5_0:
            self._congestion(c, decision.response, now)
        self._commit.respond(c, decision.response, now, plan, after_deliveries=early)

    def _refuse(self, c: Connection, account: AccountConfig, resp: Pdu, now: float) -> None:
        """A refusal, at once, with the status the account's carrier uses for it."""
        if account.status_map:
            resp.command_status = dict(account.status_map).get(
                resp.command_status, resp.command_status
            )
        self._send(c, resp, now)

    def _send(self, c: Connection, resp: Pdu, now: float) -> None:
        """A response, at once."""
        if c.session.interface_version >= SMPP_5_0:
            self._congestion(c, resp, now)
        c.session.send(resp, now)

    def _answer(self, c: Connection, resp: Pdu, now: float) -> None:
        """A cancel/replace/broadcast response: held for the batch holding the change when
        it did change something, sent at once when it is a refusal."""
        if resp.command_status:
            self._send(c, resp, now)
            return
        if c.session.interface_version >= SMPP_5_0:
            self._congestion(c, resp, now)
        self._commit.respond(c, resp, now)

    def _congestion(self, c: Connection, resp: Pdu, now: float) -> None:
        """congestion_state on a response to a 5.0 bind (see smsc.core.congestion)."""
        account = c.account
        session = c.session
        shares = [session.inbound_pending / session.config.max_inbound_pending]
        if account is not None:
            shares.append(self._submissions.throughput_load(account, now))
        shares.append(self._receivers.load(c.system_id, QUEUE_ROUNDS))
        shares.append(len(self._commit.batch) / BACKLOG_LIMIT)
        resp.congestion_state = congestion_state(*shares)  # type: ignore[attr-defined]

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
                        self._handle(c, c.session.close(DROPPED_BY_FAULT), now)
                    return []
        return events

    # -- what the harness calls ----------------------------------------------------------

    def reset(self, now: float) -> None:
        """Forget every message and everything owed about them (between tests); binds stay
        up, counters are kept (metrics are monotonic), and no ESME request is left
        unanswered.

        The adapter then empties the store, with no batch write in flight. Forgotten: open
        messages and their final-state timers, queued and late receipts, MO deliveries, the
        replies simulated handsets have not sent yet (they would land in the next test), where
        each conversation script run is, the conversations metrics report on (their totals
        since start-up stay), retries of deliveries still in a session's window, and every
        broadcast (open ones with their timers). Kept: responses held for durability are
        sent now, and responses a slow_response fault delays are sent at their time.
        """
        self._commit.reset(now)
        self._lifecycle.reset()
        self._alerts.reset()
        self._twoway.reset()
        self._conversations.reset()
        self._broadcasts.reset()
        self._scheduler.keep(lambda item: isinstance(item, LateResponse))
        self._receivers.forget_all(self._deliveries.next_id())
        if self.checks is not None:
            self.checks.reset(now)

    def list_faults(self) -> list[Fault]:
        return self.faults.list()

    def add_fault(self, fault: Fault) -> Fault:
        """Switch ``fault`` on; it comes back with its id."""
        return self.faults.add(fault)

    def remove_fault(self, fault_id: int) -> bool:
        return self.faults.remove(fault_id)

    def clear_faults(self) -> int:
        return self.faults.clear()

    def carriers(self) -> list[tuple[Carrier, bool]]:
        """Every carrier with whether it is down now."""
        down = self.network.outages
        return [(c, c.name in down) for c in self.network.carriers.values()]

    def set_outage(self, name: str, down: bool) -> Carrier:
        """Switch a carrier's outage; ValueError naming the known carriers if none is
        called ``name``."""
        self.network.set_outage(name, down)
        return self.network.carriers[name]

    def set_absent(self, handset: str, absent: bool, now: float) -> tuple[str, int]:
        """Switch a handset off (every MT to it waits, as for an absent subscriber) or on
        again, which delivers what waits for it now, each alert_notification owed first.
        (the handset as kept, how many messages were delivered); ValueError for a handset
        that is not a number."""
        number = self.network.set_absent(handset, absent)
        return number, 0 if absent else self._lifecycle.handset_back(number, now)

    def absent_handsets(self) -> list[str]:
        return sorted(self.network.absent_handsets)

    def queue_depths(self) -> dict[str, int]:
        """Work waiting, for metrics: deliveries queued, open messages, timers, changes not
        yet written."""
        return {
            "deliveries_queued": self._receivers.depth(),
            "open_messages": len(self._lifecycle.open_messages),
            "scheduled": len(self._scheduler),
            "unwritten_changes": len(self._commit.batch),
        }

    def broadcasts(
        self, *, account: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Broadcast]:
        """Broadcasts, newest first, as the core knows them now (open ones from memory: the
        store may lag a batch behind)."""
        stored = self.store.find_broadcasts(account=account, limit=limit, offset=offset)
        return [self._latest(b.message_id) or b for b in stored]

    def broadcast(self, message_id: str) -> Broadcast | None:
        return self._latest(message_id) or self.store.get_broadcast(message_id)

    def _latest(self, message_id: str) -> Broadcast | None:
        b = self._broadcasts
        return b.open.get(message_id) or b.ended.get(message_id)

    def binds(self) -> Iterable[Connection]:
        """Sessions bound or unbinding (not those waiting for a bind, after outbind too)."""
        return (c for c in self.connections.values() if c.session.state not in AWAITING_BIND)

    @property
    def open_messages(self) -> dict[str, Message]:
        return self._lifecycle.open_messages


def _first_destination(p: Submission) -> str:
    """What a fault's prefix is matched against: a submit_multi's first address."""
    if type(p) is pdu.SubmitMulti:
        first = p.dest_address[0] if p.dest_address else None
        return first.destination_addr if isinstance(first, pdu.SmeAddress) else ""
    assert not isinstance(p, pdu.SubmitMulti)
    return p.destination_addr

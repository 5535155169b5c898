"""Rule-based state machine over an ESME/SMSC session pair (hypothesis).

Random sequences of binds, submits, deliveries, answers, enquire_links, garbage from the
peer, time passing and unbinds. After every step: the window never exceeds its size, no
request is answered twice (neither on the wire nor in events), window deadlines are
consistent, states move only along the table's edges, and our own illegal actions raise
LocalProtocolError or WindowFull exactly when the table or the window says so.
"""

from __future__ import annotations

import struct
from collections import Counter

from helpers import ConnectionPair
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import pdu
from pdu import CommandId as C
from pdu import Pdu
from smsc.smpp.session import (
    Bound,
    Closed,
    Event,
    LocalProtocolError,
    RequestTimedOut,
    ResponseReceived,
    SessionConfig,
)
from smsc.smpp.states import RECEIVABLE, SENDABLE, BindState, Role
from smsc.smpp.window import WindowFull

OPEN, UNBINDING, CLOSED = BindState.OPEN, BindState.UNBINDING, BindState.CLOSED
BOUND = (BindState.BOUND_TX, BindState.BOUND_RX, BindState.BOUND_TRX)
# The edges a session may take (facts 1.2 plus our UNBINDING step).
EDGES = {
    OPEN: {OPEN, *BOUND, CLOSED},
    **{b: {b, UNBINDING, CLOSED} for b in BOUND},
    UNBINDING: {UNBINDING, CLOSED},
    CLOSED: {CLOSED},
}
CONFIG = SessionConfig(
    window_size=3,
    response_timeout=10.0,
    session_init_timeout=60.0,
    enquire_link_interval=30.0,
    inactivity_timeout=120.0,
    unbind_timeout=5.0,
    max_inbound_pending=4,
)
BIND_CLASSES = [pdu.BindTransmitter, pdu.BindReceiver, pdu.BindTransceiver]
GARBAGE_SEQ = 0x40000000  # sequence numbers of injected PDUs, far from the sessions' own


def _header(command_id: int, seq: int, body: bytes = b"") -> bytes:
    return struct.pack(">IIII", 16 + len(body), command_id, 0, seq) + body


class SessionPair(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._connect(1000.0)

    def _connect(self, now: float) -> None:
        self.pair = ConnectionPair(now=now, esme=CONFIG, smsc=CONFIG)
        self.sides = {Role.ESME: self.pair.esme, Role.SMSC: self.pair.smsc}
        self.inbox: dict[Role, list[Pdu]] = {Role.ESME: [], Role.SMSC: []}  # to answer
        self.sent: dict[Role, set[int]] = {Role.ESME: set(), Role.SMSC: set()}
        self.settled: dict[Role, set[int]] = {Role.ESME: set(), Role.SMSC: set()}
        self.prev = {r: s.state for r, s in self.sides.items()}
        # On the wire, per sender: sequence numbers of requests and counts of responses.
        self.wire_requests: dict[Role, set[int]] = {Role.ESME: set(), Role.SMSC: set()}
        self.wire_responses: dict[Role, Counter[int]] = {Role.ESME: Counter(), Role.SMSC: Counter()}
        self.garbage_seq = GARBAGE_SEQ

    # -- plumbing --------------------------------------------------------------------------

    def _absorb(self, role: Role, events: list[Event], before: BindState) -> None:
        side = self.sides[role]
        for ev in events:
            if isinstance(ev, Pdu):
                # A request reaches the caller only if the table allows it in that state.
                allowed = RECEIVABLE[(role, before)] | RECEIVABLE.get(
                    (role, side.state), frozenset()
                )
                assert ev.command_id in allowed, (role, before, ev)
                self.inbox[role].append(ev)
            elif isinstance(ev, (ResponseReceived, RequestTimedOut)):
                self._settle(role, ev.request.sequence_number)
                if isinstance(ev, RequestTimedOut) and type(ev.request) in BIND_CLASSES:
                    # A client whose bind got no answer gives the connection up; a late
                    # bind_resp would otherwise bind the SMSC end only.
                    self._absorb(role, side.close("bind timed out"), side.state)
            elif isinstance(ev, Closed):
                for p in ev.lost:
                    assert p.request.command_id not in (C.enquire_link, C.unbind)
                    self._settle(role, p.request.sequence_number)
                self.inbox[role].clear()
            elif isinstance(ev, Bound):
                assert before is OPEN and side.state is ev.state

    def _settle(self, role: Role, seq: int) -> None:
        assert seq in self.sent[role], f"{role}: an answer to {seq}, which we never sent"
        assert seq not in self.settled[role], f"{role}: request {seq} answered twice"
        self.settled[role].add(seq)

    def _record_wire(self, sender: Role, data: bytes) -> None:
        for p in pdu.Framer().feed_pdus(data):
            if not isinstance(p, Pdu):
                continue
            if p.is_response:
                self.wire_responses[sender][p.sequence_number] += 1
            else:
                self.wire_requests[sender].add(p.sequence_number)

    def _carry(self, sender: Role) -> bool:
        side = self.sides[sender]
        receiver = Role.SMSC if sender is Role.ESME else Role.ESME
        other = self.sides[receiver]
        data = side.data_to_send()
        if not data:
            return False
        self._record_wire(sender, data)
        before = other.state
        self._absorb(receiver, other.receive_data(data, self.pair.now), before)
        return True

    def _pump(self) -> None:
        for _ in range(20):
            moved = self._carry(Role.ESME) | self._carry(Role.SMSC)
            if not moved:
                break
        else:
            raise AssertionError("the link did not settle")
        # A closed session drops TCP: the other side learns of it.
        for role, side in self.sides.items():
            other_role = Role.SMSC if role is Role.ESME else Role.ESME
            other = self.sides[other_role]
            if side.closed and not other.closed:
                before = other.state
                self._absorb(other_role, other.connection_lost(), before)

    def _try_send(self, role: Role, p: Pdu) -> None:
        side = self.sides[role]
        allowed = not side.closed and p.command_id in SENDABLE[(role, side.state)]
        full = side.window.full
        try:
            seq = side.send(p, self.pair.now)
        except LocalProtocolError:
            assert not allowed, f"{role} refused {p.command_name} in {side.state}"
        except WindowFull:
            assert allowed and full
        else:
            assert allowed and not full, f"{role} sent {p.command_name} in {side.state}"
            self.sent[role].add(seq)
        self._pump()

    # -- rules -----------------------------------------------------------------------------

    @initialize(cls=st.sampled_from([None, *BIND_CLASSES]))
    def start(self, cls: type[Pdu] | None) -> None:
        """Most runs start bound, so that the steps explore more than OPEN."""
        if cls is not None:
            self.bind(cls, answer=True)

    @precondition(lambda self: self.pair.esme.closed and self.pair.smsc.closed)
    @rule()
    def reconnect(self) -> None:
        """A new TCP connection once both ends are closed: later steps are not wasted."""
        self._connect(self.pair.now)

    @rule(cls=st.sampled_from(BIND_CLASSES), answer=st.booleans())
    def bind(self, cls: type[Pdu], answer: bool) -> None:
        """Send a bind; with ``answer`` the SMSC accepts it at once (else via ``answer``)."""
        self._try_send(Role.ESME, cls(system_id="esme", interface_version=0x34))  # type: ignore[call-arg]
        binds = [p for p in self.inbox[Role.SMSC] if type(p) is cls]
        if answer and binds:
            self.inbox[Role.SMSC].remove(binds[0])
            resp_cls = pdu.response_class(cls)
            assert resp_cls is not None
            self.pair.smsc.send(resp_cls(sequence_number=binds[0].sequence_number), self.pair.now)
            self._pump()

    @rule(registered=st.booleans())
    def submit(self, registered: bool) -> None:
        p = pdu.SubmitSm(destination_addr="447700900001", registered_delivery=int(registered))
        self._try_send(Role.ESME, p)

    @rule()
    def deliver(self) -> None:
        self._try_send(Role.SMSC, pdu.DeliverSm(destination_addr="12345", short_message=b"mo"))

    @rule(role=st.sampled_from(Role), pick=st.integers(0, 10), ok=st.booleans())
    def answer(self, role: Role, pick: int, ok: bool) -> None:
        inbox = self.inbox[role]
        if not inbox:
            return
        request = inbox.pop(pick % len(inbox))
        resp_cls = pdu.response_class(request)
        assert resp_cls is not None
        status = 0 if ok else pdu.CommandStatus.ESME_RSYSERR
        resp = resp_cls(sequence_number=request.sequence_number, command_status=status)
        side = self.sides[role]
        try:
            side.send(resp, self.pair.now)
        except LocalProtocolError:
            assert side.closed
        self._pump()

    @rule(role=st.sampled_from(Role))
    def enquire_link(self, role: Role) -> None:
        self._try_send(role, pdu.EnquireLink())

    @rule(role=st.sampled_from(Role))
    def unbind(self, role: Role) -> None:
        self._try_send(role, pdu.Unbind())

    @rule(
        into=st.sampled_from(Role),
        # Mostly recoverable faults: a framing fault ends the connection.
        kind=st.sampled_from([*["unknown", "short_body", "stray_resp"] * 3, "bad_length", "bytes"]),
        junk=st.binary(max_size=40),
    )
    def garbage(self, into: Role, kind: str, junk: bytes) -> None:
        """A broken peer writes straight into ``into``'s input."""
        side = self.sides[into]
        sender = Role.SMSC if into is Role.ESME else Role.ESME
        seq = self.garbage_seq
        self.garbage_seq += 1
        data = {
            "unknown": _header(0x00000099, seq),
            "short_body": _header(C.submit_sm, seq, b"abc"),
            "bad_length": struct.pack(">IIII", 8, C.enquire_link, 0, seq),
            "stray_resp": _header(C.deliver_sm_resp, seq, b"\0"),
            "bytes": junk,
        }[kind]
        self._record_wire(sender, data)
        before = side.state
        self._absorb(into, side.receive_data(data, self.pair.now), before)
        self._pump()

    # Mostly short steps; now and then long enough for the session timers.
    @rule(seconds=st.sampled_from([0.5, 0.5, 4.0, 4.0, 9.99, 10.0, 10.0, 31.0, 61.0, 130.0]))
    def advance(self, seconds: float) -> None:
        self.pair.now += seconds
        now = self.pair.now
        for role, side in self.sides.items():
            before = side.state
            self._absorb(role, side.handle_timer(now), before)
            # Whatever was due has been dealt with.
            assert all(p.deadline > now for p in side.window)
        self._pump()

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def window_within_size(self) -> None:
        for side in self.sides.values():
            assert len(side.window) <= side.window.size

    @invariant()
    def deadlines_consistent(self) -> None:
        for side in self.sides.values():
            pending = list(side.window)
            for p in pending:
                assert p.deadline == p.sent + side.config.response_timeout
            if pending:
                earliest = min(p.deadline for p in pending)
                assert side.window.next_deadline() == earliest
                deadline = side.next_deadline()
                assert deadline is not None and deadline <= earliest
            if side.closed:
                assert side.next_deadline() is None and not pending

    @invariant()
    def states_follow_the_table(self) -> None:
        for role, side in self.sides.items():
            assert side.state in EDGES[self.prev[role]], (role, self.prev[role], side.state)
            self.prev[role] = side.state
        # With the link quiet, both ends agree on the state until one of them closes.
        esme, smsc = self.pair.esme.state, self.pair.smsc.state
        if CLOSED not in (esme, smsc):
            assert esme is smsc, (esme, smsc)

    @invariant()
    def each_request_answered_at_most_once_on_the_wire(self) -> None:
        for sender, responses in self.wire_responses.items():
            requester = Role.SMSC if sender is Role.ESME else Role.ESME
            for seq, n in responses.items():
                if seq in self.wire_requests[requester]:
                    assert n == 1, f"{sender} answered request {seq} {n} times"

    @invariant()
    def inbound_bookkeeping_matches(self) -> None:
        for role, side in self.sides.items():
            if not side.closed:
                assert side.inbound_pending == len(self.inbox[role])


SessionPair.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_session_pair = SessionPair.TestCase

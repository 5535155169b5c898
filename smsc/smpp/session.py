"""The SMPP session as a sans-I/O state machine (the h11 / aioquic way).

One ``Session`` per TCP connection. It eats bytes and ``now`` and produces events, bytes to
send and its next deadline; it never touches a socket, a reactor or the clock, so the Twisted
server, the Locust client and the tests drive the same object::

    events = session.receive_data(data, now)     # requests, correlated responses, ...
    session.send(resp, now)                      # answer a request / send a request
    transport.write(session.data_to_send())
    deadline = session.next_deadline()           # re-arm one timer; then handle_timer(now)

What the session does by itself, because it is protocol and not policy: answers
enquire_link, answers PDUs that are malformed, unknown or out of state with the right
status (generic_nack and close when framing is lost), numbers its own requests (wrapping at
0x7FFFFFFF), keeps the window of outstanding requests with their deadlines, tracks the bind
state from the bind responses, finishes in-flight work before answering unbind, keeps each
version to its own PDUs and TLVs (below), and runs the session timers.

Versions: the session runs at the interface_version negotiated at bind (``interface_version``:
0x33, 0x34 or 0x50; ``SessionConfig.interface_version`` is the newest this side speaks). A PDU
the version lacks is refused: from our side with LocalProtocolError (a bug of the caller),
from the peer with generic_nack ESME_RINVCMDID, as an unknown command. TLVs the version lacks
are stripped from what we send (the caller may attach congestion_state to every response; a
3.4 peer never sees it, a 3.3 peer sees no TLV at all); in a request from a 3.4 peer, a 3.4 TLV
out of its 3.4 place is refused with ESME_ROPTPARNOTALLWD as in 3.4, and a 5.0 TLV is kept raw
in extra_tlvs, as it was before the codec knew 5.0. At 5.0 a known TLV out of place is not
refused: 5.0 asks a receiver to ignore it, so it is set aside raw in extra_tlvs.
"""

from __future__ import annotations

import copy
import functools
import struct
from dataclasses import dataclass, field, replace

import pdu
from pdu import CommandId as C
from pdu import CommandStatus as S
from pdu import Pdu, PduError

from .states import (
    AWAITING_BIND,
    BIND_REQUESTS,
    COMMANDS,
    NO_RESPONSE,
    RECEIVABLE,
    SENDABLE,
    SMPP_3_3,
    SMPP_3_4,
    SMPP_5_0,
    STATE_AFTER_BIND,
    STATE_AFTER_REQUEST,
    BindState,
    Role,
    negotiated_version,
)
from .window import Pending, Window, WindowFull

MAX_SEQUENCE_NUMBER = 0x7FFFFFFF
_SEQUENCE_NUMBER = struct.Struct(">I")  # header octets 12-15
RESPONSE_BIT = 0x80000000


@dataclass(frozen=True, slots=True)
class SessionConfig:
    role: Role = Role.SMSC
    window_size: int = 10  # our own outstanding requests
    response_timeout: float = 30.0
    session_init_timeout: float = 30.0  # SMSC: a bind must arrive this soon after connect
    enquire_link_interval: float = 30.0  # send enquire_link after this long without traffic
    inactivity_timeout: float = 300.0  # close after this long without any PDU from the peer
    unbind_timeout: float = 10.0  # give up waiting for unbind_resp / in-flight work
    max_inbound_pending: int = 1000  # requests received and not yet answered
    inbound_full_status: int = S.ESME_RMSGQFUL
    max_command_length: int = pdu.DEFAULT_MAX_COMMAND_LENGTH
    keep_raw: bool = False  # received PDUs carry their frame in .raw (the SMSC keeps it)
    # The newest SMPP version this side speaks; a session runs at the lower of this and the
    # peer's. The SMSC reports it in sc_interface_version.
    interface_version: int = SMPP_3_4


# -- events --------------------------------------------------------------------------------
# A request from the peer that needs an answer is delivered as the Pdu object itself.


@dataclass(slots=True)  # not frozen: one is built per PDU, and frozen init is slower
class ResponseReceived:
    """The peer answered one of our requests (a generic_nack counts as an answer)."""

    response: Pdu
    request: Pdu
    context: object
    sent: float


@dataclass(slots=True)  # not frozen: one is built per PDU, and frozen init is slower
class RequestTimedOut:
    request: Pdu
    context: object


@dataclass(frozen=True, slots=True)
class Bound:
    """The session is bound (we sent or received a successful bind response)."""

    state: BindState
    bind: Pdu  # the bind request


@dataclass(frozen=True, slots=True)
class EnquireLinkReceived:
    """The peer sent enquire_link; the session answered it already."""


ENQUIRE_LINK_RECEIVED = EnquireLinkReceived()  # carries nothing: one instance serves


@dataclass(frozen=True, slots=True)
class UnbindRequested:
    """The peer sent unbind; unbind_resp follows once in-flight requests are answered."""


@dataclass(frozen=True, slots=True)
class ProtocolError:
    """The peer broke a rule; the session already answered it (or will close)."""

    error: PduError


@dataclass(frozen=True, slots=True)
class UnexpectedResponse:
    """A response whose sequence number matches nothing outstanding (late or bogus)."""

    response: Pdu


@dataclass(frozen=True, slots=True)
class Closed:
    """The session is over. ``lost`` holds our requests that never got an answer."""

    reason: str
    lost: tuple[Pending, ...] = field(default=())


Event = (
    Pdu
    | ResponseReceived
    | RequestTimedOut
    | Bound
    | EnquireLinkReceived
    | UnbindRequested
    | ProtocolError
    | UnexpectedResponse
    | Closed
)


class LocalProtocolError(Exception):
    """Our own side tried something SMPP does not allow (a bug in the caller)."""


class Session:
    def __init__(self, config: SessionConfig, now: float) -> None:
        self.config = config
        self.role = config.role
        self.state = BindState.OPEN
        self.window = Window(config.window_size, config.response_timeout)
        self.framer = pdu.Framer(config.max_command_length, keep_raw=config.keep_raw)
        self.bind_request: Pdu | None = None  # the bind that bound this session
        self._out: list[bytes] = []
        self._next_seq = 1
        # Requests received and not answered yet: sequence_number -> command_id.
        self._inbound: dict[int, int] = {}
        self._set_version(negotiated_version(config.interface_version, config.interface_version))
        self._bound = False
        self._bind_pending = False  # a bind received and not answered yet
        self._created = now
        self._last_rx = now
        self._last_enquire = now
        self._unbind_deadline: float | None = None
        self._unbind_pending_seq: int | None = None  # peer's unbind we still owe a resp
        self.close_reason: str | None = None

    def apply_limits(
        self, *, window_size: int, max_inbound_pending: int, inbound_full_status: int
    ) -> None:
        """Per-account limits, known once the bind is accepted."""
        self.window.size = window_size
        self.config = replace(
            self.config,
            window_size=window_size,
            max_inbound_pending=max_inbound_pending,
            inbound_full_status=inbound_full_status,
        )

    # -- properties ----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.state is BindState.CLOSED

    @property
    def can_send_request(self) -> bool:
        w = self.window
        return self._bound and len(w._pending) < w.size  # hot path: no __len__ call

    @property
    def outstanding(self) -> int:
        return len(self.window)

    @property
    def inbound_pending(self) -> int:
        return len(self._inbound)

    # -- output --------------------------------------------------------------------------

    def data_to_send(self) -> bytes:
        if not self._out:
            return b""
        data = b"".join(self._out) if len(self._out) > 1 else self._out[0]
        self._out.clear()
        return data

    def _set_state(self, state: BindState) -> None:
        self.state = state
        self._bound = state.is_bound
        if state is not BindState.CLOSED:
            commands = COMMANDS[self.interface_version]
            self._receivable = RECEIVABLE[(self.role, state)] & commands
            self._sendable = SENDABLE[(self.role, state)] & commands

    def cap_version(self, newest: int) -> None:
        """Run at no newer a version than ``newest`` (an account bound to an older SMPP than
        the SMSC speaks); called before the bind_resp is sent, which then goes at it."""
        self._set_version(negotiated_version(self.interface_version, newest))

    def _set_version(self, version: int) -> None:
        """Run at ``version`` (negotiated at bind; before it, the newest we speak)."""
        self.interface_version = version
        self._commands = COMMANDS[version]
        self._foreign = frozenset(pdu.CLASSES) - self._commands  # PDUs of other versions
        self._barred_out, self._barred_in = _barred_tlvs(version)
        # 5.0 receivers ignore a known TLV where they do not expect it; 3.4 refuses it.
        self.framer.out_of_place_tlvs = "keep" if version >= SMPP_5_0 else "refuse"
        self._set_state(self.state)

    def _next_sequence_number(self) -> int:
        seq = self._next_seq
        # Skip numbers still outstanding after a wrap (window << 2**31, so this terminates).
        while seq in self.window:
            seq = seq + 1 if seq < MAX_SEQUENCE_NUMBER else 1
        self._next_seq = seq + 1 if seq < MAX_SEQUENCE_NUMBER else 1
        return seq

    def send(self, p: Pdu, now: float, context: object = None, encoded: bytes | None = None) -> int:
        """Queue a PDU. Requests get a sequence number (returned) and a place in the window;
        a response must answer a request received and not yet answered.

        ``encoded``: the request already encoded (as stored for store-and-forward), used
        instead of encoding ``p`` again; only its sequence_number is rewritten."""
        cid = p.command_id
        if self.state is BindState.CLOSED:
            raise LocalProtocolError("the session is closed")
        if cid & RESPONSE_BIT:
            self._send_response(p, now)
            return p.sequence_number
        if cid not in self._sendable:
            if cid not in self._commands:
                raise LocalProtocolError(
                    f"{p.command_name} is not part of the SMPP version of this session "
                    f"(interface_version 0x{self.interface_version:02X})"
                )
            raise LocalProtocolError(
                f"{p.command_name} may not be sent in state {self.state.name} "
                f"by the {self.role.value}"
            )
        answered = cid not in NO_RESPONSE  # outbind, alert_notification: no window place
        if answered and self.window.full:
            raise WindowFull(f"{len(self.window)} requests outstanding")
        p.sequence_number = seq = self._next_sequence_number()
        if answered:
            self.window.add(p, context, now)
        barred = self._barred_out
        if encoded is not None and (
            barred is None or not p.__dict__ or barred[cid].isdisjoint(p.__dict__)
        ):
            self._out.append(encoded[:12] + _SEQUENCE_NUMBER.pack(seq) + encoded[16:])
        else:
            self._write(p)
        if cid == C.unbind:
            self._set_state(BindState.UNBINDING)
            self._unbind_deadline = now + self.config.unbind_timeout
        elif cid in STATE_AFTER_REQUEST:
            self._set_state(STATE_AFTER_REQUEST[cid])
        return seq

    def _send_response(self, p: Pdu, now: float) -> None:
        seq = p.sequence_number
        req_cid = self._inbound.pop(seq, None)
        if req_cid is None or (req_cid | RESPONSE_BIT) != p.command_id:
            if req_cid is not None:
                self._inbound[seq] = req_cid
            raise LocalProtocolError(
                f"{p.command_name} seq {seq} answers no request received and not yet answered"
            )
        self._write(p)
        if req_cid in BIND_REQUESTS:
            self._bind_pending = False
            if p.command_status == 0:
                self._set_state(STATE_AFTER_BIND[req_cid])
        if self._unbind_pending_seq is not None and not self._inbound:
            self._finish_peer_unbind()

    def _write(self, p: Pdu) -> None:
        barred = self._barred_out  # TLVs live in __dict__ (see pdu.base)
        if barred is not None and p.__dict__ and not barred[p.command_id].isdisjoint(p.__dict__):
            # Strip a copy: the caller may send the same PDU to a peer of another version.
            gone = barred[p.command_id]
            p = copy.copy(p)
            for name in [n for n in p.__dict__ if n in gone]:
                del p.__dict__[name]
        self._out.append(pdu.encode(p))

    def _answer(self, resp: Pdu | None) -> None:
        if resp is not None:
            self._out.append(pdu.encode(resp))

    # -- input ---------------------------------------------------------------------------

    def receive_data(self, data: bytes, now: float) -> list[Event]:
        if self.state is BindState.CLOSED:
            return []
        self._last_rx = now
        events: list[Event] = []
        receivable = self._receivable
        foreign = self._foreign
        for item in self.framer.feed_pdus(data):
            if isinstance(item, PduError):
                if item.recoverable and item.command_id in foreign:
                    # However malformed: the body of an unknown command is not looked at.
                    self._protocol_error(
                        self._unknown_command(item.command_id, item.sequence_number), events
                    )
                    continue
                self._protocol_error(item, events)
                if self.closed:
                    break
                continue
            cid = item.command_id
            if cid & RESPONSE_BIT:
                if cid in foreign:  # broadcast_sm_resp to a 3.4 session: unknown
                    self._protocol_error(self._unknown_command(cid, item.sequence_number), events)
                    continue
                self._response(item, cid, now, events)
            elif self._barred_in is not None and item.__dict__ and not self._tlvs_fit(item, events):
                continue  # refused, as the 3.4 codec refused it
            elif cid not in receivable:
                self._out_of_state(item, cid, events)
            elif cid == C.enquire_link:
                self._out.append(
                    pdu.encode(pdu.EnquireLinkResp(sequence_number=item.sequence_number))
                )
                events.append(ENQUIRE_LINK_RECEIVED)
            elif cid == C.unbind:
                self._peer_unbind(item, now, events)
            elif cid in NO_RESPONSE:
                # Owed no answer, so never counted as pending (unbind would wait for ever).
                if cid in STATE_AFTER_REQUEST:
                    self._set_state(STATE_AFTER_REQUEST[cid])
                events.append(item)
            else:
                if len(self._inbound) >= self.config.max_inbound_pending:
                    self._answer(_error_resp(item, self.config.inbound_full_status))
                    continue
                if cid in BIND_REQUESTS:
                    if self._bind_pending:
                        # A second bind pipelined behind one not yet answered.
                        self._out_of_state(item, cid, events, S.ESME_RALYBND)
                        continue
                    self._bind_pending = True
                    self.bind_request = item
                    # The bind_resp already goes out at the negotiated version (3.3: no TLV).
                    offered = item.interface_version  # type: ignore[attr-defined]
                    self._set_version(negotiated_version(offered, self.config.interface_version))
                self._inbound[item.sequence_number] = cid
                events.append(item)
            # A bind (response) may have changed the state or the version mid-chunk.
            receivable = self._receivable
            foreign = self._foreign
        return events

    def _tlvs_fit(self, p: Pdu, events: list[Event]) -> bool:
        """Hold a request from a peer below 5.0 to 3.4's TLVs: a 3.4 TLV where 3.4 does not
        allow it refuses the request (ESME_ROPTPARNOTALLWD, False); a 5.0 TLV goes into
        extra_tlvs, raw, as an unknown tag would. (A response keeps what it brings: nothing
        is answered to it, and the caller reads only what it knows.)"""
        assert self._barred_in is not None
        d = p.__dict__
        barred = self._barred_in.get(p.command_id)
        if barred is None or barred.isdisjoint(d):
            return True  # (a PDU of another version is refused as an unknown command)
        specs = [pdu.tlv.SPECS_BY_NAME[n] for n in d if n in barred]
        refused = [s.name for s in specs if s.version < SMPP_5_0]
        if refused:
            err = PduError(
                f"TLV {refused[0]} is not allowed in {p.command_name} in SMPP 3.4",
                S.ESME_ROPTPARNOTALLWD,
                sequence_number=p.sequence_number,
                command_id=p.command_id,
                field=refused[0],
            )
            self._protocol_error(err, events)
            return False
        raw = d.get("extra_tlvs", ())
        for spec in specs:
            value = d.pop(spec.name)
            for item in value if spec.repeats else (value,):
                raw = (*raw, (spec.tag, pdu.tlv.encode_value(spec, item)))
        d["extra_tlvs"] = raw
        return True

    def _unknown_command(self, cid: int, seq: int) -> PduError:
        """A PDU of another SMPP version (broadcast_sm from a 3.4 bind, well-formed or not):
        an unknown command to this session, answered with generic_nack as the codec answers
        one (5.0 facts 1)."""
        return PduError(
            f"{pdu.CommandId(cid).name} is not part of SMPP at interface_version "
            f"0x{self.interface_version:02X}",
            S.ESME_RINVCMDID,
            sequence_number=seq,
        )

    def _protocol_error(self, err: PduError, events: list[Event]) -> None:
        events.append(ProtocolError(err))
        self._answer(pdu.error_response(err))
        if not err.recoverable:
            self._close("framing lost: " + err.message, events)

    def _out_of_state(
        self, p: Pdu, cid: int, events: list[Event], status: int | None = None
    ) -> None:
        if cid not in self._commands:
            self._protocol_error(self._unknown_command(cid, p.sequence_number), events)
            return
        if status is None:
            bound = self.state.is_bound or self.state is BindState.UNBINDING
            status = S.ESME_RALYBND if cid in BIND_REQUESTS and bound else S.ESME_RINVBNDSTS
        events.append(
            ProtocolError(
                PduError(
                    f"{p.command_name} is not allowed in state {self.state.name}",
                    status,
                    sequence_number=p.sequence_number,
                    command_id=cid,
                )
            )
        )
        self._answer(_error_resp(p, status))

    def _response(self, resp: Pdu, cid: int, now: float, events: list[Event]) -> None:
        pending = self.window.pop(resp.sequence_number)
        if pending is None:
            events.append(UnexpectedResponse(resp))
            return
        req = pending.request
        if cid != C.generic_nack and cid != (req.command_id | RESPONSE_BIT):
            # Answered with the wrong response type: treat it as a failed answer.
            events.append(UnexpectedResponse(resp))
        if resp.command_status == 0 and req.command_id in BIND_REQUESTS and cid != C.generic_nack:
            self.bind_request = req
            # An SMSC that reports no version takes no TLVs (5.0 facts 1, S 2.11.2).
            theirs = getattr(resp, "sc_interface_version", None)
            offered = req.interface_version  # type: ignore[attr-defined]
            self._set_version(negotiated_version(offered, SMPP_3_3 if theirs is None else theirs))
            self._set_state(STATE_AFTER_BIND[req.command_id])
            events.append(Bound(self.state, req))
        elif req.command_id == C.unbind:
            self._close("unbound", events)
            return
        if req.command_id != C.enquire_link:
            events.append(ResponseReceived(resp, req, pending.context, pending.sent))

    def _peer_unbind(self, p: Pdu, now: float, events: list[Event]) -> None:
        events.append(UnbindRequested())
        self._set_state(BindState.UNBINDING)
        self._unbind_pending_seq = p.sequence_number
        self._unbind_deadline = now + self.config.unbind_timeout
        if not self._inbound:
            self._finish_peer_unbind()

    def _finish_peer_unbind(self) -> None:
        seq = self._unbind_pending_seq
        assert seq is not None
        self._unbind_pending_seq = None
        self._out.append(pdu.encode(pdu.UnbindResp(sequence_number=seq)))
        # The side that sent unbind closes the connection; we wait for it (or the timer).

    # -- bound transitions from our own responses ---------------------------------------

    def after_bind_response(self) -> Event | None:
        """The Bound event for the bind we just accepted (SMSC side), if any."""
        if self.state.is_bound and self.bind_request is not None:
            return Bound(self.state, self.bind_request)
        return None

    # -- timers --------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        if self.state is BindState.CLOSED:
            return None
        cfg = self.config
        deadlines = [self._last_rx + cfg.inactivity_timeout]
        if self.state in AWAITING_BIND and self.role is Role.SMSC:
            deadlines.append(self._created + cfg.session_init_timeout)
        if self.state.is_bound:
            deadlines.append(max(self._last_rx, self._last_enquire) + cfg.enquire_link_interval)
        w = self.window.next_deadline()
        if w is not None:
            deadlines.append(w)
        if self._unbind_deadline is not None:
            deadlines.append(self._unbind_deadline)
        return min(deadlines)

    def handle_timer(self, now: float) -> list[Event]:
        events: list[Event] = []
        if self.state is BindState.CLOSED:
            return events
        cfg = self.config
        for pending in self.window.expired(now):
            if pending.request.command_id == C.unbind:
                self._close("no unbind_resp", events)
                return events
            if pending.request.command_id in BIND_REQUESTS:
                # Unanswered bind: we cannot know whether the peer bound us; start afresh.
                events.append(RequestTimedOut(pending.request, pending.context))
                self._close("no bind response", events)
                return events
            if pending.request.command_id != C.enquire_link:
                events.append(RequestTimedOut(pending.request, pending.context))
        if self._unbind_deadline is not None and now >= self._unbind_deadline:
            self._close("unbind did not complete in time", events)
        elif now >= self._last_rx + cfg.inactivity_timeout:
            self._close("inactivity timeout", events)
        elif (
            self.state in AWAITING_BIND
            and self.role is Role.SMSC
            and now >= self._created + cfg.session_init_timeout
        ):
            self._close("no bind within the session-init timeout", events)
        elif (
            self.state.is_bound
            and now >= max(self._last_rx, self._last_enquire) + cfg.enquire_link_interval
        ):
            self._last_enquire = now  # also when skipped: the deadline must move on
            if not self.window.full:  # a full window is probing the link already
                self.send(pdu.EnquireLink(), now)
        return events

    # -- closing -------------------------------------------------------------------------

    def _close(self, reason: str, events: list[Event]) -> None:
        if self.state is BindState.CLOSED:
            return
        self.close_reason = reason
        self._set_state(BindState.CLOSED)
        lost = tuple(p for p in self.window.drain() if p.request.command_id not in _NO_RETRY)
        events.append(Closed(reason, lost))

    def connection_lost(self, reason: str = "connection lost") -> list[Event]:
        """The transport is gone: everything outstanding is lost."""
        events: list[Event] = []
        self._close(reason, events)
        return events

    def close(self, reason: str = "closed locally") -> list[Event]:
        """Close without unbinding (e.g. shutting down after a protocol violation)."""
        return self.connection_lost(reason)


_NO_RETRY = frozenset((C.enquire_link, C.unbind))
_Barred = dict[int, frozenset[str]]


@functools.cache
def _barred_tlvs(version: int) -> tuple[_Barred | None, _Barred | None]:
    """Per command_id, the TLVs a session at ``version`` strips from what it sends, and those
    a peer's PDU may not bring as they are (None, None at 5.0: the codec knows no more). A
    3.3 peer gets no TLV at all, extra_tlvs (raw unknown tags) included; what a peer below
    5.0 sends is held to 3.4, a 3.3 peer's TLVs too, as before. The sets are small:
    isdisjoint on one is the cheapest test per PDU."""
    if version >= SMPP_5_0:
        return None, None
    commands = [int(c) for c in COMMANDS[version]]  # plain ints: the cheapest keys
    every = {c: frozenset(pdu.CLASSES[c].tlv_by_name) for c in commands}
    keep = {c: pdu.tlv_names(c, version) for c in commands}
    raw = frozenset() if version == SMPP_3_3 else frozenset(("extra_tlvs",))
    out = {c: (every[c] | {"extra_tlvs"}) - keep[c] - raw for c in commands}
    held = {c: every[c] - pdu.tlv_names(c, SMPP_3_4) for c in commands}
    return out, held


def _error_resp(p: Pdu, status: int) -> Pdu | None:
    return pdu.error_response(
        PduError("", status, sequence_number=p.sequence_number, command_id=p.command_id)
    )

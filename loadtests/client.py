"""A blocking SMPP client (ESME) for load tests, on the same sans-I/O ``Session`` as the server.

It uses only ``socket`` and ``threading`` from the standard library, so it runs as it is under
plain threads (the tests) and turns into greenlets when gevent has patched those modules (under
Locust). One connection has one reader (thread or greenlet) that owns the receive side and the
session timers; any number of callers may send on it. The window is the session's: ``submit``
blocks while ``window`` requests are outstanding.

    client = SmppClient("127.0.0.1", 2775, window=100, handler=my_handler)
    client.connect()
    client.bind(BindType.TRANSCEIVER, "me", "pw")
    client.submit(pdu.SubmitSm(...), context=anything)   # the answer goes to the handler
    client.unbind()

What arrives is given to a ``Handler`` from the reader: responses with the context they were
sent with, time-outs, deliver_sm/data_sm (answered with the status the handler returns), the
end of the session. ``ReceiptTracker`` and ``ReplyTracker`` correlate receipts and MO replies
with the submits that caused them; they are per process because a receipt may arrive on any
receiver bind of the system_id, not only on the bind that submitted.
"""

from __future__ import annotations

import contextlib
import enum
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass

import pdu
import pdu.receipt
from pdu import CommandStatus, MessageState, Pdu
from smsc.smpp.session import (
    Closed,
    Event,
    RequestTimedOut,
    ResponseReceived,
    Session,
    SessionConfig,
)
from smsc.smpp.states import Role

__all__ = [
    "BindError",
    "BindType",
    "ClientClosedError",
    "Handler",
    "ReceiptTracker",
    "ReplyTracker",
    "SmppClient",
    "receipt_of",
]

_RECV = 262_144
# The reader wakes at least this often to run the session timers: SMPP timers are tens of
# seconds, so this granularity costs nothing. It is also the socket's timeout, so a write
# that cannot progress is retried in slices of it (see _write).
_TICK = 0.5
_ESM_TYPE_MASK = 0x3C
_DELIVERIES = frozenset((pdu.CommandId.deliver_sm, pdu.CommandId.data_sm))
_ESM_RECEIPTS = (0x04, 0x08, 0x10, 0x20)  # SMSC receipt, SME ack, manual ack, intermediate


class BindType(enum.Enum):
    TRANSMITTER = "transmitter"
    RECEIVER = "receiver"
    TRANSCEIVER = "transceiver"


_BIND_PDU: dict[BindType, type[pdu.BindTransmitter | pdu.BindReceiver | pdu.BindTransceiver]] = {
    BindType.TRANSMITTER: pdu.BindTransmitter,
    BindType.RECEIVER: pdu.BindReceiver,
    BindType.TRANSCEIVER: pdu.BindTransceiver,
}


class ClientClosedError(ConnectionError):
    """The session is over (unbound, refused, timed out or the connection was lost)."""


class BindError(Exception):
    """The bind was refused: ``status`` is the command_status of the bind response."""

    def __init__(self, status: int) -> None:
        super().__init__(status_name(status))
        self.status = status


def status_name(status: int) -> str:
    return CommandStatus(status).name


class Handler:
    """What the reader calls; override what you need. Called without the client's lock held,
    from the reader, one call at a time per connection."""

    def response(self, event: ResponseReceived, now: float) -> None:
        """An answer to a request sent with ``submit``/``send_request``."""

    def timed_out(self, event: RequestTimedOut, now: float) -> None:
        """No answer within ``response_timeout``."""

    def deliver(self, p: Pdu, now: float) -> int:
        """A deliver_sm or data_sm from the SMSC; returns the command_status to answer."""
        return 0

    def closed(self, event: Closed, now: float) -> None:
        """The session ended; ``event.lost`` are requests that never got an answer."""


@dataclass(slots=True)
class _Waiter:
    """The context of a request whose caller blocks for the answer."""

    done: threading.Event
    response: Pdu | None = None


class SmppClient:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        window: int = 10,
        handler: Handler | None = None,
        response_timeout: float = 30.0,
        enquire_link_interval: float = 30.0,
        io_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.handler = handler or Handler()
        self.io_timeout = io_timeout  # connect, bind, unbind, a stuck write
        config = SessionConfig(
            role=Role.ESME,
            window_size=window,
            response_timeout=response_timeout,
            enquire_link_interval=enquire_link_interval,
            # The SMSC sends enquire_link on idle links too; inactivity means it is gone.
            inactivity_timeout=max(enquire_link_interval * 3, 90.0),
            unbind_timeout=io_timeout,
        )
        self.session = Session(config, time.perf_counter())
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)  # signalled when a response frees a slot
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._ended = threading.Event()  # the reader has finished

    # -- connection -------------------------------------------------------------------

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=self.io_timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(_TICK)
        self._sock = sock
        self._reader = threading.Thread(target=self._read_loop, name="smpp-reader", daemon=True)
        self._reader.start()

    def bind(
        self,
        bind_type: BindType,
        system_id: str,
        password: str,
        *,
        system_type: str = "",
        interface_version: int = 0x34,
    ) -> Pdu:
        """Bind and wait for the answer; raises BindError if refused."""
        cls = _BIND_PDU[bind_type]
        req = cls(
            system_id=system_id,
            password=password,
            system_type=system_type,
            interface_version=interface_version,
        )
        resp = self.request(req, self.io_timeout)
        if resp.command_status != 0:
            raise BindError(resp.command_status)
        return resp

    def unbind(self, timeout: float | None = None) -> bool:
        """Send unbind, wait for the session to end, close. True if the unbind was clean
        (every outstanding request answered first, then unbind_resp)."""
        timeout = self.io_timeout if timeout is None else timeout
        deadline = time.perf_counter() + timeout
        session = self.session
        with self._room:
            # unbind takes a place in the window like any request.
            while session.state.is_bound and session.window.full:
                self._flush_locked()
                if time.perf_counter() > deadline:
                    break
                self._room.wait(_TICK)
            if session.state.is_bound and not session.window.full:
                session.send(pdu.Unbind(), time.perf_counter())
                self._safe_flush_locked()
        self._ended.wait(max(0.0, deadline - time.perf_counter()))
        clean = self.session.close_reason == "unbound"
        self.close()
        return clean

    def close(self) -> None:
        """Drop the connection (no unbind); the reader ends and reports Closed."""
        sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(self.io_timeout)

    @property
    def closed(self) -> bool:
        return self.session.closed

    # -- sending ------------------------------------------------------------------------

    def submit(self, p: Pdu, context: object = None, *, flush: bool = True) -> int:
        """Send a request whose answer goes to the handler with ``context``; blocks while
        the window is full. With ``flush=False`` the PDU waits in the session's output until
        the next flush (the window filling flushes too): bursts go out in fewer writes."""
        with self._room:
            session = self.session
            while not session.can_send_request:
                if not session.state.is_bound:
                    raise ClientClosedError(
                        f"not bound ({session.state.name}): {session.close_reason}"
                    )
                self._flush_locked()
                self._room.wait(_TICK)
            seq = session.send(p, time.perf_counter(), context)
            if flush:
                self._flush_locked()
        return seq

    def request(self, p: Pdu, timeout: float | None = None) -> Pdu:
        """Send a request and wait for its answer (bind, query_sm, ...)."""
        waiter = _Waiter(threading.Event())
        with self._room:
            session = self.session
            if session.closed:
                raise ClientClosedError(f"session closed: {session.close_reason}")
            while session.window.full:
                self._flush_locked()
                self._room.wait(_TICK)
                if session.closed:
                    raise ClientClosedError(f"session closed: {session.close_reason}")
            session.send(p, time.perf_counter(), waiter)
            self._flush_locked()
        if not waiter.done.wait(self.io_timeout if timeout is None else timeout):
            raise TimeoutError(f"no answer to {p.command_name}")
        if waiter.response is None:
            raise ClientClosedError(f"no answer to {p.command_name}: {self.session.close_reason}")
        return waiter.response

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        data = self.session.data_to_send()
        if data:
            self._write(data)

    def _write(self, data: bytes) -> None:
        # send() rather than sendall(): a send that times out has sent nothing, so it can be
        # retried without tearing a PDU; sendall() would not say how much went out.
        sock = self._sock
        if sock is None:
            raise ClientClosedError("not connected")
        view = memoryview(data)
        deadline = time.perf_counter() + self.io_timeout
        while view:
            try:
                n = sock.send(view)
            except TimeoutError:
                if time.perf_counter() > deadline:
                    raise
                continue
            except OSError as e:
                raise ClientClosedError(f"write failed: {e}") from e
            view = view[n:]

    # -- the reader ---------------------------------------------------------------------

    def _read_loop(self) -> None:
        sock = self._sock
        assert sock is not None
        session = self.session
        perf = time.perf_counter
        timeout = _TICK
        try:
            while not session.closed:
                if timeout != sock.gettimeout():
                    sock.settimeout(timeout)
                data: bytes | None
                try:
                    data = sock.recv(_RECV)
                except TimeoutError:
                    data = None
                except OSError:
                    data = b""
                now = perf()
                with self._lock:
                    if data:
                        events = session.receive_data(data, now)
                    elif data is None:
                        events = []
                    else:
                        events = session.connection_lost("connection closed by the SMSC")
                    # Checked on every wake-up, not only on a quiet socket: on a busy link
                    # recv never times out, and response time-outs must still fire.
                    deadline = session.next_deadline()
                    if deadline is not None and now >= deadline:
                        events += session.handle_timer(now)
                        deadline = session.next_deadline()
                    self._safe_flush_locked()
                if events:
                    self._dispatch(events, now)
                # At least every _TICK: writes share this timeout (see _write).
                timeout = _TICK if deadline is None else min(_TICK, max(0.001, deadline - perf()))
        finally:
            with self._lock:
                last: list[Event] = (
                    session.connection_lost("reader stopped") if not session.closed else []
                )
                self._room.notify_all()
            if last:
                self._dispatch(last, perf())
            self._ended.set()

    def _safe_flush_locked(self) -> None:
        try:
            self._flush_locked()
        except (ClientClosedError, TimeoutError):
            self.session.connection_lost("write failed")

    def _dispatch(self, events: list[Event], now: float) -> None:
        handler = self.handler
        answers: list[Pdu] = []
        freed = False
        for ev in events:
            if isinstance(ev, ResponseReceived):
                freed = True
                ctx = ev.context
                if isinstance(ctx, _Waiter):
                    ctx.response = ev.response
                    ctx.done.set()
                else:
                    handler.response(ev, now)
            elif isinstance(ev, Pdu):
                cid = ev.command_id
                if cid in _DELIVERIES:
                    status = handler.deliver(ev, now)
                    resp_cls = (
                        pdu.DeliverSmResp if cid == pdu.CommandId.deliver_sm else pdu.DataSmResp
                    )
                    answers.append(
                        resp_cls(sequence_number=ev.sequence_number, command_status=status)
                    )
                # alert_notification needs no answer; nothing else reaches an ESME here.
            elif isinstance(ev, RequestTimedOut):
                freed = True
                ctx = ev.context
                if isinstance(ctx, _Waiter):
                    ctx.done.set()
                else:
                    handler.timed_out(ev, now)
            elif isinstance(ev, Closed):
                freed = True
                for pending in ev.lost:
                    if isinstance(pending.context, _Waiter):
                        pending.context.done.set()
                handler.closed(ev, now)
        if answers or freed:
            with self._lock:
                session = self.session
                if not session.closed:
                    for a in answers:
                        session.send(a, now)
                    self._safe_flush_locked()
                if freed:
                    self._room.notify_all()


# -- correlation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptInfo:
    message_id: str
    state: int  # MessageState value; 0 when the receipt says nothing we can read


def receipt_of(p: Pdu) -> ReceiptInfo | None:
    """The message id and state a delivery receipt (deliver_sm/data_sm) reports, or None if
    the PDU is not a receipt."""
    esm = getattr(p, "esm_class", 0)
    if (esm & _ESM_TYPE_MASK) not in _ESM_RECEIPTS:
        return None
    mid = getattr(p, "receipted_message_id", None)
    state = getattr(p, "message_state", None)
    if mid is None or state is None:
        try:
            r = pdu.receipt.parse_bytes(getattr(p, "short_message", b"") or b"")
        except ValueError:
            return ReceiptInfo(str(mid), 0) if mid is not None else None
        mid = r.id if mid is None else mid
        state = r.state if state is None else state
    return ReceiptInfo(str(mid), int(state))


@dataclass(slots=True)
class Owed:
    sent: float
    context: object


class ReceiptTracker:
    """Submits waiting for their receipt, by message_id, in submit order (for expiry).

    A receipt can overtake its submit_sm_resp when it arrives on another bind; it waits in
    ``early`` (bounded) until the response names its message id.
    """

    def __init__(self, max_early: int = 100_000) -> None:
        self.owed: dict[str, Owed] = {}
        self.early: dict[str, tuple[float, ReceiptInfo]] = {}
        self.max_early = max_early
        self.unmatched = 0

    def expect(
        self, message_id: str, sent: float, context: object
    ) -> tuple[float, ReceiptInfo] | None:
        """Note a submit awaiting its receipt; returns the receipt if it came first."""
        got = self.early.pop(message_id, None)
        if got is None:
            self.owed[message_id] = Owed(sent, context)
        return got

    def arrived(self, info: ReceiptInfo, now: float) -> Owed | None:
        owed = self.owed.pop(info.message_id, None)
        if owed is None:
            if len(self.early) < self.max_early:
                self.early[info.message_id] = (now, info)
            else:
                self.unmatched += 1
        return owed

    def expired(self, now: float, max_age: float) -> list[tuple[str, Owed]]:
        """Remove and return the submits older than ``max_age`` still without a receipt."""
        out: list[tuple[str, Owed]] = []
        for mid, owed in self.owed.items():  # insertion order is submit order
            if now - owed.sent < max_age:
                break
            out.append((mid, owed))
        for mid, _ in out:
            del self.owed[mid]
        return out


class ReplyTracker:
    """MTs waiting for the handset's MO reply, by (handset, our address).

    An MO reply is matched to the oldest MT sent to its source_addr from its
    destination_addr; the handset replies to the address that wrote to it.
    """

    def __init__(self) -> None:
        self.waiting: dict[tuple[str, str], deque[Owed]] = {}

    def expect(self, handset: str, ours: str, sent: float, context: object = None) -> None:
        self.waiting.setdefault((handset, ours), deque()).append(Owed(sent, context))

    def arrived(self, mo: Pdu) -> Owed | None:
        key = (str(getattr(mo, "source_addr", "")), str(getattr(mo, "destination_addr", "")))
        q = self.waiting.get(key)
        if not q:
            return None
        owed = q.popleft()
        if not q:
            del self.waiting[key]
        return owed


# For the reader's side of a receipt: DELIVERED is the only success.
DELIVERED = int(MessageState.DELIVERED)

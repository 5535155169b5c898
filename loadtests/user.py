"""``SmppUser``: a Locust user that holds one SMPP bind and reports what matters.

Each user binds in ``on_start`` and unbinds in ``on_stop`` (waiting for its outstanding
submits to be answered first). What it reports to Locust (request type ``SMPP``):

* ``submit_sm``: time from submit_sm to submit_sm_resp. A non-zero command_status is a failure
  named after the status (``SmppError('ESME_RTHROTTLED')``).
* ``receipt``: time from submit_sm to its delivery receipt, matched by message id. A receipt
  whose state is not DELIVERED is a failure named after the state; no receipt within
  ``receipt_timeout`` is a failure ``SmppError('no receipt')``.
* ``mo_reply``: time from an MT sent with ``expect_reply=True`` to the MO deliver_sm the
  handset sends back (matched by addresses).
* ``deliver_sm``: one entry per deliver_sm/data_sm received (its time is 0: only the count and
  rate mean anything).
* ``bind_<type>`` and ``unbind``: the time each took (a refused bind fails with its status).

Receipts and replies are matched per process: the SMSC may deliver them on any receiver bind of
the system_id. By default every process binds with a system_id of its own (``lt<pid>``), so
with several Locust workers each gets its own receipts back.

Subclass it, set ``host`` (``smpp://127.0.0.1:2775`` or ``127.0.0.1:2775``, or Locust's
``--host``) and write tasks that call ``submit_sm`` / ``submit_text``.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, ClassVar

import gevent
from locust import User, events
from locust.env import Environment
from locust.exception import StopUser
from locust.rpc import Message
from locust.runners import MasterRunner

import pdu
from pdu import CommandStatus, MessageState, Pdu
from pdu.segment import CounterReferenceAllocator, SegmentMethod, segment_text
from smsc.smpp.session import Closed, RequestTimedOut, ResponseReceived

from .client import (
    DELIVERED,
    BindError,
    BindType,
    ClientClosedError,
    Handler,
    ReceiptTracker,
    ReplyTracker,
    SmppClient,
    receipt_of,
)

__all__ = ["SmppError", "SmppUser"]

REQUEST_TYPE = "SMPP"
# How long a headless master waits, beyond --stop-timeout, for its workers' last reports.
WORKER_QUIT_MARGIN = 30.0


class SmppError(Exception):
    """A failed exchange, named by its SMPP status or receipt state; Locust groups failures by
    this repr."""

    def __repr__(self) -> str:
        return f"SmppError({self.args[0]!r})"


def _status_error(status: int) -> SmppError:
    return SmppError(CommandStatus(status).name)


class _Submit:
    """What a submit_sm's answer must trigger: the Locust name, receipt and reply tracking."""

    __slots__ = ("name", "receipt", "reply")

    def __init__(self, name: str, receipt: bool, reply: bool) -> None:
        self.name = name
        self.receipt = receipt
        self.reply = reply


class _Reporter(Handler):
    """Turns the client's callbacks into Locust request events (runs in the reader)."""

    def __init__(self, user: SmppUser) -> None:
        self.user = user
        self.fire = user.environment.events.request.fire
        self.receipts = user.receipts
        self.replies = user.replies

    def response(self, event: ResponseReceived, now: float) -> None:
        resp = event.response
        ctx = event.context
        status = resp.command_status
        name = ctx.name if isinstance(ctx, _Submit) else resp.command_name.removesuffix("_resp")
        self.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=(now - event.sent) * 1000.0,
            response_length=0,
            exception=_status_error(status) if status else None,
            context={},
        )
        if status or not isinstance(ctx, _Submit):
            return
        req = event.request
        if ctx.receipt:
            early = self.receipts.expect(resp.message_id, event.sent, None)  # type: ignore[attr-defined]
            if early is not None:
                self._receipt(early[0] - event.sent, early[1].state)
        if ctx.reply:
            self.replies.expect(
                req.destination_addr,  # type: ignore[attr-defined]
                req.source_addr,  # type: ignore[attr-defined]
                event.sent,
            )

    def timed_out(self, event: RequestTimedOut, now: float) -> None:
        ctx = event.context
        name = ctx.name if isinstance(ctx, _Submit) else event.request.command_name
        self._fail(name, SmppError("no response"))

    def deliver(self, p: Pdu, now: float) -> int:
        user = self.user
        if user.fire_deliver_sm:
            self.fire(
                request_type=REQUEST_TYPE,
                name="deliver_sm",
                response_time=0,
                response_length=0,
                exception=None,
                context={},
            )
        info = receipt_of(p)
        if info is not None:
            owed = self.receipts.arrived(info, now)
            if owed is not None:
                self._receipt(now - owed.sent, info.state)
            return 0
        reply = self.replies.arrived(p)
        if reply is not None:
            self.fire(
                request_type=REQUEST_TYPE,
                name="mo_reply",
                response_time=(now - reply.sent) * 1000.0,
                response_length=0,
                exception=None,
                context={},
            )
        return user.on_mo(p)

    def closed(self, event: Closed, now: float) -> None:
        for pending in event.lost:
            ctx = pending.context
            if isinstance(ctx, _Submit):
                self._fail(ctx.name, SmppError("connection lost"))

    def _receipt(self, seconds: float, state: int) -> None:
        self.fire(
            request_type=REQUEST_TYPE,
            name="receipt",
            response_time=seconds * 1000.0,
            response_length=0,
            exception=None if state == DELIVERED else SmppError(_state_name(state)),
            context={},
        )

    def _fail(self, name: str, error: SmppError) -> None:
        self.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=0,
            response_length=0,
            exception=error,
            context={},
        )


def _state_name(state: int) -> str:
    try:
        return MessageState(state).name
    except ValueError:
        return f"state {state}"


def parse_host(host: str | None) -> tuple[str, int]:
    """``smpp://h:p``, ``h:p`` or ``h`` (port 2775)."""
    if not host:
        return "127.0.0.1", 2775
    host = host.removeprefix("smpp://").rstrip("/")
    name, sep, port = host.rpartition(":")
    return (name, int(port)) if sep else (host, 2775)


class SmppUser(User):
    abstract = True

    system_id: str | None = None  # None: "lt<pid>", one per process (see the module doc)
    password = "pw"
    bind_type = BindType.TRANSCEIVER
    window = 10  # submit_sm outstanding per bind
    registered_delivery = 1  # receipts asked for; --smpp-no-receipts sets 0
    response_timeout = 30.0
    receipt_timeout = 60.0  # a receipt later than this is a failure
    enquire_link_interval = 30.0
    fire_deliver_sm = True  # one Locust entry per deliver_sm (costs a little per message)
    source_addr = "12345"

    # Per process: receipts and replies may arrive on any bind of the system_id.
    receipts: ClassVar[ReceiptTracker] = ReceiptTracker()
    replies: ClassVar[ReplyTracker] = ReplyTracker()
    _sweeper: ClassVar[gevent.Greenlet | None] = None
    _references = CounterReferenceAllocator()

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.client: SmppClient | None = None
        self._ctx_receipt = _Submit("submit_sm", True, False)
        self._ctx_plain = _Submit("submit_sm", False, False)

    # -- life cycle -----------------------------------------------------------------------

    def on_start(self) -> None:
        opts = self.environment.parsed_options
        self.window = getattr(opts, "smpp_window", None) or self.window
        self.system_id = getattr(opts, "smpp_system_id", None) or self.system_id
        self.password = getattr(opts, "smpp_password", None) or self.password
        self.registered_delivery = 0 if getattr(opts, "smpp_no_receipts", False) else 1
        host, port = parse_host(self.host)
        client = SmppClient(
            host,
            port,
            window=self.window,
            handler=_Reporter(self),
            response_timeout=self.response_timeout,
            enquire_link_interval=self.enquire_link_interval,
        )
        name = f"bind_{self.bind_type.value}"
        t0 = time.perf_counter()
        try:
            client.connect()
            client.bind(self.bind_type, self.system_id or _process_system_id(), self.password)
        except (BindError, OSError, TimeoutError) as e:
            error = _status_error(e.status) if isinstance(e, BindError) else SmppError(repr(e))
            self._report(name, time.perf_counter() - t0, error)
            logging.getLogger(__name__).error("%s to %s:%d failed: %r", name, host, port, e)
            client.close()
            raise StopUser from e
        self._report(name, time.perf_counter() - t0, None)
        self.client = client
        _start_sweeper(type(self), self.environment)

    def on_stop(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        t0 = time.perf_counter()
        clean = client.unbind()
        self._report("unbind", time.perf_counter() - t0, None if clean else SmppError("unclean"))

    def on_mo(self, p: Pdu) -> int:
        """An MO (a deliver_sm that is not a receipt); returns the deliver_sm_resp status."""
        return 0

    # -- sending ----------------------------------------------------------------------------

    def submit_sm(
        self,
        destination_addr: str,
        short_message: bytes = b"",
        *,
        source_addr: str | None = None,
        data_coding: int = 0,
        esm_class: int = 0,
        registered_delivery: int = 1,
        expect_reply: bool = False,
        flush: bool = True,
        name: str = "submit_sm",
        **tlvs: Any,
    ) -> None:
        """Submit one message; blocks while the window is full. A receipt is expected when
        ``registered_delivery`` asks for one, an MO reply when ``expect_reply``. With
        ``flush=False`` the PDU goes out with the next flush (fewer writes for bursts)."""
        p = pdu.SubmitSm(
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr=self.source_addr if source_addr is None else source_addr,
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr=destination_addr,
            esm_class=esm_class,
            registered_delivery=registered_delivery,
            data_coding=data_coding,
            short_message=short_message,
        )
        for key, value in tlvs.items():
            setattr(p, key, value)
        receipt = registered_delivery & 0x03 == 1
        if name == "submit_sm" and not expect_reply:
            ctx = self._ctx_receipt if receipt else self._ctx_plain
        else:
            ctx = _Submit(name, receipt, expect_reply)
        self._send(p, ctx, flush)

    def submit_text(
        self,
        destination_addr: str,
        text: str,
        *,
        method: SegmentMethod = SegmentMethod.UDH_8BIT_REF,
        data_coding: int | None = None,
        name: str = "submit_sm",
        **kw: Any,
    ) -> int:
        """Encode ``text`` (GSM-7 if it fits, else UCS-2), split it and submit every part;
        returns the number of parts. Each part gets its own submit_sm_resp and receipt."""
        seg = segment_text(text, data_coding, method, allocator=self._references)
        for part in seg.parts:
            tlvs: dict[str, Any] = {}
            if part.sar_msg_ref_num is not None:
                tlvs.update(
                    sar_msg_ref_num=part.sar_msg_ref_num,
                    sar_total_segments=part.sar_total_segments,
                    sar_segment_seqnum=part.sar_segment_seqnum,
                )
            if part.message_payload is not None:
                tlvs["message_payload"] = part.message_payload
            self.submit_sm(
                destination_addr,
                part.short_message,
                data_coding=seg.data_coding,
                esm_class=0x40 if part.udhi else 0,
                name=name,
                flush=False,
                **kw,
                **tlvs,
            )
        self.flush()
        return len(seg.parts)

    def flush(self) -> None:
        if self.client is not None:
            try:
                self.client.flush()
            except ClientClosedError as e:
                self._report("flush", 0.0, SmppError("connection lost"))
                raise StopUser from e

    def _send(self, p: Pdu, ctx: _Submit, flush: bool) -> None:
        client = self.client
        if client is None:
            raise StopUser
        try:
            client.submit(p, ctx, flush=flush)
        except ClientClosedError as e:
            self._report(ctx.name, 0.0, SmppError("not bound"))
            raise StopUser from e

    def _report(self, name: str, seconds: float, error: SmppError | None) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=seconds * 1000.0,
            response_length=0,
            exception=error,
            context={},
        )


def _process_system_id() -> str:
    return f"lt{os.getpid()}"[:15]


def _start_sweeper(cls: type[SmppUser], environment: Environment) -> None:
    """One greenlet per process reports receipts that never came (every second)."""
    if SmppUser._sweeper is not None and not SmppUser._sweeper.dead:
        return
    tracker = SmppUser.receipts
    timeout = cls.receipt_timeout
    fire = environment.events.request.fire

    def sweep() -> None:
        while True:
            gevent.sleep(1.0)
            for _mid, _owed in tracker.expired(time.perf_counter(), timeout):
                fire(
                    request_type=REQUEST_TYPE,
                    name="receipt",
                    response_time=timeout * 1000.0,
                    response_length=0,
                    exception=SmppError("no receipt"),
                    context={},
                )

    SmppUser._sweeper = gevent.spawn(sweep)


@events.init_command_line_parser.add_listener
def _options(parser: Any, **_kw: Any) -> None:
    # Passed on to the workers by the master, like every Locust option.
    group = parser.add_argument_group("SMPP (loadtests.user.SmppUser)")
    group.add_argument("--smpp-window", type=int, default=0, help="submits outstanding per bind")
    group.add_argument("--smpp-system-id", default="", help="system_id (default: lt<pid>)")
    group.add_argument("--smpp-password", default="", help="password to bind with")
    group.add_argument(
        "--smpp-no-receipts",
        action="store_true",
        help="submit with registered_delivery 0 (measures submit_sm alone)",
    )


@events.test_start.add_listener
def _forget_previous_run(**_kw: Any) -> None:
    # A new run (e.g. the next one a worker is given) must not match the last run's receipts.
    SmppUser.receipts.owed.clear()
    SmppUser.receipts.early.clear()
    SmppUser.replies.waiting.clear()


@events.test_stop.add_listener
def _wait_for_the_workers_last_reports(environment: Environment, **_kw: Any) -> None:
    """A headless master quits when its run ends, and Locust's master then gives its workers
    half a second for their last report (the last answers and receipts, and the unbinds of
    on_stop); on a busy machine they take longer and the master's totals come out short. So
    the master tells them to quit here, before Locust does, and waits until each has said it
    quit: a worker says so after its last report, on the same connection."""
    runner = environment.runner
    options = environment.parsed_options
    if not isinstance(runner, MasterRunner) or options is None or not options.headless:
        return  # with the web UI a stop is not the end: the workers stay for the next run
    for worker in list(runner.clients.all):
        runner.server.send_to_client(Message("quit", None, worker.id))
    deadline = time.monotonic() + environment.stop_timeout + WORKER_QUIT_MARGIN
    while runner.clients and time.monotonic() < deadline:
        gevent.sleep(0.1)  # the master's other greenlets take the workers' messages meanwhile

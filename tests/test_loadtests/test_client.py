"""The load-test SMPP client against a real ``smsc serve`` over loopback.

Run here on plain threads (nothing is monkey-patched in the pytest process); under Locust the
same code runs on greenlets. Every wait is bounded.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import pdu
from loadtests.client import (
    BindError,
    BindType,
    ClientClosedError,
    Handler,
    ReceiptTracker,
    ReplyTracker,
    SmppClient,
    receipt_of,
)
from pdu import CommandStatus, MessageState
from smsc.smpp.session import Closed, ResponseReceived

from .conftest import Server, start_server

WAIT = 30.0  # a bound for what is waited for, not an expectation


class Recorder(Handler):
    """Counts answers by status and correlates receipts, as the Locust user does."""

    def __init__(self, tracker: ReceiptTracker | None = None) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.tracker = tracker or ReceiptTracker()
        self.receipts: list[tuple[str, int, float]] = []  # message_id, state, latency
        self.mo: list[pdu.Pdu] = []
        self.closed_events: list[Closed] = []

    def response(self, event: ResponseReceived, now: float) -> None:
        resp = event.response
        with self.lock:
            self.statuses[resp.command_status] = self.statuses.get(resp.command_status, 0) + 1
            if resp.command_status == 0 and isinstance(resp, pdu.SubmitSmResp):
                early = self.tracker.expect(resp.message_id, event.sent, None)
                if early is not None:
                    self.receipts.append((resp.message_id, early[1].state, early[0] - event.sent))

    def deliver(self, p: pdu.Pdu, now: float) -> int:
        info = receipt_of(p)
        with self.lock:
            if info is None:
                self.mo.append(p)
                return 0
            owed = self.tracker.arrived(info, now)
            if owed is not None:
                self.receipts.append((info.message_id, info.state, now - owed.sent))
        return 0

    def closed(self, event: Closed, now: float) -> None:
        self.closed_events.append(event)


def _submit(n: int) -> pdu.SubmitSm:
    return pdu.SubmitSm(
        source_addr="12345",
        destination_addr=f"4477009{n:05d}",
        short_message=b"load test %d" % n,
        registered_delivery=1,
    )


def _wait_for(cond: object, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def _client(server: Server, handler: Handler, **kw: object) -> SmppClient:
    c = SmppClient("127.0.0.1", server.port, handler=handler, **kw)  # type: ignore[arg-type]
    c.connect()
    return c


def test_windowed_submits_all_answered_and_receipted_then_clean_unbind(server: Server) -> None:
    rec = Recorder()
    c = _client(server, rec, window=50)
    c.bind(BindType.TRANSCEIVER, "ltclient1", "pw")
    most_outstanding = 0
    for i in range(2000):
        c.submit(_submit(i), flush=i % 25 == 24)
        most_outstanding = max(most_outstanding, c.session.outstanding)
    c.flush()
    assert _wait_for(lambda: len(rec.receipts) == 2000), (rec.statuses, len(rec.receipts))
    assert rec.statuses == {0: 2000}
    assert most_outstanding == 50  # the window filled and never overflowed
    assert {state for _, state, _ in rec.receipts} == {MessageState.DELIVERED}
    assert not rec.tracker.owed and not rec.tracker.early
    assert c.unbind() is True
    assert [e.reason for e in rec.closed_events] == ["unbound"]


def test_receipts_for_one_bind_are_correlated_on_another(server: Server) -> None:
    # The SMSC may deliver a receipt on any receiver bind of the system_id: a tracker shared
    # by both binds still matches every receipt to its submit.
    tracker = ReceiptTracker()
    tx_rec, rx_rec = Recorder(tracker), Recorder(tracker)
    rx = _client(server, rx_rec)
    rx.bind(BindType.RECEIVER, "ltclient2", "pw")
    tx = _client(server, tx_rec, window=10)
    tx.bind(BindType.TRANSMITTER, "ltclient2", "pw")
    for i in range(100):
        tx.submit(_submit(i))
    assert _wait_for(lambda: len(tx_rec.receipts) + len(rx_rec.receipts) == 100)
    assert len(rx_rec.receipts) > 0  # a transmitter bind gets no deliver_sm
    assert tx.unbind() and rx.unbind()


def test_request_waits_for_its_own_answer(server: Server) -> None:
    rec = Recorder()
    c = _client(server, rec)
    c.bind(BindType.TRANSCEIVER, "ltclient3", "pw")
    resp = c.request(_submit(1))
    assert isinstance(resp, pdu.SubmitSmResp) and resp.command_status == 0
    q = c.request(pdu.QuerySm(message_id=resp.message_id, source_addr="12345"))
    assert isinstance(q, pdu.QuerySmResp) and q.message_id == resp.message_id
    assert rec.statuses == {}  # answers to request() do not reach the handler
    assert c.unbind()


def test_refused_bind_raises_with_the_status(tmp_path: Path, servers: list[Server]) -> None:
    cfg = tmp_path / "smsc.toml"
    cfg.write_text('[[accounts]]\nsystem_id = "acct"\npassword = "right"\n')
    server = start_server(tmp_path, "--config", str(cfg))
    servers.append(server)
    c = _client(server, Recorder())
    with pytest.raises(BindError) as exc:
        c.bind(BindType.TRANSCEIVER, "acct", "wrong")
    assert exc.value.status == CommandStatus.ESME_RINVPASWD
    c.close()


def test_throttled_account_answers_esme_rthrottled(tmp_path: Path, servers: list[Server]) -> None:
    cfg = tmp_path / "smsc.toml"
    cfg.write_text('[[accounts]]\nsystem_id = "slow"\npassword = "pw"\nthroughput = 5\n')
    server = start_server(tmp_path, "--config", str(cfg), "--receipt-delay", "0")
    servers.append(server)
    rec = Recorder()
    c = _client(server, rec, window=20)
    c.bind(BindType.TRANSCEIVER, "slow", "pw")
    for i in range(100):
        c.submit(_submit(i))
    assert _wait_for(lambda: sum(rec.statuses.values()) == 100)
    assert rec.statuses.get(CommandStatus.ESME_RTHROTTLED, 0) > 50
    assert 0 < rec.statuses.get(0, 0) < 50
    assert c.unbind()


def test_enquire_link_from_the_server_is_answered(tmp_path: Path, servers: list[Server]) -> None:
    # The server probes after 0.5 s idle and drops a link silent for 2 s: only our answers
    # keep this idle link up for 4.5 s. (Each answer has 1.5 s to reach the server: a busy
    # machine can stall a process for a good part of a second.)
    cfg = tmp_path / "smsc.toml"
    cfg.write_text("[timers]\nenquire_link_interval = 0.5\ninactivity_timeout = 2\n")
    server = start_server(tmp_path, "--config", str(cfg))
    servers.append(server)
    c = _client(server, Recorder(), enquire_link_interval=30)
    c.bind(BindType.TRANSCEIVER, "ltclient4", "pw")
    time.sleep(4.5)  # not a wait: the idle time observed
    assert not c.closed, c.session.close_reason
    assert c.request(_submit(1)).command_status == 0
    assert c.unbind()


class Wiretap(SmppClient):
    """Keeps every PDU the client writes."""

    sent: list[pdu.Pdu]

    def _write(self, data: bytes) -> None:
        self.sent = getattr(self, "sent", [])
        self.sent += [p for p in pdu.Framer().feed_pdus(data) if isinstance(p, pdu.Pdu)]
        super()._write(data)


def test_idle_client_sends_enquire_link(server: Server) -> None:
    c = Wiretap("127.0.0.1", server.port, handler=Recorder(), enquire_link_interval=0.2)
    c.connect()
    c.bind(BindType.TRANSCEIVER, "ltclient5", "pw")

    def probes() -> int:
        return sum(isinstance(p, pdu.EnquireLink) for p in c.sent)

    assert _wait_for(lambda: probes() >= 3), probes()
    # Every probe is answered: the window empties (the next probe may be on its way when
    # this looks, hence a wait).
    assert _wait_for(lambda: not c.session.window)
    assert c.unbind()


def test_server_going_away_ends_the_session_and_unblocks_submit(server: Server) -> None:
    rec = Recorder()
    c = _client(server, rec, window=1)
    c.bind(BindType.TRANSCEIVER, "ltclient6", "pw")
    server.stop()  # SIGTERM: the server unbinds us, then closes
    assert _wait_for(lambda: c.closed)
    with pytest.raises(ClientClosedError):
        c.submit(_submit(1))
    assert len(rec.closed_events) == 1
    c.close()


# -- correlation, without a server -------------------------------------------------------


def test_receipt_of_reads_tlvs_or_the_text() -> None:
    with_tlvs = pdu.DeliverSm(
        esm_class=0x04,
        short_message=b"id:77 sub:001 dlvrd:001 submit date:2611231200 done date:2611231200"
        b" stat:DELIVRD err:000 text:",
        receipted_message_id="77",
        message_state=MessageState.DELIVERED,
    )
    text_only = pdu.DeliverSm(
        esm_class=0x04,
        short_message=b"id:78 sub:001 dlvrd:000 submit date:2611231200 done date:2611231200"
        b" stat:UNDELIV err:001 text:",
    )
    mo = pdu.DeliverSm(source_addr="447700900123", destination_addr="12345", short_message=b"hi")
    r1, r2 = receipt_of(with_tlvs), receipt_of(text_only)
    assert r1 is not None and (r1.message_id, r1.state) == ("77", MessageState.DELIVERED)
    assert r2 is not None and (r2.message_id, r2.state) == ("78", MessageState.UNDELIVERABLE)
    assert receipt_of(mo) is None


def test_receipt_before_its_response_is_still_matched() -> None:
    t = ReceiptTracker()
    info = receipt_of(
        pdu.DeliverSm(esm_class=4, receipted_message_id="9", message_state=MessageState.DELIVERED)
    )
    assert info is not None
    assert t.arrived(info, now=5.0) is None  # overtook its submit_sm_resp
    early = t.expect("9", sent=4.0, context=None)
    assert early is not None and early[0] == 5.0
    assert not t.owed and not t.early


def test_receipts_never_arriving_expire_oldest_first() -> None:
    t = ReceiptTracker()
    for i in range(5):
        t.expect(str(i), sent=float(i), context=None)
    assert [m for m, _ in t.expired(now=13.5, max_age=10.0)] == ["0", "1", "2", "3"]
    assert list(t.owed) == ["4"]


def test_mo_reply_matches_the_oldest_mt_to_that_handset() -> None:
    r = ReplyTracker()
    r.expect("447700900001", "12345", sent=1.0)
    r.expect("447700900001", "12345", sent=2.0)
    r.expect("447700900002", "12345", sent=3.0)
    reply = pdu.DeliverSm(source_addr="447700900001", destination_addr="12345")
    other = pdu.DeliverSm(source_addr="447700900003", destination_addr="12345")
    first, second = r.arrived(reply), r.arrived(reply)
    assert first is not None and second is not None
    assert (first.sent, second.sent) == (1.0, 2.0)
    assert r.arrived(reply) is None and r.arrived(other) is None

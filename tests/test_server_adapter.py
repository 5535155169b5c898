"""The Twisted adapter with a StringTransport and a task.Clock as the reactor: no sockets,
no real time. The ESME side is our own ESME-role Session reading what the server wrote."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.task import Clock
from twisted.internet.testing import StringTransport
from twisted.python.failure import Failure

import pdu
from pdu import CommandStatus as S
from pdu import MessageState, Pdu
from smsc.config import AccountConfig, ServerConfig, StoreKind, Timers
from smsc.metrics import exposition
from smsc.server import PRUNE_IDLE, SmppProtocol, SmscServer
from smsc.smpp.session import Closed, Event, ResponseReceived, Session, SessionConfig
from smsc.smpp.states import BindState, Role
from smsc.store import MemoryStore, Retention

T0 = 1_700_000_000.0
TIMERS = Timers(
    receipt_delay=5.0,
    enquire_link_interval=30.0,
    inactivity_timeout=120.0,
    session_init_timeout=10.0,
    response_timeout=20.0,
)


class Peer:
    """One accepted connection: the server's protocol, its transport and our ESME session."""

    def __init__(self, server: SmscServer, clock: Clock) -> None:
        self.clock = clock
        proto = server.factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 40000))
        assert isinstance(proto, SmppProtocol)
        self.proto = proto
        self.transport = StringTransport()
        proto.makeConnection(self.transport)
        cfg = SessionConfig(
            role=Role.ESME, response_timeout=1e9, enquire_link_interval=1e9, inactivity_timeout=1e9
        )
        self.esme = Session(cfg, clock.seconds())

    def send(self, p: Pdu) -> int:
        seq = self.esme.send(p, self.clock.seconds())
        self.proto.dataReceived(self.esme.data_to_send())
        return seq

    def read(self) -> list[Event]:
        """What the server wrote since the last read, as our ESME session sees it."""
        data = self.transport.value()
        self.transport.clear()
        return self.esme.receive_data(data, self.clock.seconds())

    def bind(self, cls: type[Pdu] = pdu.BindTransceiver) -> list[Event]:
        """Bind; the events after the bind's own answer (deliveries sent at once)."""
        self.send(cls(system_id="esme", password="", interface_version=0x34))  # type: ignore[call-arg]
        events = self.read()
        answers = [e for e in events if isinstance(e, ResponseReceived)]
        assert answers and answers[0].response.command_status == 0
        return events[events.index(answers[0]) + 1 :]

    def lose(self) -> None:
        self.transport.loseConnection()
        self.proto.connectionLost(Failure(ConnectionDone()))


def make_server(timers: Timers = TIMERS) -> tuple[SmscServer, Clock]:
    clock = Clock()
    clock.advance(T0)  # receipt dates need a year in 2000-2099
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=timers)
    return SmscServer(config, clock, store=MemoryStore(), durable=False), clock


def test_bind_bytes_in_bind_resp_bytes_out() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    frame = pdu.encode(
        pdu.BindTransceiver(system_id="esme", interface_version=0x34, sequence_number=7)
    )
    peer.proto.dataReceived(frame[:5])  # a PDU split across reads
    assert peer.transport.value() == b""
    peer.proto.dataReceived(frame[5:])
    (resp,) = [pdu.decode(f) for f in pdu.Framer().feed(peer.transport.value())]
    assert isinstance(resp, pdu.BindTransceiverResp)
    assert (resp.sequence_number, resp.command_status, resp.system_id) == (7, 0, "smsc")
    assert resp.sc_interface_version == 0x34


def test_enquire_link_is_answered_on_the_same_connection() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    peer.proto.dataReceived(pdu.encode(pdu.EnquireLink(sequence_number=3)))
    assert peer.transport.value() == pdu.encode(pdu.EnquireLinkResp(sequence_number=3))


def test_submit_gets_a_resp_and_the_receipt_arrives_after_the_delay() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    peer.bind()
    seq = peer.send(pdu.SubmitSm(destination_addr="447700900001", registered_delivery=1))
    (answer,) = peer.read()
    assert isinstance(answer, ResponseReceived) and answer.request.sequence_number == seq
    message_id = answer.response.message_id  # type: ignore[attr-defined]
    assert answer.response.command_status == 0 and message_id
    clock.advance(4.9)
    assert peer.read() == []
    clock.advance(0.1)
    (receipt,) = peer.read()
    assert isinstance(receipt, pdu.DeliverSm)
    assert receipt.esm_class == 0x04 and receipt.receipted_message_id == message_id
    assert receipt.message_state == MessageState.DELIVERED
    peer.esme.send(pdu.DeliverSmResp(sequence_number=receipt.sequence_number), clock.seconds())
    peer.proto.dataReceived(peer.esme.data_to_send())
    assert server.store.load_pending_deliveries() == []
    stored = server.store.get_message(message_id)
    assert stored is not None and stored.state is MessageState.DELIVERED


def test_enquire_link_is_sent_after_the_interval_and_the_timer_rearms() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    peer.bind()
    for round_ in range(3):
        clock.advance(29.0)
        assert peer.read() == [], round_
        clock.advance(1.0)
        data = peer.transport.value()
        (probe,) = [pdu.decode(f) for f in pdu.Framer().feed(data)]
        assert isinstance(probe, pdu.EnquireLink)
        peer.read()  # our ESME session answers it ...
        peer.proto.dataReceived(peer.esme.data_to_send())  # ... and the answer goes back
    assert not peer.transport.disconnecting


def test_unanswered_enquire_links_end_in_the_inactivity_close() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    peer.bind()
    for _ in range(3):  # probes at 30, 60 and 90 s, none answered
        clock.advance(30.0)
        assert not peer.transport.disconnecting
    clock.advance(29.9)
    assert not peer.transport.disconnecting
    clock.advance(0.1)  # 120 s since the bind, the last thing the peer sent
    assert peer.transport.disconnecting
    probes = [pdu.decode(f) for f in pdu.Framer().feed(peer.transport.value())]
    assert [type(p) for p in probes] == [pdu.EnquireLink] * 3


def test_no_bind_within_session_init_timeout_closes_the_connection() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    clock.advance(9.9)
    assert not peer.transport.disconnecting
    clock.advance(0.1)
    assert peer.transport.disconnecting
    peer.proto.connectionLost(Failure(ConnectionDone()))
    assert server.protocols == {} and server.core.connections == {}


def test_bad_command_length_gets_generic_nack_and_a_close() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    peer.proto.dataReceived(bytes.fromhex("00000008 00000015 00000000 00000004") + b"junk")
    assert [pdu.decode(f) for f in pdu.Framer().feed(peer.transport.value())] == [
        pdu.GenericNack(sequence_number=4, command_status=S.ESME_RINVCMDLEN)
    ]
    assert peer.transport.disconnecting


def test_connection_loss_cancels_the_timer_and_requeues_deliveries() -> None:
    server, clock = make_server()
    sender = Peer(server, clock)
    sender.bind(pdu.BindTransmitter)
    receiver = Peer(server, clock)
    receiver.bind(pdu.BindReceiver)
    sender.send(pdu.SubmitSm(destination_addr="447700900001", registered_delivery=1))
    clock.advance(5.0)
    (receipt,) = receiver.read()  # offered, never answered
    assert isinstance(receipt, pdu.DeliverSm)
    timer = receiver.proto.timer
    receiver.lose()
    assert receiver.proto.conn is not None and receiver.proto.conn.closed
    assert timer is None or not timer.active()
    assert receiver.proto.conn.id not in server.protocols
    assert server.core.accounts.binds("esme") == 1  # only the transmitter is left
    again = Peer(server, clock)
    (redelivered,) = again.bind(pdu.BindReceiver)
    assert isinstance(redelivered, pdu.DeliverSm)
    assert redelivered.receipted_message_id == receipt.receipted_message_id
    clock.advance(1000.0)  # nothing fires for the lost connection
    assert receiver.transport.value() == b""


def test_unbind_from_the_esme_is_answered_and_the_server_lets_it_close() -> None:
    server, clock = make_server()
    peer = Peer(server, clock)
    peer.bind()
    peer.send(pdu.Unbind())
    events = peer.read()
    assert any(isinstance(e, Closed) and e.reason == "unbound" for e in events)
    assert peer.esme.state is BindState.CLOSED
    peer.lose()  # the side that sent unbind closes TCP
    assert server.protocols == {} and server.core.connections == {}
    assert server.core.accounts.binds("esme") == 0


def test_delayed_calls_stay_bounded_over_many_idle_intervals() -> None:
    server, clock = make_server()
    peers = [Peer(server, clock) for _ in range(3)]
    for p in peers:
        p.bind()
    for _ in range(20):
        clock.advance(30.0)
        for p in peers:
            p.read()
            p.proto.dataReceived(p.esme.data_to_send())
    # One timer per connection (plus at most the core's tick), never a pile of them.
    assert len(clock.getDelayedCalls()) <= len(peers) + 1


class SpinGuardClock(Clock):
    """A Clock that refuses to schedule more than ``limit`` calls: a re-arm loop at the same
    instant shows up as an error instead of hanging the test."""

    def __init__(self, limit: int = 1000) -> None:
        super().__init__()
        self.scheduled = 0
        self.limit = limit

    def callLater(self, delay: float, func: Any, *args: object, **kw: object) -> IDelayedCall:
        self.scheduled += 1
        if self.scheduled > self.limit:
            raise RuntimeError(f"{self.limit} calls scheduled: the adapter is spinning")
        return super().callLater(delay, func, *args, **kw)


# Regression: handle_timer left next_deadline() at the same instant and the adapter
# re-armed callLater(0) until the deliver_sm timed out.
def test_full_window_at_the_enquire_link_deadline_does_not_spin_the_reactor() -> None:
    clock = SpinGuardClock()
    clock.advance(T0)
    account = AccountConfig(system_id="esme", password="", window_size=1)
    timers = replace(TIMERS, response_timeout=60.0)
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=timers, accounts=(account,))
    server = SmscServer(config, clock, store=MemoryStore(), durable=False)
    sender = Peer(server, clock)
    sender.bind(pdu.BindTransmitter)
    receiver = Peer(server, clock)
    receiver.bind(pdu.BindReceiver)
    sender.send(pdu.SubmitSm(destination_addr="447700900001", registered_delivery=1))
    clock.advance(5.0)
    assert len(receiver.read()) == 1  # the receipt fills the window of 1; left unanswered
    clock.advance(25.0)  # the receiver's enquire_link falls due
    assert clock.scheduled < 100


def test_refused_receipts_are_summed_up_per_account_by_status_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, clock = make_server(replace(TIMERS, retry_base=1.0, retry_max=1.0))
    peer = Peer(server, clock)
    peer.bind()
    caplog.set_level(logging.INFO, logger="smsc")
    for n in range(3):
        peer.send(pdu.SubmitSm(destination_addr=f"44770090000{n}", registered_delivery=1))
    peer.read()
    clock.advance(5.0)  # the receipts are due; each is refused, retried a second later
    for _ in range(4):
        for receipt in [e for e in peer.read() if isinstance(e, pdu.DeliverSm)]:
            resp = pdu.DeliverSmResp(
                sequence_number=receipt.sequence_number, command_status=S.ESME_RX_T_APPN
            )
            peer.esme.send(resp, clock.seconds())
            peer.proto.dataReceived(peer.esme.data_to_send())
        clock.advance(1.0)
    clock.advance(1.0)  # 5 s after the first retry: the window's line, by the adapter's timer
    summaries = [r.getMessage() for r in caplog.records if "retried" in r.getMessage()]
    assert summaries == ["deliveries to esme: 12 retried (ESME_RX_T_APPN x12) in the last 5 s"]
    assert not [r for r in caplog.records if "0x0" in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and "retry in" in r.msg]


class SyncPool:
    """A thread pool that runs the store's work at once, on the caller's thread."""

    def callInThreadWithCallback(self, on_result: Any, f: Any, *args: Any) -> None:
        try:
            result = f(*args)
        except Exception:
            on_result(False, Failure())
        else:
            on_result(True, result)


class ClockWithPool(Clock):
    """task.Clock plus what deferToThreadPool needs, so the durable path runs without
    threads: the same calls in the same order, only synchronous."""

    def getThreadPool(self) -> SyncPool:
        return SyncPool()

    def callFromThread(self, f: Any, *args: Any) -> None:
        f(*args)


@pytest.fixture(params=[StoreKind.MEMORY, StoreKind.SQLITE])
def keeping_ten(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[SmscServer, Clock]]:
    """A server on each store whose retention keeps 10 final records of each kind, with
    receipts at once."""
    clock = ClockWithPool()
    clock.advance(T0)
    config = ServerConfig(
        store=request.param,
        data_dir=tmp_path,
        seed=1,
        timers=replace(TIMERS, receipt_delay=0.0),
        retention=Retention(max_messages=10, max_age=None),
    )
    server = SmscServer(config, clock)
    yield server, clock
    server.store.close()


def test_retention_prunes_final_messages_beyond_the_limit_and_counts_them(
    keeping_ten: tuple[SmscServer, Clock],
) -> None:
    server, clock = keeping_ten
    peer = Peer(server, clock)
    peer.bind()
    for n in range(30):
        peer.send(pdu.SubmitSm(destination_addr=f"4477009{n:05}"))
        clock.advance(0.01)
        peer.read()  # the submit_sm_resp
    clock.advance(PRUNE_IDLE)  # the next step is due: it finds 20 final messages to prune
    held = server.store.find_messages(limit=100)
    assert [m.destination_addr for m in held] == [f"4477009{n:05}" for n in range(20, 30)]
    assert server.pruned == 20
    metrics = exposition(server.metric_families())
    assert "smsc_messages_pruned_total 20\n" in metrics


def test_retention_prunes_ended_broadcasts_beyond_the_limit_and_counts_them(
    keeping_ten: tuple[SmscServer, Clock],
) -> None:
    server, clock = keeping_ten
    peer = Peer(server, clock)
    peer.send(pdu.BindTransceiver(system_id="esme", password="", interface_version=0x50))
    peer.read()
    answers = []
    for n in range(30):
        peer.send(
            pdu.BroadcastSm(
                source_addr="ALERTS",
                priority_flag=1 if n < 25 else 0,  # immediate: once, then EXPIRED
                broadcast_area_identifier=[b"\x00Cell 1"],
                broadcast_content_type=pdu.BroadcastContentType(1, 0x0001),
                broadcast_rep_num=60,
                broadcast_frequency_interval=pdu.BroadcastFrequencyInterval(0x08, 1),  # 1 s
                message_payload=f"alert {n}".encode(),
            )
        )
        clock.advance(0.01)
        answers += [e.response for e in peer.read() if isinstance(e, ResponseReceived)]
    assert [a.command_status for a in answers] == [0] * 30
    ids = [a.message_id for a in answers]  # type: ignore[attr-defined]
    clock.advance(30.0)  # the 25 immediate ones ended; the five others run for a minute
    clock.advance(PRUNE_IDLE)  # a step is due: 15 of the 25 ended ones go, oldest first
    held = server.store.find_broadcasts(limit=100)
    assert sorted(b.message_id for b in held) == sorted(ids[15:])
    assert [b.state for b in held].count(MessageState.EXPIRED) == 10
    assert server.pruned_broadcasts == 15 and server.pruned == 0
    metrics = exposition(server.metric_families())
    assert "smsc_broadcasts_pruned_total 15\n" in metrics

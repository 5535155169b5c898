"""The outbind connector (smsc.outbinds) with twisted's MemoryReactorClock: connection
attempts are recorded, not made; time is the clock's. The ESME side is our own ESME-role
Session reading what the server wrote."""

from __future__ import annotations

from typing import Any

import pytest
from twisted.internet.address import IPv4Address
from twisted.internet.error import ConnectionDone, ConnectionRefusedError
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.python.failure import Failure

import pdu
from smsc.config import OUTBIND_RETRY_MAX, OutbindConfig, ServerConfig, StoreKind, Timers
from smsc.outbinds import retry_delay
from smsc.server import SmscServer
from smsc.smpp.session import ResponseReceived, Session, SessionConfig
from smsc.smpp.states import BindState, Role
from smsc.store import MemoryStore

T0 = 1_700_000_000.0
OUTBIND = OutbindConfig("acme", "esme.example", 2776, "smsc", "secret", retry_interval=2.0)


def make_server() -> tuple[SmscServer, MemoryReactorClock]:
    reactor = MemoryReactorClock()
    reactor.advance(T0)
    config = ServerConfig(
        store=StoreKind.MEMORY, seed=1, timers=Timers(), outbinds=(OUTBIND,), smpp_port=0
    )
    server = SmscServer(config, reactor, store=MemoryStore(), durable=False)
    server.listen()
    return server, reactor


def attempts(reactor: MemoryReactorClock) -> list[tuple[str, int]]:
    return [(host, port) for host, port, *_ in reactor.tcpClients]


class Esme:
    """The listening ESME on the far end of one attempt that connected."""

    def __init__(self, reactor: MemoryReactorClock, attempt: int = -1) -> None:
        self.reactor = reactor
        factory: Any = reactor.tcpClients[attempt][2]
        self.factory = factory
        self.proto = factory.buildProtocol(IPv4Address("TCP", "192.0.2.7", 2776))
        self.transport = StringTransport(peerAddress=IPv4Address("TCP", "192.0.2.7", 2776))
        self.proto.makeConnection(self.transport)
        cfg = SessionConfig(
            role=Role.ESME, response_timeout=1e9, enquire_link_interval=1e9, inactivity_timeout=1e9
        )
        self.session = Session(cfg, reactor.seconds())

    def read(self) -> list[Any]:
        data = self.transport.value()
        self.transport.clear()
        return self.session.receive_data(data, self.reactor.seconds())

    def send(self, p: pdu.Pdu) -> None:
        self.session.send(p, self.reactor.seconds())
        self.proto.dataReceived(self.session.data_to_send())

    def drop(self) -> None:
        self.proto.connectionLost(Failure(ConnectionDone()))
        self.factory.clientConnectionLost(None, Failure(ConnectionDone()))


def test_the_server_connects_out_and_sends_outbind_once_listening() -> None:
    server, reactor = make_server()
    assert attempts(reactor) == [("esme.example", 2776)]
    esme = Esme(reactor)
    (outbind,) = esme.read()
    assert isinstance(outbind, pdu.Outbind)
    assert (outbind.system_id, outbind.password) == ("smsc", "secret")
    esme.send(pdu.BindReceiver(system_id="acme", password="", interface_version=0x34))
    (resp,) = [e for e in esme.read() if isinstance(e, ResponseReceived)]
    assert resp.response.command_status == 0
    assert esme.session.state is BindState.BOUND_RX
    (conn,) = server.core.binds()
    assert conn.system_id == "acme" and conn.outbind_for == "acme"


def test_a_refused_connection_is_tried_again_with_backoff() -> None:
    _, reactor = make_server()
    for expected in (2.0, 4.0, 8.0):
        factory: Any = reactor.tcpClients[-1][2]
        factory.clientConnectionFailed(None, Failure(ConnectionRefusedError()))
        n = len(reactor.tcpClients)
        reactor.advance(expected - 0.01)
        assert len(reactor.tcpClients) == n  # not yet
        reactor.advance(0.01)
        assert len(reactor.tcpClients) == n + 1


def test_a_bound_connection_that_drops_is_reconnected_after_retry_interval() -> None:
    _, reactor = make_server()
    reactor.tcpClients[-1][2].clientConnectionFailed(None, Failure(ConnectionRefusedError()))
    reactor.advance(2.0)  # one failure behind us ...
    esme = Esme(reactor)
    esme.read()
    esme.send(pdu.BindTransceiver(system_id="acme", password="", interface_version=0x34))
    esme.read()
    esme.drop()  # ... but this one was bound: the backoff starts again
    n = len(reactor.tcpClients)
    reactor.advance(2.0)
    assert len(reactor.tcpClients) == n + 1


def test_shutdown_stops_reconnecting() -> None:
    server, reactor = make_server()
    reactor.tcpClients[-1][2].clientConnectionFailed(None, Failure(ConnectionRefusedError()))
    server.shutdown(grace=0)
    n = len(reactor.tcpClients)
    reactor.advance(OUTBIND_RETRY_MAX * 2)
    assert len(reactor.tcpClients) == n


@pytest.mark.parametrize(
    ("interval", "failures", "delay"),
    [(2.0, 0, 2.0), (2.0, 3, 16.0), (2.0, 20, OUTBIND_RETRY_MAX), (600.0, 5, 600.0)],
)
def test_retry_delay_doubles_up_to_the_cap(interval: float, failures: int, delay: float) -> None:
    cfg = OutbindConfig("a", "h", 1, "s", retry_interval=interval)
    assert retry_delay(cfg, failures) == delay

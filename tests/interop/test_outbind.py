"""Outbind against ``smsc serve``: an ESME that listens, the server's ``[[outbinds]]`` entry
connecting to it and sending outbind, the ESME binding on that connection and receiving the
MO queued for its account, and the server calling again after the connection drops."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import pdu

from .conftest import IO_TIMEOUT, RawClient, simulator

pytestmark = pytest.mark.interop


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """The ESME's listening socket, on a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(IO_TIMEOUT)
    try:
        yield sock
    finally:
        sock.close()


def config(port: int) -> str:
    return f"""
[[accounts]]
system_id = "acme"
password = "pw"

[[outbinds]]
account = "acme"
host = "127.0.0.1"
port = {port}
system_id = "smsc"
password = "secret"
retry_interval = 0.2
"""


def answer_call(listener: socket.socket) -> tuple[RawClient, pdu.Pdu]:
    """Accept the server's connection; the client and the first PDU it sent."""
    sock, _ = listener.accept()
    esme = RawClient(None, sock=sock)
    first = esme.read()
    assert first is not None, "the server sent nothing on the connection it opened"
    return esme, first


def test_outbind_then_bind_receiver_then_the_queued_mo(
    tmp_path: Path, listener: socket.socket
) -> None:
    with simulator(tmp_path, config(listener.getsockname()[1])) as sim:
        # MO for the account while nothing of it is bound: it waits in the account's queue.
        sim.send_mo("447700900123", "12345", "hello from a handset", account="acme")
        esme, outbind = answer_call(listener)
        with esme:
            assert isinstance(outbind, pdu.Outbind)
            assert (outbind.system_id, outbind.password) == ("smsc", "secret")
            resp = esme.bind(pdu.BindReceiver, system_id="acme", password="pw")
            assert resp.command_status == 0
            mo = esme.wait_for(lambda p: isinstance(p, pdu.DeliverSm), what="the queued MO")
            assert mo.short_message == b"hello from a handset"  # type: ignore[attr-defined]
            assert mo.source_addr == "447700900123"  # type: ignore[attr-defined]
        # The ESME hung up: the server calls again after retry_interval.
        started = time.monotonic()
        again, outbind = answer_call(listener)
        with again:
            assert isinstance(outbind, pdu.Outbind)
            assert time.monotonic() - started < IO_TIMEOUT
            assert (
                again.bind(pdu.BindTransceiver, system_id="acme", password="pw").command_status == 0
            )
        # The MO was answered on the first connection: delivered, not sent again.
        deadline = time.monotonic() + IO_TIMEOUT
        while sim.messages(direction="mo")[0]["state"] != "DELIVERED":
            assert time.monotonic() < deadline, sim.messages(direction="mo")
            time.sleep(0.05)


def test_a_bind_as_another_account_on_the_outbind_connection_is_refused(
    tmp_path: Path, listener: socket.socket
) -> None:
    with simulator(tmp_path, config(listener.getsockname()[1])):
        esme, _ = answer_call(listener)
        with esme:
            resp = esme.bind(pdu.BindReceiver, system_id="intruder", password="pw")
            assert resp.command_status == pdu.CommandStatus.ESME_RINVSYSID

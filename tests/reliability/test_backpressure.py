"""An ESME that never reads its socket: the server stops reading from it once its write
buffer for that peer is full (so the answers it would owe cannot grow memory without bound),
drops it after response_timeout, and serves everyone else meanwhile."""

from __future__ import annotations

import socket
import struct
import time

import pdu

from .conftest import RawClient, ServerFactory, unique_system_id

CONFIG = """
[timers]
response_timeout = 1
"""
ENQUIRE_LINKS = b"".join(struct.pack(">IIII", 16, 0x15, 0, i + 1) for i in range(4096))
SEND_CAP = 512 * 1024 * 1024  # octets: far more than socket buffers hold, so a bound


def test_an_esme_that_never_reads_is_paused_then_dropped(smsc_server: ServerFactory) -> None:
    server = smsc_server("--store", "memory", "--receipt-delay", "0", config=CONFIG)
    deaf = socket.socket()
    deaf.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fill up sooner
    deaf.settimeout(5.0)
    deaf.connect(server.address)
    bind = pdu.BindTransceiver(
        sequence_number=1, system_id=unique_system_id(), password="pw", interface_version=0x34
    )
    deaf.sendall(pdu.encode(bind))
    # Flood enquire_links and never read the answers, until the server stops reading.
    deaf.setblocking(False)
    sent = 0
    deadline = time.monotonic() + 60.0
    while sent < SEND_CAP and time.monotonic() < deadline:
        try:
            sent += deaf.send(ENQUIRE_LINKS)
        except BlockingIOError:
            if "peer is not reading" in server.output():
                break
            time.sleep(0.01)
        except (ConnectionResetError, BrokenPipeError):
            break
    assert "peer is not reading; stopped reading from it" in server.output(), (
        f"sent {sent} octets without the server pausing"
    )

    # Everyone else is served while the deaf ESME is paused.
    with RawClient(server.address) as other:
        assert other.bind().command_status == 0
        resp = other.request(
            pdu.SubmitSm(source_addr="1", destination_addr="447700900123", registered_delivery=1)
        )
        assert resp.command_status == 0

    # Dropped after response_timeout without reading; reading then finds the end.
    deadline = time.monotonic() + 30.0  # a bound: the drop is due after response_timeout
    while "dropped: peer did not read" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    deaf.setblocking(True)
    deaf.settimeout(10.0)
    closed = False
    try:
        while deaf.recv(1 << 20):
            pass
        closed = True
    except ConnectionResetError:
        closed = True
    finally:
        deaf.close()
    assert closed
    assert "dropped: peer did not read for response_timeout" in server.output()

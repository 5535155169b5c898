"""Fixtures for the reliability suite: the interop suite's ``smsc serve`` runner and raw
client, plus a connection that reports every PDU the server writes, byte for byte."""

from __future__ import annotations

import socket
import struct
import time

from interop.conftest import (  # the same runner and client as the interop suite
    IO_TIMEOUT,
    REPO,
    RawClient,
    ServerFactory,
    ServerProcess,
    smsc_server,
    unique_system_id,
)

import pdu

__all__ = [
    "IO_TIMEOUT",
    "REPO",
    "RawClient",
    "RawConnection",
    "ServerFactory",
    "ServerProcess",
    "smsc_server",
    "unique_system_id",
]

Header = tuple[int, int, int, int]  # command_length, command_id, command_status, seq


class RawConnection:
    """A socket that sends any bytes and reads the server's frames as raw headers.

    Unlike ``RawClient`` it decodes nothing: a frame the codec would refuse is still seen.
    """

    def __init__(self, address: tuple[str, int], timeout: float = IO_TIMEOUT) -> None:
        self.sock = socket.create_connection(address, timeout=timeout)
        self.framer = pdu.Framer()
        self.frames: list[bytes] = []
        self.eof = False

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def bind(self) -> None:
        self.send(
            pdu.encode(
                pdu.BindTransceiver(
                    sequence_number=1,
                    system_id=unique_system_id(),
                    password="pw",
                    interface_version=0x34,
                )
            )
        )
        frame = self.next_frame(IO_TIMEOUT)
        assert frame is not None, "no bind_transceiver_resp"
        _, cid, status, _ = struct.unpack_from(">IIII", frame)
        assert (cid, status) == (pdu.CommandId.bind_transceiver_resp, 0)

    def next_frame(self, timeout: float) -> bytes | None:
        """The next frame from the server; None on timeout or once the server closed."""
        deadline = time.monotonic() + timeout
        while not self.frames:
            remaining = deadline - time.monotonic()
            if self.eof or remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                return None
            except ConnectionResetError:
                data = b""
            if not data:
                self.eof = True
                return None
            self.frames.extend(self.framer.feed(data))
        return self.frames.pop(0)

    def wait_closed(self, timeout: float) -> list[Header]:
        """Read until the server closes (or ``timeout``); the headers of what came before."""
        got: list[Header] = []
        deadline = time.monotonic() + timeout
        while (frame := self.next_frame(max(0.0, deadline - time.monotonic()))) is not None:
            got.append(struct.unpack_from(">IIII", frame))
        return got

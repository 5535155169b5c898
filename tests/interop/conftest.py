"""Fixtures for the interop suite: ``smsc serve`` as a real subprocess, and a raw SMPP client.

``smsc_server(...)`` starts ``python -m smsc serve`` on free loopback ports (``--smpp-port 0
--http-port 0``), returns once the server has printed every address it listens on (SMPP, TLS
when asked, the web and API) and stops every server it started at teardown, by PID.
``ServerProcess.kill_and_restart()`` SIGKILLs a server and starts a new one with the same
arguments (so the same ``--data-dir``).

``RawClient`` is a socket plus our own codec, for what the third-party clients cannot send:
bad bytes, cancel_sm and replace_sm, and a load that must survive a SIGKILL. Every wait in
this suite has a timeout; nothing blocks for ever.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import pdu
from pdu import Pdu
from smsc.pytest_plugin import Simulator
from smsc.serve_process import start_serve

REPO = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 5.0
IO_TIMEOUT = 10.0  # default bound on the wait for one expected PDU (not an expectation)


@dataclass
class ServerProcess:
    args: list[str]
    workdir: Path
    proc: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    host: str = ""
    port: int = 0
    http_url: str = ""
    tls_address: tuple[str, int] | None = None
    restarts: int = 0

    @classmethod
    def start(cls, args: list[str], workdir: Path, restarts: int = 0) -> ServerProcess:
        tag = f"{restarts}" if restarts else ""
        stdout_path = workdir / f"smsc{tag}.stdout"
        stderr_path = workdir / f"smsc{tag}.stderr"
        proc, listening = start_serve(
            args, workdir, stdout_path, stderr=stderr_path, env={"PYTHONPATH": str(REPO)}
        )
        server = cls(args, workdir, proc, stdout_path, stderr_path, restarts=restarts)
        (server.host, server.port), server.http_url = listening.smpp, listening.http_url
        server.tls_address = listening.tls
        return server

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(
            errors="replace"
        )

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def kill(self) -> None:
        """SIGKILL: no unbind, no store flush; exactly what a crash looks like."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill_and_restart(self) -> ServerProcess:
        """SIGKILL this server and start another with the same arguments (same data dir)."""
        self.kill()
        return ServerProcess.start(self.args, self.workdir, self.restarts + 1)


@dataclass
class ServerFactory:
    workdir: Path
    started: list[ServerProcess] = field(default_factory=list)

    def __call__(self, *args: str, config: str | None = None) -> ServerProcess:
        argv = list(args)
        if config is not None:
            path = self.workdir / f"smsc-{len(self.started)}.toml"
            path.write_text(config)
            argv += ["--config", str(path)]
        server = ServerProcess.start(argv, self.workdir)
        self.started.append(server)
        return server

    def restart(self, server: ServerProcess) -> ServerProcess:
        new = server.kill_and_restart()
        self.started.append(new)
        return new

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()


@pytest.fixture
def smsc_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start ``smsc serve`` with given arguments: ``smsc_server("--store", "memory")``."""
    factory = ServerFactory(tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def memory_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """An in-memory, development-mode server with a short receipt delay, shared by a module.

    Receipts go to binds of the submitting system_id, so tests sharing it stay apart by
    binding with ids of their own (the clients below pick a fresh one by default).
    """
    factory = ServerFactory(tmp_path_factory.mktemp("smsc"))
    try:
        yield factory("--store", "memory", "--receipt-delay", "0.2")
    finally:
        factory.stop_all()


_ids = itertools.count(1)


def unique_system_id() -> str:
    """A system_id no other client in this test run uses (at most 15 characters)."""
    return f"esme{next(_ids)}"


# -- a raw SMPP client on our codec --------------------------------------------------------


class RawClient:
    """A blocking socket speaking SMPP through ``pdu``; answers deliver_sm, data_sm and
    enquire_link from the server by itself and keeps the requests it received."""

    def __init__(
        self,
        address: tuple[str, int] | None,
        timeout: float = IO_TIMEOUT,
        sock: socket.socket | None = None,
    ) -> None:
        """Connect to ``address``, or speak on ``sock``: a connection the server opened to a
        socket we listen on (outbind)."""
        if sock is None:
            assert address is not None
            sock = socket.create_connection(address, timeout=timeout)
        self.sock = sock
        self.timeout = timeout
        self.framer = pdu.Framer()
        self.buffered: list[bytes] = []
        self.seq = 0
        self.received: list[Pdu] = []  # server requests (deliver_sm, data_sm, ...) in order
        self.responses: dict[int, Pdu] = {}
        self.answer_deliveries = True

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def send(self, p: Pdu) -> int:
        if not p.sequence_number:
            p.sequence_number = self.next_seq()
        self.sock.sendall(pdu.encode(p))
        return p.sequence_number

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _read_frame(self, deadline: float) -> bytes | None:
        while not self.buffered:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                return None
            if not data:
                raise ConnectionError("server closed the connection")
            self.buffered.extend(self.framer.feed(data))
        return self.buffered.pop(0)

    def read(self, timeout: float | None = None) -> Pdu | None:
        """The next PDU from the server (server requests are answered), or None on timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        frame = self._read_frame(deadline)
        if frame is None:
            return None
        p = pdu.decode(frame)
        if p.command_id & 0x80000000:
            self.responses[p.sequence_number] = p
        else:
            self.received.append(p)
            self._answer(p)
        return p

    def _answer(self, p: Pdu) -> None:
        if isinstance(p, pdu.EnquireLink):
            self.send(pdu.EnquireLinkResp(sequence_number=p.sequence_number))
        elif isinstance(p, pdu.DeliverSm) and self.answer_deliveries:
            self.send(pdu.DeliverSmResp(sequence_number=p.sequence_number))
        elif isinstance(p, pdu.DataSm) and self.answer_deliveries:
            self.send(pdu.DataSmResp(sequence_number=p.sequence_number))
        elif isinstance(p, pdu.Unbind):
            self.send(pdu.UnbindResp(sequence_number=p.sequence_number))

    def response(self, seq: int, timeout: float | None = None) -> Pdu:
        """Wait for the response to our request ``seq``."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while seq not in self.responses:
            if self.read(max(0.0, deadline - time.monotonic())) is None:
                raise TimeoutError(f"no response to sequence_number {seq}")
        return self.responses.pop(seq)

    def request(self, p: Pdu, timeout: float | None = None) -> Pdu:
        return self.response(self.send(p), timeout)

    def wait_for(
        self, pred: Callable[[Pdu], bool], timeout: float | None = None, what: str = "PDU"
    ) -> Pdu:
        """Wait for a server request matching ``pred`` (also among those already received)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        seen = 0
        while True:
            for p in self.received[seen:]:
                if pred(p):
                    return p
            seen = len(self.received)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.read(remaining) is None:
                raise TimeoutError(f"no {what} within the timeout")

    def collect(self, duration: float) -> None:
        """Read and answer whatever arrives for ``duration`` seconds."""
        deadline = time.monotonic() + duration
        while (remaining := deadline - time.monotonic()) > 0:
            self.read(remaining)

    def bind(
        self,
        cls: type[Pdu] = pdu.BindTransceiver,
        system_id: str | None = None,
        password: str = "pw",
    ) -> Pdu:
        system_id = system_id or unique_system_id()
        return self.request(
            cls(system_id=system_id, password=password, interface_version=0x34)  # type: ignore[call-arg]
        )


def receipts(pdus: list[Pdu]) -> list[Pdu]:
    """The delivery receipts (esm_class message type 0x04) among server requests."""
    return [
        p for p in pdus if isinstance(p, pdu.DeliverSm | pdu.DataSm) and p.esm_class & 0x3C == 0x04
    ]


def receipt_fields(text: bytes) -> dict[str, str]:
    """The Appendix B fields of a receipt text: ``id:`` ... ``text:`` (text is the rest)."""
    s = text.decode("ascii")
    fields: dict[str, str] = {}
    head, sep, tail = s.partition("text:")
    if not sep:
        head, sep, tail = s.partition("Text:")
    if sep:
        fields["text"] = tail
    words = head.split()
    i = 0
    while i < len(words):
        word = words[i]
        key, colon, value = word.partition(":")
        # "submit date:" and "done date:" are the two labels with a space in them.
        if not colon and i + 1 < len(words) and words[i + 1].startswith("date:"):
            key, value = f"{word} date", words[i + 1].removeprefix("date:")
            i += 1
        fields[key.lower()] = value
        i += 1
    return fields


# -- smpplib, driven with deadlines ---------------------------------------------------------


class SmpplibEsme:
    """A python-smpplib client with bounded waits: its own ``listen()`` blocks for ever.

    Responses are kept by sequence number, deliver_sm requests are answered (as smpplib's
    ``read_once`` would) and kept in ``received``.
    """

    def __init__(self, address: tuple[str, int], timeout: float = IO_TIMEOUT) -> None:
        import smpplib.client

        self.client = smpplib.client.Client(
            address[0], address[1], timeout=timeout, allow_unknown_opt_params=False
        )
        self.client.connect()
        self.timeout = timeout
        self.received: list[object] = []
        self.responses: dict[int, object] = {}

    def bind(self, bind_type: str = "transceiver", **kwargs: object) -> object:
        kwargs.setdefault("system_id", unique_system_id())
        kwargs.setdefault("password", "pw")
        return getattr(self.client, f"bind_{bind_type}")(**kwargs)

    def close(self) -> None:
        if self.client._socket is not None:
            self.client._socket.close()
            self.client._socket = None
        self.client.state = "CLOSED"

    def __enter__(self) -> SmpplibEsme:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, timeout: float) -> object | None:
        import select

        from smpplib import smpp

        readable, _, _ = select.select([self.client._socket], [], [], max(0.0, timeout))
        if not readable:
            return None
        p = self.client.read_pdu()
        if p.command.endswith("_resp") or p.command == "generic_nack":
            self.responses[p.sequence] = p
        else:
            self.received.append(p)
            if p.command in ("deliver_sm", "enquire_link"):
                resp = smpp.make_pdu(f"{p.command}_resp", client=self.client)
                resp.sequence = p.sequence
                self.client.send_pdu(resp)
        return p

    def response(self, seq: int, timeout: float | None = None) -> Any:
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while seq not in self.responses:
            if self.read(deadline - time.monotonic()) is None:
                raise TimeoutError(f"no response to sequence_number {seq}")
        return self.responses.pop(seq)

    def submit(self, **kwargs: object) -> Any:
        """submit_sm; returns the submit_sm_resp."""
        kwargs.setdefault("source_addr", "1234")
        kwargs.setdefault("destination_addr", "447700900001")
        return self.response(self.client.send_message(**kwargs).sequence)

    def receipt_for(self, message_id: str, timeout: float | None = None) -> Any:
        """Wait for the deliver_sm receipting ``message_id``."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            for p in self.received:
                rid = getattr(p, "receipted_message_id", None)
                if rid is not None and rid.decode() == message_id:
                    return p
            if self.read(deadline - time.monotonic()) is None:
                raise TimeoutError(f"no receipt for {message_id}")

    def collect(self, duration: float) -> None:
        deadline = time.monotonic() + duration
        while (remaining := deadline - time.monotonic()) > 0:
            self.read(remaining)


# -- a simulator with a config file, and ESMEs bound to it ------------------------------------


@contextlib.contextmanager
def simulator(workdir: Path, config_text: str, args: Sequence[str] = ()) -> Iterator[Simulator]:
    """``smsc serve`` (the pytest plugin's Simulator) with ``config_text`` as its config
    file; stopped, by its PID, when the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "smsc.toml"
    config.write_text(config_text)
    s = Simulator.start(workdir / "sim", args, config=config)
    try:
        yield s
    finally:
        s.stop()


def bound_raw(sim: Simulator, system_id: str) -> RawClient:
    client = RawClient(sim.smpp_address)
    assert client.bind(system_id=system_id).command_status == 0
    return client


def bound_smpplib(sim: Simulator, system_id: str) -> SmpplibEsme:
    client = SmpplibEsme(sim.smpp_address)
    client.bind(system_id=system_id)
    return client

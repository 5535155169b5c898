"""``smsc serve`` as a subprocess for the load-test suite, stopped by PID at teardown.

Every Locust run here is a subprocess too: Locust needs gevent's monkey-patching, which must
never happen inside the pytest process.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smsc.serve_process import start_serve

REPO = Path(__file__).resolve().parents[2]
STOP_TIMEOUT = 10.0


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    log_path: Path
    port: int = 0
    api: str = ""  # the HTTP API's base URL

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=STOP_TIMEOUT)

    def counters(self) -> dict[str, int]:
        """The counters the server logs once it has shut down (call stop() first)."""
        m = re.search(r"counters at shutdown: (.*)", self.log())
        assert m, f"no counters line in the server log:\n{self.log()[-2000:]}"
        return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def start_server(workdir: Path, *args: str) -> Server:
    log_path = workdir / f"smsc-{time.monotonic_ns()}.log"
    proc, listening = start_serve(
        ["--store", "memory", *args], workdir, log_path, env={"PYTHONPATH": str(REPO)}
    )
    server = Server(proc, log_path)
    server.port = listening.smpp[1]
    server.api = listening.http_url
    return server


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    """Servers a test starts with ``start_server`` and appends here are stopped at teardown."""
    started: list[Server] = []
    try:
        yield started
    finally:
        for s in started:
            s.stop()


@pytest.fixture
def server(tmp_path: Path, servers: list[Server]) -> Server:
    """A development-mode, in-memory server with a 50 ms receipt delay."""
    s = start_server(tmp_path, "--receipt-delay", "0.05")
    servers.append(s)
    return s

"""``smsc serve`` starts whole or not at all: a listener that cannot bind, or a data dir that
another server holds, is one line on stderr, exit status 2, and no process left running."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from smsc.cli import cannot_listen

from .conftest import REPO, RawClient, ServerFactory

START = 30.0  # seconds for a refused start to exit (a busy machine)


@pytest.fixture
def held_port() -> Iterator[int]:
    """A loopback port this test holds (listening), so the server cannot have it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def serve(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``smsc serve`` to its end: here, it is always refused."""
    return subprocess.run(
        [sys.executable, "-m", "smsc", "serve", "--smpp-port", "0", "--http-port", "0", *args],
        capture_output=True,
        text=True,
        timeout=START,
        check=False,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.mark.parametrize(
    ("what", "args"),
    [
        ("SMPP", ["--smpp-port", "{port}"]),
        ("SMPP over TLS", ["--tls-port", "{port}", "--tls-self-signed"]),
        ("HTTP", ["--http-port", "{port}"]),
    ],
)
def test_a_listener_that_cannot_bind_is_one_line_and_exit_2(
    tmp_path: Path, held_port: int, what: str, args: list[str]
) -> None:
    option = args[0]
    proc = serve(tmp_path, *(a.format(port=held_port) for a in args))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        f"smsc: cannot listen for {what} on 127.0.0.1:{held_port}: address already in use; "
        f"stop the other server or pass {option}"
    ]
    assert "listening" not in proc.stdout
    # Nothing half-started kept the data dir: a server starts on it at once.
    assert "SMPP listening" in serve_briefly(tmp_path)


def serve_briefly(cwd: Path) -> str:
    """Start a server on the default data dir of ``cwd``, see it listen, stop it."""
    factory = ServerFactory(cwd)
    try:
        return factory().output()
    finally:
        factory.stop_all()


def test_a_json_log_run_says_it_as_one_json_line(tmp_path: Path, held_port: int) -> None:
    proc = serve(tmp_path, "--http-port", str(held_port), "--log-format", "json")
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert '"level": "error"' in line
    assert f"cannot listen for HTTP on 127.0.0.1:{held_port}" in line


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (errno.EACCES, "permission denied; ports below 1024 need privileges: pass --smpp-port"),
        (errno.EADDRNOTAVAIL, "not an address of this machine; pass --smpp-host"),
    ],
)
def test_other_bind_failures_say_what_to_change(code: int, says: str) -> None:
    err = OSError(code, os.strerror(code))
    line = cannot_listen("SMPP", "10.1.2.3", 80, err, "--smpp-port", "--smpp-host")
    assert line == f"cannot listen for SMPP on 10.1.2.3:80: {says}"
    v6 = cannot_listen("HTTP", "::1", 8025, err, "--http-port", "--http-host")
    assert v6.startswith("cannot listen for HTTP on [::1]:8025: ")


def test_a_second_server_on_a_data_dir_is_refused_until_the_first_is_gone(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = smsc_server("--data-dir", str(data))
    proc = serve(tmp_path, "--data-dir", str(data))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"smsc: data dir {data} is in use by another smsc serve (PID {first.proc.pid}, "
        f"SMPP {first.host}:{first.port}, HTTP {first.http_url}); "
        "stop it, or pass another --data-dir"
    ]
    assert "listening" not in proc.stdout
    with RawClient(first.address) as client:  # the first one never noticed
        assert client.bind().command_status == 0

    # SIGKILL: no clean-up at all. The kernel drops the lock with the process.
    second = smsc_server.restart(first)
    with RawClient(second.address) as client:
        assert client.bind().command_status == 0


def test_memory_stores_take_no_lock(smsc_server: ServerFactory, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    one = smsc_server("--store", "memory", "--data-dir", data)
    two = smsc_server("--store", "memory", "--data-dir", data)
    assert one.port != two.port

"""``smsc serve`` as a child process, for the pytest plugin, the test suites and the
benchmarks: started on free loopback ports, and ready once it has printed every address it
listens on (the lines ``smsc serve`` prints at start-up are its interface here)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cli import LISTENING_HTTP, LISTENING_SMPP, LISTENING_TLS

__all__ = ["START_TIMEOUT", "Listening", "start_serve", "wait_listening"]

# A bound, not an expectation: on a busy machine starting Python and Twisted can take seconds.
START_TIMEOUT = 60.0
KILL_TIMEOUT = 5.0
LINES = (("SMPP", LISTENING_SMPP), ("TLS", LISTENING_TLS), ("HTTP", LISTENING_HTTP))


@dataclass(frozen=True)
class Listening:
    """The addresses a started ``smsc serve`` printed."""

    smpp: tuple[str, int]
    http_url: str
    tls: tuple[str, int] | None = None


def _asks_for_tls(argv: Sequence[str], cwd: Path) -> bool:
    """Whether ``smsc serve`` run with ``argv`` in ``cwd`` listens for SMPP over TLS too:
    ``--tls-port`` on the command line or ``tls_port`` in its ``--config`` file."""
    config = None
    for i, arg in enumerate(argv):
        if arg == "--tls-port" or arg.startswith("--tls-port="):
            return True
        if arg == "--config" and i + 1 < len(argv):
            config = argv[i + 1]
        elif arg.startswith("--config="):
            config = arg.removeprefix("--config=")
    if config is None:
        return False
    try:
        return "tls_port" in tomllib.loads((cwd / config).read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return False  # the server refuses the file and exits, which wait_listening reports


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def wait_listening(
    proc: subprocess.Popen[bytes],
    stdout: Path,
    *,
    tls: bool,
    stderr: Path | None = None,
    timeout: float = START_TIMEOUT,
) -> Listening:
    """Read ``smsc serve``'s output (written to files) until it has printed every address it
    listens on: SMPP, SMPP over TLS when ``tls``, and the web and API. Raises RuntimeError,
    with the output, if the server exits (it does when a listener cannot bind) or prints them
    not within ``timeout`` seconds; the caller stops it."""

    def output() -> str:
        text = stdout.read_text(errors="replace")
        return text + (stderr.read_text(errors="replace") if stderr is not None else "")

    deadline = time.monotonic() + timeout
    while True:
        text = stdout.read_text(errors="replace")
        found: dict[str, str] = {}
        # Whole lines only: a line read while it is being written could name a wrong port.
        for line in text[: text.rfind("\n") + 1].splitlines():
            for name, prefix in LINES:
                if line.startswith(prefix):
                    found[name] = line.removeprefix(prefix).split()[0]
        missing = [n for n in ("SMPP", "HTTP", *(("TLS",) if tls else ())) if n not in found]
        if not missing:
            tls_address = _host_port(found["TLS"]) if "TLS" in found else None
            return Listening(_host_port(found["SMPP"]), found["HTTP"], tls_address)
        if proc.poll() is not None:
            problem = f"exited with status {proc.returncode}"
        elif time.monotonic() > deadline:
            problem = f"printed no {' or '.join(missing)} address within {timeout:g} s"
        else:
            time.sleep(0.02)  # polling the output file, bounded by the deadline above
            continue
        raise RuntimeError(f"smsc serve {problem} ({proc.args!r}):\n{output()}")


def start_serve(
    args: Sequence[str],
    workdir: Path,
    stdout: Path,
    *,
    stderr: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[subprocess.Popen[bytes], Listening]:
    """Start ``python -m smsc serve`` on free loopback ports with more ``args``, in
    ``workdir``, its output in files (stderr into ``stdout`` unless given a file of its own),
    and wait until it listens (``wait_listening``). If it does not, it is killed, by its PID,
    and RuntimeError says why, with its output."""
    argv = [sys.executable, "-m", "smsc", "serve", "--smpp-port", "0", "--http-port", "0", *args]
    # Files, not pipes: a chatty server never blocks on a pipe nobody reads.
    with contextlib.ExitStack() as files:
        out = files.enter_context(stdout.open("wb"))
        err = files.enter_context(stderr.open("wb")) if stderr is not None else subprocess.STDOUT
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    try:
        tls = _asks_for_tls(argv, workdir)
        return proc, wait_listening(proc, stdout, stderr=stderr, tls=tls)
    except BaseException:
        proc.kill()  # a no-op once it has exited
        proc.wait(timeout=KILL_TIMEOUT)
        raise

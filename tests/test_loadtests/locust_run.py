"""Run Locust as a subprocess (never in the pytest process: it monkey-patches with gevent) and
read its ``--csv`` statistics."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "loadtests" / "scenarios"


@dataclass(frozen=True)
class Row:
    requests: int
    failures: int


def locust_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "locust", *args]


def start(args: list[str], workdir: Path, log_name: str) -> subprocess.Popen[bytes]:
    out = (workdir / log_name).open("wb")
    return subprocess.Popen(
        locust_cmd(*args),
        cwd=workdir,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a Locust process we started, by its PID (it is normally gone already)."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def stats(prefix: Path) -> dict[str, Row]:
    """Name -> totals from ``--json-file <prefix>``, written once the users have stopped
    (the periodic ``--csv`` files can miss what ``on_stop`` reports)."""
    entries = json.loads(Path(f"{prefix}.json").read_text())
    return {e["name"]: Row(e["num_requests"], e["num_failures"]) for e in entries}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port

"""A 10-second headless Locust run of the MT burst scenario against a server of its own."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import Server
from .locust_run import SCENARIOS, Row, start, stats, stop


def test_mt_burst_smoke_run(tmp_path: Path, server: Server) -> None:
    prefix = tmp_path / "mt_burst"
    proc = start(
        [
            "-f", str(SCENARIOS / "mt_burst.py"),
            "--headless", "-u", "2", "-r", "2", "-t", "10s",
            "--host", f"smpp://{server.host}",
            "--smpp-window", "20",
            "--json-file", str(prefix), "--only-summary", "--stop-timeout", "5",
        ],
        tmp_path,
        "locust.log",
    )  # fmt: skip
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        stop(proc)
        raise
    log = (tmp_path / "locust.log").read_text(errors="replace")
    assert rc == 0, log[-3000:]  # Locust exits 1 when any request failed
    rows = stats(prefix)
    assert rows["bind_transceiver"] == Row(2, 0)
    assert rows["submit_sm"].requests > 1000 and rows["submit_sm"].failures == 0
    assert rows["receipt"].requests > 1000 and rows["receipt"].failures == 0
    # Every receipt is a deliver_sm, and nothing else arrives in this scenario.
    assert rows["deliver_sm"].requests == rows["receipt"].requests
    assert rows["unbind"].requests == 2 and rows["unbind"].failures == 0
    assert "Traceback" not in log, log[-3000:]

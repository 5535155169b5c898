"""One Locust master and two workers on 127.0.0.1: the master's totals are the server's."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import Server
from .locust_run import SCENARIOS, Row, free_port, start, stats, stop


def test_master_totals_match_what_the_server_counted(tmp_path: Path, server: Server) -> None:
    port = free_port()
    prefix = tmp_path / "distributed"
    master = start(
        [
            "-f", str(SCENARIOS / "mt_burst.py"), "--master",
            "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
            "--expect-workers", "2", "--expect-workers-max-wait", "30",
            "--headless", "-u", "4", "-r", "4", "-t", "6s",
            "--host", f"smpp://{server.host}", "--smpp-window", "20",
            "--json-file", str(prefix), "--only-summary", "--stop-timeout", "5",
        ],
        tmp_path,
        "master.log",
    )  # fmt: skip
    workers = [
        start(
            [
                "-f",
                str(SCENARIOS / "mt_burst.py"),
                "--worker",
                "--master-host",
                "127.0.0.1",
                "--master-port",
                str(port),
            ],
            tmp_path,
            f"worker{i}.log",
        )
        for i in range(2)
    ]
    try:
        rc = master.wait(timeout=90)
        for w in workers:
            w.wait(timeout=30)  # the master tells them to quit
    except subprocess.TimeoutExpired:
        for p in (master, *workers):
            stop(p)
        raise
    finally:
        for p in (master, *workers):
            stop(p)
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in sorted(tmp_path.glob("*.log")))
    assert rc == 0, logs
    assert [w.returncode for w in workers] == [0, 0], logs
    server.stop()
    counted = server.counters()
    rows = stats(prefix)
    # Each worker binds with a system_id of its own, so its receipts come back to it.
    assert rows["bind_transceiver"] == Row(4, 0)
    assert rows["unbind"] == Row(4, 0)
    assert rows["submit_sm"].failures == 0
    assert rows["submit_sm"].requests == counted["submitted"] > 1000
    # A receipt still queued when its bind unbound is counted by the server, not by Locust.
    assert 0 < rows["receipt"].requests <= counted["receipts"]
    assert rows["receipt"].failures == 0
    assert rows["deliver_sm"].requests == counted["delivered_to_esme"]
    assert counted["throttled"] == 0

"""Each scenario runs headless, briefly, against a server of its own, and shows what it is for."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from .conftest import Server, start_server
from .locust_run import SCENARIOS, Row, start, stats, stop


def _run(tmp_path: Path, server: Server, scenario: str, *args: str) -> tuple[int, dict[str, Row]]:
    prefix = tmp_path / scenario
    proc = start(
        [
            "-f", str(SCENARIOS / f"{scenario}.py"), "--headless", "-t", "4s",
            "--host", f"smpp://{server.host}", "--json-file", str(prefix),
            "--only-summary", "--stop-timeout", "5", *args,
        ],
        tmp_path,
        f"{scenario}.log",
    )  # fmt: skip
    try:
        rc = proc.wait(timeout=60)
    finally:
        stop(proc)
    log = (tmp_path / f"{scenario}.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    return rc, stats(prefix)


def test_mixed_long_sends_every_part_and_gets_a_receipt_per_part(
    tmp_path: Path, server: Server
) -> None:
    rc, rows = _run(tmp_path, server, "mixed_long", "-u", "2", "-r", "2")
    assert rc == 0
    names = ("submit_sm gsm7 udh", "submit_sm ucs2 udh", "submit_sm gsm7 sar")
    assert all(rows[n].requests > 0 and rows[n].failures == 0 for n in names)
    parts = sum(rows[n].requests for n in names)
    assert rows["receipt"].failures == 0
    # Receipts still on their way (50 ms) when the users unbound are not counted.
    assert parts // 2 < rows["receipt"].requests <= parts


def test_two_way_measures_mo_replies_from_handset_rules(
    tmp_path: Path, servers: list[Server]
) -> None:
    server = start_server(
        tmp_path, "--receipt-delay", "0.05", "--config", str(SCENARIOS / "two_way.toml")
    )
    servers.append(server)
    rc, rows = _run(tmp_path, server, "two_way", "-u", "4", "-r", "4")
    assert rc == 0
    # How many MT go out in 4 s is the machine's speed (13 on a busy one); that they do is not.
    assert rows["submit_sm"].requests > 0
    assert rows["mo_reply"].requests > 0 and rows["mo_reply"].failures == 0
    # Each MT gets a receipt and a reply: both arrive as deliver_sm.
    assert rows["deliver_sm"].requests == rows["receipt"].requests + rows["mo_reply"].requests


def test_throttled_account_shows_esme_rthrottled(tmp_path: Path, servers: list[Server]) -> None:
    # The scenario's account allows 100/s against the 400/s its users offer; on a busy
    # machine they offer little more than 100/s. A tenth of the rate keeps the users far above
    # it however slow the machine: most submits are refused.
    config = tmp_path / "throttled.toml"
    config.write_text(
        (SCENARIOS / "throttled.toml").read_text().replace("throughput = 100", "throughput = 10")
    )
    server = start_server(tmp_path, "--receipt-delay", "0.05", "--config", str(config))
    servers.append(server)
    rc, rows = _run(tmp_path, server, "throttled", "-u", "4", "-r", "4")
    assert rc == 1  # Locust exits 1 on failures; here they are the point
    submit = rows["submit_sm"]
    assert submit.failures > submit.requests // 2
    # 10/s allowed for about 4 s (the run) and never more than 8 s (with the stop time-out).
    assert 0 < submit.requests - submit.failures <= 80
    assert rows["receipt"].failures == 0
    assert rows["bind_transceiver"].failures == 0


def test_many_binds_each_user_binds_and_unbinds(tmp_path: Path, server: Server) -> None:
    rc, rows = _run(tmp_path, server, "many_binds", "-u", "200", "-r", "200")
    assert rc == 0
    # How many of the 200 users start within the 4 s run is the machine's speed (all of them
    # here, 93 on a busy machine); every user that bound unbinds, and none fails.
    binds = rows["bind_transceiver"]
    assert binds.failures == 0 and binds.requests >= 50
    assert rows["unbind"] == Row(binds.requests, 0)
    assert rows["submit_sm"].requests > 0 and rows["submit_sm"].failures == 0


def test_conversations_report_the_apps_reply_latency(tmp_path: Path, server: Server) -> None:
    """Handsets write over the API, the bot app answers each after 300 ms: Locust's
    app_reply is the app's response time as the server measured it, so its median is about
    the bot's think time, as is the server's own p50."""
    prefix = tmp_path / "conversations"
    proc = start(
        [
            "-f", str(SCENARIOS / "conversations.py"), "--headless", "-t", "4s",
            "-u", "4", "-r", "4", "--host", f"smpp://{server.host}",
            "--smsc-api", server.api, "--app-think-ms", "300",
            "--json-file", str(prefix), "--only-summary", "--stop-timeout", "5",
        ],
        tmp_path,
        "conversations.log",
    )  # fmt: skip
    try:
        rc = proc.wait(timeout=60)
    finally:
        stop(proc)
    log = (tmp_path / "conversations.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    assert rc == 0, log[-3000:]
    entries = {e["name"]: e for e in json.loads(Path(f"{prefix}.json").read_text())}
    replies = entries["app_reply"]
    assert replies["num_requests"] >= 5 and replies["num_failures"] == 0
    # Locust keeps each time rounded (to 10 ms at this size): the median of those.
    times = sorted(int(ms) for ms, n in replies["response_times"].items() for _ in range(int(n)))
    median = times[len(times) // 2]
    # The server measures from the deliver_sm_resp it read to the MT it read: the bot's
    # 300 ms, give or take how promptly a busy server read each of the two.
    assert 200 <= median <= 1000, times
    with urllib.request.urlopen(f"{server.api}/api/v1/metrics/conversations?number=12345") as r:
        (number,) = json.load(r)["numbers"]
    assert number["response_time"]["answered"] >= replies["num_requests"]
    assert 0.2 <= number["response_time"]["p50"] <= 1.0
    assert number["mo"] >= replies["num_requests"]

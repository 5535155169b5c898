"""A flood beyond an account's throughput over loopback: the excess is refused with
ESME_RTHROTTLED at once, never queued; the server accepts at most ``throughput`` messages in
any one second (judged on the submit times it stored); nothing is left waiting inside it."""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pdu
from pdu import CommandStatus as S

from .conftest import RawClient, ServerFactory

RATE = 20
CONFIG = f"""
[[accounts]]
system_id = "flood"
password = "pw"
throughput = {RATE}
"""
ROUNDS = 25
BURST = 40  # 1,000 submits in about 2.5 s: 20 times the account's rate
SETTLE = 30.0  # bound for the server's queues to empty after the flood


def submit(seq: int) -> bytes:
    return pdu.encode(
        pdu.SubmitSm(
            sequence_number=seq,
            source_addr="1234",
            destination_addr="447700900123",
            short_message=b"flood",
        )
    )


def metrics(base: str) -> dict[str, float]:
    """The /metrics samples without labels, and the queue depths as smsc_queue_depth:NAME."""
    with urllib.request.urlopen(base + "/metrics", timeout=5) as resp:
        text = resp.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if m := re.fullmatch(r'smsc_queue_depth\{queue="(\w+)"\} (\S+)', line):
            out[f"smsc_queue_depth:{m.group(1)}"] = float(m.group(2))
        elif m := re.fullmatch(r"(smsc_\w+) (\S+)", line):
            out[m.group(1)] = float(m.group(2))
    return out


def test_a_flood_beyond_the_rate_is_throttled_not_queued(smsc_server: ServerFactory) -> None:
    server = smsc_server("--store", "memory", "--receipt-delay", "0", config=CONFIG)
    base = server.http_url
    statuses: list[int] = []
    with RawClient(server.address) as esme:
        assert esme.bind(system_id="flood").command_status == 0
        for _ in range(ROUNDS):
            seqs = [esme.next_seq() for _ in range(BURST)]
            esme.send_bytes(b"".join(submit(s) for s in seqs))
            statuses += [esme.response(s).command_status for s in seqs]
            time.sleep(0.1)
        accepted = statuses.count(S.ESME_ROK)
        throttled = statuses.count(S.ESME_RTHROTTLED)
        # Every request answered at once, with one of the two statuses; none left pending.
        assert accepted + throttled == ROUNDS * BURST
        assert throttled > 0
        assert accepted >= RATE

        # The server's own clock: no RATE + 1 accepted messages within any second.
        stored = sorted(m["submit_time"] for m in _messages(base))
        assert len(stored) == accepted
        too_close = [(a, b) for a, b in zip(stored, stored[RATE:], strict=False) if b - a < 1.0]
        assert not too_close, f"{RATE + 1} accepted within a second: {too_close[:3]}"

        # Nothing held back: the counters match what the client saw, and every queue inside
        # the SMSC empties.
        deadline = time.monotonic() + SETTLE
        while True:
            m = metrics(base)
            queued = {k: v for k, v in m.items() if k.startswith("smsc_queue_depth:") and v}
            if not queued or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert not queued, queued
        assert m["smsc_throttled_total"] == throttled
        assert m["smsc_submitted_total"] == accepted

        # The flood over, the account is served at its rate again.
        time.sleep(1.0)
        assert esme.request(pdu.decode(submit(esme.next_seq()))).command_status == S.ESME_ROK


def _messages(base: str) -> list[dict[str, float]]:
    url = f"{base}/api/v1/messages?account=flood&limit=1000"
    with urllib.request.urlopen(url, timeout=5) as resp:
        found: list[dict[str, float]] = json.loads(resp.read())["messages"]
    return found

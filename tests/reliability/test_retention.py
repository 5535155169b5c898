"""[retention] end to end: a real ``smsc serve`` on its SQLite store keeps the newest final
messages, prunes the rest in the background and says how many on /metrics."""

from __future__ import annotations

import re
import time
import urllib.request

import pdu
from smsc.client import ApiClient

from .conftest import RawClient, ServerFactory

WAIT = 20.0  # seconds for the background steps on a busy machine


def http_url(server: object) -> str:
    m = re.search(r"web and API on (\S+)", server.output())  # type: ignore[attr-defined]
    assert m, server.output()  # type: ignore[attr-defined]
    return m.group(1)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return str(reply.read().decode())


def pruned(base: str) -> int:
    m = re.search(r"^smsc_messages_pruned_total (\d+)$", get(base + "/metrics"), re.MULTILINE)
    assert m, "no smsc_messages_pruned_total on /metrics"
    return int(m.group(1))


def test_sqlite_store_keeps_the_newest_final_messages_and_counts_the_pruned(
    smsc_server: ServerFactory,
) -> None:
    server = smsc_server(
        "--receipt-delay", "0", config="[retention]\nmax_messages = 20\nmax_age = false\n"
    )
    base = http_url(server)
    with RawClient(server.address) as esme:
        assert esme.bind().command_status == 0
        for n in range(60):
            resp = esme.request(
                pdu.SubmitSm(source_addr="12345", destination_addr=f"4477009{n:05}")
            )
            assert resp.command_status == 0
    deadline = time.monotonic() + WAIT
    while pruned(base) < 40 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pruned(base) == 40
    held = ApiClient(base).messages(limit=1000)
    assert sorted(m["to"] for m in held) == [f"4477009{n:05}" for n in range(40, 60)]

"""The app checker's done-when: an ESME (python-smpplib, over loopback) that in one run sends
UCS-2 text GSM-7 carries, a long message whose euro sign smpplib's own splitter cuts across
parts, an MT to an opted-out handset, a first MT without opt-out text, the same MT twice in a
second, and leaves one MO unanswered past the reply SLA, gets exactly those findings, and
none for its well-behaved messages (GSM-7 with a STOP notice, a long message split cleanly,
UCS-2 that needs UCS-2, an MO answered at once)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interop.conftest import SmpplibEsme, simulator
from smsc.pytest_plugin import Simulator

pytestmark = pytest.mark.interop

SHORT_CODE = "12345"
SLA = 2.0  # seconds: [checks] reply_sla, short for the test
NOTICE = " Reply STOP to opt out"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    with simulator(tmp_path, f"[checks]\nreply_sla = {SLA}\n") as s:
        yield s


def send(esme: SmpplibEsme, to: str, text: str, encoding: int = 0) -> list[str]:
    """Submit ``text`` as smpplib splits and encodes it; the message ids of its parts."""
    import smpplib.gsm

    parts, coding, esm_class = smpplib.gsm.make_parts(text, encoding)
    ids = []
    for part in parts:
        resp = esme.submit(
            source_addr=SHORT_CODE,
            destination_addr=to,
            short_message=part,
            data_coding=coding,
            esm_class=esm_class,
        )
        assert resp.status == 0
        ids.append(resp.message_id.decode())
    return ids


def mo_delivered(esme: SmpplibEsme, handset: str) -> Any:
    """Wait for the deliver_sm of an MO from ``handset`` (SmpplibEsme answers it at once)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for p in esme.received:
            if getattr(p, "command", "") == "deliver_sm" and p.source_addr.decode() == handset:
                return p
        esme.read(0.2)
    raise AssertionError(f"no deliver_sm from {handset}")


def test_exactly_the_listed_findings_and_none_for_well_behaved_messages(sim: Simulator) -> None:
    bad: dict[str, tuple[str, str | None]] = {}  # code -> (handset, message id)
    with SmpplibEsme(sim.smpp_address) as esme:
        esme.bind("transceiver")
        # -- what the app does wrong ----------------------------------------------------
        (mid,) = send(esme, "447700900501", "Your parcel is on its way." + NOTICE, 8)
        bad["encoding.ucs2_not_needed"] = ("447700900501", mid)
        # 152 letters, then the euro: smpplib cuts its escape pair at 153 septets.
        first, _ = send(esme, "447700900502", "a" * 152 + "€5 off today." + NOTICE)
        bad["segment.split_escape"] = ("447700900502", first)
        sim.opt_out("447700900503", SHORT_CODE)
        (mid,) = send(esme, "447700900503", "Sale today only." + NOTICE)
        bad["compliance.opted_out"] = ("447700900503", mid)
        (mid,) = send(esme, "447700900504", "Your code is 1234")
        bad["compliance.no_opt_out_notice"] = ("447700900504", mid)
        send(esme, "447700900505", "Your table is ready." + NOTICE)
        (again,) = send(esme, "447700900505", "Your table is ready." + NOTICE)
        bad["protocol.duplicate_submit"] = ("447700900505", again)
        mo = sim.send_mo("447700900506", SHORT_CODE, "When do you open?")
        mo_delivered(esme, "447700900506")
        bad["conversation.unanswered"] = ("447700900506", mo)

        # -- what it does right ---------------------------------------------------------
        send(esme, "447700900511", "Hello from the shop." + NOTICE)
        long_ids = send(esme, "447700900512", "Plain text that runs long. " * 10 + NOTICE)
        assert len(long_ids) == 2
        send(esme, "447700900513", "Привет! Ваш заказ готов." + NOTICE, 8)
        sim.send_mo("447700900514", SHORT_CODE, "Is it open now?")
        mo_delivered(esme, "447700900514")
        send(esme, "447700900514", "Yes, until 10pm." + NOTICE)

        # The unanswered MO's SLA runs out; the ESME keeps answering meanwhile.
        deadline = time.monotonic() + SLA + 10
        while time.monotonic() < deadline:
            if sim.findings(code="conversation.unanswered"):
                break
            esme.collect(0.3)
        esme.collect(0.3)

    found = sim.findings()
    got = {f["code"]: (f["handset"], f["message_id"]) for f in found}
    assert sorted(f["code"] for f in found) == sorted(bad), "\n".join(
        f"{f['code']}: {f['text']}" for f in found
    )
    assert got == bad
    report = sim.api.request("GET", "/api/v1/report")
    assert report["replies"]["mo"] == 2 and report["replies"]["answered_in_sla"] == 1

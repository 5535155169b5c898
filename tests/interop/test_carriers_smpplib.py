"""The carrier behaviours again, with python-smpplib as the ESME (a client people use), so
that what an application sees through a common library is covered, not only our codec."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smsc.pytest_plugin import Simulator

from .conftest import SmpplibEsme, bound_smpplib, receipt_fields, simulator
from .test_carriers_e2e import CONFIG, HANDSET

pytestmark = pytest.mark.interop


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    with simulator(tmp_path, CONFIG) as s:
        yield s


def mo(client: SmpplibEsme, text: bytes, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        for p in client.received:
            if (
                getattr(p, "command", "") == "deliver_sm"
                and not int(p.esm_class) & 0x3C
                and text in (p.short_message or b"")
            ):
                return p
        if client.read(deadline - time.monotonic()) is None:
            raise TimeoutError(f"no MO {text!r}")


def stat(client: SmpplibEsme, source: str, dest: str, text: bytes) -> tuple[str, str]:
    resp = client.submit(
        source_addr=source, destination_addr=dest, short_message=text, registered_delivery=1
    )
    assert resp.status == 0
    fields = receipt_fields(client.receipt_for(resp.message_id.decode()).short_message)
    return fields["stat"], fields["err"]


def test_stop_and_start_through_smpplib(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop:
        assert stat(shop, "12345", HANDSET, b"Order shipped") == ("DELIVRD", "000")
        sim.send_mo(HANDSET, "12345", "STOP")
        assert mo(shop, b"STOP").source_addr.decode() == HANDSET
        assert stat(shop, "12345", HANDSET, b"Offer") == ("REJECTD", "013")
        sim.send_mo(HANDSET, "12345", "START")
        mo(shop, b"START")
        assert stat(shop, "12345", HANDSET, b"Welcome back") == ("DELIVRD", "000")


def test_keyword_routing_through_smpplib(sim: Simulator) -> None:
    with bound_smpplib(sim, "plumbco") as plumbco:
        sim.send_mo(HANDSET, "55555", "REPAIR BATH leak")
        got = mo(plumbco, b"REPAIR BATH leak")
        assert got.destination_addr.decode() == "55555"


def test_loopback_and_handset_reply_through_smpplib(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop, bound_smpplib(sim, "other") as other:
        other.submit(source_addr="447700900999", destination_addr="12345", short_message=b"hi")
        looped = mo(shop, b"hi")
        assert looped.source_addr.decode() == "447700900999"
        resp = shop.submit(
            source_addr="12345",
            destination_addr=HANDSET,
            short_message=b"Table at 8. Reply 1 to confirm",
        )
        assert resp.status == 0
        answer = mo(shop, b"1")
        assert answer.source_addr.decode() == HANDSET


def test_carrier_outcome_through_smpplib(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop:
        assert stat(shop, "12345", "999000111", b"to nowhere") == ("UNDELIV", "001")

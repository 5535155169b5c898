"""Carriers and two-way SMS end to end: a real ``smsc serve`` with a carriers config, ESMEs
over loopback (our raw client, and smpplib for the ESME that owns a number), handsets driven
through the REST API. Every wait is bounded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import pdu
from smsc.pytest_plugin import Simulator

from .conftest import RawClient, bound_raw, receipt_fields, receipts, simulator

pytestmark = pytest.mark.interop

CONFIG = """
[[carriers]]
name = "nowhere"
prefixes = ["999"]
latency = { kind = "fixed", seconds = 0.1 }
[[carriers.outcomes]]
state = "UNDELIV"
weight = 1
err = 1

[[carriers]]
name = "everyone else"
latency = { kind = "fixed", seconds = 0.1 }

[[numbers]]
number = "12345"
account = "shop"

[[numbers]]
number = "55555"
account = "aggregator"
unknown_reply = "Unknown keyword. Text HELP for help."
[[numbers.keywords]]
keyword = "REPAIR"
account = "repairco"
[[numbers.keywords]]
keyword = "REPAIR BATH"
account = "plumbco"

[[handset_rules]]
name = "confirm"
match = "Reply 1 to confirm"
reply = "1"
probability = 1.0
delay = { kind = "fixed", seconds = 0.2 }
"""

HANDSET = "447700900321"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    with simulator(tmp_path, CONFIG) as s:
        yield s


def mo_to(client: RawClient, text: bytes) -> pdu.DeliverSm:
    p = client.wait_for(
        lambda p: (
            isinstance(p, pdu.DeliverSm)
            and p.esm_class & 0x3C == 0
            and text in (p.short_message or p.message_payload or b"")
        ),
        what=f"MO {text!r}",
    )
    assert isinstance(p, pdu.DeliverSm)
    return p


def submit(client: RawClient, source: str, dest: str, text: bytes) -> pdu.Pdu:
    return client.request(
        pdu.SubmitSm(
            source_addr=source, destination_addr=dest, short_message=text, registered_delivery=1
        )
    )


def receipt_for(client: RawClient, message_id: str) -> dict[str, str]:
    p = client.wait_for(
        lambda p: any(
            getattr(r, "receipted_message_id", None) == message_id for r in receipts([p])
        ),
        what=f"receipt for {message_id}",
    )
    return receipt_fields(p.short_message)  # type: ignore[attr-defined]


def test_stop_opts_the_handset_out_until_start(sim: Simulator) -> None:
    with bound_raw(sim, "shop") as shop:
        resp = submit(shop, "12345", HANDSET, b"Your order shipped")
        assert receipt_for(shop, resp.message_id)["stat"] == "DELIVRD"  # type: ignore[attr-defined]

        sim.send_mo(HANDSET, "12345", "STOP")
        assert mo_to(shop, b"STOP").source_addr == HANDSET  # still forwarded to the owner
        confirmation = sim.wait_for_message(direction="mt", to=HANDSET, text="unsubscribed")
        assert confirmation["from"] == "12345"

        refused = submit(shop, "12345", HANDSET, b"Another offer")
        fields = receipt_for(shop, refused.message_id)  # type: ignore[attr-defined]
        assert (fields["stat"], fields["err"]) == ("REJECTD", "013")

        sim.send_mo(HANDSET, "12345", "START")
        mo_to(shop, b"START")
        again = submit(shop, "12345", HANDSET, b"Welcome back")
        assert receipt_for(shop, again.message_id)["stat"] == "DELIVRD"  # type: ignore[attr-defined]


def test_help_gets_the_help_text_and_is_forwarded(sim: Simulator) -> None:
    with bound_raw(sim, "shop") as shop:
        sim.send_mo(HANDSET, "12345", "help")
        mo_to(shop, b"help")
        reply = sim.wait_for_message(direction="mt", to=HANDSET, text="HELP")
        assert reply["from"] == "12345"


def test_shared_short_code_routes_by_the_longest_keyword(sim: Simulator) -> None:
    with bound_raw(sim, "repairco") as repairco, bound_raw(sim, "plumbco") as plumbco:
        sim.send_mo(HANDSET, "55555", "repair bath tap dripping")
        assert mo_to(plumbco, b"repair bath").destination_addr == "55555"
        sim.send_mo(HANDSET, "55555", "REPAIR fridge")
        mo_to(repairco, b"REPAIR fridge")
        assert not [p for p in plumbco.received if b"fridge" in getattr(p, "short_message", b"")]


def test_unknown_keyword_goes_to_the_default_route_with_the_auto_reply(sim: Simulator) -> None:
    with bound_raw(sim, "aggregator") as aggregator:
        sim.send_mo(HANDSET, "55555", "PIZZA please")
        mo_to(aggregator, b"PIZZA please")
        reply = sim.wait_for_message(direction="mt", to=HANDSET, text="Unknown keyword")
        assert reply["from"] == "55555"


def test_mt_to_an_owned_number_loops_back_as_mo_to_its_owner(sim: Simulator) -> None:
    with bound_raw(sim, "shop") as shop, bound_raw(sim, "other") as other:
        resp = submit(other, "447700900999", "12345", b"hello shop")
        assert resp.command_status == 0
        mo = mo_to(shop, b"hello shop")
        assert (mo.source_addr, mo.destination_addr) == ("447700900999", "12345")


def test_a_simulated_handset_answers_the_mt_that_asks_it_to(sim: Simulator) -> None:
    with bound_raw(sim, "shop") as shop:
        resp = submit(shop, "12345", HANDSET, b"Dentist at 10:00. Reply 1 to confirm")
        assert resp.command_status == 0
        answer = mo_to(shop, b"1")
        assert (answer.source_addr, answer.destination_addr) == (HANDSET, "12345")


def test_a_carrier_outcome_model_decides_the_receipt(sim: Simulator) -> None:
    with bound_raw(sim, "shop") as shop:
        resp = submit(shop, "12345", "999123456", b"to nowhere")
        fields = receipt_for(shop, resp.message_id)  # type: ignore[attr-defined]
        assert (fields["stat"], fields["err"]) == ("UNDELIV", "001")


def test_an_opt_out_survives_a_restart(tmp_path: Path) -> None:
    config = tmp_path / "smsc.toml"
    config.write_text(CONFIG)
    args = ["--store", "sqlite", "--data-dir", str(tmp_path / "data")]
    first = Simulator.start(tmp_path / "a", args, config=config)
    try:
        first.send_mo(HANDSET, "12345", "STOP")
        first.wait_for_message(direction="mt", to=HANDSET, text="unsubscribed")
    finally:
        first.stop()
    second = Simulator.start(tmp_path / "b", args, config=config)
    try:
        with bound_raw(second, "shop") as shop:
            refused = submit(shop, "12345", HANDSET, b"Still there?")
            fields = receipt_for(shop, refused.message_id)  # type: ignore[attr-defined]
            assert (fields["stat"], fields["err"]) == ("REJECTD", "013")
    finally:
        second.stop()

"""More carrier behaviours end to end with python-smpplib as the ESME: double opt-in,
absent handsets, unknown numbers, a carrier's throughput cap, and an outage switched at run
time through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smsc.pytest_plugin import Simulator

from .conftest import bound_smpplib, receipt_fields, simulator

pytestmark = pytest.mark.interop

CONFIG = """
[[carriers]]
name = "absentia"
prefixes = ["4470"]
latency = { kind = "fixed", seconds = 0.1 }
[carriers.absent]
numbers = ["4470*"]
mode = "expire"
err = 27

[[carriers]]
name = "ghosts"
prefixes = ["4471"]
[carriers.unknown]
numbers = ["4471*"]
mode = "reject"
reject_status = "ESME_RINVDSTADR"

[[carriers]]
name = "narrow"
prefixes = ["4472"]
throughput = 2
over_throughput = "throttle"
latency = { kind = "fixed", seconds = 0.1 }

[[carriers]]
name = "everyone else"
latency = { kind = "fixed", seconds = 0.1 }

[[numbers]]
number = "77777"
account = "club"
[numbers.compliance]
opt_in = "double"
require_opt_in = true
confirm_prompt = "Club alerts: reply YES to confirm."
join_reply = "Welcome to Club alerts!"
opted_out = "reject"
opted_out_status = "ESME_RINVDSTADR"
"""

HANDSET = "447700900555"


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    with simulator(tmp_path, CONFIG) as s:
        yield s


def test_double_opt_in_then_mt_is_allowed(sim: Simulator) -> None:
    with bound_smpplib(sim, "club") as club:
        refused = club.submit(source_addr="77777", destination_addr=HANDSET, short_message=b"x")
        assert refused.status == 0x0B  # ESME_RINVDSTADR: the handset has not joined
        sim.send_mo(HANDSET, "77777", "JOIN")
        sim.wait_for_message(direction="mt", to=HANDSET, text="reply YES to confirm")
        still = club.submit(source_addr="77777", destination_addr=HANDSET, short_message=b"x")
        assert still.status == 0x0B  # JOIN alone is not enough with double opt-in
        sim.send_mo(HANDSET, "77777", "YES")
        sim.wait_for_message(direction="mt", to=HANDSET, text="Welcome")
        ok = club.submit(
            source_addr="77777",
            destination_addr=HANDSET,
            short_message=b"Alert 1",
            registered_delivery=1,
        )
        assert ok.status == 0
        receipt = club.receipt_for(ok.message_id.decode())
        assert receipt_fields(receipt.short_message)["stat"] == "DELIVRD"


def test_an_absent_handset_expires_at_the_end_of_the_validity_period(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop:
        resp = shop.submit(
            source_addr="12345",
            destination_addr="447012345678",
            short_message=b"are you there",
            registered_delivery=1,
            validity_period="000000000002000R",  # 2 seconds
        )
        assert resp.status == 0
        fields = receipt_fields(shop.receipt_for(resp.message_id.decode()).short_message)
        assert (fields["stat"], fields["err"]) == ("EXPIRED", "027")


def test_a_number_that_does_not_exist_is_refused_at_submit(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop:
        resp = shop.submit(source_addr="12345", destination_addr="447112345678", short_message=b"x")
        assert resp.status == 0x0B


def test_a_carriers_throughput_cap_throttles(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop:
        statuses = [
            shop.submit(
                source_addr="12345", destination_addr="447212345678", short_message=b"x"
            ).status
            for _ in range(6)
        ]
        assert statuses.count(0) == 2  # a burst of one second's worth at 2/s
        assert statuses.count(0x58) == 4  # ESME_RTHROTTLED


def test_an_outage_switched_through_the_api(sim: Simulator) -> None:
    with bound_smpplib(sim, "shop") as shop:
        sim.set_outage("everyone else", True)
        down = shop.submit(
            source_addr="12345",
            destination_addr="33612345678",
            short_message=b"x",
            registered_delivery=1,
        )
        fields = receipt_fields(shop.receipt_for(down.message_id.decode()).short_message)
        assert fields["stat"] == "UNDELIV"
        sim.set_outage("everyone else", False)
        up = shop.submit(
            source_addr="12345",
            destination_addr="33612345678",
            short_message=b"y",
            registered_delivery=1,
        )
        fields = receipt_fields(shop.receipt_for(up.message_id.decode()).short_message)
        assert fields["stat"] == "DELIVRD"

"""A handset switched off and on again through the API (PUT /api/v1/handsets/{handset}/absent),
over loopback: the MT waits, then comes with its alert_notification ahead of the receipt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from interop.conftest import RawClient, receipt_fields, unique_system_id
from test_http_api import call, error_of

import pdu
from smsc.pytest_plugin import Simulator

HANDSET = "447700900777"
SOURCE = "12345"


@pytest.fixture
def esme(smsc: Simulator) -> Iterator[RawClient]:
    with RawClient(smsc.smpp_address) as client:
        assert client.bind(system_id=unique_system_id()).command_status == 0
        yield client


def data_sm(set_dpf: int) -> pdu.DataSm:
    p = pdu.DataSm(source_addr=SOURCE, destination_addr=HANDSET, registered_delivery=1)
    p.set_dpf = set_dpf  # type: ignore[attr-defined]
    return p


def test_a_handset_switched_off_gets_its_message_and_alert_when_switched_on(
    smsc: Simulator, esme: RawClient
) -> None:
    assert smsc.set_absent("+" + HANDSET) == {"handset": HANDSET, "absent": True, "delivered": 0}
    assert smsc.api.absent_handsets() == [HANDSET]
    resp = esme.request(data_sm(set_dpf=1))
    assert resp.command_status == 0
    message_id = resp.message_id  # type: ignore[attr-defined]
    # A message to another handset, sent after it, is delivered; this one still waits.
    other = pdu.DataSm(source_addr=SOURCE, destination_addr="447700900778", registered_delivery=1)
    other_id = esme.request(other).message_id  # type: ignore[attr-defined]
    first = esme.wait_for(lambda p: isinstance(p, pdu.DeliverSm), what="the other's receipt")
    assert receipt_fields(first.short_message)["id"] == other_id  # type: ignore[attr-defined]
    assert smsc.message(message_id)["state"] == "ENROUTE"
    esme.received.clear()

    assert smsc.set_absent(HANDSET, False) == {"handset": HANDSET, "absent": False, "delivered": 1}
    receipt = esme.wait_for(lambda p: isinstance(p, pdu.DeliverSm), what="the receipt")
    assert receipt_fields(receipt.short_message)["stat"] == "DELIVRD"  # type: ignore[attr-defined]
    alert, got = esme.received[:2]
    assert got is receipt  # the alert came first
    assert isinstance(alert, pdu.AlertNotification)
    assert (alert.source_addr, alert.esme_addr, alert.ms_availability_status) == (
        HANDSET,
        SOURCE,
        0,
    )
    assert smsc.api.absent_handsets() == []


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        (f"/api/v1/handsets/{HANDSET}/absent", b"{}", "missing field 'absent'"),
        (f"/api/v1/handsets/{HANDSET}/absent", b'{"absent": "yes"}', "must be true or false"),
        (f"/api/v1/handsets/{HANDSET}/absent", b'{"absent": true, "x": 1}', "unknown field 'x'"),
        ("/api/v1/handsets/alice/absent", b'{"absent": true}', "a handset is a number"),
        (f"/api/v1/handsets/{'1' * 21}/absent", b'{"absent": true}', "up to 20 digits"),
    ],
)
def test_a_bad_switch_is_refused_with_400_and_switches_nothing(
    smsc: Simulator, path: str, body: bytes, says: str
) -> None:
    status, error = error_of(smsc, "PUT", path, body)
    assert (status, says in error) == (400, True), error
    assert smsc.api.absent_handsets() == []


def test_the_switch_takes_only_put(smsc: Simulator) -> None:
    status, headers, _ = call(smsc, "GET", f"/api/v1/handsets/{HANDSET}/absent")
    assert (status, headers["Allow"]) == (405, "PUT")

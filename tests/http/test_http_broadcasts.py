"""SMPP 5.0 broadcasts in the REST API of a real ``smsc serve`` over loopback: an ESME bound
at 0x50 sends broadcast_sm; GET /api/v1/broadcasts shows it and its life (cancel ends it); a
reset forgets them. Every wait is bounded."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from interop.conftest import IO_TIMEOUT, RawClient, unique_system_id
from test_http_api import call, error_of

import pdu
from pdu import BroadcastContentType, BroadcastFrequencyInterval
from pdu import CommandStatus as S
from smsc.pytest_plugin import Simulator


@pytest.fixture
def esme50(smsc: Simulator) -> Iterator[tuple[RawClient, str]]:
    with RawClient(smsc.smpp_address) as client:
        system_id = unique_system_id()
        bind = pdu.BindTransceiver(system_id=system_id, password="pw", interface_version=0x50)
        resp = client.request(bind)
        assert resp.command_status == 0 and resp.sc_interface_version == 0x50  # type: ignore[attr-defined]
        yield client, system_id


def get(sim: Simulator, path: str) -> tuple[int, Any]:
    status, _headers, raw = call(sim, "GET", path)
    return status, json.loads(raw)


def broadcast_sm(**fields: object) -> pdu.BroadcastSm:
    kw: dict[str, object] = {
        "source_addr": "ALERTS",
        "broadcast_area_identifier": [b"\x00North", b"\x01\x00\x01\x02"],
        "broadcast_content_type": BroadcastContentType(1, 0x0001),
        "broadcast_rep_num": 5,
        "broadcast_frequency_interval": BroadcastFrequencyInterval(0x0A, 1),  # hourly
        "message_payload": b"Flood warning",
        "broadcast_channel_indicator": 1,
    }
    kw.update(fields)
    return pdu.BroadcastSm(**kw)  # type: ignore[arg-type]


def state_of(sim: Simulator, bid: str, want: str) -> dict[str, Any]:
    """The broadcast once the API shows it in state ``want`` (the store may lag a batch)."""
    deadline = time.monotonic() + IO_TIMEOUT
    while True:
        status, body = get(sim, f"/api/v1/broadcasts/{bid}")
        if status == 200 and body["state"] == want:
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def test_a_broadcast_is_listed_with_its_areas_and_cancel_ends_it(
    smsc: Simulator, esme50: tuple[RawClient, str]
) -> None:
    esme, system_id = esme50
    resp = esme.request(broadcast_sm())
    assert resp.command_status == 0
    bid = resp.message_id  # type: ignore[attr-defined]
    shown = state_of(smsc, bid, "ENROUTE")
    assert shown["account"] == system_id and shown["from"] == "ALERTS"
    assert shown["text"] == "Flood warning"
    assert shown["areas"] == [
        {"format": "alias", "name": "North", "hex": "004e6f727468"},
        {"format": "ellipsoid_arc", "name": None, "hex": "01000102"},
    ]
    assert shown["content_type"] == {"network": 1, "type": 1}
    assert shown["frequency"] == {"unit": 0x0A, "number": 1}
    assert shown["rep_num"] == 5
    assert shown["end_time"] == pytest.approx(shown["start_time"] + 5 * 3600)
    assert shown["tlvs"] == {"broadcast_channel_indicator": 1}
    status, listing = get(smsc, f"/api/v1/broadcasts?account={system_id}")
    assert status == 200 and [b["id"] for b in listing["broadcasts"]] == [bid]

    cancel = pdu.CancelBroadcastSm(message_id=bid, source_addr="ALERTS")
    assert esme.request(cancel).command_status == 0
    ended = state_of(smsc, bid, "DELETED")
    assert ended["done_time"] is not None


def test_unknown_broadcast_and_bad_parameters(smsc: Simulator) -> None:
    assert error_of(smsc, "GET", "/api/v1/broadcasts/nope") == (
        404,
        "no broadcast with id 'nope'",
    )
    status, message = error_of(smsc, "GET", "/api/v1/broadcasts?limit=x")
    assert status == 400 and "limit" in message
    status, message = error_of(smsc, "GET", "/api/v1/broadcasts?bogus=1")
    assert status == 400 and "bogus" in message


def test_a_reset_forgets_every_broadcast_open_or_ended(
    smsc: Simulator, esme50: tuple[RawClient, str]
) -> None:
    esme, system_id = esme50
    ended = esme.request(broadcast_sm(user_message_reference=7)).message_id  # type: ignore[attr-defined]
    assert esme.request(pdu.CancelBroadcastSm(message_id=ended)).command_status == 0
    running = esme.request(broadcast_sm(user_message_reference=8)).message_id  # type: ignore[attr-defined]
    state_of(smsc, ended, "DELETED")
    state_of(smsc, running, "ENROUTE")

    status, _, _ = call(smsc, "DELETE", "/api/v1/messages")
    assert status == 204
    status, listing = get(smsc, f"/api/v1/broadcasts?account={system_id}")
    assert status == 200 and listing["broadcasts"] == []
    for bid in (ended, running):
        assert get(smsc, f"/api/v1/broadcasts/{bid}")[0] == 404
        # The SMSC forgot them too, not only the store: nothing to query or cancel.
        query = pdu.QueryBroadcastSm(message_id=bid, source_addr="ALERTS")
        assert esme.request(query).command_status == S.ESME_RBCASTQUERYFAIL
    by_ref = pdu.QueryBroadcastSm(source_addr="ALERTS", user_message_reference=7)
    assert esme.request(by_ref).command_status == S.ESME_RBCASTQUERYFAIL
    cancel = pdu.CancelBroadcastSm(message_id=running, source_addr="ALERTS")
    assert esme.request(cancel).command_status == S.ESME_RBCASTCANCELFAIL

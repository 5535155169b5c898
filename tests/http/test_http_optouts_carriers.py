"""Opt-out lists and carriers' outage switches through the REST API of a real ``smsc serve``
over loopback (the ``smsc`` fixture, and a simulator of its own with carriers configured).
ESMEs are ``RawClient``s from the interop suite. Every wait is bounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from interop.conftest import RawClient, receipt_fields, unique_system_id
from test_http_api import call, error_of

import pdu
from smsc.client import ApiError
from smsc.core import NETWORK_ACCOUNT
from smsc.pytest_plugin import Simulator

HANDSET = "447700900123"
SHORT_CODE = "12345"


@pytest.fixture
def esme(smsc: Simulator) -> Iterator[RawClient]:
    with RawClient(smsc.smpp_address) as client:
        assert client.bind(system_id=unique_system_id()).command_status == 0
        yield client


def submit(esme: RawClient, to: str = HANDSET, source: str = SHORT_CODE) -> str:
    resp = esme.request(
        pdu.SubmitSm(
            source_addr=source, destination_addr=to, short_message=b"hi", registered_delivery=1
        )
    )
    assert resp.command_status == 0
    return str(resp.message_id)  # type: ignore[attr-defined]


def receipt_stat(esme: RawClient, message_id: str) -> str:
    p = esme.wait_for(
        lambda p: (
            isinstance(p, pdu.DeliverSm)
            and bool(p.esm_class & 0x04)
            and receipt_fields(p.short_message)["id"] == message_id
        ),
        what=f"receipt for {message_id}",
    )
    assert isinstance(p, pdu.DeliverSm)
    return receipt_fields(p.short_message)["stat"]


def post(sim: Simulator, path: str, body: object) -> tuple[int, Any]:
    status, _headers, raw = call(sim, "POST", path, json.dumps(body).encode())
    return status, json.loads(raw) if raw else None


# -- opt-outs ---------------------------------------------------------------------------


def test_opt_out_by_api_is_listed_and_refuses_mt_until_deleted(
    smsc: Simulator, esme: RawClient
) -> None:
    status, created = post(smsc, "/api/v1/optouts", {"handset": "+" + HANDSET, "sender": "12345"})
    assert (status, created) == (201, {"handset": HANDSET, "sender": SHORT_CODE})
    assert smsc.optouts() == [{"handset": HANDSET, "sender": SHORT_CODE}]
    # As after a STOP: accepted, then REJECTD (the default opted_out mode).
    assert receipt_stat(esme, submit(esme)) == "REJECTD"
    assert smsc.messages(account=NETWORK_ACCOUNT) == []  # but no stop reply was texted
    # Another sender may still text the handset.
    assert receipt_stat(esme, submit(esme, source="55555")) == "DELIVRD"

    status, _, body = call(smsc, "DELETE", f"/api/v1/optouts?handset={HANDSET}&sender={SHORT_CODE}")
    assert (status, body) == (204, b"")
    assert smsc.optouts() == []
    assert receipt_stat(esme, submit(esme)) == "DELIVRD"


def test_a_stop_from_the_handset_is_listed(smsc: Simulator) -> None:
    smsc.send_mo(HANDSET, SHORT_CODE, "STOP")
    assert smsc.optouts() == [{"handset": HANDSET, "sender": SHORT_CODE}]
    (reply,) = smsc.messages(account=NETWORK_ACCOUNT)
    assert (reply["from"], reply["to"]) == (SHORT_CODE, HANDSET)


def test_delete_without_parameters_clears_every_opt_out(smsc: Simulator) -> None:
    smsc.opt_out(HANDSET, SHORT_CODE)
    smsc.opt_out("447700900999", SHORT_CODE)
    status, _, raw = call(smsc, "DELETE", "/api/v1/optouts")
    assert (status, json.loads(raw)) == (200, {"cleared": 2})
    assert smsc.optouts() == []


def test_reset_empties_the_opt_out_list(smsc: Simulator) -> None:
    smsc.opt_out(HANDSET, SHORT_CODE)
    smsc.reset()
    assert smsc.optouts() == []


def test_deleting_a_pair_not_on_the_list_is_404(smsc: Simulator) -> None:
    status, error = error_of(smsc, "DELETE", f"/api/v1/optouts?handset={HANDSET}&sender=1")
    assert status == 404
    assert "has not opted out" in error
    with pytest.raises(ApiError) as e:
        smsc.opt_in(HANDSET, "1")
    assert e.value.status == 404


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"not json", "not valid JSON"),
        (b'["447700900123"]', "JSON object"),
        (b'{"handset": "447700900123"}', "missing field 'sender'"),
        (b'{"handset": "1", "sender": "2", "why": "x"}', "unknown field 'why'"),
        (b'{"handset": 447700900123, "sender": "2"}', "'handset' must be a string"),
        (b'{"handset": "", "sender": "2"}', "'handset' must be 1-20"),
        (b'{"handset": "+", "sender": "2"}', "'handset' must be 1-20"),
        (b'{"handset": "1", "sender": "' + b"9" * 21 + b'"}', "'sender' must be 1-20"),
        (b'{"handset": "44 7700", "sender": "2"}', "'handset' must be 1-20"),
    ],
)
def test_bad_opt_out_is_refused_with_400(smsc: Simulator, body: bytes, says: str) -> None:
    status, error = error_of(smsc, "POST", "/api/v1/optouts", body)
    assert (status, says in error) == (400, True), error
    assert smsc.optouts() == []


def test_delete_with_one_number_opts_it_back_in_everywhere(smsc: Simulator) -> None:
    smsc.opt_out(HANDSET, SHORT_CODE)
    smsc.opt_out(HANDSET, "67890")
    smsc.opt_out("447700900999", SHORT_CODE)
    status, _, raw = call(smsc, "DELETE", f"/api/v1/optouts?handset={HANDSET}")
    assert (status, json.loads(raw)) == (200, {"cleared": 2})
    assert smsc.optouts() == [{"handset": "447700900999", "sender": SHORT_CODE}]
    status, _, raw = call(smsc, "DELETE", f"/api/v1/optouts?sender={SHORT_CODE}")
    assert (status, json.loads(raw)) == (200, {"cleared": 1})
    assert smsc.optouts() == []


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("handset=1&sender=2&all=1", "unknown query parameter 'all'"),
        ("handset=1&handset=2&sender=3", "'handset' given 2 times"),
        ("handset=a-b&sender=2", "'handset' must be 1-20"),
    ],
)
def test_bad_opt_out_delete_is_refused_with_400(smsc: Simulator, query: str, says: str) -> None:
    smsc.opt_out(HANDSET, SHORT_CODE)
    status, error = error_of(smsc, "DELETE", f"/api/v1/optouts?{query}")
    assert (status, says in error) == (400, True), error
    assert len(smsc.optouts()) == 1  # nothing deleted


# -- carriers ---------------------------------------------------------------------------


def test_without_config_the_built_in_carrier_is_listed(smsc: Simulator) -> None:
    (carrier,) = smsc.carriers()
    assert (carrier["name"], carrier["prefixes"], carrier["down"]) == ("default", [], False)
    assert carrier["latency"]["kind"] == "fixed"


def test_outage_switched_by_api_turns_mt_into_undeliv_and_back(
    smsc: Simulator, esme: RawClient
) -> None:
    switched = smsc.set_outage("default", True)
    assert (switched["name"], switched["down"]) == ("default", True)
    assert smsc.carriers()[0]["down"] is True
    assert receipt_stat(esme, submit(esme)) == "UNDELIV"

    status, _, raw = call(smsc, "PUT", "/api/v1/carriers/default/outage", b'{"down": false}')
    assert (status, json.loads(raw)["down"]) == (200, False)
    assert receipt_stat(esme, submit(esme)) == "DELIVRD"


def test_outage_of_an_unknown_carrier_is_404(smsc: Simulator) -> None:
    status, error = error_of(smsc, "PUT", "/api/v1/carriers/nobody/outage", b'{"down": true}')
    assert status == 404
    assert "no carrier named 'nobody'" in error


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "not valid JSON"),
        (b"true", "JSON object"),
        (b"{}", "missing field 'down'"),
        (b'{"down": "yes"}', "'down' must be true or false"),
        (b'{"down": 1}', "'down' must be true or false"),
        (b'{"down": true, "mode": "reject"}', "unknown field 'mode'"),
    ],
)
def test_bad_outage_body_is_refused_with_400(smsc: Simulator, body: bytes, says: str) -> None:
    status, error = error_of(smsc, "PUT", "/api/v1/carriers/default/outage", body)
    assert (status, says in error) == (400, True), error
    assert smsc.carriers()[0]["down"] is False


def test_outage_path_takes_only_put(smsc: Simulator) -> None:
    status, headers, _ = call(smsc, "GET", "/api/v1/carriers/default/outage")
    assert (status, headers["Allow"]) == (405, "PUT")
    assert error_of(smsc, "PUT", "/api/v1/carriers/default/outage/more", b"{}")[0] == 404


CARRIERS = """
[[carriers]]
name = "Vodafone UK"
country = "GB"
mcc = "234"
mnc = "15"
prefixes = ["447700", "447701"]
throughput = 50
latency = { kind = "lognormal", median = 0.2, sigma = 0.5, max = 1 }
[carriers.outage]
down = true
mode = "reject"
reject_status = "ESME_RSYSERR"

[[carriers]]
name = "everyone else"
latency = { kind = "uniform", min = 0.1, max = 0.2 }
"""


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    workdir = tmp_path_factory.mktemp("carriers")
    config = workdir / "smsc.toml"
    config.write_text(CARRIERS)
    sim = Simulator.start(workdir / "sim", config=config)
    try:
        yield sim
    finally:
        sim.stop()


def test_configured_carriers_are_listed_with_their_settings(configured: Simulator) -> None:
    vodafone, rest = configured.carriers()
    assert vodafone == {
        "name": "Vodafone UK",
        "country": "GB",
        "mcc": "234",
        "mnc": "15",
        "prefixes": ["447700", "447701"],
        "latency": {"kind": "lognormal", "median": 0.2, "sigma": 0.5, "max": 1.0},
        "throughput": 50.0,
        "over_throughput": "queue",
        "down": True,  # down at start-up, by config
        "outage_mode": "reject",
    }
    assert (rest["name"], rest["prefixes"], rest["down"]) == ("everyone else", [], False)
    assert rest["latency"] == {"kind": "uniform", "min": 0.1, "max": 0.2}


def test_outage_in_reject_mode_refuses_submit_until_switched_off(configured: Simulator) -> None:
    with RawClient(configured.smpp_address) as client:
        assert client.bind(system_id=unique_system_id()).command_status == 0
        sm = pdu.SubmitSm(source_addr=SHORT_CODE, destination_addr=HANDSET, short_message=b"x")
        assert client.request(sm).command_status == pdu.CommandStatus.ESME_RSYSERR
        # The name has a space: quoted in the path.
        assert configured.set_outage("Vodafone UK", False)["down"] is False
        try:
            assert client.request(sm).command_status == 0
        finally:
            configured.set_outage("Vodafone UK", True)

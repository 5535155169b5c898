"""Each shipped carrier profile against real clients over loopback (smpplib and aiosmpplib
here; node-smpp in test_profiles_node.py): bind, submit with a receipt requested, the
response id in the profile's format, the receipt with the id the profile writes for it, in
the profile's text style. Plus the wire order of a receipt sent before its response, the
done-when's UUID case, and alert_notification, with smpplib."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import pdu
from pdu import receipt as receipt_text
from smsc.pytest_plugin import Simulator

from . import profiles as P  # noqa: N812
from .conftest import IO_TIMEOUT, RawClient, SmpplibEsme, simulator

pytestmark = pytest.mark.interop

RECEIPTED_MESSAGE_ID = 0x001E


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with simulator(
        tmp_path_factory.mktemp("profiles"), P.config(), ["--receipt-delay", "0.1", "--seed", "7"]
    ) as s:
        yield s


@pytest.mark.parametrize("profile", P.PROFILES)
def test_profile_with_smpplib(sim: Simulator, profile: str) -> None:
    with SmpplibEsme(sim.smpp_address) as esme:
        esme.bind("transceiver", system_id=P.system_id(profile, "smpplib"), password="pw")
        for i in range(4):
            resp = esme.submit(
                source_addr=P.ESME_ADDR,
                destination_addr=P.HANDSET,
                short_message=f"profile {i}".encode(),
                registered_delivery=1,
            )
            assert resp.status == 0
            response_id = resp.message_id.decode()
            want = P.EXPECTED[profile].receipt_id(response_id)
            dsm = receipt_by_text(esme, want)
            tlv = getattr(dsm, "receipted_message_id", None)
            P.check(profile, response_id, tlv and tlv.decode(), dsm.short_message)
        esme.client.unbind()


def receipt_by_text(esme: SmpplibEsme, message_id: str) -> Any:
    """The receipt whose text names ``message_id`` (an SMPP 3.3 carrier sends no
    receipted_message_id, so the text is what an ESME has)."""
    deadline = time.monotonic() + IO_TIMEOUT
    while True:
        for p in esme.received:
            receipt = getattr(p, "command", "") == "deliver_sm" and p.esm_class & 0x3C == 0x04  # type: ignore[attr-defined]
            if receipt and receipt_text.parse_bytes(p.short_message).id == message_id:  # type: ignore[attr-defined]
                return p
        if esme.read(deadline - time.monotonic()) is None:
            raise TimeoutError(f"no receipt for {message_id}")


@pytest.mark.parametrize("profile", P.PROFILES)
def test_profile_with_aiosmpplib(sim: Simulator, profile: str) -> None:
    aiosmpplib = pytest.importorskip("aiosmpplib")
    from .test_aiosmpplib import Recorder, run, submit_sm

    async def scenario(esme: Any, hook: Recorder) -> None:
        for i in range(4):
            await esme.broker.enqueue(submit_sm(f"profile {i}", f"L-{i}", registered_delivery=1))
            resp = await hook.wait_for(
                lambda m, i=i: isinstance(m, aiosmpplib.SubmitSmResp) and m.log_id == f"L-{i}",
                what="submit_sm_resp",
            )
            assert resp.command_status.value == 0
            want = P.EXPECTED[profile].receipt_id(resp.message_id)
            if profile == "uuid-gateway":
                # aiosmpplib reads receipt dates as exactly 10 digits: the profile's 12 break
                # its parser, and it drops the session and binds again (facts 10.1: 12-digit
                # dates make some clients drop the receipt). Pinned.
                await hook.wait_for(
                    lambda m: sum(type(x).__name__.startswith("Bind") for x in hook.messages) > 1,
                    what="aiosmpplib binding again",
                )
                assert not any(isinstance(m, aiosmpplib.DeliverSm) for m in hook.messages)
                assert P.EXPECTED[profile].response_id(resp.message_id)
                return
            receipt = await hook.wait_for(
                lambda m, want=want: (
                    isinstance(m, aiosmpplib.DeliverSm)
                    and m.is_receipt()
                    and receipt_text.parse(m.short_message).id == want
                ),
                what="receipt",
            )
            tlv = {o.tag: o.value for o in receipt.optional_params or ()}
            receipted_id = tlv.get(RECEIPTED_MESSAGE_ID)
            P.check(profile, resp.message_id, receipted_id, receipt.short_message.encode())
            # aiosmpplib matches a receipt to its submit by the id its response gave: a
            # receipt with another id, or one that came before that response, stays
            # unmatched, as it would with such a carrier in the field.
            early = hook.messages.index(receipt) < hook.messages.index(resp)
            matched = receipt.log_id == f"L-{i}"
            assert matched == (want == resp.message_id and not early), (profile, early)

    server = SimpleNamespace(host=sim.smpp_host, port=sim.smpp_port)
    run(server, scenario, system_id=P.system_id(profile, "aio"))  # type: ignore[arg-type]


# -- the done-when cases, each on its own server -----------------------------------------------


def test_uuid_in_the_response_and_the_same_uuid_in_the_receipt(tmp_path: Path) -> None:
    config = '[[accounts]]\nsystem_id = "acme"\npassword = "pw"\nmessage_id_format = "uuid"\n'
    with (
        simulator(tmp_path, config, ["--receipt-delay", "0.1"]) as s,
        SmpplibEsme(s.smpp_address) as esme,
    ):
        esme.bind("transceiver", system_id="acme", password="pw")
        resp = esme.submit(registered_delivery=1)
        message_id = resp.message_id.decode()
        assert uuid.UUID(message_id).version == 4 and str(uuid.UUID(message_id)) == message_id
        dsm = esme.receipt_for(message_id)
        assert dsm.receipted_message_id.decode() == message_id
        assert receipt_text.parse_bytes(dsm.short_message).id == message_id


def test_a_receipt_before_its_response_on_the_wire(tmp_path: Path) -> None:
    config = '[[accounts]]\nsystem_id = "acme"\npassword = "pw"\nreceipt_before_response = 1.0\n'
    with simulator(tmp_path, config) as s, RawClient(s.smpp_address) as esme:
        assert esme.bind(system_id="acme").command_status == 0
        seq = esme.send(
            pdu.SubmitSm(source_addr="1234", destination_addr="447700900001", registered_delivery=1)
        )
        first = esme.read()
        second = esme.read()
        assert isinstance(first, pdu.DeliverSm) and first.esm_class == 0x04
        assert isinstance(second, pdu.SubmitSmResp) and second.sequence_number == seq
        assert first.receipted_message_id == second.message_id


def test_alert_notification_when_an_absent_handset_is_back(tmp_path: Path) -> None:
    config = '[[accounts]]\nsystem_id = "acme"\npassword = "pw"\n' + P.ABSENT_CARRIER
    with simulator(tmp_path, config) as s, RawClient(s.smpp_address) as esme:
        assert esme.bind(system_id="acme").command_status == 0
        p = pdu.DataSm(source_addr="1234", destination_addr="447700900555", registered_delivery=1)
        p.set_dpf = 1  # type: ignore[attr-defined]
        assert esme.request(p).command_status == 0
        alert = esme.wait_for(
            lambda q: isinstance(q, pdu.AlertNotification), what="alert_notification"
        )
        assert (alert.source_addr, alert.esme_addr) == ("447700900555", "1234")  # type: ignore[attr-defined]
        assert alert.ms_availability_status == 0  # type: ignore[attr-defined]
        receipt = esme.wait_for(lambda q: isinstance(q, pdu.DeliverSm), what="receipt")
        assert esme.received.index(alert) < esme.received.index(receipt)
        esme.collect(0.5)
        assert sum(isinstance(q, pdu.AlertNotification) for q in esme.received) == 1

"""What real carriers do, per account, driven through the core as tests/test_core.py does:
message id formats, receipt ids and text styles, receipts before the response or twice,
status mapping, and alert_notification for an ESME that asked with set_dpf."""

from __future__ import annotations

import re
import uuid

import pytest
from test_core import DELAY, DEST, SOURCE, Client, Harness
from test_core_restart_reset import restart

import pdu
from carriers import CarriersConfig, Network
from carriers.config import AbsentHandsets, AbsentMode, CarrierConfig, FixedLatency
from pdu import CommandStatus as S
from pdu import MessageState
from pdu import receipt as receipt_text
from smsc.config import (
    AccountConfig,
    ReceiptCounts,
    ReceiptLabels,
    ServerConfig,
    StoreKind,
    Timers,
)
from smsc.ids import MessageIdFormat
from smsc.smpp.session import ResponseReceived

PASSWORD = "pw"


def harness(*, durable: bool = False, network: Network | None = None, **account: object) -> Harness:
    acct = AccountConfig(system_id="acme", password=PASSWORD, **account)  # type: ignore[arg-type]
    config = ServerConfig(
        store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=DELAY), accounts=(acct,)
    )
    return Harness(config, durable=durable, outcome=network)


def bound(h: Harness, cls: type[pdu.Pdu] = pdu.BindTransceiver) -> Client:
    c = Client(h)
    assert c.bind(cls, system_id="acme", password=PASSWORD).command_status == 0
    return c


def submit_and_receipt(h: Harness, esme: Client) -> tuple[str, pdu.DeliverSm]:
    resp = esme.submit(registered_delivery=1)
    assert isinstance(resp, pdu.SubmitSmResp) and resp.command_status == 0
    h.advance(DELAY)
    (receipt,) = esme.receipts()
    return resp.message_id, receipt


# -- message ids ---------------------------------------------------------------------------


def test_uuid_ids_in_the_response_and_the_same_id_in_the_receipt() -> None:
    h = harness(message_id_format=MessageIdFormat.UUID)
    esme = bound(h)
    message_id, receipt = submit_and_receipt(h, esme)
    assert str(uuid.UUID(message_id)) == message_id  # canonical lower-case form
    assert uuid.UUID(message_id).version == 4
    assert receipt.receipted_message_id == message_id
    assert receipt_text.parse_bytes(receipt.short_message).id == message_id
    # query_sm finds it by that id
    q = esme.request(pdu.QuerySm(message_id=message_id, source_addr=SOURCE))
    assert isinstance(q, pdu.QuerySmResp) and q.command_status == 0


def test_uuid_ids_differ_for_every_message() -> None:
    h = harness(message_id_format=MessageIdFormat.UUID)
    esme = bound(h)
    ids = {esme.submit().message_id for _ in range(200)}  # type: ignore[union-attr]
    assert len(ids) == 200


@pytest.mark.parametrize(
    ("spelling", "pattern"),
    [("decimal:20", r"0[0-9]{19}"), ("hex:16", r"0[0-9a-f]{15}"), ("decimal:10", r"[0-9]{10}")],
)
def test_fixed_width_ids_are_zero_padded_to_the_width(spelling: str, pattern: str) -> None:
    h = harness(message_id_format=MessageIdFormat.parse(spelling))
    esme = bound(h)
    message_id, receipt = submit_and_receipt(h, esme)
    assert re.fullmatch(pattern, message_id), message_id
    assert receipt.receipted_message_id == message_id


def test_hex_response_id_and_the_same_number_in_decimal_in_the_receipt() -> None:
    h = harness(message_id_format=MessageIdFormat.HEX, receipt_id_format=MessageIdFormat.DECIMAL)
    esme = bound(h)
    message_id, receipt = submit_and_receipt(h, esme)
    assert re.fullmatch(r"[0-9a-f]+", message_id) and not message_id.isdigit()
    decimal = str(int(message_id, 16))
    assert receipt.receipted_message_id == decimal
    assert receipt_text.parse_bytes(receipt.short_message).id == decimal


def test_uuid_response_id_and_the_number_in_the_receipt_read_back_from_it() -> None:
    fmt = MessageIdFormat.UUID
    h = harness(message_id_format=fmt, receipt_id_format=MessageIdFormat.parse("decimal:20"))
    esme = bound(h)
    message_id, receipt = submit_and_receipt(h, esme)
    assert receipt.receipted_message_id == f"{fmt.number(message_id):020d}"


# -- receipt text --------------------------------------------------------------------------


def test_receipt_text_in_the_account_style() -> None:
    h = harness(
        receipt_counts=ReceiptCounts.PLAIN,
        receipt_labels=ReceiptLabels.UPPER,
        receipt_text_field=False,
        receipt_date_digits=12,
    )
    esme = bound(h)
    message_id, receipt = submit_and_receipt(h, esme)
    text = receipt.short_message.decode("ascii")
    assert re.fullmatch(
        rf"ID:{message_id} SUB:1 DLVRD:1 SUBMIT DATE:\d{{12}} DONE DATE:\d{{12}}"
        r" STAT:DELIVRD ERR:000",
        text,
    ), text
    parsed = receipt_text.parse(text)
    assert (parsed.id, parsed.sub, parsed.dlvrd, parsed.stat, parsed.text) == (
        message_id,
        1,
        1,
        "DELIVRD",
        "",
    )


# -- receipts before the response, receipts twice -------------------------------------------


def arrival_order(esme: Client) -> list[str]:
    """What reached the ESME, in order: "resp" for a submit_sm_resp, "receipt" for one."""
    out: list[str] = []
    for ev in esme.events:
        if isinstance(ev, ResponseReceived) and isinstance(ev.response, pdu.SubmitSmResp):
            out.append("resp")
        elif isinstance(ev, pdu.DeliverSm) and ev.esm_class & 0x04:
            out.append("receipt")
    return out


def test_a_receipt_before_its_response_in_memory_mode() -> None:
    h = harness(receipt_before_response=1.0)
    esme = bound(h)
    seq = esme.send(pdu.SubmitSm(source_addr=SOURCE, destination_addr=DEST, registered_delivery=1))
    resp = esme.answers[seq]
    assert isinstance(resp, pdu.SubmitSmResp)
    assert arrival_order(esme) == ["receipt", "resp"]
    (receipt,) = esme.receipts()
    assert receipt.receipted_message_id == resp.message_id
    assert receipt.message_state == MessageState.DELIVERED


def test_a_receipt_before_its_response_still_waits_for_the_message_to_be_stored() -> None:
    h = harness(durable=True, receipt_before_response=1.0)
    esme = bound(h)
    seq = esme.send(pdu.SubmitSm(source_addr=SOURCE, destination_addr=DEST, registered_delivery=1))
    assert arrival_order(esme) == []  # nothing before the batch holding the message is stored
    h.commit()
    assert arrival_order(esme) == ["receipt", "resp"]
    message_id = esme.answers[seq].message_id  # type: ignore[attr-defined]
    stored = h.store.get_message(message_id)
    assert stored is not None and stored.state is MessageState.DELIVERED
    # Its history starts as submitted, then the final state.
    states = [c.state for c in h.store.state_history(message_id)]
    assert states == [MessageState.ENROUTE, MessageState.DELIVERED]


def test_a_refused_batch_refuses_the_early_receipts_message_too() -> None:
    h = harness(durable=True, receipt_before_response=1.0)
    esme = bound(h)
    seq = esme.send(pdu.SubmitSm(source_addr=SOURCE, destination_addr=DEST, registered_delivery=1))
    h.commit(error=OSError("disk on fire"))
    assert esme.answers[seq].command_status == S.ESME_RSYSERR
    h.commit()
    assert esme.receipts() == []  # never a receipt for a message the ESME was refused


def test_without_the_share_the_response_comes_first() -> None:
    h = harness(durable=True)
    esme = bound(h)
    esme.send(pdu.SubmitSm(source_addr=SOURCE, destination_addr=DEST, registered_delivery=1))
    h.commit()
    h.advance(DELAY)
    h.commit()
    assert arrival_order(esme) == ["resp", "receipt"]


def test_a_share_of_receipts_sent_twice() -> None:
    h = harness(receipt_twice=1.0)
    esme = bound(h)
    resp = esme.submit(registered_delivery=1)
    h.advance(DELAY)
    first, second = esme.receipts()
    assert first.receipted_message_id == second.receipted_message_id == resp.message_id  # type: ignore[union-attr]
    assert first.short_message == second.short_message
    assert first.sequence_number != second.sequence_number  # two deliveries, each answered
    assert h.store.load_pending_deliveries() == []


def test_shares_are_drawn_per_receipt() -> None:
    h = harness(receipt_twice=0.5)
    esme = bound(h)
    for _ in range(200):
        esme.submit(registered_delivery=1)
    h.advance(DELAY)
    ids = [r.receipted_message_id for r in esme.receipts()]
    twice = len(ids) - len(set(ids))
    assert len(set(ids)) == 200
    assert 60 < twice < 140  # binomial(200, 0.5): far outside this is a broken draw


# -- status mapping ------------------------------------------------------------------------


def test_status_map_answers_a_refusal_with_the_carriers_status() -> None:
    h = harness(throughput=1.0, status_map=((int(S.ESME_RTHROTTLED), int(S.ESME_RMSGQFUL)),))
    esme = bound(h)
    assert esme.submit().command_status == 0  # type: ignore[union-attr]
    refused = esme.submit()
    assert refused is not None and refused.command_status == S.ESME_RMSGQFUL
    bad = esme.submit(dest_addr_ton=9)  # not mapped: our own status
    assert bad is not None and bad.command_status == S.ESME_RINVDSTTON


# -- alert_notification --------------------------------------------------------------------

ABSENT = "447700900555"
RETRY = 60.0


def absent_network(mode: AbsentMode = AbsentMode.RETRY) -> Network:
    carrier = CarrierConfig(
        name="c",
        latency=FixedLatency(1.0),
        absent=AbsentHandsets(numbers=(ABSENT,), retries=2, retry_interval=RETRY, mode=mode),
    )
    return Network(CarriersConfig(carriers=(carrier,)))


def data_sm(dest: str = ABSENT, set_dpf: int | None = 1, source: str = SOURCE) -> pdu.DataSm:
    p = pdu.DataSm(source_addr=source, destination_addr=dest, registered_delivery=1)
    if set_dpf is not None:
        p.set_dpf = set_dpf  # type: ignore[attr-defined]
    return p


def alerts(esme: Client) -> list[pdu.AlertNotification]:
    return [p for p in esme.received if isinstance(p, pdu.AlertNotification)]


def test_an_absent_handset_coming_back_raises_one_alert_ahead_of_the_receipt() -> None:
    h = harness(network=absent_network())
    esme = bound(h)
    resp = esme.request(data_sm())
    assert resp is not None and resp.command_status == 0
    h.advance(1.0 + 2 * RETRY - 0.1)
    assert alerts(esme) == []  # still absent
    h.advance(0.1)  # the second retry finds it
    (alert,) = alerts(esme)
    assert (alert.source_addr, alert.esme_addr) == (ABSENT, SOURCE)
    assert (alert.source_addr_ton, alert.esme_addr_ton) == (0, 0)
    assert alert.ms_availability_status == 0  # available
    kinds = [type(p) for p in esme.received]
    assert kinds == [pdu.AlertNotification, pdu.DeliverSm]  # then the receipt
    assert h.store.load_pending_deliveries() == []  # done once written: nothing answers it


def test_several_messages_waiting_for_the_same_handset_raise_one_alert() -> None:
    h = harness(network=absent_network())
    esme = bound(h)
    for _ in range(3):
        esme.request(data_sm())
        h.advance(5.0)
    h.advance(2 * RETRY)
    assert len(alerts(esme)) == 1
    # Once the flag is cleared, a new absence raises a new alert.
    esme.request(data_sm())
    h.advance(1.0 + 2 * RETRY)
    assert len(alerts(esme)) == 2


@pytest.mark.parametrize(
    ("dest", "set_dpf"),
    [(ABSENT, None), (ABSENT, 0), ("447700900556", 1)],
    ids=["not asked", "set_dpf 0", "handset reachable"],
)
def test_no_alert_unless_asked_and_absent(dest: str, set_dpf: int | None) -> None:
    h = harness(network=absent_network())
    esme = bound(h)
    esme.request(data_sm(dest, set_dpf))
    h.advance(1.0 + 2 * RETRY)
    assert alerts(esme) == []
    assert len(esme.received) == 1  # the receipt


def test_a_handset_that_never_comes_back_raises_no_alert() -> None:
    h = harness(network=absent_network(AbsentMode.EXPIRE))
    esme = bound(h)
    esme.request(data_sm())
    h.advance(Timers().default_validity + 1)
    assert alerts(esme) == []
    (receipt,) = esme.received
    assert receipt.message_state == MessageState.EXPIRED  # type: ignore[attr-defined]


def test_an_alert_waits_for_a_receiver_bind_and_survives_a_restart() -> None:
    h = harness(durable=True, network=absent_network())
    tx = bound(h, pdu.BindTransmitter)
    tx.send(data_sm(set_dpf=1))
    h.commit()
    h.advance(1.0 + 2 * RETRY)
    h.commit()
    assert alerts(tx) == []  # a transmitter bind receives nothing
    pending = h.store.load_pending_deliveries()
    assert sorted(d.kind.value for d in pending) == ["alert", "receipt"]
    restart(h)
    rx = bound(h, pdu.BindReceiver)
    (alert,) = alerts(rx)
    assert alert.source_addr == ABSENT
    h.commit()
    assert h.store.load_pending_deliveries() == []

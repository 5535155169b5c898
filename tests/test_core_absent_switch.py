"""A handset switched off at run time (the harness's knob, PUT /api/v1/handsets/{handset}/absent):
MT to it waits as for an absent subscriber until it is switched back on, which delivers what
waits at once, each alert_notification owed first; never switched back, it expires at the end
of validity. Driven through the core as tests/test_core.py does, in development mode."""

from __future__ import annotations

import pytest
from test_core import DELAY, DEST, SOURCE, Client, Harness

import pdu
from carriers.config import (
    DEFAULT_VALIDITY,
    AbsentHandsets,
    CarrierConfig,
    CarriersConfig,
    FixedLatency,
)
from pdu import MessageState
from pdu import receipt as receipt_text

OTHER = "447700900002"


def data_sm(dest: str = DEST, set_dpf: int | None = 1) -> pdu.DataSm:
    p = pdu.DataSm(source_addr=SOURCE, destination_addr=dest, registered_delivery=1)
    if set_dpf is not None:
        p.set_dpf = set_dpf  # type: ignore[attr-defined]
    return p


def sent(esme: Client) -> str:
    resp = esme.request(data_sm())
    assert resp is not None and resp.command_status == 0
    return str(resp.message_id)  # type: ignore[attr-defined]


def stat(p: pdu.Pdu) -> str:
    return receipt_text.parse_bytes(bytes(p.short_message)).stat  # type: ignore[attr-defined]


def test_switched_back_on_it_gets_what_waited_at_once_alert_first() -> None:
    h = Harness()
    esme = h.client()
    assert h.core.set_absent("+" + DEST, True, h.now) == (DEST, 0)
    assert h.core.absent_handsets() == [DEST]
    first, second = sent(esme), sent(esme)
    h.advance(3600.0)  # an hour: the default delay has long passed
    assert esme.received == []
    assert h.core.open_messages.keys() >= {first, second}
    assert h.core.set_absent(DEST, False, h.now) == (DEST, 2)
    h.advance(0.0)  # due now: the next tick (the adapter arms one at once)
    kinds = [type(p).__name__ for p in esme.received]
    # One alert for the handset and source, ahead of the two receipts (DELIVRD).
    assert kinds == ["AlertNotification", "DeliverSm", "DeliverSm"]
    alert = esme.received[0]
    assert (alert.source_addr, alert.esme_addr) == (DEST, SOURCE)  # type: ignore[attr-defined]
    assert alert.ms_availability_status == 0  # type: ignore[attr-defined]
    assert [stat(p) for p in esme.received[1:]] == ["DELIVRD", "DELIVRD"]
    assert h.core.absent_handsets() == []
    for message_id in (first, second):
        assert message_id not in h.core.open_messages


def test_never_switched_back_it_expires_at_the_end_of_validity() -> None:
    h = Harness()
    esme = h.client()
    h.core.set_absent(DEST, True, h.now)
    message_id = sent(esme)
    h.advance(DEFAULT_VALIDITY - 1.0)
    assert esme.received == []
    h.advance(1.0)
    (receipt,) = esme.received
    assert stat(receipt) == "EXPIRED"
    assert receipt_text.parse_bytes(bytes(receipt.short_message)).err == "027"  # type: ignore[attr-defined]
    h.flush()
    stored = h.store.get_message(message_id)
    assert stored is not None and stored.state is MessageState.EXPIRED
    # Switched on later, nothing is left to deliver and no alert goes.
    assert h.core.set_absent(DEST, False, h.now) == (DEST, 0)
    h.advance(DELAY)
    assert len(esme.received) == 1


def test_other_handsets_are_not_affected_and_no_dpf_means_no_alert() -> None:
    h = Harness()
    esme = h.client()
    h.core.set_absent(DEST, True, h.now)
    resp = esme.request(data_sm(OTHER, set_dpf=None))
    assert resp is not None and resp.command_status == 0
    h.advance(DELAY)
    (receipt,) = esme.received
    assert stat(receipt) == "DELIVRD"
    esme.request(data_sm(set_dpf=0))
    h.core.set_absent(DEST, False, h.now)
    h.advance(0.0)
    assert [type(p) for p in esme.received[1:]] == [type(receipt)]  # a receipt, no alert
    assert stat(esme.received[1]) == "DELIVRD"


def test_a_reset_forgets_what_waited() -> None:
    h = Harness()
    esme = h.client()
    h.core.set_absent(DEST, True, h.now)
    sent(esme)
    h.core.reset(h.now)
    assert h.core.set_absent(DEST, False, h.now) == (DEST, 0)
    h.advance(DELAY)
    assert esme.received == []


@pytest.mark.parametrize("bad", ["", "abc", "+", "4477 009", "1" * 21, "٤٤٧"])
def test_a_handset_must_be_a_number(bad: str) -> None:
    h = Harness()
    with pytest.raises(ValueError, match="a handset is a number"):
        h.core.set_absent(bad, True, h.now)
    assert h.core.absent_handsets() == []


def test_switched_on_it_also_gets_what_the_carriers_absent_model_held_for_it() -> None:
    # The carrier finds DEST absent and retries twice a minute apart: DELIVRD after 121 s,
    # unless the handset is switched on first.
    carrier = CarrierConfig(
        name="c",
        latency=FixedLatency(1.0),
        absent=AbsentHandsets(numbers=(DEST,), retries=2, retry_interval=60.0),
    )
    h = Harness(carriers=CarriersConfig(carriers=(carrier,)))
    esme = h.client()
    message_id = sent(esme)
    h.advance(10.0)
    assert esme.received == []
    assert h.core.set_absent(DEST, False, h.now) == (DEST, 1)  # it was never switched off
    h.advance(0.0)
    assert [type(p).__name__ for p in esme.received] == ["AlertNotification", "DeliverSm"]
    assert message_id not in h.core.open_messages
    # Nothing is left to happen at the 121 s the model had drawn.
    h.advance(200.0)
    assert len(esme.received) == 2

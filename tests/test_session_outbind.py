"""Outbind and alert_notification in the sans-I/O session: the two requests without a
response PDU, and the OUTBOUND state outbind leads to (facts 1.2; SMPP 5.0 section 2.3)."""

from __future__ import annotations

import pytest
from helpers import ConnectionPair, frames, requests

import pdu
from pdu import CommandStatus as S
from smsc.smpp.session import Bound, Closed, LocalProtocolError, SessionConfig
from smsc.smpp.states import BindState


def outbound_pair(**smsc: float) -> ConnectionPair:
    pair = ConnectionPair(smsc=SessionConfig(**smsc))  # type: ignore[arg-type]
    events = pair.send(pair.smsc, pdu.Outbind(system_id="smsc", password="secret"))
    (outbind,) = requests(events)
    assert isinstance(outbind, pdu.Outbind)
    assert (outbind.system_id, outbind.password) == ("smsc", "secret")
    return pair


def test_outbind_puts_both_sides_in_outbound_and_waits_for_no_answer() -> None:
    pair = outbound_pair()
    assert pair.smsc.state is BindState.OUTBOUND
    assert pair.esme.state is BindState.OUTBOUND
    assert pair.smsc.outstanding == 0  # nothing answers an outbind
    assert pair.esme.inbound_pending == 0  # and the ESME owes nothing for it
    assert pair.esme.data_to_send() == b""


@pytest.mark.parametrize(
    ("bind", "state"),
    [(pdu.BindReceiver, BindState.BOUND_RX), (pdu.BindTransceiver, BindState.BOUND_TRX)],
)
def test_the_esme_binds_on_the_connection_the_smsc_opened(
    bind: type[pdu.Pdu], state: BindState
) -> None:
    pair = outbound_pair()
    events = pair.bind(bind)
    assert [type(e) for e in events if isinstance(e, Bound)] == [Bound]
    assert pair.esme.state is pair.smsc.state is state
    # Bound as a receiver: the SMSC may now deliver on the connection it opened.
    pair.smsc.send(pdu.DeliverSm(source_addr="447700900001", destination_addr="1234"), pair.now)
    assert [type(p) for p in requests(pair.deliver(pair.smsc))] == [pdu.DeliverSm]


def test_a_transmitter_bind_after_outbind_is_refused_as_out_of_state() -> None:
    pair = outbound_pair()
    bind = pdu.BindTransmitter(system_id="esme", password="pw", interface_version=0x34)
    bind.sequence_number = 5
    pair.smsc.receive_data(pdu.encode(bind), pair.now)
    assert frames(pair.smsc.data_to_send()) == [
        pdu.BindTransmitterResp(sequence_number=5, command_status=S.ESME_RINVBNDSTS)
    ]
    assert pair.smsc.state is BindState.OUTBOUND


def test_the_session_init_timer_runs_while_outbound() -> None:
    pair = outbound_pair(session_init_timeout=10.0, inactivity_timeout=100.0)
    assert pair.smsc.next_deadline() == pytest.approx(10.0)
    _, smsc_events = pair.advance(10.0)
    assert [type(e) for e in smsc_events] == [Closed]
    assert pair.smsc.closed


def test_outbind_may_be_sent_only_before_a_bind() -> None:
    pair = ConnectionPair()
    pair.bind(pdu.BindReceiver)
    with pytest.raises(LocalProtocolError):
        pair.smsc.send(pdu.Outbind(system_id="smsc"), pair.now)


def test_alert_notification_takes_no_window_place_and_is_owed_no_answer() -> None:
    pair = ConnectionPair(smsc=SessionConfig(window_size=1))
    pair.bind(pdu.BindReceiver)
    pair.smsc.send(pdu.DeliverSm(source_addr="447700900001", destination_addr="1234"), pair.now)
    assert not pair.smsc.can_send_request  # the window is full ...
    alert = pdu.AlertNotification(source_addr="447700900001", esme_addr="1234")
    pair.smsc.send(alert, pair.now)  # ... and an alert still goes
    assert pair.smsc.outstanding == 1
    pair.esme.receive_data(pair.smsc.data_to_send(), pair.now)
    assert pair.esme.inbound_pending == 1  # the deliver_sm only


def test_an_esme_that_got_an_alert_can_still_finish_an_unbind() -> None:
    pair = ConnectionPair()
    pair.bind(pdu.BindReceiver)
    pair.send(pair.smsc, pdu.AlertNotification(source_addr="447700900001", esme_addr="1234"))
    pair.send(pair.smsc, pdu.Unbind())
    # Nothing is pending on the ESME's side, so its unbind_resp goes at once.
    assert [type(p) for p in frames(pair.esme.data_to_send())] == [pdu.UnbindResp]

"""Outbind in the core: on a connection the server opened, outbind goes out at once and the
ESME's bind that follows is served as the outbind's account, with what is queued for it.
Driven as tests/test_core.py drives the core."""

from __future__ import annotations

from helpers import frames
from test_core import Client, Harness

import pdu
from pdu import CommandStatus as S
from smsc.config import AccountConfig, OutbindConfig, ServerConfig, StoreKind, Timers
from smsc.smpp.states import BindState

OUTBIND = OutbindConfig("acme", "esme.example", 2776, system_id="smsc", password="secret")


def harness() -> Harness:
    accounts = (
        AccountConfig(system_id="acme", password="pw"),
        AccountConfig(system_id="other", password="pw"),
    )
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=Timers(), accounts=accounts)
    return Harness(config)


def called(h: Harness) -> Client:
    """The ESME the server connected to; it has read the outbind."""
    esme = Client(h, conn=h.core.outbind(OUTBIND, "192.0.2.7", h.now))
    h.flush()
    return esme


def test_outbind_is_sent_at_once_with_our_credentials() -> None:
    h = harness()
    esme = called(h)
    (outbind,) = esme.received
    assert isinstance(outbind, pdu.Outbind)
    assert (outbind.system_id, outbind.password) == ("smsc", "secret")
    assert esme.session.state is BindState.OUTBOUND
    assert esme.session.data_to_send() == b""  # nothing answers an outbind


def test_the_esme_binds_as_a_receiver_and_gets_the_mo_queued_for_the_account() -> None:
    h = harness()
    h.core.inject_mo_text("447700900123", "12345", "queued before the call", h.now, account="acme")
    esme = called(h)
    resp = esme.bind(pdu.BindReceiver, system_id="acme", password="pw")
    assert isinstance(resp, pdu.BindReceiverResp) and resp.command_status == 0
    mo = [p for p in esme.received if isinstance(p, pdu.DeliverSm)]
    assert [p.short_message for p in mo] == [b"queued before the call"]
    assert h.store.load_pending_deliveries() == []  # answered by the ESME


def test_a_transceiver_may_answer_an_outbind_too() -> None:
    h = harness()
    esme = called(h)
    assert esme.bind(pdu.BindTransceiver, system_id="acme", password="pw").command_status == 0
    assert esme.session.state is BindState.BOUND_TRX


def test_a_bind_for_another_account_on_an_outbind_connection_is_refused() -> None:
    h = harness()
    esme = called(h)
    resp = esme.bind(pdu.BindReceiver, system_id="other", password="pw")
    assert resp.command_status == S.ESME_RINVSYSID
    assert esme.bind(pdu.BindReceiver, system_id="acme", password="wrong").command_status == (
        S.ESME_RINVPASWD
    )


def test_a_transmitter_bind_after_outbind_is_out_of_state() -> None:
    h = harness()
    esme = called(h)
    bind = pdu.BindTransmitter(system_id="acme", password="pw", interface_version=0x34)
    bind.sequence_number = 9
    h.core.receive(esme.conn, pdu.encode(bind), h.now)  # as a peer that sends it anyway
    assert frames(esme.conn.session.data_to_send()) == [
        pdu.BindTransmitterResp(sequence_number=9, command_status=S.ESME_RINVBNDSTS)
    ]
    assert esme.conn.session.state is BindState.OUTBOUND
    assert esme.conn.account is None

"""python-smpplib against ``smsc serve``: binds, text in three alphabets, receipts, query_sm,
cancel_sm, replace_sm, enquire_link, unbind and bad PDUs, over loopback.

smpplib has no cancel_sm/replace_sm and refuses out-of-state PDUs itself, so those cases go
through ``RawClient`` (our codec on a socket) or hand-made bytes.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import smpplib.gsm
from smpplib import consts, smpp

import pdu
from pdu import CommandStatus as S
from pdu import MessageState

from .conftest import (
    IO_TIMEOUT,
    RawClient,
    ServerFactory,
    ServerProcess,
    SmpplibEsme,
    receipt_fields,
    receipts,
)

pytestmark = pytest.mark.interop

ESME_ADDR = "1234"
HANDSET = "447700900001"


def ascii_view(text: str) -> str:
    """What a receipt's text: field can show of ``text``: printable ASCII, others as spaces,
    at most 20 characters (Appendix B)."""
    return "".join(ch if " " <= ch <= "~" else " " for ch in text)[:20]


def receipt_of(esme: SmpplibEsme, resp: Any, timeout: float = IO_TIMEOUT) -> dict[str, Any]:
    """Wait for the receipt of the message that ``resp`` (a submit_sm_resp, or a message id)
    acknowledged; the id in the text must be the same."""
    message_id = resp if isinstance(resp, str) else resp.message_id.decode()
    dsm = esme.receipt_for(message_id, timeout)
    assert dsm.esm_class & 0x3C == 0x04
    fields = receipt_fields(dsm.short_message)
    assert fields["id"] == message_id
    return {**fields, "message_state": dsm.message_state}


# -- binds -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bind_type", ["transmitter", "receiver", "transceiver"])
def test_each_bind_type_is_accepted_with_our_system_id(
    memory_server: ServerProcess, bind_type: str
) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        resp = esme.bind(bind_type)
        assert resp.status == 0
        assert resp.command == f"bind_{bind_type}_resp"
        assert resp.system_id == b"smsc"
        assert resp.sc_interface_version == 0x34


def test_transmitter_submits_and_gets_a_message_id(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind("transmitter")
        resp = esme.submit(short_message=b"hello")
        assert resp.status == 0
        assert resp.message_id


def test_receiver_may_not_submit(memory_server: ServerProcess) -> None:
    # smpplib refuses submit_sm on a receiver itself, so the raw client sends it.
    with RawClient(memory_server.address) as raw:
        assert raw.bind(pdu.BindReceiver).command_status == 0
        resp = raw.request(pdu.SubmitSm(source_addr=ESME_ADDR, destination_addr=HANDSET))
        assert resp.command_status == S.ESME_RINVBNDSTS
        assert raw.request(pdu.EnquireLink()).command_status == 0


def test_receipt_goes_to_the_receiver_of_a_tx_rx_pair(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as tx, SmpplibEsme(memory_server.address) as rx:
        tx.bind("transmitter", system_id="gateway")
        rx.bind("receiver", system_id="gateway")
        resp = tx.submit(short_message=b"via the pair", registered_delivery=1)
        fields = receipt_of(rx, resp)
        assert fields["stat"] == "DELIVRD"
        assert fields["text"] == "via the pair"
        tx.collect(0.2)
        assert tx.received == []


def test_receipt_is_not_sent_to_another_system_id(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as tx, SmpplibEsme(memory_server.address) as other:
        tx.bind("transmitter", system_id="alpha")
        other.bind("receiver", system_id="beta")
        resp = tx.submit(short_message=b"mine", registered_delivery=1)
        with SmpplibEsme(memory_server.address) as rx:
            # A receiver that binds later still gets the stored receipt.
            rx.bind("receiver", system_id="alpha")
            receipt_of(rx, resp)
        other.collect(0.2)
        assert other.received == []


# -- text and receipts -------------------------------------------------------------------------


def test_short_gsm7_receipt_matches_the_message(memory_server: ServerProcess) -> None:
    text = "Hello @ world_"  # '@' is septet 0x00: a NUL inside short_message
    parts, encoding, esm_class = smpplib.gsm.make_parts(text)
    assert len(parts) == 1
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = esme.submit(
            short_message=parts[0],
            data_coding=encoding,
            esm_class=esm_class,
            registered_delivery=1,
        )
        message_id = resp.message_id.decode()
        dsm = esme.receipt_for(message_id)
        fields = receipt_fields(dsm.short_message)
        assert dsm.receipted_message_id.decode() == message_id == fields["id"]
        assert dsm.message_state == MessageState.DELIVERED
        assert dsm.network_error_code == b"\x03\x00\x00"
        assert fields["stat"] == "DELIVRD"
        assert fields["sub"] == "001"
        assert fields["dlvrd"] == "001"
        assert fields["err"] == "000"
        assert fields["text"] == text
        assert len(fields["submit date"]) == len(fields["done date"]) == 10
        # Addresses are swapped: the receipt comes from the handset to the ESME.
        assert dsm.source_addr == HANDSET.encode()
        assert dsm.destination_addr == ESME_ADDR.encode()


def test_long_gsm7_message_gets_one_receipt_per_part(memory_server: ServerProcess) -> None:
    text = "Euro \u20ac sign, then a long tail: " + "".join(
        f"word{i} " for i in range(40)
    )  # '€' is an escape pair (0x1B 0x65) in part 1
    parts, encoding, esm_class = smpplib.gsm.make_parts(text)
    assert len(parts) >= 2
    assert esm_class == consts.SMPP_GSMFEAT_UDHI
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        ids = []
        for part in parts:
            resp = esme.submit(
                short_message=part,
                data_coding=encoding,
                esm_class=esm_class,
                registered_delivery=1,
            )
            assert resp.status == 0
            ids.append(resp.message_id.decode())
        assert len(set(ids)) == len(parts)
        texts = [receipt_of(esme, message_id)["text"] for message_id in ids]
    septets_per_part = consts.SEVENBIT_PART_SIZE
    # The UDH is stripped and the septets decoded: each receipt shows the start of its part.
    # Part 1 holds one escape pair, so it ends one character early.
    starts = [0, septets_per_part - 1]
    starts += [starts[-1] + septets_per_part * i for i in range(1, len(parts) - 1)]
    assert texts == [ascii_view(text[s:]) for s in starts]


def test_ucs2_with_emoji_is_decoded_as_whole_characters(memory_server: ServerProcess) -> None:
    # U+1F600 is a surrogate pair in UTF-16: one character, shown as one space in text:.
    text = "Gr\u00fc\u00dfe \U0001f600 ok \u4f60\u597d!"
    parts, encoding, esm_class = smpplib.gsm.make_parts(
        text, encoding=consts.SMPP_ENCODING_ISO10646
    )
    assert len(parts) == 1
    assert encoding == consts.SMPP_ENCODING_ISO10646
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = esme.submit(
            short_message=parts[0],
            data_coding=encoding,
            esm_class=esm_class,
            registered_delivery=1,
        )
        fields = receipt_of(esme, resp)
    assert fields["text"] == ascii_view(text) == "Gr  e   ok   !"


def test_gsm7_text_falls_back_to_ucs2_in_smpplib_and_is_accepted(
    memory_server: ServerProcess,
) -> None:
    text = "caf\u00e9 \u2603"  # the snowman is not in GSM 03.38, so smpplib picks UCS-2
    parts, encoding, esm_class = smpplib.gsm.make_parts(text)
    assert encoding == consts.SMPP_ENCODING_ISO10646
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = esme.submit(
            short_message=parts[0], data_coding=encoding, esm_class=esm_class, registered_delivery=1
        )
        assert receipt_of(esme, resp)["text"] == ascii_view(text) == "caf   "


def test_registered_delivery_2_sends_no_receipt_for_a_delivered_message(
    memory_server: ServerProcess,
) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        failure_only = esme.submit(short_message=b"failure only", registered_delivery=2)
        always = esme.submit(short_message=b"always", registered_delivery=1)
        # Both are due after the same delay, the failure-only one first: once the second
        # receipt is in, the first would have been too.
        receipt_of(esme, always)
        esme.collect(0.3)
        receipted = [p.receipted_message_id for p in esme.received if p.command == "deliver_sm"]
        assert receipted == [always.message_id]
        assert failure_only.status == 0


def test_registered_delivery_0_sends_no_receipt(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        esme.submit(short_message=b"none", registered_delivery=0)
        marker = esme.submit(short_message=b"marker", registered_delivery=1)
        receipt_of(esme, marker)
        esme.collect(0.3)
        assert [p.receipted_message_id for p in esme.received] == [marker.message_id]


def test_intermediate_notification_then_final_receipt(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = esme.submit(short_message=b"steps", registered_delivery=0x11)
        message_id = resp.message_id
        esme.receipt_for(message_id.decode())
        deadline = time.monotonic() + IO_TIMEOUT
        while len(esme.received) < 2 and time.monotonic() < deadline:
            esme.read(deadline - time.monotonic())
        got = [(p.esm_class, p.message_state, p.receipted_message_id) for p in esme.received]
    assert got == [
        (0x20, MessageState.ENROUTE, message_id),  # intermediate notification
        (0x04, MessageState.DELIVERED, message_id),
    ]


def test_receipts_to_a_smpp33_bind_carry_no_tlvs(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        bound = raw.request(
            pdu.BindTransceiver(system_id="v33", password="pw", interface_version=0x33)
        )
        assert bound.command_status == 0
        assert bound.sc_interface_version is None
        submitted = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"old peer",
                registered_delivery=1,
            )
        )
        dsm = raw.wait_for(lambda p: isinstance(p, pdu.DeliverSm), what="receipt")
    assert receipt_fields(dsm.short_message)["id"] == submitted.message_id
    assert dsm.receipted_message_id is None
    assert dsm.message_state is None
    assert dsm.network_error_code is None


def test_submit_multi_gets_a_receipt_per_destination(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        resp = raw.request(
            pdu.SubmitMulti(
                source_addr=ESME_ADDR,
                dest_address=[
                    pdu.SmeAddress(1, 1, "447700900011"),
                    pdu.SmeAddress(1, 1, "447700900012"),
                    pdu.DistributionList("friends"),
                ],
                short_message=b"to many",
                registered_delivery=1,
            )
        )
        assert resp.command_status == 0
        # No distribution lists are configured: that destination alone fails.
        assert [(u.destination_addr, u.error_status_code) for u in resp.unsuccess_sme] == [
            ("friends", S.ESME_RINVDLNAME)
        ]
        raw.wait_for(lambda p: len(receipts(raw.received)) >= 2, what="two receipts")
        got = receipts(raw.received)
    # Each receipt comes from its own destination and names the submit_multi_resp's id.
    assert sorted(p.source_addr for p in got) == ["447700900011", "447700900012"]
    for p in got:
        assert p.receipted_message_id == resp.message_id
        assert receipt_fields(p.short_message)["id"] == resp.message_id


# -- query_sm, cancel_sm, replace_sm -----------------------------------------------------------


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """Receipts 1.5 s after submit: long enough to query, cancel or replace a pending one."""
    factory = ServerFactory(tmp_path_factory.mktemp("slow"))
    try:
        yield factory("--store", "memory", "--receipt-delay", "1.5")
    finally:
        factory.stop_all()


def query(esme: SmpplibEsme, message_id: str, source_addr: str = ESME_ADDR) -> object:
    seq = esme.client.query_message(message_id=message_id, source_addr=source_addr).sequence
    return esme.response(seq)


def test_query_sm_is_enroute_before_the_receipt_and_delivered_after(
    slow_server: ServerProcess,
) -> None:
    with SmpplibEsme(slow_server.address) as esme:
        esme.bind()
        resp = esme.submit(short_message=b"query me", registered_delivery=1)
        message_id = resp.message_id.decode()
        before = query(esme, message_id)
        assert before.status == 0
        assert before.message_id.decode() == message_id
        assert before.message_state == MessageState.ENROUTE
        assert before.final_date in (b"", None)
        receipt_of(esme, resp)
        after = query(esme, message_id)
        assert after.status == 0
        assert after.message_state == MessageState.DELIVERED
        assert len(after.final_date) == 16  # absolute time YYMMDDhhmmsstnnp


def test_query_sm_of_an_unknown_id_fails(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = query(esme, "999")
        assert resp.status == S.ESME_RQUERYFAIL


def test_query_sm_with_another_source_addr_fails(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = esme.submit(short_message=b"x")
        assert query(esme, resp.message_id.decode(), source_addr="9999").status == (
            S.ESME_RQUERYFAIL
        )


def test_cancel_sm_of_a_pending_message(slow_server: ServerProcess) -> None:
    with RawClient(slow_server.address) as raw:
        raw.bind()
        submitted = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"cancel me",
                registered_delivery=1,
            )
        )
        message_id = submitted.message_id
        cancel = raw.request(pdu.CancelSm(message_id=message_id, source_addr=ESME_ADDR))
        assert cancel.command_status == 0
        state = raw.request(pdu.QuerySm(message_id=message_id, source_addr=ESME_ADDR))
        assert state.message_state == MessageState.DELETED
        dsm = raw.wait_for(lambda p: getattr(p, "receipted_message_id", None) == message_id)
        assert receipt_fields(dsm.short_message)["stat"] == "DELETED"
        assert dsm.message_state == MessageState.DELETED
        # The same message cannot be cancelled twice.
        again = raw.request(pdu.CancelSm(message_id=message_id, source_addr=ESME_ADDR))
        assert again.command_status == S.ESME_RCANCELFAIL
        # And it is not delivered after all: no second receipt once the delay has passed.
        raw.collect(1.7)
        assert [getattr(p, "receipted_message_id", None) for p in raw.received] == [message_id]


def test_cancel_sm_of_a_delivered_message_fails(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        submitted = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"done",
                registered_delivery=1,
            )
        )
        raw.wait_for(lambda p: getattr(p, "receipted_message_id", None) == submitted.message_id)
        cancel = raw.request(pdu.CancelSm(message_id=submitted.message_id, source_addr=ESME_ADDR))
        assert cancel.command_status == S.ESME_RCANCELFAIL


def test_validity_period_shorter_than_delivery_gives_an_expired_receipt(
    slow_server: ServerProcess,
) -> None:
    with RawClient(slow_server.address) as raw:
        raw.bind()
        submitted = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"too late",
                registered_delivery=1,
                validity_period="000000000001000R",  # 1 s; delivery would take 1.5 s
            )
        )
        message_id = submitted.message_id
        dsm = raw.wait_for(lambda p: getattr(p, "receipted_message_id", None) == message_id)
        assert receipt_fields(dsm.short_message)["stat"] == "EXPIRED"
        assert dsm.message_state == MessageState.EXPIRED
        state = raw.request(pdu.QuerySm(message_id=message_id, source_addr=ESME_ADDR))
        assert state.message_state == MessageState.EXPIRED


def test_replace_sm_changes_the_text_the_receipt_shows(slow_server: ServerProcess) -> None:
    with RawClient(slow_server.address) as raw:
        raw.bind()
        submitted = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"old text",
                registered_delivery=1,
            )
        )
        message_id = submitted.message_id
        replaced = raw.request(
            pdu.ReplaceSm(
                message_id=message_id,
                source_addr=ESME_ADDR,
                short_message=b"new text",
                registered_delivery=1,
            )
        )
        assert replaced.command_status == 0
        dsm = raw.wait_for(lambda p: getattr(p, "receipted_message_id", None) == message_id)
        fields = receipt_fields(dsm.short_message)
        assert fields["text"] == "new text"
        assert fields["stat"] == "DELIVRD"


def test_replace_sm_of_an_unknown_message_fails(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        resp = raw.request(
            pdu.ReplaceSm(message_id="12345", source_addr=ESME_ADDR, short_message=b"x")
        )
        assert resp.command_status == S.ESME_RREPLACEFAIL


# Regression (fixed in 1909707): replace_sm was written as a second insert of the message,
# which failed the store batch: ESME_RSYSERR in durable mode, a lost neighbour in memory mode.


def test_replace_sm_in_durable_mode_is_acknowledged(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    server = smsc_server("--data-dir", str(tmp_path / "data"), "--receipt-delay", "1.5")
    with RawClient(server.address) as raw:
        raw.bind()
        submitted = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"old text",
                registered_delivery=1,
            )
        )
        replaced = raw.request(
            pdu.ReplaceSm(
                message_id=submitted.message_id,
                source_addr=ESME_ADDR,
                short_message=b"new text",
                registered_delivery=1,
            )
        )
        assert replaced.command_status == 0


def test_submit_next_to_a_replace_sm_is_still_delivered(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        first = raw.request(
            pdu.SubmitSm(
                source_addr=ESME_ADDR,
                destination_addr=HANDSET,
                short_message=b"first",
                registered_delivery=1,
            )
        )
        # One write: the server handles both PDUs before it next writes to its store.
        replace = pdu.ReplaceSm(
            message_id=first.message_id,
            source_addr=ESME_ADDR,
            short_message=b"replaced",
            registered_delivery=1,
            sequence_number=raw.next_seq(),
        )
        second = pdu.SubmitSm(
            source_addr=ESME_ADDR,
            destination_addr=HANDSET,
            short_message=b"second",
            registered_delivery=1,
            sequence_number=raw.next_seq(),
        )
        raw.send_bytes(pdu.encode(replace) + pdu.encode(second))
        assert raw.response(replace.sequence_number).command_status == 0
        accepted = raw.response(second.sequence_number)
        assert accepted.command_status == 0
        dsm = raw.wait_for(
            lambda p: getattr(p, "receipted_message_id", None) == accepted.message_id,
            what="receipt of the second message",
        )
        assert receipt_fields(dsm.short_message)["text"] == "second"


# -- enquire_link, unbind ----------------------------------------------------------------------


def test_enquire_link_is_answered(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        p = smpp.make_pdu("enquire_link", client=esme.client)
        esme.client.send_pdu(p)
        resp = esme.response(p.sequence)
        assert resp.command == "enquire_link_resp"
        assert resp.status == 0


def test_unbind_is_answered_and_ends_the_bind(memory_server: ServerProcess) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        resp = esme.client.unbind()
        assert resp.command == "unbind_resp"
        assert resp.status == 0
        # The side that sent unbind closes the connection (facts 1.2); until it does, the
        # session is no longer bound. smpplib refuses to submit now, so send the bytes.
        esme.client._socket.sendall(raw_submit_sm(99))
        assert esme.response(99).status == S.ESME_RINVBNDSTS


# -- bad PDUs: answered with the right status, the session goes on ----------------------------


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"destination_addr": ""}, S.ESME_RINVDSTADR),
        ({"priority_flag": 5}, S.ESME_RINVPRTFLG),
        ({"registered_delivery": 3}, S.ESME_RINVREGDLVFLG),
        ({"esm_class": 0x04}, S.ESME_RINVESMCLASS),  # a receipt is the SMSC's to send
        ({"dest_addr_ton": 9}, S.ESME_RINVDSTTON),
        ({"replace_if_present_flag": 2}, S.ESME_RINVREPFLAG),
        ({"schedule_delivery_time": "not a time at all"}, S.ESME_RINVSCHED),
    ],
    ids=lambda v: v.name if isinstance(v, S) else None,
)
def test_bad_submit_sm_is_refused_and_the_session_goes_on(
    memory_server: ServerProcess, fields: dict[str, object], status: S
) -> None:
    with SmpplibEsme(memory_server.address) as esme:
        esme.bind()
        args: dict[str, object] = {"short_message": b"bad", "destination_addr": HANDSET}
        args.update(fields)
        resp = esme.submit(**args)
        assert resp.status == status
        assert not resp.message_id  # body omitted on error
        assert esme.submit(short_message=b"good").status == 0


def header(length: int, command_id: int, status: int, seq: int) -> bytes:
    return struct.pack(">IIII", length, command_id, status, seq)


def raw_submit_sm(seq: int) -> bytes:
    body = (
        b"\x00"  # service_type
        + b"\x00\x00"
        + b"1234\x00"
        + b"\x01\x01"
        + b"447700900001\x00"
        + b"\x00\x00\x00"  # esm_class, protocol_id, priority_flag
        + b"\x00\x00"  # schedule_delivery_time, validity_period
        + b"\x00\x00\x00\x00"  # registered_delivery .. sm_default_msg_id
        + b"\x02hi"
    )
    return header(16 + len(body), 0x00000004, 0, seq) + body


def test_submit_sm_before_bind_is_refused_with_rinvbndsts(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.send_bytes(raw_submit_sm(7))
        resp = raw.response(7)
        assert isinstance(resp, pdu.SubmitSmResp)
        assert resp.command_status == S.ESME_RINVBNDSTS
        # Still open, and a bind now succeeds.
        assert raw.bind().command_status == 0


def test_unknown_command_id_gets_generic_nack_rinvcmdid(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        raw.send_bytes(header(16, 0x00000099, 0, 42))
        resp = raw.response(42)
        assert isinstance(resp, pdu.GenericNack)
        assert resp.command_status == S.ESME_RINVCMDID
        assert raw.request(pdu.EnquireLink()).command_status == 0
        raw.send_bytes(raw_submit_sm(43))
        assert raw.response(43).command_status == 0


def test_unknown_command_id_with_a_body_keeps_the_framing(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        body = b"\xff" * 20
        raw.send_bytes(header(16 + len(body), 0x00010200, 0, 5) + body + raw_submit_sm(6))
        assert raw.response(5).command_status == S.ESME_RINVCMDID
        assert raw.response(6).command_status == 0


def test_truncated_submit_sm_is_answered_with_its_own_resp(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        frame = raw_submit_sm(9)
        body = frame[16:-3]  # sm_length says 2 octets, none follow
        raw.send_bytes(header(16 + len(body), 0x00000004, 0, 9) + body)
        resp = raw.response(9)
        assert resp.command_id in (0x80000004, 0x80000000)
        assert resp.command_status != 0
        assert raw.request(pdu.EnquireLink()).command_status == 0


def _udh_submit(short_message: bytes) -> pdu.Pdu:
    return pdu.SubmitSm(
        source_addr=ESME_ADDR, destination_addr=HANDSET, esm_class=0x40, short_message=short_message
    )


def _udh_submit_multi(short_message: bytes) -> pdu.Pdu:
    return pdu.SubmitMulti(
        source_addr=ESME_ADDR,
        dest_address=[pdu.SmeAddress(1, 1, HANDSET)],
        esm_class=0x40,
        short_message=short_message,
    )


def _udh_data_sm(short_message: bytes) -> pdu.Pdu:
    return pdu.DataSm(
        source_addr=ESME_ADDR,
        destination_addr=HANDSET,
        esm_class=0x40,
        message_payload=short_message,
    )


@pytest.mark.parametrize("make", [_udh_submit, _udh_submit_multi, _udh_data_sm])
@pytest.mark.parametrize(
    "short_message",
    [
        b"\x09\x00\x03",  # UDHL 9, two octets follow
        b"\x03\x00\x03\x01",  # the IE claims 3 octets, UDHL leaves 2
    ],
    ids=["udhl-overrun", "ie-overrun"],
)
def test_malformed_udh_is_answered_esme_rinvmsglen(
    memory_server: ServerProcess, make: Callable[[bytes], pdu.Pdu], short_message: bytes
) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        resp = raw.request(make(short_message))
        assert resp.command_status == S.ESME_RINVMSGLEN
        assert raw.request(pdu.EnquireLink()).command_status == 0


def test_bad_concatenation_values_in_submit_sm(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        resp = raw.request(_udh_submit(b"\x05\x00\x03\x01\x02\x03hi"))  # part 3 of 2
        assert resp.command_status == S.ESME_RINVMSGLEN


def test_bad_concatenation_values_in_submit_multi(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        raw.bind()
        resp = raw.request(_udh_submit_multi(b"\x05\x00\x03\x01\x02\x03hi"))
        assert resp.command_status == S.ESME_RINVMSGLEN


def test_a_second_bind_on_a_bound_session_gets_ralybnd(memory_server: ServerProcess) -> None:
    with RawClient(memory_server.address) as raw:
        assert raw.bind().command_status == 0
        assert raw.bind().command_status == S.ESME_RALYBND
        assert raw.request(pdu.EnquireLink()).command_status == 0


def test_smpplib_sees_bind_errors_as_pdu_errors(memory_server: ServerProcess) -> None:
    # system_id longer than C(16): the codec refuses it; smpplib raises with the status.
    sock = socket.create_connection(memory_server.address, timeout=IO_TIMEOUT)
    try:
        body = b"x" * 20 + b"\x00" + b"pw\x00" + b"\x00" + b"\x34\x00\x00\x00"
        sock.sendall(header(16 + len(body), 0x00000002, 0, 1) + body)
        deadline = time.monotonic() + IO_TIMEOUT
        data = b""
        while len(data) < 16 and time.monotonic() < deadline:
            chunk = sock.recv(64)
            if not chunk:
                break
            data += chunk
        _, command_id, status, seq = struct.unpack(">IIII", data[:16])
        assert command_id == 0x80000002
        assert status == S.ESME_RINVSYSID
        assert seq == 1
    finally:
        sock.close()

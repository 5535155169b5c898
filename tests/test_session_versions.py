"""The session at each SMPP version: 3.3, 3.4 and 5.0 over a fake link (tests/helpers.py).

The version is negotiated at bind (the lower of the ESME's interface_version and the SMSC's,
5.0 facts section 1); from then on the session carries that version's PDUs and TLVs only: a
5.0 PDU on a 3.4 bind is an unknown command, a 3.4 bind never sees a 5.0 TLV, a 3.3 bind no
TLV at all. Expectations are written from the facts, independently of smsc.smpp.states.
"""

from __future__ import annotations

import pytest
from helpers import ConnectionPair, frames, of_type, raw_pdu, requests

import pdu
from pdu import CommandId as C
from pdu import CommandStatus as S
from smsc.smpp.session import (
    LocalProtocolError,
    ProtocolError,
    ResponseReceived,
    SessionConfig,
    UnexpectedResponse,
)
from smsc.smpp.states import BindState


def pair_at(
    offered: int, smsc: int = 0x50, bind: type[pdu.Pdu] = pdu.BindTransceiver
) -> ConnectionPair:
    pair = ConnectionPair(
        esme=SessionConfig(interface_version=0x50), smsc=SessionConfig(interface_version=smsc)
    )
    pair.bind(bind, interface_version=offered)
    return pair


def broadcast(**kw: object) -> pdu.BroadcastSm:
    return pdu.BroadcastSm(
        source_addr="Alerts",
        broadcast_area_identifier=(b"\x00Cell-A",),
        broadcast_content_type=pdu.BroadcastContentType(1, 1),
        broadcast_rep_num=2,
        broadcast_frequency_interval=pdu.BroadcastFrequencyInterval(9, 5),
        message_payload=b"Storm warning",
        **kw,  # type: ignore[arg-type]
    )


def submit(**tlvs: object) -> pdu.SubmitSm:
    return pdu.SubmitSm(source_addr="1", destination_addr="2", short_message=b"hi", **tlvs)  # type: ignore[arg-type]


# -- negotiation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offered", "smsc", "runs_at"),
    [
        (0x00, 0x50, 0x33),  # 0x00-0x33: 3.3 or earlier
        (0x33, 0x50, 0x33),
        (0x34, 0x50, 0x34),
        (0x40, 0x50, 0x34),  # reserved between 3.4 and 5.0: served as 3.4
        (0x50, 0x50, 0x50),
        (0x51, 0x50, 0x50),  # reserved above 5.0: the newest we know
        (0x50, 0x34, 0x34),  # a 3.4 SMSC answers a 5.0 bind at 3.4
        (0x33, 0x34, 0x33),
    ],
)
def test_both_ends_run_at_the_lower_version(offered: int, smsc: int, runs_at: int) -> None:
    pair = pair_at(offered, smsc)
    assert pair.esme.state is pair.smsc.state is BindState.BOUND_TRX
    assert pair.smsc.interface_version == runs_at
    assert pair.esme.interface_version == runs_at


def test_the_bind_resp_reports_the_smscs_version_except_to_3_3() -> None:
    # The SMSC reports the version it speaks (S 2.11.2); a 3.3 ESME gets no TLV, so none.
    for offered, reported in ((0x50, 0x50), (0x34, 0x50), (0x33, None)):
        pair = ConnectionPair(smsc=SessionConfig(interface_version=0x50))
        pair.bind(interface_version=offered)
        _, resp = (frames(data)[0] for role, data in pair.wire)
        assert resp.sc_interface_version == reported  # type: ignore[attr-defined]


def test_an_esme_told_no_version_assumes_the_smsc_takes_no_tlvs() -> None:
    # S 2.11.2: no sc_interface_version in the bind_resp means an SMSC before 3.4.
    pair = ConnectionPair(esme=SessionConfig(interface_version=0x50))
    pair.esme.send(pdu.BindTransmitter(system_id="e", interface_version=0x50), 0)
    (bind,) = pair.deliver(pair.esme)
    pair.send(
        pair.smsc, pdu.BindTransmitterResp(system_id="old", sequence_number=bind.sequence_number)
    )
    assert pair.esme.interface_version == 0x33
    (got,) = pair.send(pair.esme, submit(user_message_reference=7))
    assert got.user_message_reference is None  # type: ignore[attr-defined]


# -- PDUs of the version -----------------------------------------------------------------------


def test_the_broadcast_pdus_round_trip_at_5_0() -> None:
    pair = pair_at(0x50)
    (got,) = pair.send(pair.esme, broadcast())
    assert isinstance(got, pdu.BroadcastSm)
    assert got.broadcast_area_identifier == (b"\x00Cell-A",)
    resp = pdu.BroadcastSmResp(
        message_id="b-1", sequence_number=got.sequence_number, congestion_state=40
    )
    (answer,) = of_type(pair.send(pair.smsc, resp), ResponseReceived)
    assert answer.response == resp
    for req, resp_cls in (
        (pdu.QueryBroadcastSm(message_id="b-1", source_addr="Alerts"), pdu.QueryBroadcastSmResp),
        (pdu.CancelBroadcastSm(message_id="b-1", source_addr="Alerts"), pdu.CancelBroadcastSmResp),
    ):
        (got,) = pair.send(pair.esme, req)
        assert type(got) is type(req)
        answered = resp_cls(  # type: ignore[call-arg]
            sequence_number=got.sequence_number, command_status=S.ESME_RBCASTQUERYFAIL
        )
        (answer,) = of_type(pair.send(pair.smsc, answered), ResponseReceived)
        assert answer.response.command_status == S.ESME_RBCASTQUERYFAIL


@pytest.mark.parametrize("offered", [0x34, 0x33])
def test_a_broadcast_sm_below_5_0_is_an_unknown_command(offered: int) -> None:
    pair = pair_at(offered)
    # Our own ESME refuses to send it: a bug of the caller, named.
    with pytest.raises(LocalProtocolError, match="not part of the SMPP version"):
        pair.esme.send(broadcast(), pair.now)
    # A peer that sends it anyway gets generic_nack ESME_RINVCMDID, as before 5.0 was known.
    data = pdu.encode(broadcast(sequence_number=9))
    events = pair.smsc.receive_data(data, pair.now)
    (err,) = of_type(events, ProtocolError)
    assert err.error.command_status == S.ESME_RINVCMDID
    assert not requests(events)
    assert frames(pair.smsc.data_to_send()) == [
        pdu.GenericNack(sequence_number=9, command_status=S.ESME_RINVCMDID)
    ]
    assert pair.smsc.state is BindState.BOUND_TRX  # refused, not closed


@pytest.mark.parametrize(
    ("smsc", "answer"),
    [
        (0x50, pdu.BroadcastSmResp(sequence_number=4, command_status=S.ESME_RINVBNDSTS)),
        (0x34, pdu.GenericNack(sequence_number=4, command_status=S.ESME_RINVCMDID)),
    ],
)
def test_a_broadcast_sm_before_bind_is_answered_by_the_smscs_version(
    smsc: int, answer: pdu.Pdu
) -> None:
    # Before a bind the session runs at the newest version it speaks.
    pair = ConnectionPair(smsc=SessionConfig(interface_version=smsc))
    pair.smsc.receive_data(pdu.encode(broadcast(sequence_number=4)), pair.now)
    assert frames(pair.smsc.data_to_send()) == [answer]


@pytest.mark.parametrize(
    ("bind", "accepted"),
    [(pdu.BindTransmitter, True), (pdu.BindTransceiver, True), (pdu.BindReceiver, False)],
)
def test_broadcasts_come_from_transmitter_binds_only(bind: type[pdu.Pdu], accepted: bool) -> None:
    # 5.0 facts 2: broadcast_sm, query_ and cancel_broadcast_sm on Bound_TX and Bound_TRX.
    pair = pair_at(0x50, bind=bind)
    for req in (
        broadcast(sequence_number=5),
        pdu.QueryBroadcastSm(message_id="b", sequence_number=5),
        pdu.CancelBroadcastSm(sequence_number=5),
    ):
        events = pair.smsc.receive_data(pdu.encode(req), pair.now)
        if accepted:
            assert [type(e) for e in events] == [type(req)]
            pair.smsc.send(
                pdu.response_class(req)(sequence_number=5, command_status=S.ESME_RBCASTFAIL), 0
            )  # type: ignore[misc]
        else:
            (err,) = of_type(events, ProtocolError)
            assert err.error.command_status == S.ESME_RINVBNDSTS
        pair.smsc.data_to_send()


def test_an_smsc_never_sends_a_5_0_request() -> None:
    # The broadcast PDUs go ESME -> SMSC only (5.0 facts 1).
    pair = pair_at(0x50)
    with pytest.raises(LocalProtocolError, match="may not be sent"):
        pair.smsc.send(broadcast(), pair.now)


# -- TLVs of the version -----------------------------------------------------------------------


def test_5_0_tlvs_are_sent_at_5_0() -> None:
    pair = pair_at(0x50)
    (req,) = pair.send(pair.esme, submit(billing_identification=b"\x80acct"))
    assert req.billing_identification == b"\x80acct"  # type: ignore[attr-defined]
    resp = pdu.SubmitSmResp(
        message_id="m", sequence_number=req.sequence_number, congestion_state=90
    )
    (answer,) = of_type(pair.send(pair.smsc, resp), ResponseReceived)
    assert answer.response.congestion_state == 90  # type: ignore[attr-defined]


def test_a_3_4_bind_never_sees_a_5_0_tlv() -> None:
    pair = pair_at(0x34)
    (req,) = pair.send(pair.esme, submit())
    resp = pdu.SubmitSmResp(
        message_id="m",
        sequence_number=req.sequence_number,
        congestion_state=90,  # a 5.0 TLV
        additional_status_info_text="queued",  # a 3.4 TLV 3.4 allows only in data_sm_resp
    )
    (answer,) = of_type(pair.send(pair.smsc, resp), ResponseReceived)
    got = answer.response
    assert got == pdu.SubmitSmResp(message_id="m", sequence_number=req.sequence_number)
    assert b"\x04\x28" not in pair.wire[-1][1]
    # The caller's PDU is left as it was: it may go to a 5.0 bind next.
    assert resp.congestion_state == 90
    mo = pdu.DeliverSm(
        source_addr="2",
        destination_addr="1",
        short_message=b"hi",
        source_port=9200,  # 3.4: kept
        source_network_id="123415",  # 5.0: stripped
        ussd_service_op=b"\x12",  # 3.4 allows it in submit_sm only: stripped
    )
    (got,) = requests(pair.send(pair.smsc, mo))
    assert got.tlvs() == {"source_port": 9200}
    assert got.extra_tlvs == ()  # stripped before sending, not kept raw on receipt


def test_a_3_3_bind_sees_no_tlv_not_even_a_raw_one() -> None:
    pair = pair_at(0x33)
    mo = pdu.DeliverSm(destination_addr="1", source_port=9200, extra_tlvs=((0x1401, b"\x01"),))
    (got,) = requests(pair.send(pair.smsc, mo))
    assert got.tlvs() == {} and got.extra_tlvs == ()


def test_a_stored_encoding_with_a_5_0_tlv_is_not_sent_to_a_3_4_bind() -> None:
    pair = pair_at(0x34)
    receipt = pdu.DeliverSm(
        destination_addr="1", esm_class=4, receipted_message_id="a", dest_network_id="123415"
    )
    stored = pdu.encode(receipt)
    pair.smsc.send(receipt, pair.now, None, encoded=stored)
    (got,) = requests(pair.deliver(pair.smsc))
    assert got.tlvs() == {"receipted_message_id": "a"}
    assert got.extra_tlvs == ()
    # At 5.0 the stored bytes go out as they are, renumbered.
    pair = pair_at(0x50)
    seq = pair.smsc.send(receipt, pair.now, None, encoded=stored)
    receipt.sequence_number = seq
    assert pair.smsc.data_to_send() == pdu.encode(receipt)


@pytest.mark.parametrize(
    ("req", "field", "resp_cls"),
    [
        # message_payload in replace_sm is 5.0 (5.0 facts 4).
        (
            pdu.ReplaceSm(message_id="m", source_addr="1", message_payload=b"new"),
            "message_payload",
            pdu.ReplaceSmResp,
        ),
        # set_dpf in submit_sm: 5.0's one table for every submission; 3.4 had it in data_sm.
        (submit(set_dpf=1), "set_dpf", pdu.SubmitSmResp),
    ],
    ids=["message_payload in replace_sm", "set_dpf in submit_sm"],
)
@pytest.mark.parametrize(("offered", "refused"), [(0x34, True), (0x50, False)])
def test_a_3_4_tlv_out_of_its_3_4_place_is_refused_at_3_4(
    offered: int, refused: bool, req: pdu.Pdu, field: str, resp_cls: type[pdu.Pdu]
) -> None:
    # A 3.4 bind gets ESME_ROPTPARNOTALLWD, as before 5.0 was known; a 5.0 bind the PDU.
    pair = pair_at(offered)
    req.sequence_number = 3
    events = pair.smsc.receive_data(pdu.encode(req), pair.now)
    if not refused:
        assert requests(events) == [req]
        return
    (err,) = of_type(events, ProtocolError)
    assert (err.error.command_status, err.error.field) == (S.ESME_ROPTPARNOTALLWD, field)
    assert frames(pair.smsc.data_to_send()) == [
        resp_cls(sequence_number=3, command_status=S.ESME_ROPTPARNOTALLWD)
    ]


@pytest.mark.parametrize(("offered", "refused"), [(0x34, True), (0x50, False)])
def test_a_known_tlv_the_pdu_never_carries_is_refused_at_3_4_and_set_aside_at_5_0(
    offered: int, refused: bool
) -> None:
    # message_state belongs in no submit_sm, in either version. 3.4: ESME_ROPTPARNOTALLWD;
    # 5.0 asks a receiver to ignore a known tag it does not expect: the request comes up
    # with the TLV raw in extra_tlvs, and nothing is answered for the caller.
    pair = pair_at(offered)
    body = pdu.encode(submit(sequence_number=4))
    stray = bytes.fromhex("0427000102")
    events = pair.smsc.receive_data((len(body) + 5).to_bytes(4, "big") + body[4:] + stray, pair.now)
    if refused:
        (err,) = of_type(events, ProtocolError)
        assert (err.error.command_status, err.error.field) == (
            S.ESME_ROPTPARNOTALLWD,
            "message_state",
        )
        assert frames(pair.smsc.data_to_send()) == [
            pdu.SubmitSmResp(sequence_number=4, command_status=S.ESME_ROPTPARNOTALLWD)
        ]
        return
    (got,) = requests(events)
    expected = submit(sequence_number=4, extra_tlvs=((0x0427, b"\x02"),))
    assert got == expected
    assert pair.smsc.data_to_send() == b""


def test_a_5_0_tlv_from_a_3_4_peer_is_kept_raw() -> None:
    # To a 3.4 session a 5.0 tag is an unknown one: kept in extra_tlvs, byte for byte.
    pair = pair_at(0x34)
    req = submit(source_port=1, billing_identification=b"\x80acct")
    req.sequence_number = 6
    (got,) = requests(pair.smsc.receive_data(pdu.encode(req), pair.now))
    assert got.tlvs() == {"source_port": 1}
    assert got.extra_tlvs == ((0x060B, b"\x80acct"),)
    assert pdu.encode(got) == pdu.encode(req)  # the same octets


def test_a_response_keeps_what_it_brings() -> None:
    # Nothing answers a response: a 3.4 peer's deliver_sm_resp with TLVs 3.4 puts elsewhere
    # is taken (it used to be lost to ESME_ROPTPARNOTALLWD, and the delivery retried).
    pair = pair_at(0x34)
    (mo,) = requests(pair.send(pair.smsc, pdu.DeliverSm(destination_addr="1")))
    resp = pdu.DeliverSmResp(
        sequence_number=mo.sequence_number, additional_status_info_text="ok", congestion_state=5
    )
    pair.esme.send(resp, pair.now)  # our ESME strips them at 3.4: write the bytes by hand
    pair.esme.data_to_send()
    (answer,) = of_type(pair.smsc.receive_data(pdu.encode(resp), pair.now), ResponseReceived)
    assert answer.response == resp


@pytest.mark.parametrize(
    "frame",
    [
        raw_pdu(C.broadcast_sm, sequence_number=7),  # header only: malformed as a 5.0 PDU
        pdu.encode(pdu.BroadcastSmResp(message_id="b", sequence_number=7)),
        raw_pdu(C.query_broadcast_sm_resp, sequence_number=7),
    ],
    ids=["broadcast_sm without a body", "broadcast_sm_resp", "query_broadcast_sm_resp"],
)
def test_any_5_0_pdu_on_a_3_4_bind_is_an_unknown_command(frame: bytes) -> None:
    # Well-formed or not, request or response: the answer a 3.4 SMSC gives an unknown id.
    pair = pair_at(0x34)
    # An outstanding request of the same sequence number must not be "answered" by it.
    for _ in range(7):
        pair.smsc.send(pdu.DeliverSm(destination_addr="1"), pair.now)
    pair.esme.receive_data(pair.smsc.data_to_send(), pair.now)
    for side in (pair.smsc, pair.esme):
        events = side.receive_data(frame, pair.now)
        (err,) = of_type(events, ProtocolError)
        assert err.error.command_status == S.ESME_RINVCMDID
        assert not of_type(events, ResponseReceived) and not of_type(events, UnexpectedResponse)
        assert frames(side.data_to_send()) == [
            pdu.GenericNack(sequence_number=7, command_status=S.ESME_RINVCMDID)
        ]
    assert pair.smsc.outstanding == 7


def test_raw_helper_frames_are_well_formed() -> None:
    # The hand-made frame above relies on this shape of a header.
    assert raw_pdu(C.enquire_link) == bytes.fromhex("00000010 00000015 00000000 00000001")

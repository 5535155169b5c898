"""The sans-I/O session, both roles, over a fake link: binds, the state table, automatic
answers, windowing, timers, unbind and closing. Time is a number passed in."""

from __future__ import annotations

import pytest
from helpers import BIND_STATES, ConnectionPair, frames, of_type, raw_pdu, requests

import pdu
from pdu import CommandId as C
from pdu import CommandStatus as S
from smsc.smpp.session import (
    MAX_SEQUENCE_NUMBER,
    Bound,
    Closed,
    EnquireLinkReceived,
    LocalProtocolError,
    ProtocolError,
    RequestTimedOut,
    ResponseReceived,
    SessionConfig,
    UnbindRequested,
    UnexpectedResponse,
)
from smsc.smpp.states import BindState, Role
from smsc.smpp.window import WindowFull

BIND_CLASSES = list(BIND_STATES)


def bound_pair(cls: type[pdu.Pdu] = pdu.BindTransceiver, **kw: object) -> ConnectionPair:
    pair = ConnectionPair(**kw)  # type: ignore[arg-type]
    pair.bind(cls)
    assert pair.esme.state is pair.smsc.state is BIND_STATES[cls]
    return pair


def submit(text: bytes = b"hello") -> pdu.SubmitSm:
    return pdu.SubmitSm(source_addr="12345", destination_addr="447700900001", short_message=text)


def deliver(text: bytes = b"hi") -> pdu.DeliverSm:
    return pdu.DeliverSm(source_addr="447700900001", destination_addr="12345", short_message=text)


# -- binds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", BIND_CLASSES, ids=lambda c: c.__name__)
def test_bind_moves_both_sides_to_the_bound_state_of_the_bind_type(cls: type[pdu.Pdu]) -> None:
    pair = ConnectionPair()
    bind = cls(system_id="esme", password="pw", interface_version=0x34)  # type: ignore[call-arg]
    seq = pair.esme.send(bind, pair.now)
    assert seq == 1
    (received,) = pair.deliver(pair.esme)
    assert type(received) is cls and received.system_id == "esme"  # type: ignore[attr-defined]
    assert pair.smsc.state is BindState.OPEN  # bound only once the resp is sent
    resp_cls = pdu.response_class(cls)
    assert resp_cls is not None
    pair.smsc.send(resp_cls(system_id="smsc", sequence_number=seq), pair.now)  # type: ignore[call-arg]
    assert pair.smsc.state is BIND_STATES[cls]
    assert pair.smsc.after_bind_response() == Bound(BIND_STATES[cls], received)
    events = pair.deliver(pair.smsc)
    assert events[0] == Bound(BIND_STATES[cls], bind)
    (answer,) = of_type(events, ResponseReceived)
    assert answer.request is bind and type(answer.response) is resp_cls
    assert pair.esme.state is BIND_STATES[cls]
    assert pair.esme.outstanding == 0


def test_refused_bind_leaves_both_sides_open() -> None:
    pair = ConnectionPair()
    events = pair.bind(pdu.BindTransmitter, status=S.ESME_RINVPASWD)
    assert not of_type(events, Bound)
    (answer,) = of_type(events, ResponseReceived)
    assert answer.response.command_status == S.ESME_RINVPASWD
    assert pair.esme.state is pair.smsc.state is BindState.OPEN
    assert pair.smsc.after_bind_response() is None
    pair.bind(pdu.BindTransmitter)  # a later bind on the same connection may succeed
    assert pair.smsc.state is BindState.BOUND_TX


# Regression: the second bind used to reach the application while the session was OPEN.
def test_a_bind_pipelined_behind_another_is_refused_by_the_session() -> None:
    pair = ConnectionPair()
    pair.esme.send(pdu.BindReceiver(system_id="e", interface_version=0x34), 0.0)
    pair.esme.send(pdu.BindTransmitter(system_id="e", interface_version=0x34), 0.0)
    events = pair.deliver(pair.esme)
    assert [type(p) for p in requests(events)] == [pdu.BindReceiver]
    assert frames(pair.smsc.data_to_send()) == [
        pdu.BindTransmitterResp(sequence_number=2, command_status=S.ESME_RALYBND)
    ]
    pair.smsc.send(pdu.BindReceiverResp(system_id="s", sequence_number=1), 0.0)
    with pytest.raises(LocalProtocolError):  # the refused bind cannot be accepted as well
        pair.smsc.send(pdu.BindTransmitterResp(system_id="s", sequence_number=2), 0.0)
    assert pair.smsc.state is BindState.BOUND_RX


def test_bind_resp_and_deliver_sm_in_one_chunk_are_both_accepted() -> None:
    # The bind response changes the state in the middle of the chunk.
    pair = ConnectionPair()
    seq = pair.esme.send(pdu.BindReceiver(system_id="e", interface_version=0x34), 0.0)
    data = pair.esme.data_to_send()
    pair.smsc.receive_data(data, 0.0)
    pair.smsc.send(pdu.BindReceiverResp(system_id="smsc", sequence_number=seq), 0.0)
    pair.smsc.send(deliver(), 0.0)
    events = pair.deliver(pair.smsc)
    assert isinstance(events[0], Bound)
    assert [type(p) for p in requests(events)] == [pdu.DeliverSm]
    assert pair.esme.data_to_send() == b""  # nothing refused


# -- the state table --------------------------------------------------------------------------

# What each side accepts per state, written from the facts doc (section 1.2, with the
# [practice] choices: replace_sm on TRX, data_sm from an ESME only on TX/TRX and towards an
# ESME only on RX/TRX; after outbind, OUTBOUND takes bind_receiver and, in practice,
# bind_transceiver), independently of smsc.smpp.states.
TX, RX, TRX = BindState.BOUND_TX, BindState.BOUND_RX, BindState.BOUND_TRX
OUTBOUND = BindState.OUTBOUND
SMSC_ACCEPTS = {
    C.bind_transmitter: {BindState.OPEN},
    C.bind_receiver: {BindState.OPEN, OUTBOUND},
    C.bind_transceiver: {BindState.OPEN, OUTBOUND},
    C.submit_sm: {TX, TRX},
    C.submit_multi: {TX, TRX},
    C.data_sm: {TX, TRX},
    C.query_sm: {TX, TRX},
    C.cancel_sm: {TX, TRX},
    C.replace_sm: {TX, TRX},
    C.deliver_sm: set(),
    C.alert_notification: set(),
    C.outbind: set(),
}
ESME_ACCEPTS = {
    C.deliver_sm: {RX, TRX},
    C.data_sm: {RX, TRX},
    C.alert_notification: {RX, TRX},
    C.outbind: {BindState.OPEN},
    C.submit_sm: set(),
    C.query_sm: set(),
    C.bind_transceiver: set(),
}
STATES = [BindState.OPEN, OUTBOUND, TX, RX, TRX]
BIND_STATES_IDS = {C.bind_transmitter, C.bind_receiver, C.bind_transceiver}
STATE_FOR = {TX: pdu.BindTransmitter, RX: pdu.BindReceiver, TRX: pdu.BindTransceiver}


def pair_in(state: BindState) -> ConnectionPair:
    pair = ConnectionPair()
    if state is OUTBOUND:
        pair.send(pair.smsc, pdu.Outbind(system_id="smsc", password="pw"))
        assert pair.smsc.state is pair.esme.state is OUTBOUND
    elif state is not BindState.OPEN:
        pair.bind(STATE_FOR[state])
    return pair


def sample(cid: int) -> pdu.Pdu:
    p = pdu.CLASSES[cid]()  # type: ignore[call-arg]
    if hasattr(p, "destination_addr"):
        p.destination_addr = "447700900001"  # type: ignore[attr-defined]
    if hasattr(p, "dest_address"):
        p.dest_address = [pdu.SmeAddress(1, 1, "447700900001")]  # type: ignore[attr-defined]
    p.sequence_number = 77
    return p


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
@pytest.mark.parametrize("cid", list(SMSC_ACCEPTS), ids=lambda c: C(c).name)
def test_smsc_accepts_requests_only_in_the_states_of_the_table(cid: int, state: BindState) -> None:
    pair = pair_in(state)
    events = pair.smsc.receive_data(pdu.encode(sample(cid)), pair.now)
    out = frames(pair.smsc.data_to_send())
    if state in SMSC_ACCEPTS[cid]:
        assert [type(e) for e in events] == [pdu.CLASSES[cid]]
        assert out == []
        return
    (err,) = of_type(events, ProtocolError)
    expected = S.ESME_RALYBND if cid in BIND_STATES_IDS and state.is_bound else S.ESME_RINVBNDSTS
    assert err.error.command_status == expected
    assert not requests(events)
    resp_cls = pdu.response_class(pdu.CLASSES[cid])
    if resp_cls is None:  # outbind, alert_notification: nothing may answer them
        assert out == []
    else:
        assert out == [resp_cls(sequence_number=77, command_status=expected)]
    assert pair.smsc.state is state  # refused, not closed


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
@pytest.mark.parametrize("cid", list(ESME_ACCEPTS), ids=lambda c: C(c).name)
def test_esme_accepts_requests_only_in_the_states_of_the_table(cid: int, state: BindState) -> None:
    pair = pair_in(state)
    events = pair.esme.receive_data(pdu.encode(sample(cid)), pair.now)
    out = frames(pair.esme.data_to_send())
    if state in ESME_ACCEPTS[cid]:
        assert [type(e) for e in events] == [pdu.CLASSES[cid]]
        assert out == []
    else:
        (err,) = of_type(events, ProtocolError)
        expected = (
            S.ESME_RALYBND if cid in BIND_STATES_IDS and state.is_bound else S.ESME_RINVBNDSTS
        )
        assert err.error.command_status == expected
        resp_cls = pdu.response_class(pdu.CLASSES[cid])
        assert out == (
            [] if resp_cls is None else [resp_cls(sequence_number=77, command_status=expected)]
        )


def test_submit_sm_before_bind_is_answered_with_invalid_bind_status() -> None:
    pair = ConnectionPair()
    with pytest.raises(LocalProtocolError):
        pair.esme.send(submit(), 0.0)  # our own ESME refuses to send it ...
    events = pair.smsc.receive_data(pdu.encode(sample(C.submit_sm)), 0.0)
    # ... and the SMSC refuses it from a peer that sends it anyway (facts 4.1).
    assert [type(e) for e in events] == [ProtocolError]
    assert frames(pair.smsc.data_to_send()) == [
        pdu.SubmitSmResp(sequence_number=77, command_status=S.ESME_RINVBNDSTS)
    ]


def test_second_bind_is_answered_with_already_bound() -> None:
    pair = bound_pair(pdu.BindTransmitter)
    with pytest.raises(LocalProtocolError):
        pair.esme.send(pdu.BindTransmitter(system_id="esme"), pair.now)
    again = pdu.BindReceiver(system_id="esme", interface_version=0x34, sequence_number=9)
    events = pair.smsc.receive_data(pdu.encode(again), pair.now)
    assert [type(e) for e in events] == [ProtocolError]
    assert frames(pair.smsc.data_to_send()) == [
        pdu.BindReceiverResp(sequence_number=9, command_status=S.ESME_RALYBND)
    ]
    assert pair.smsc.state is BindState.BOUND_TX


def test_smsc_may_not_send_deliver_sm_to_a_transmitter_bind() -> None:
    pair = bound_pair(pdu.BindTransmitter)
    with pytest.raises(LocalProtocolError):
        pair.smsc.send(deliver(), pair.now)
    assert pair.smsc.data_to_send() == b""
    assert pair.smsc.outstanding == 0


def test_smsc_may_not_send_submit_sm_and_esme_may_not_send_deliver_sm() -> None:
    pair = bound_pair(pdu.BindTransceiver)
    with pytest.raises(LocalProtocolError):
        pair.smsc.send(submit(), pair.now)
    with pytest.raises(LocalProtocolError):
        pair.esme.send(deliver(), pair.now)


def test_a_response_that_answers_nothing_received_is_refused_locally() -> None:
    pair = bound_pair()
    with pytest.raises(LocalProtocolError):
        pair.smsc.send(pdu.SubmitSmResp(message_id="1", sequence_number=5), pair.now)
    (req,) = pair.send(pair.esme, submit())
    with pytest.raises(LocalProtocolError):  # right seq, wrong response type
        pair.smsc.send(pdu.QuerySmResp(sequence_number=req.sequence_number), pair.now)
    pair.smsc.send(pdu.SubmitSmResp(message_id="1", sequence_number=req.sequence_number), 0)
    with pytest.raises(LocalProtocolError):  # answered twice
        pair.smsc.send(pdu.SubmitSmResp(message_id="1", sequence_number=req.sequence_number), 0)


# -- automatic answers ------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.name)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_enquire_link_is_answered_automatically(role: Role, state: BindState) -> None:
    pair = pair_in(state)
    side = pair.smsc if role is Role.SMSC else pair.esme
    events = side.receive_data(raw_pdu(C.enquire_link, sequence_number=0x1234), pair.now)
    # Answered here; the event only tells the owner (the app checker counts keep-alives).
    assert events == [EnquireLinkReceived()]
    assert frames(side.data_to_send()) == [pdu.EnquireLinkResp(sequence_number=0x1234)]
    assert side.state is state


def test_enquire_link_round_trip_raises_no_event_on_the_sender() -> None:
    pair = bound_pair()
    assert pair.send(pair.esme, pdu.EnquireLink()) == [EnquireLinkReceived()]
    assert pair.deliver(pair.smsc) == []  # the enquire_link_resp is absorbed
    assert pair.esme.outstanding == 0


def test_malformed_pdus_get_their_status_and_the_session_goes_on() -> None:
    pair = bound_pair()
    good = pdu.encode(submit())
    no_nul = raw_pdu(C.submit_sm, b"abc", sequence_number=5)
    past_end = bytearray(pdu.encode(pdu.SubmitSm(destination_addr="1", short_message=b"hi")))
    past_end[-3] = 50  # sm_length 50, but only 2 octets follow
    past_end[12:16] = (6).to_bytes(4, "big")
    unknown = raw_pdu(0x00000099, sequence_number=7)
    events = pair.smsc.receive_data(no_nul + bytes(past_end) + unknown + good, pair.now)
    statuses = [e.error.command_status for e in of_type(events, ProtocolError)]
    assert statuses == [S.ESME_RINVCMDLEN, S.ESME_RINVMSGLEN, S.ESME_RINVCMDID]
    assert [type(e) for e in requests(events)] == [pdu.SubmitSm]
    assert frames(pair.smsc.data_to_send()) == [
        pdu.SubmitSmResp(sequence_number=5, command_status=S.ESME_RINVCMDLEN),
        pdu.SubmitSmResp(sequence_number=6, command_status=S.ESME_RINVMSGLEN),
        pdu.GenericNack(sequence_number=7, command_status=S.ESME_RINVCMDID),
    ]
    assert pair.smsc.state is BindState.BOUND_TRX
    assert pair.send(pair.esme, pdu.EnquireLink()) == [EnquireLinkReceived()]
    assert frames(pair.smsc.data_to_send()) == [pdu.EnquireLinkResp(sequence_number=2)]


def test_a_bad_tlv_length_is_answered_with_the_operations_resp() -> None:
    pair = bound_pair()
    frame = pdu.encode(submit()) + bytes.fromhex("020c 0001 07")  # sar_msg_ref_num is 2 octets
    frame = (len(frame)).to_bytes(4, "big") + frame[4:]
    events = pair.smsc.receive_data(frame, pair.now)
    assert [e.error.command_status for e in of_type(events, ProtocolError)] == [S.ESME_RINVPARLEN]
    (resp,) = frames(pair.smsc.data_to_send())
    assert type(resp) is pdu.SubmitSmResp and resp.command_status == S.ESME_RINVPARLEN


def test_a_generic_nack_from_the_peer_is_never_answered() -> None:
    pair = bound_pair()
    events = pair.smsc.receive_data(raw_pdu(C.generic_nack, sequence_number=44), pair.now)
    assert [type(e) for e in events] == [UnexpectedResponse]
    assert pair.smsc.data_to_send() == b""


@pytest.mark.parametrize("length", [8, 15, 70_001, 0xFFFFFFFF])
def test_bad_command_length_is_answered_with_generic_nack_and_closes(length: int) -> None:
    pair = bound_pair()
    pair.smsc.send(deliver(), pair.now)
    pair.smsc.data_to_send()
    header = length.to_bytes(4, "big") + bytes.fromhex("00000004 00000000 00000009")
    events = pair.smsc.receive_data(header + b"\0" * 16, pair.now)
    assert [type(e) for e in events] == [ProtocolError, Closed]
    assert frames(pair.smsc.data_to_send()) == [
        pdu.GenericNack(sequence_number=9, command_status=S.ESME_RINVCMDLEN)
    ]
    closed = events[1]
    assert isinstance(closed, Closed)
    assert [p.request.command_id for p in closed.lost] == [C.deliver_sm]
    assert pair.smsc.closed and pair.smsc.next_deadline() is None
    assert pair.smsc.receive_data(pdu.encode(pdu.EnquireLink(sequence_number=1)), 0) == []
    assert pair.smsc.data_to_send() == b""
    with pytest.raises(LocalProtocolError):
        pair.smsc.send(deliver(), pair.now)


def test_pdus_before_a_framing_fault_in_the_same_chunk_are_handled() -> None:
    pair = bound_pair()
    data = pdu.encode(submit()) + (4).to_bytes(4, "big") + b"\0" * 12
    data = pdu.encode(pdu.SubmitSm(destination_addr="1", sequence_number=3)) + data
    events = pair.smsc.receive_data(data, pair.now)
    assert [type(e) for e in events] == [pdu.SubmitSm, pdu.SubmitSm, ProtocolError, Closed]


def test_pdu_split_across_reads_is_reassembled() -> None:
    pair = bound_pair()
    data = pdu.encode(pdu.SubmitSm(destination_addr="1", short_message=b"x" * 100))
    events = []
    for i in range(0, len(data), 7):
        events += pair.smsc.receive_data(data[i : i + 7], pair.now)
    assert [type(e) for e in events] == [pdu.SubmitSm]


# -- sequence numbers and the window -----------------------------------------------------------


def test_sequence_numbers_count_from_one_per_side() -> None:
    pair = bound_pair()
    assert [pair.esme.send(submit(), 0) for _ in range(3)] == [2, 3, 4]  # 1 was the bind
    assert [pair.smsc.send(deliver(), 0) for _ in range(3)] == [1, 2, 3]


def test_sequence_numbers_wrap_from_0x7fffffff_to_1() -> None:
    pair = bound_pair(esme=SessionConfig(window_size=10))
    pair.esme._next_seq = MAX_SEQUENCE_NUMBER - 1  # 2**31 sends would take too long
    seqs = [pair.esme.send(submit(), 0) for _ in range(3)]
    assert seqs == [MAX_SEQUENCE_NUMBER - 1, MAX_SEQUENCE_NUMBER, 1]
    assert [p.sequence_number for p in frames(pair.esme.data_to_send())] == seqs


def test_sequence_numbers_after_a_wrap_skip_numbers_still_outstanding() -> None:
    pair = bound_pair(esme=SessionConfig(window_size=10))
    assert [pair.esme.send(submit(), 0) for _ in range(3)] == [2, 3, 4]
    pair.esme._next_seq = MAX_SEQUENCE_NUMBER  # as if 2**31 requests had gone by since
    assert pair.esme.send(submit(), 0) == MAX_SEQUENCE_NUMBER
    assert pair.esme.send(submit(), 0) == 1  # 1 is free
    assert pair.esme.send(submit(), 0) == 5  # 2, 3 and 4 still wait for their resps


def test_full_window_refuses_another_request_until_a_response_arrives() -> None:
    pair = bound_pair(smsc=SessionConfig(window_size=2))
    pair.smsc.send(deliver(b"1"), 0, "one")
    pair.smsc.send(deliver(b"2"), 0, "two")
    assert not pair.smsc.can_send_request
    before = pair.smsc.data_to_send()
    with pytest.raises(WindowFull):
        pair.smsc.send(deliver(b"3"), 0, "three")
    assert pair.smsc.data_to_send() == b""  # the refused request was not written
    assert pair.smsc.outstanding == 2
    first, _ = pair.esme.receive_data(before, 0)
    assert isinstance(first, pdu.DeliverSm)
    events = pair.send(pair.esme, pdu.DeliverSmResp(sequence_number=first.sequence_number))
    assert [e.context for e in of_type(events, ResponseReceived)] == ["one"]
    assert pair.smsc.can_send_request
    assert pair.smsc.send(deliver(b"3"), 0, "three") == 3


def test_responses_are_correlated_out_of_order() -> None:
    pair = bound_pair()
    for ctx in "abc":
        pair.smsc.send(deliver(ctx.encode()), 1.0, ctx)
    got = requests(pair.deliver(pair.smsc))
    by_text = {p.short_message: p for p in got}  # type: ignore[attr-defined]
    pair.now = 2.0
    seen = []
    for text in (b"c", b"a", b"b"):
        resp = pdu.DeliverSmResp(sequence_number=by_text[text].sequence_number)
        (ev,) = pair.send(pair.esme, resp)
        assert isinstance(ev, ResponseReceived)
        assert ev.request.short_message == text  # type: ignore[attr-defined]
        assert ev.response == resp and ev.sent == 1.0
        seen.append(ev.context)
    assert seen == ["c", "a", "b"]
    assert pair.smsc.outstanding == 0


def test_a_generic_nack_answers_the_request_with_its_sequence_number() -> None:
    pair = bound_pair()
    seq = pair.smsc.send(deliver(), 0, "ctx")
    pair.deliver(pair.smsc)
    events = pair.esme.receive_data(b"", 0)
    assert events == []
    events = pair.smsc.receive_data(
        pdu.encode(pdu.GenericNack(sequence_number=seq, command_status=S.ESME_RSYSERR)), 0
    )
    (ev,) = events
    assert isinstance(ev, ResponseReceived) and ev.context == "ctx"
    assert ev.response.command_status == S.ESME_RSYSERR


def test_response_matching_nothing_outstanding_is_reported() -> None:
    pair = bound_pair()
    events = pair.smsc.receive_data(pdu.encode(pdu.DeliverSmResp(sequence_number=42)), 0)
    assert len(events) == 1 and isinstance(events[0], UnexpectedResponse)
    assert events[0].response.sequence_number == 42
    assert pair.smsc.data_to_send() == b""  # a response is never answered
    assert pair.smsc.state is BindState.BOUND_TRX


# -- timers -----------------------------------------------------------------------------------


def test_unanswered_request_times_out_at_its_deadline() -> None:
    cfg = SessionConfig(response_timeout=5.0, enquire_link_interval=30.0)
    pair = bound_pair(smsc=cfg, now=100.0)
    pair.smsc.send(deliver(), 100.0, "ctx")
    request = requests(pair.deliver(pair.smsc))[0]
    assert pair.smsc.next_deadline() == 105.0
    assert pair.smsc.handle_timer(104.999) == []
    assert pair.smsc.outstanding == 1
    (ev,) = pair.smsc.handle_timer(105.0)
    assert isinstance(ev, RequestTimedOut) and ev.context == "ctx"
    assert ev.request.sequence_number == request.sequence_number
    assert pair.smsc.outstanding == 0
    assert pair.smsc.next_deadline() == 130.0  # back to the enquire_link timer
    # An answer after the timeout matches nothing any more.
    events = pair.send(pair.esme, pdu.DeliverSmResp(sequence_number=request.sequence_number))
    assert [type(e) for e in events] == [UnexpectedResponse]


def test_timeouts_are_reported_oldest_first_and_only_when_due() -> None:
    pair = bound_pair(smsc=SessionConfig(response_timeout=10.0))
    pair.smsc.send(deliver(), 0.0, "a")
    pair.smsc.send(deliver(), 1.0, "b")
    pair.smsc.send(deliver(), 2.0, "c")
    events = pair.smsc.handle_timer(11.5)
    assert [e.context for e in of_type(events, RequestTimedOut)] == ["a", "b"]
    assert pair.smsc.next_deadline() == 12.0


def test_server_sends_enquire_link_after_the_interval_of_silence() -> None:
    cfg = SessionConfig(enquire_link_interval=30.0, inactivity_timeout=300.0)
    pair = bound_pair(smsc=cfg)
    assert pair.smsc.next_deadline() == 30.0
    _, events = pair.advance(29.9)
    assert events == [] and pair.smsc.data_to_send() == b""
    _, events = pair.advance(0.1)
    assert events == []
    (probe,) = frames(pair.smsc.data_to_send())
    assert type(probe) is pdu.EnquireLink
    pair.esme.receive_data(pdu.encode(probe), pair.now)
    # The answer is absorbed (no event); the ESME's own probe, due at the same time, is one.
    assert pair.deliver(pair.esme) == [EnquireLinkReceived()]
    assert pair.smsc.outstanding == 0
    assert pair.smsc.next_deadline() == 60.0


def test_traffic_from_the_peer_postpones_the_enquire_link() -> None:
    pair = bound_pair(smsc=SessionConfig(enquire_link_interval=30.0))
    pair.now = 20.0
    pair.send(pair.esme, submit())
    assert pair.smsc.next_deadline() == 50.0
    pair.smsc.handle_timer(30.0)
    assert pair.smsc.data_to_send() == b""


def test_no_enquire_link_while_open() -> None:
    pair = ConnectionPair(smsc=SessionConfig(enquire_link_interval=5.0))
    pair.advance(6.0)
    assert pair.smsc.data_to_send() == b""
    assert pair.esme.data_to_send() == b""


def test_inactivity_timeout_closes_the_session() -> None:
    cfg = SessionConfig(enquire_link_interval=30.0, inactivity_timeout=100.0)
    pair = bound_pair(smsc=cfg)
    for _ in range(3):  # the peer never answers the probes
        pair.advance(30.0)
        pair.smsc.data_to_send()
    assert not pair.smsc.closed
    assert pair.smsc.next_deadline() == 100.0
    _, events = pair.advance(10.0)
    assert [type(e) for e in events] == [Closed]
    assert "inactivity" in events[0].reason  # type: ignore[union-attr]
    assert pair.smsc.closed and pair.smsc.next_deadline() is None


def test_answered_enquire_links_keep_an_idle_session_open() -> None:
    cfg = SessionConfig(enquire_link_interval=30.0, inactivity_timeout=100.0)
    pair = bound_pair(smsc=cfg)
    for _ in range(10):
        pair.advance(30.0)
        pair.deliver(pair.smsc)
        pair.deliver(pair.esme)
    assert pair.smsc.state is BindState.BOUND_TRX


def test_session_init_timeout_closes_an_unbound_smsc_session() -> None:
    pair = ConnectionPair(
        smsc=SessionConfig(session_init_timeout=10.0), esme=SessionConfig(session_init_timeout=10.0)
    )
    assert pair.smsc.next_deadline() == 10.0
    esme_events, smsc_events = pair.advance(9.5)
    assert smsc_events == []
    esme_events, smsc_events = pair.advance(0.5)
    assert [type(e) for e in smsc_events] == [Closed]
    assert "session-init" in smsc_events[0].reason  # type: ignore[union-attr]
    assert esme_events == [] and not pair.esme.closed  # the ESME side has no such timer


def test_session_init_timeout_does_not_apply_once_bound() -> None:
    pair = bound_pair(smsc=SessionConfig(session_init_timeout=10.0, enquire_link_interval=60.0))
    _, events = pair.advance(20.0)
    assert events == [] and pair.smsc.state is BindState.BOUND_TRX


def test_a_timer_that_fired_moves_the_deadline_forward() -> None:
    pair = bound_pair(smsc=SessionConfig(enquire_link_interval=30.0))
    pair.smsc.handle_timer(30.0)
    deadline = pair.smsc.next_deadline()
    assert deadline is not None and deadline > 30.0


# Regression: the deadline stayed in the past and a timer-driven adapter spun.
def test_enquire_link_due_with_a_full_window_does_not_leave_a_past_deadline() -> None:
    cfg = SessionConfig(window_size=1, response_timeout=60.0, enquire_link_interval=30.0)
    pair = bound_pair(smsc=cfg)
    pair.smsc.send(deliver(), 0.0)
    pair.smsc.handle_timer(30.0)
    deadline = pair.smsc.next_deadline()
    assert deadline is not None and deadline > 30.0


# -- unbind and closing -----------------------------------------------------------------------


def test_unbind_answers_in_flight_requests_before_unbind_resp() -> None:
    pair = bound_pair()
    pair.esme.send(submit(b"1"), 0)
    pair.esme.send(submit(b"2"), 0)
    unbind_seq = pair.esme.send(pdu.Unbind(), 0)
    assert pair.esme.state is BindState.UNBINDING
    events = pair.deliver(pair.esme)
    assert [type(e) for e in events] == [pdu.SubmitSm, pdu.SubmitSm, UnbindRequested]
    assert pair.smsc.state is BindState.UNBINDING
    assert pair.smsc.data_to_send() == b""  # unbind_resp waits for the two submit_sm_resp
    first, second = requests(events)
    pair.smsc.send(pdu.SubmitSmResp(message_id="2", sequence_number=second.sequence_number), 0)
    early = pair.smsc.data_to_send()
    assert [type(p) for p in frames(early)] == [pdu.SubmitSmResp]
    assert [type(e) for e in pair.esme.receive_data(early, 0)] == [ResponseReceived]
    pair.smsc.send(pdu.SubmitSmResp(message_id="1", sequence_number=first.sequence_number), 0)
    out = pair.smsc.data_to_send()
    assert frames(out) == [
        pdu.SubmitSmResp(message_id="1", sequence_number=first.sequence_number),
        pdu.UnbindResp(sequence_number=unbind_seq),
    ]
    esme_events = pair.esme.receive_data(out, 0)
    assert [type(e) for e in esme_events] == [ResponseReceived, Closed]
    closed = esme_events[1]
    assert isinstance(closed, Closed) and closed.reason == "unbound" and closed.lost == ()


def test_unbind_with_nothing_in_flight_is_answered_at_once() -> None:
    pair = bound_pair(pdu.BindReceiver)
    events = pair.send(pair.smsc, pdu.Unbind())
    assert [type(e) for e in events] == [UnbindRequested]
    assert frames(pair.esme.data_to_send()) == [pdu.UnbindResp(sequence_number=1)]


def test_new_requests_after_unbind_are_refused() -> None:
    pair = bound_pair()
    pair.send(pair.esme, pdu.Unbind())
    pair.smsc.data_to_send()
    events = pair.smsc.receive_data(
        pdu.encode(pdu.SubmitSm(destination_addr="1", sequence_number=9)), 0
    )
    assert not requests(events)
    assert frames(pair.smsc.data_to_send()) == [
        pdu.SubmitSmResp(sequence_number=9, command_status=S.ESME_RINVBNDSTS)
    ]
    with pytest.raises(LocalProtocolError):
        pair.smsc.send(deliver(), 0)


def test_unbind_without_unbind_resp_closes_at_the_unbind_timeout() -> None:
    pair = bound_pair(esme=SessionConfig(unbind_timeout=10.0, response_timeout=30.0))
    pair.esme.send(pdu.Unbind(), 0.0)
    assert pair.esme.next_deadline() == 10.0
    assert pair.esme.handle_timer(9.0) == []
    (ev,) = pair.esme.handle_timer(10.0)
    assert isinstance(ev, Closed) and ev.lost == ()


def test_peer_unbind_waiting_on_our_answer_closes_at_the_unbind_timeout() -> None:
    pair = bound_pair(smsc=SessionConfig(unbind_timeout=10.0))
    pair.send(pair.esme, submit())
    pair.send(pair.esme, pdu.Unbind())
    (ev,) = pair.smsc.handle_timer(10.0)
    assert isinstance(ev, Closed)


def test_closed_carries_the_requests_that_never_got_an_answer() -> None:
    pair = bound_pair()
    pair.smsc.send(deliver(b"a"), 0, "a")
    pair.smsc.send(pdu.EnquireLink(), 0)
    pair.smsc.send(deliver(b"b"), 0, "b")
    (ev,) = pair.smsc.connection_lost("peer reset")
    assert isinstance(ev, Closed) and ev.reason == "peer reset"
    # Our enquire_link is not worth retrying: only the deliveries come back.
    assert [p.context for p in ev.lost] == ["a", "b"]
    assert [p.request.short_message for p in ev.lost] == [b"a", b"b"]  # type: ignore[attr-defined]
    assert pair.smsc.connection_lost() == []  # closing twice reports nothing new
    assert pair.smsc.outstanding == 0


# -- SMPP 3.3 peers and limits ----------------------------------------------------------------


def test_no_tlvs_towards_a_peer_that_bound_as_smpp_3_3() -> None:
    pair = ConnectionPair()
    pair.esme.send(pdu.BindReceiver(system_id="old", interface_version=0x33), 0)
    (bind,) = pair.deliver(pair.esme)
    pair.smsc.send(
        pdu.BindReceiverResp(
            system_id="smsc", sequence_number=bind.sequence_number, sc_interface_version=0x34
        ),
        0,
    )
    pair.smsc.send(deliver(b"id:1 stat:DELIVRD"), 0)
    receipt = pdu.DeliverSm(
        destination_addr="1", esm_class=4, receipted_message_id="abc", message_state=2
    )
    pair.smsc.send(receipt, 0)
    resp, _, got = frames(pair.smsc.data_to_send())
    assert resp == pdu.BindReceiverResp(system_id="smsc", sequence_number=bind.sequence_number)
    assert resp.sc_interface_version is None  # type: ignore[attr-defined]
    assert got.receipted_message_id is None and got.message_state is None  # type: ignore[attr-defined]
    assert got.esm_class == 4  # type: ignore[attr-defined]


def test_tlvs_are_kept_towards_a_3_4_peer() -> None:
    pair = bound_pair(pdu.BindReceiver)
    pair.smsc.send(pdu.DeliverSm(destination_addr="1", receipted_message_id="abc"), 0)
    (got,) = frames(pair.smsc.data_to_send())
    assert got.receipted_message_id == "abc"  # type: ignore[attr-defined]


def test_requests_beyond_max_inbound_pending_get_the_configured_status() -> None:
    cfg = SessionConfig(max_inbound_pending=2, inbound_full_status=S.ESME_RTHROTTLED)
    pair = bound_pair(smsc=cfg)
    for _ in range(3):
        pair.esme.send(submit(), 0)
    events = pair.deliver(pair.esme)
    assert len(requests(events)) == 2
    assert frames(pair.smsc.data_to_send()) == [
        pdu.SubmitSmResp(sequence_number=4, command_status=S.ESME_RTHROTTLED)
    ]
    assert pair.smsc.inbound_pending == 2
    # enquire_link is still answered when full: it is not queued work.
    pair.send(pair.esme, pdu.EnquireLink())
    assert [type(p) for p in frames(pair.smsc.data_to_send())] == [pdu.EnquireLinkResp]
    first = requests(events)[0]
    pair.smsc.send(pdu.SubmitSmResp(message_id="1", sequence_number=first.sequence_number), 0)
    pair.smsc.data_to_send()
    assert len(requests(pair.send(pair.esme, submit()))) == 1


def test_apply_limits_changes_the_window_and_the_inbound_cap() -> None:
    pair = bound_pair()
    pair.smsc.apply_limits(
        window_size=1, max_inbound_pending=1, inbound_full_status=S.ESME_RMSGQFUL
    )
    pair.smsc.send(deliver(), 0)
    with pytest.raises(WindowFull):
        pair.smsc.send(deliver(), 0)
    pair.esme.send(submit(), 0)
    pair.esme.send(submit(), 0)
    pair.deliver(pair.esme)
    statuses = [p.command_status for p in frames(pair.smsc.data_to_send()) if p.is_response]
    assert statuses == [S.ESME_RMSGQFUL]


def test_an_esme_whose_bind_gets_no_answer_closes_instead_of_guessing() -> None:
    # Regression: a late bind_resp used to bind the SMSC end while the ESME end stayed OPEN.
    pair = ConnectionPair(esme=SessionConfig(response_timeout=5.0))
    pair.esme.send(pdu.BindTransceiver(system_id="esme", password="pw"), pair.now)
    pair.deliver(pair.esme)  # the SMSC received it and does not answer
    esme_events, _ = pair.advance(5.0)
    assert [type(e) for e in esme_events] == [RequestTimedOut, Closed]
    assert pair.esme.closed
    assert of_type(esme_events, Closed)[0].reason == "no bind response"


# -- requests sent already encoded (store-and-forward) ----------------------------------------


def receipt_like() -> pdu.DeliverSm:
    r = deliver(b"id:1 stat:DELIVRD")
    r.esm_class = 0x04
    r.receipted_message_id = "1"
    r.message_state = 2
    return r


def test_a_stored_encoding_is_sent_with_this_sessions_sequence_number() -> None:
    pair = bound_pair()
    pair.smsc.send(deliver(b"first"), pair.now)  # the window's seq moves on to 2
    kept = receipt_like()
    kept.short_message = b"id:1 stat:DELIVRD (as stored)"
    stored = pdu.encode(kept)  # as the store keeps it: sequence_number 0
    seq = pair.smsc.send(receipt_like(), pair.now, "ctx", encoded=stored)
    sent = pair.smsc.data_to_send()
    kept.sequence_number = seq
    assert seq == 2 and sent.endswith(pdu.encode(kept))  # the stored bytes, renumbered
    got = [e for e in pair.esme.receive_data(sent, pair.now) if isinstance(e, pdu.DeliverSm)]
    assert [g.sequence_number for g in got] == [1, 2]
    assert got[1].short_message == b"id:1 stat:DELIVRD (as stored)"


def test_a_stored_encoding_with_tlvs_is_not_sent_to_a_3_3_peer() -> None:
    pair = ConnectionPair()
    pair.bind(pdu.BindTransceiver, interface_version=0x33)
    stored = pdu.encode(receipt_like())
    pair.smsc.send(receipt_like(), pair.now, None, encoded=stored)
    (got,) = [e for e in pair.deliver(pair.smsc) if isinstance(e, pdu.DeliverSm)]
    assert got.receipted_message_id is None and got.message_state is None  # TLVs stripped
    assert got.short_message == b"id:1 stat:DELIVRD"

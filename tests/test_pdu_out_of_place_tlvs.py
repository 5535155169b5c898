"""A known TLV in a PDU that does not carry it: refused as SMPP 3.4 asks, or set aside as
SMPP 5.0 asks (5.0 facts, TLV handling: "tag known but not expected in this PDU: ignore").

The codec refuses by default (ESME_ROPTPARNOTALLWD); ``decode(..., out_of_place_tlvs="keep")``
and a framer in that mode decode the rest of the PDU and keep the stray TLVs raw in
``extra_tlvs``. The session switches to "keep" when it runs at 5.0 (test_session_versions).
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import any_pdu

import pdu
from pdu import CommandStatus as S
from pdu import Framer, PduError
from pdu._runtime import _encode_tlvs
from pdu.tlv import TLV_SPECS

# Tags SMPP 3.4 defines (so a 3.4 decoder refuses them where they do not belong).
KNOWN_34 = {s.tag: s.name for s in TLV_SPECS if s.allowed_in_34}


def out_of_place_tags(command_id: int) -> list[int]:
    here = {s.tag for s in TLV_SPECS if command_id in s.allowed_in}
    return sorted(set(KNOWN_34) - here)


def tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


def boundaries(frame: bytes, body_end: int) -> list[int]:
    """The offsets where a TLV may be put: after the mandatory body and after each TLV."""
    out = [body_end]
    p = body_end
    while p < len(frame):
        (length,) = struct.unpack_from(">H", frame, p + 2)
        p += 4 + length
        out.append(p)
    return out


def with_length(frame: bytes) -> bytes:
    return struct.pack(">I", len(frame)) + frame[4:]


@st.composite
def strays(draw: st.DrawFn) -> tuple[pdu.Pdu, bytes, tuple[tuple[int, bytes], ...]]:
    """A PDU that carries a body, the same PDU on the wire with one to three known TLVs it
    does not carry put between its own TLVs, and those TLVs in wire order."""
    p = draw(any_pdu)
    assume(p.command_status == 0)
    tags = out_of_place_tags(p.command_id)
    frame = pdu.encode(p)
    body_end = len(frame) - len(_encode_tlvs(p))  # where its TLVs begin
    spots = boundaries(frame, body_end)
    inserts = draw(
        st.lists(
            st.tuples(
                st.sampled_from(range(len(spots))),
                st.sampled_from(tags),
                st.binary(max_size=12),
            ),
            min_size=1,
            max_size=3,
        )
    )
    # Build the frame from its end so that earlier offsets stay true; equal spots keep the
    # drawn order.
    ordered = sorted(enumerate(inserts), key=lambda e: (e[1][0], e[0]))
    out = frame
    for _, (spot, tag, value) in reversed(ordered):
        at = spots[spot]
        out = out[:at] + tlv(tag, value) + out[at:]
    wire = tuple((tag, value) for _, (_, tag, value) in ordered)
    return p, with_length(out), wire


@given(strays())
def test_a_stray_known_tlv_is_refused_by_default_and_set_aside_on_request(
    case: tuple[pdu.Pdu, bytes, tuple[tuple[int, bytes], ...]],
) -> None:
    p, frame, wire = case
    with pytest.raises(PduError) as info:
        pdu.decode(frame)
    assert info.value.command_status == S.ESME_ROPTPARNOTALLWD
    assert info.value.field == KNOWN_34[wire[0][0]]  # the first one on the wire
    got = pdu.decode(frame, out_of_place_tlvs="keep")
    expected = pdu.decode(pdu.encode(p))
    expected.extra_tlvs = (*expected.extra_tlvs, *wire)
    assert got == expected


@given(strays())
def test_a_framer_in_keep_mode_sets_stray_tlvs_aside_and_keeps_the_frame(
    case: tuple[pdu.Pdu, bytes, tuple[tuple[int, bytes], ...]],
) -> None:
    # Between two other PDUs in one chunk, so that the stray TLVs lie past the chunk's start.
    p, frame, wire = case
    leader = pdu.encode(pdu.EnquireLink(sequence_number=6))
    follower = pdu.encode(pdu.EnquireLink(sequence_number=7))
    (_, refused, nxt) = Framer().feed_pdus(leader + frame + follower)
    assert isinstance(refused, PduError)
    assert refused.command_status == S.ESME_ROPTPARNOTALLWD
    assert nxt == pdu.EnquireLink(sequence_number=7)
    framer = Framer(keep_raw=True, out_of_place_tlvs="keep")
    (_, got, nxt) = framer.feed_pdus(leader + frame + follower)
    expected = pdu.decode(pdu.encode(p))
    expected.extra_tlvs = (*expected.extra_tlvs, *wire)
    assert got == expected
    assert isinstance(got, pdu.Pdu) and got.raw == frame  # as received, stray TLVs and all
    assert nxt == pdu.EnquireLink(sequence_number=7)


def test_setting_a_stray_aside_does_not_hide_what_else_is_wrong() -> None:
    # message_state does not belong in submit_sm; sar_msg_ref_num takes 2 octets, not 1.
    good = pdu.encode(pdu.SubmitSm(source_addr="1", destination_addr="2", short_message=b"hi"))
    bad_sar = tlv(int(pdu.Tag.sar_msg_ref_num), b"\x01")
    frame = with_length(good + tlv(int(pdu.Tag.message_state), b"\x02") + bad_sar)
    with pytest.raises(PduError) as strict:
        pdu.decode(frame)
    assert strict.value.command_status == S.ESME_ROPTPARNOTALLWD
    with pytest.raises(PduError) as without_stray:
        pdu.decode(with_length(good + bad_sar))
    with pytest.raises(PduError) as kept:
        pdu.decode(frame, out_of_place_tlvs="keep")
    assert kept.value == without_stray.value
    assert kept.value.field == "sar_msg_ref_num"
    (err,) = Framer(out_of_place_tlvs="keep").feed_pdus(frame)
    assert err == without_stray.value

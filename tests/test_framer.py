"""The streaming framer: TCP chunks in, whole PDUs out (facts 0: one read may hold a partial
PDU or several).

Properties over arbitrary chunkings (1-octet chunks, empty chunks, bytearray and memoryview
pieces), the memory bound (``buffered`` stays below ``max_command_length`` whatever arrives,
and command_length is judged as soon as its 4 octets are in), framing faults after good PDUs,
and ``feed_pdus`` decoding in place exactly as ``pdu.decode`` does frame by frame.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pdu

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ENQUIRE_LINK_1 = bytes.fromhex("00000010 00000015 00000000 00000001")
ENQUIRE_LINK_RESP_2 = bytes.fromhex("00000010 80000015 00000000 00000002")

# A pool of PDUs of very different sizes; the framer only sees their command_length.
POOL: list[pdu.Pdu] = [
    pdu.EnquireLink(sequence_number=1),
    pdu.GenericNack(sequence_number=2, command_status=pdu.CommandStatus.ESME_RINVCMDID),
    pdu.BindTransceiverResp(sequence_number=3, system_id="smsc", sc_interface_version=0x34),
    pdu.SubmitSm(
        sequence_number=4,
        source_addr="12345",
        destination_addr="67890",
        short_message=b"A\x00B" * 80,  # octets equal to 0x00 inside the body
    ),
    pdu.SubmitSm(sequence_number=5, destination_addr="2", message_payload=bytes(range(256)) * 8),
    pdu.DeliverSm(
        sequence_number=6,
        source_addr="2",
        destination_addr="1",
        esm_class=4,
        short_message=b"id:abc stat:DELIVRD",
        receipted_message_id="abc",
        message_state=2,
        extra_tlvs=((0x1400, b"\x00\x00\x00\x10"),),  # looks like a command_length
    ),
    pdu.SubmitMulti(
        sequence_number=7,
        dest_address=[pdu.SmeAddress(1, 1, "2"), pdu.DistributionList("dl")],
    ),
    pdu.DeliverSmResp(sequence_number=8),
]
FRAMES = [pdu.encode(p) for p in POOL]

ChunkType = Callable[[bytes], bytes | bytearray | memoryview]
CHUNK_TYPES: list[ChunkType] = [bytes, bytearray, memoryview]


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut at the given offsets; repeated offsets give empty chunks."""
    points = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(points)]


@st.composite
def chunked_stream(draw: st.DrawFn) -> tuple[list[int], list[bytes | bytearray | memoryview]]:
    """Indexes into POOL, and their concatenated encodings cut into typed chunks."""
    picks = draw(st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=8))
    data = b"".join(FRAMES[i] for i in picks)
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=40))
    kinds = draw(st.lists(st.sampled_from(CHUNK_TYPES), min_size=len(cuts) + 1))
    return picks, [kind(c) for kind, c in zip(kinds, split(data, cuts), strict=False)]


@SETTINGS
@given(chunked_stream())
def test_frames_come_out_whole_and_in_order_from_any_chunking(
    case: tuple[list[int], list[bytes | bytearray | memoryview]],
) -> None:
    picks, chunks = case
    framer = pdu.Framer()
    got: list[bytes] = []
    for chunk in chunks:
        out = framer.feed(chunk)  # type: ignore[arg-type]
        assert all(type(f) is bytes for f in out)
        got += out
        assert framer.buffered < framer.max_command_length
    assert got == [FRAMES[i] for i in picks]
    assert framer.buffered == 0


@SETTINGS
@given(chunked_stream())
def test_feed_pdus_decodes_whole_pdus_from_any_chunking(
    case: tuple[list[int], list[bytes | bytearray | memoryview]],
) -> None:
    picks, chunks = case
    framer = pdu.Framer()
    got: list[pdu.Pdu | pdu.PduError] = []
    for chunk in chunks:
        got += framer.feed_pdus(chunk)  # type: ignore[arg-type]
        assert framer.buffered < framer.max_command_length
    assert got == [POOL[i] for i in picks]
    assert framer.buffered == 0


@pytest.mark.parametrize("method", ["feed", "feed_pdus"])
def test_one_octet_chunks(method: str) -> None:
    framer = pdu.Framer()
    feed = getattr(framer, method)
    data = b"".join(FRAMES)
    got = []
    for i in range(len(data)):
        got += feed(data[i : i + 1])
    assert got == (FRAMES if method == "feed" else POOL)


def test_several_pdus_in_one_chunk() -> None:
    framer = pdu.Framer()
    assert framer.feed(b"".join(FRAMES)) == FRAMES
    assert framer.feed_pdus(b"".join(FRAMES)) == POOL
    assert framer.buffered == 0


def test_partial_pdu_is_held_across_calls() -> None:
    framer = pdu.Framer()
    submit = FRAMES[3]
    assert framer.feed(ENQUIRE_LINK_1 + submit[:10]) == [ENQUIRE_LINK_1]
    assert framer.buffered == 10
    assert framer.feed(submit[10:100]) == []
    assert framer.buffered == 100
    assert framer.feed(submit[100:] + ENQUIRE_LINK_RESP_2[:3]) == [submit]
    assert framer.buffered == 3  # not even command_length is readable yet
    assert framer.feed(ENQUIRE_LINK_RESP_2[3:]) == [ENQUIRE_LINK_RESP_2]
    assert framer.buffered == 0


def test_partial_header_is_held_by_feed_pdus() -> None:
    framer = pdu.Framer()
    assert framer.feed_pdus(ENQUIRE_LINK_1[:15]) == []
    assert framer.buffered == 15
    assert framer.feed_pdus(ENQUIRE_LINK_1[15:]) == [pdu.EnquireLink(sequence_number=1)]


def test_feed_and_feed_pdus_share_one_stream() -> None:
    framer = pdu.Framer()
    assert framer.feed(ENQUIRE_LINK_1 + ENQUIRE_LINK_RESP_2[:7]) == [ENQUIRE_LINK_1]
    assert framer.feed_pdus(ENQUIRE_LINK_RESP_2[7:]) == [pdu.EnquireLinkResp(sequence_number=2)]


# --- the memory bound ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["feed", "feed_pdus"])
def test_huge_command_length_fails_as_soon_as_its_four_octets_arrive(method: str) -> None:
    framer = pdu.Framer()
    feed = getattr(framer, method)
    ten_mb = struct.pack(">I", 10_000_000)
    for octet in ten_mb[:3]:
        assert feed(bytes([octet])) == []
    # The fourth octet completes command_length: rejected before any body arrives.
    if method == "feed":
        with pytest.raises(pdu.FramingError) as info:
            feed(ten_mb[3:])
        err = info.value
    else:
        (err,) = feed(ten_mb[3:])
        assert isinstance(err, pdu.FramingError)
    assert err.command_status == pdu.CommandStatus.ESME_RINVCMDLEN
    assert framer.buffered == 0


def test_huge_command_length_in_one_four_octet_chunk() -> None:
    framer = pdu.Framer()
    with pytest.raises(pdu.FramingError):
        framer.feed(struct.pack(">I", 10 * 1024 * 1024))
    assert framer.buffered == 0


def test_pdu_of_exactly_the_maximum_is_buffered_below_it() -> None:
    body = b"x" * 84
    big = struct.pack(">IIII", 100, 0x00010200, 0, 1) + body  # framing ignores command_id
    framer = pdu.Framer(max_command_length=100)
    for i in range(0, 99, 9):
        assert framer.feed(big[i : min(i + 9, 99)]) == []
        assert framer.buffered < 100
    assert framer.feed(big[99:]) == [big]


def test_max_command_length_below_16_is_refused() -> None:
    with pytest.raises(ValueError, match="16"):
        pdu.Framer(max_command_length=15)


@st.composite
def hostile_stream(draw: st.DrawFn) -> list[bytes]:
    """Plausible PDUs (lengths near the maximum of 64), then arbitrary octets, cut anywhere."""
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        length = draw(st.integers(16, 64))
        parts.append(
            struct.pack(">I", length) + draw(st.binary(min_size=length - 4, max_size=length - 4))
        )
    parts.append(draw(st.binary(max_size=200)))
    data = b"".join(parts)
    cuts = draw(st.lists(st.integers(0, len(data)), max_size=30))
    return split(data, cuts)


@SETTINGS
@given(hostile_stream(), st.sampled_from(["feed", "feed_pdus"]))
def test_buffered_stays_below_the_maximum_whatever_arrives(
    chunks: list[bytes], method: str
) -> None:
    framer = pdu.Framer(max_command_length=64)
    feed = getattr(framer, method)
    fed = framed = 0
    for chunk in chunks:
        try:
            out = feed(chunk)
        except pdu.FramingError:
            break
        fed += len(chunk)
        if out and isinstance(out[-1], pdu.FramingError):
            break
        if method == "feed":
            framed += sum(len(f) for f in out)
            # No octet lost or duplicated: frames plus the held tail are what came in.
            assert framed + framer.buffered == fed
        assert framer.buffered < 64
    assert framer.buffered < 64


# --- framing faults --------------------------------------------------------------------------


def test_framing_fault_after_valid_pdus_in_the_same_chunk_keeps_those_frames() -> None:
    bad = bytes.fromhex("0000000F 00000004 00000000 00000009")  # command_length 15
    framer = pdu.Framer()
    with pytest.raises(pdu.FramingError) as info:
        framer.feed(ENQUIRE_LINK_1 + ENQUIRE_LINK_RESP_2 + bad + ENQUIRE_LINK_1)
    assert info.value.frames == [ENQUIRE_LINK_1, ENQUIRE_LINK_RESP_2]  # type: ignore[attr-defined]
    assert info.value.sequence_number == 9


def test_framing_fault_ends_the_feed_pdus_list() -> None:
    framer = pdu.Framer(max_command_length=1000)
    out = framer.feed_pdus(ENQUIRE_LINK_1 + struct.pack(">I", 1001) + ENQUIRE_LINK_RESP_2)
    assert out[0] == pdu.EnquireLink(sequence_number=1)
    assert isinstance(out[1], pdu.FramingError)
    assert not out[1].recoverable
    assert len(out) == 2


@pytest.mark.parametrize("method", ["feed", "feed_pdus"])
def test_broken_framer_raises_again_on_every_later_call(method: str) -> None:
    framer = pdu.Framer()
    with pytest.raises(pdu.FramingError) as first:
        framer.feed(struct.pack(">IIII", 3, 0x15, 0, 1))
    for data in (b"", ENQUIRE_LINK_1, ENQUIRE_LINK_1 * 3):
        with pytest.raises(pdu.FramingError) as again:
            getattr(framer, method)(data)
        assert again.value == first.value
    assert framer.buffered == 0


def test_feed_pdus_yields_recoverable_errors_in_place_and_goes_on() -> None:
    bad_body = struct.pack(">IIII", 17, 0x00000004, 0, 3) + b"\x00"  # submit_sm cut short
    unknown = struct.pack(">IIII", 16, 0x00010200, 0, 4)
    framer = pdu.Framer()
    out = framer.feed_pdus(ENQUIRE_LINK_1 + bad_body + unknown + ENQUIRE_LINK_RESP_2[:8])
    assert out[0] == pdu.EnquireLink(sequence_number=1)
    assert isinstance(out[1], pdu.PduError) and out[1].recoverable
    assert (out[1].command_status, out[1].sequence_number) == (pdu.CommandStatus.ESME_RINVCMDLEN, 3)
    assert isinstance(out[2], pdu.PduError) and out[2].recoverable
    assert (out[2].command_status, out[2].sequence_number) == (pdu.CommandStatus.ESME_RINVCMDID, 4)
    assert len(out) == 3
    # The stream goes on after recoverable errors.
    assert framer.feed_pdus(ENQUIRE_LINK_RESP_2[8:]) == [pdu.EnquireLinkResp(sequence_number=2)]


# --- in-place decoding agrees with decode() -------------------------------------------------

COMMAND_IDS = [*sorted(pdu.CLASSES), 0x0000000A, 0x00010200]


@st.composite
def frame_any(draw: st.DrawFn) -> bytes:
    """A well-framed PDU whose body may be valid, truncated, extended or random."""
    how = draw(st.sampled_from(["valid", "cut", "extended", "random"]))
    if how == "random":
        cid = draw(st.sampled_from(COMMAND_IDS))
        body = draw(st.binary(max_size=80))
        seq = draw(st.integers(0, 0xFFFFFFFF))
        return struct.pack(">IIII", 16 + len(body), cid, 0, seq) + body
    raw = draw(st.sampled_from(FRAMES))
    body = raw[16:]
    if how == "cut":
        body = body[: draw(st.integers(0, len(body)))]
    elif how == "extended":
        body += draw(st.binary(min_size=1, max_size=12))
    return struct.pack(">I", 16 + len(body)) + raw[4:16] + body


def decode_or_error(frame: bytes) -> pdu.Pdu | pdu.PduError:
    try:
        return pdu.decode(frame)
    except pdu.PduError as e:
        return e


def comparable(item: pdu.Pdu | pdu.PduError) -> object:
    """A PDU, or an error compared on everything the answer and the log use."""
    if isinstance(item, pdu.PduError):
        return (type(item), item.command_status, item.sequence_number, item.command_id, item.field)
    return item


@SETTINGS
@given(st.lists(frame_any(), min_size=1, max_size=6), st.data())
def test_feed_pdus_agrees_with_decode_frame_by_frame(
    frames: list[bytes], data: st.DataObject
) -> None:
    # The framer decodes in place, with the next PDU's octets right after the end: a decoder
    # that reads past its PDU would disagree with decode() of the frame alone.
    stream = b"".join(frames)
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=10))
    framer = pdu.Framer()
    got: list[pdu.Pdu | pdu.PduError] = []
    for chunk in split(stream, cuts):
        got += framer.feed_pdus(chunk)
    assert [comparable(x) for x in got] == [comparable(decode_or_error(f)) for f in frames]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("00", "source_addr_ton"),
        ("00 01", "source_addr_npi"),
        ("00 01 01", "source_addr"),
    ],
)
def test_submit_multi_cut_short_names_the_same_field_in_place(body: str, field: str) -> None:
    raw = bytes.fromhex(body)
    cut = struct.pack(">IIII", 16 + len(raw), pdu.CommandId.submit_multi, 0, 9) + raw
    with pytest.raises(pdu.PduError) as alone:
        pdu.decode(cut)
    assert alone.value.field == field
    (in_place, _) = pdu.Framer().feed_pdus(cut + ENQUIRE_LINK_1)
    assert isinstance(in_place, pdu.PduError)
    assert in_place.field == field

"""Properties of the PDU codec over generated PDUs, mutated PDUs and arbitrary bytes.

* decode(encode(p)) == p and encode(decode(b)) == b for every PDU class;
* the generated fast decoder and the table-driven reference decoder give the same answer on
  every input, alone (``pdu.decode``) and in a byte stream (``Framer.feed_pdus``);
* a stream of arbitrary bytes cut at arbitrary points yields PDUs and PduErrors only, the
  same ones however it is cut, with the framer's buffer bounded;
* the encoder never emits bytes our own decoder rejects; it raises EncodeError instead;
* error_response never answers a response or generic_nack.

Each codec bug these properties found has a regression test at the end of the file, named
after the behaviour, with its minimal input.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable
from typing import Any

import pytest
import strategies as S  # noqa: N812  (short: used on every line)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pdu
from pdu import CommandId, CommandStatus, EncodeError, Framer, FramingError, Pdu, PduError
from pdu._runtime import _encode_tlvs
from pdu.reference import reference_decode
from pdu.tlv import SPECS_BY_TAG, TLV_SPECS

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(SETTINGS, max_examples=300)

HEADER = struct.Struct(">IIII")
RESPONSE_BIT = 0x80000000

Outcome = Pdu | PduError


def outcome(fn: Callable[[], Pdu]) -> Outcome:
    try:
        return fn()
    except PduError as e:
        return e


def with_length(frame: bytes | bytearray) -> bytes:
    """The frame with command_length set to its real length."""
    return len(frame).to_bytes(4, "big") + bytes(frame[4:])


def assert_same(ours: Outcome, ref: Outcome, frame: bytes) -> None:
    if isinstance(ref, PduError):
        assert isinstance(ours, PduError), f"{frame.hex()}: fast {ours!r}, reference {ref!r}"
        # PduError equality: type, command_status, sequence_number, command_id and field.
        assert ours == ref, f"{frame.hex()}: fast {ours!r}, reference {ref!r}"
    else:
        assert type(ours) is type(ref), f"{frame.hex()}: fast {ours!r}, reference {ref!r}"
        assert ours == ref, f"{frame.hex()}: fast {ours!r}, reference {ref!r}"


# -- (a), (b): round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("cls", S.PDU_CLASSES, ids=lambda c: c.__name__)
@SETTINGS
@given(data=st.data())
def test_decode_inverts_encode(cls: type[Pdu], data: st.DataObject) -> None:
    p = data.draw(S.pdus_of(cls))
    frame = pdu.encode(p)
    assert HEADER.unpack_from(frame)[0] == len(frame)
    back = pdu.decode(frame)
    assert type(back) is cls
    assert back == p


@pytest.mark.parametrize("cls", S.PDU_CLASSES, ids=lambda c: c.__name__)
@SETTINGS
@given(data=st.data())
def test_encode_inverts_decode(cls: type[Pdu], data: st.DataObject) -> None:
    # Bytes from the encoder, so every byte (TLV order, vendor TLVs, repeats) is ours to keep.
    frame = pdu.encode(data.draw(S.pdus_of(cls)))
    assert pdu.encode(pdu.decode(frame)) == frame


def test_header_only_responses_decode_to_empty_bodies() -> None:
    # Facts 2.6: a response with command_status != 0 may come header-only, whatever its type.
    for cls in S.PDU_CLASSES:
        if not cls.command_id & RESPONSE_BIT:
            continue
        frame = HEADER.pack(16, cls.command_id, 0x45, 9)
        assert pdu.decode(frame) == cls(sequence_number=9, command_status=0x45)
        assert pdu.decode(frame) == reference_decode(frame, 0, 16)


# -- (c): fast decoder == reference decoder --------------------------------------------------


def tlv_offset(p: Pdu) -> int:
    """Where the TLV part of ``encode(p)`` starts (a PDU with mandatory TLVs cannot be
    encoded without them, so the TLV part is measured instead)."""
    frame = pdu.encode(p)
    if len(frame) == 16 or not p.__dict__:
        return len(frame)
    return len(frame) - len(_encode_tlvs(p))


def tlv_length_positions(frame: bytes, start: int) -> list[int]:
    out = []
    p = start
    while p + 4 <= len(frame):
        out.append(p + 2)
        p += 4 + int.from_bytes(frame[p + 2 : p + 4], "big")
    return out


KNOWN_TAGS = st.sampled_from([s.tag for s in TLV_SPECS])
COMMAND_IDS = st.one_of(
    st.sampled_from(sorted(pdu.CLASSES)), st.integers(0, 0xFFFFFFFF), st.just(0x80000104)
)


@st.composite
def appended_tlv(draw: st.DrawFn) -> bytes:
    tag = draw(st.one_of(KNOWN_TAGS, S.UNKNOWN_TAGS))
    value = draw(st.binary(max_size=24))
    declared = draw(st.one_of(st.just(len(value)), st.integers(0, 0xFFFF)))
    cut = draw(st.integers(0, 4))  # a TLV header cut short
    return (struct.pack(">HH", tag, declared) + value)[: None if cut == 4 else cut]


@st.composite
def mutated_frames(draw: st.DrawFn) -> bytes:
    """An encoded PDU damaged in 1-3 ways; command_length is fixed up afterwards."""
    p = draw(S.any_pdu)
    frame = bytearray(pdu.encode(p))
    tlvs_at = tlv_offset(p) if len(frame) > 16 else 16
    ops = draw(
        st.lists(
            st.sampled_from(
                [
                    "truncate",
                    "flip",
                    "set",
                    "insert",
                    "delete",
                    "append_tlv",
                    "command_id",
                    "tlv_length",
                    "sm_length",
                    "drop_nul",
                ]
            ),
            min_size=1,
            max_size=3,
        )
    )
    for op in ops:
        n = len(frame)
        body = st.integers(16, max(16, n - 1))
        if op == "truncate":
            del frame[draw(st.integers(16, n)) :]
        elif op == "flip" and n > 16:
            i = draw(body)
            frame[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and n > 16:
            frame[draw(body)] = draw(st.sampled_from([0, 1, 0x10, 0x7F, 0xFE, 0xFF]) | S.BYTE)
        elif op == "insert":
            i = draw(st.integers(16, n))
            frame[i:i] = draw(st.binary(min_size=1, max_size=4))
        elif op == "delete" and n > 16:
            i = draw(body)
            del frame[i : i + draw(st.integers(1, 4))]
        elif op == "append_tlv":
            frame += draw(appended_tlv())
        elif op == "command_id":
            frame[4:8] = draw(COMMAND_IDS).to_bytes(4, "big")
        elif op == "tlv_length":
            positions = [i for i in tlv_length_positions(frame, tlvs_at) if i + 2 <= n]
            if positions:
                i = draw(st.sampled_from(positions))
                value = int.from_bytes(frame[i : i + 2], "big") + draw(st.integers(-3, 3))
                frame[i : i + 2] = (value % 0x10000).to_bytes(2, "big")
        elif op == "sm_length" and hasattr(p, "short_message") and len(frame) > 16:
            i = tlvs_at - len(p.short_message) - 1  # type: ignore[attr-defined]
            if 16 <= i < n:
                frame[i] = draw(st.sampled_from([0, 254, 255]) | S.BYTE)
        elif op == "drop_nul" and n > 16:
            nuls = [i for i in range(16, n) if frame[i] == 0]
            if nuls:
                frame[draw(st.sampled_from(nuls))] = draw(st.integers(0x20, 0x7E))
    return with_length(frame)


any_frame = st.one_of(S.any_pdu.map(pdu.encode), mutated_frames())


@MANY
@given(any_frame)
def test_fast_and_reference_decoders_agree(frame: bytes) -> None:
    ours = outcome(lambda: pdu.decode(frame))
    ref = outcome(lambda: reference_decode(frame, 0, len(frame)))
    assert_same(ours, ref, frame)


PREFIX = pdu.encode(pdu.EnquireLinkResp(sequence_number=1))
# A following PDU starts with 0x00 (command_length's high octet): a decoder that reads past
# its own command_length in a stream meets that NUL and must not take it for its own.
TRAILER = pdu.encode(pdu.EnquireLink(sequence_number=2))


@MANY
@given(any_frame)
def test_fast_decoder_in_a_stream_agrees_with_reference(frame: bytes) -> None:
    framer = Framer()
    items = framer.feed_pdus(PREFIX + frame + TRAILER)
    assert len(items) == 3, items
    assert items[0] == pdu.decode(PREFIX)
    assert items[2] == pdu.decode(TRAILER)
    ref = outcome(lambda: reference_decode(frame, 0, len(frame)))
    assert_same(items[1], ref, frame)
    assert framer.buffered == 0


def tlv_spans(frame: bytes, start: int) -> list[tuple[int, int]]:
    return [
        (i - 2, i + 2 + int.from_bytes(frame[i : i + 2], "big"))
        for i in tlv_length_positions(frame, start)
    ]


def damaged_variants(frame: bytes, tlvs_at: int) -> list[bytes]:
    """The frame cut at every point (a sample of the middle of long ones), and with each
    one TLV dropped; command_length fixed up."""
    n = len(frame)
    if n <= 300:
        cuts: Any = range(16, n)
    else:  # every cut near the ends, about 60 in between: long submit_multi stay fast
        cuts = [
            *range(16, 166),
            *range(166, n - 150, max(1, (n - 316) // 60 + 1)),
            *range(n - 150, n),
        ]
    out = [with_length(frame[:cut]) for cut in cuts]
    out += [with_length(frame[:a] + frame[b:]) for a, b in tlv_spans(frame, tlvs_at)]
    return out


@pytest.mark.parametrize("cls", S.PDU_CLASSES, ids=lambda c: c.__name__)
@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_decoders_agree_on_every_truncation_and_dropped_tlv(
    cls: type[Pdu], data: st.DataObject
) -> None:
    p = data.draw(S.pdus_of(cls))
    frame = pdu.encode(p)
    for damaged in damaged_variants(frame, tlv_offset(p) if len(frame) > 16 else 16):
        ref = outcome(lambda d=damaged: reference_decode(d, 0, len(d)))  # type: ignore[misc]
        assert_same(outcome(lambda d=damaged: pdu.decode(d)), ref, damaged)  # type: ignore[misc]
        items = Framer().feed_pdus(damaged + TRAILER)
        assert len(items) == 2
        assert_same(items[0], ref, damaged)


# -- (d): arbitrary bytes, arbitrary chunks --------------------------------------------------


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    pieces = draw(
        st.lists(
            st.one_of(st.binary(max_size=40), any_frame, S.any_pdu.map(pdu.encode)),
            max_size=6,
        )
    )
    return b"".join(pieces)


@st.composite
def chunked(draw: st.DrawFn, data: bytes) -> list[bytes]:
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=8)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def run_framer(framer: Framer, chunks: list[bytes]) -> list[Outcome]:
    """Feeds every chunk; checks the per-call invariants; returns all items in order."""
    items: list[Outcome] = []
    broken: FramingError | None = None
    for chunk in chunks:
        if broken is not None:
            with pytest.raises(FramingError) as info:
                framer.feed_pdus(chunk)
            assert info.value is broken
            continue
        got = framer.feed_pdus(chunk)
        for i, item in enumerate(got):
            assert isinstance(item, Pdu | PduError), item
            if isinstance(item, FramingError):
                assert i == len(got) - 1, "a FramingError ends the list"
                assert not item.recoverable
                broken = item
        items.extend(got)
        assert framer.buffered < framer.max_command_length
    return items


def same_items(a: list[Outcome], b: list[Outcome]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, FramingError) and isinstance(y, FramingError):
            # Whether the header behind a bad command_length was readable depends on where the
            # stream was cut: compare only what to answer.
            if x.command_status != y.command_status:
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


@MANY
@given(
    data=st.data(),
    stream=streams(),
    max_len=st.sampled_from([16, 17, 64, 300, pdu.DEFAULT_MAX_COMMAND_LENGTH]),
)
def test_framer_yields_only_pdus_and_errors_however_the_stream_is_cut(
    data: st.DataObject, stream: bytes, max_len: int
) -> None:
    chunks = data.draw(chunked(stream))
    items = run_framer(Framer(max_len), chunks)
    whole = run_framer(Framer(max_len), [stream])
    assert same_items(items, whole), (items, whole)
    assert sum(isinstance(i, FramingError) for i in items) <= 1
    if items and isinstance(items[-1], FramingError):
        assert items[-1].command_status == CommandStatus.ESME_RINVCMDLEN


@SETTINGS
@given(st.lists(S.any_pdu, min_size=1, max_size=5), st.data())
def test_framer_returns_every_pdu_of_a_valid_stream(pdus: list[Pdu], data: st.DataObject) -> None:
    stream = b"".join(pdu.encode(p) for p in pdus)
    items = run_framer(Framer(), data.draw(chunked(stream)))
    assert items == pdus


# -- (e): the encoder never emits what the decoder rejects -----------------------------------

BAD_INTS = st.sampled_from([-1, 256, 0x10000, 1 << 32])
BAD_STRINGS = st.one_of(
    st.text(S.PRINTABLE, min_size=66, max_size=70),  # longer than any C(n) maximum
    st.just("a\x00b"),
)


@st.composite
def hostile_pdus(draw: st.DrawFn) -> Pdu:
    """A generated PDU with one field or TLV pushed out of its domain."""
    p = draw(S.any_pdu)
    names = list(p.mandatory_fields)
    what = draw(
        st.sampled_from(
            ["field", "tlv", "short_message", "both_payloads", "header", "dests", "extra_known"]
        )
    )
    if what == "field" and names:
        name = draw(st.sampled_from(names))
        current = getattr(p, name)
        if isinstance(current, int):
            setattr(p, name, draw(BAD_INTS))
        elif isinstance(current, str):
            setattr(p, name, draw(BAD_STRINGS | st.text(min_size=1, max_size=15)))
    elif what == "tlv" and p.tlv_specs:
        spec = draw(st.sampled_from(p.tlv_specs))
        bad: Any = draw(st.one_of(BAD_INTS, st.binary(max_size=30), BAD_STRINGS, S.BYTE))
        setattr(p, spec.name, bad)  # a lone or out-of-range sar_* among them
    elif what == "extra_known":
        tag = draw(st.sampled_from([s.tag for s in TLV_SPECS]))
        p.extra_tlvs = (*p.extra_tlvs, (tag, draw(st.binary(max_size=6))))
    elif what == "short_message" and "short_message" in names:
        p.short_message = draw(st.binary(min_size=255, max_size=300))  # type: ignore[attr-defined]
    elif (
        what == "both_payloads" and "short_message" in names and "message_payload" in p.tlv_by_name
    ):
        p.short_message = b"x"  # type: ignore[attr-defined]
        p.message_payload = b"y"  # type: ignore[attr-defined]
    elif what == "header":
        setattr(p, draw(st.sampled_from(["sequence_number", "command_status"])), 1 << 32)
    elif what == "dests" and "dest_address" in names:
        p.dest_address = draw(  # type: ignore[attr-defined]
            st.sampled_from([[], [pdu.DistributionList("x")] * 255])
        )
    return p


@MANY
@given(hostile_pdus())
def test_encoder_raises_encode_error_or_emits_what_the_decoder_accepts(p: Pdu) -> None:
    try:
        frame = pdu.encode(p)
    except EncodeError:
        return
    pdu.decode(frame)  # must not raise


@pytest.mark.parametrize(
    ("short_message", "extra", "refused"),
    [
        # Found by the property above: a message_payload given raw beside a short_message.
        (b"\x00", ((0x0424, b""),), True),
        (b"", ((0x0424, b"hi"),), False),
        (b"x", ((0x020C, b"\x00\x01"),), True),  # a lone sar_msg_ref_num
    ],
)
def test_raw_extra_tlvs_obey_the_message_tlv_rules(
    short_message: bytes, extra: tuple[tuple[int, bytes], ...], refused: bool
) -> None:
    p = pdu.DeliverSm(short_message=short_message)
    p.extra_tlvs = extra
    if refused:
        with pytest.raises(EncodeError):
            pdu.encode(p)
    else:
        assert pdu.decode(pdu.encode(p)).message_payload == b"hi"  # type: ignore[attr-defined]


# -- (f): error_response --------------------------------------------------------------------


def errors_of(frames: list[bytes]) -> list[PduError]:
    out = []
    for frame in frames:
        result = outcome(lambda f=frame: pdu.decode(f))  # type: ignore[misc]
        if isinstance(result, PduError):
            out.append(result)
    return out


synthetic_errors = st.builds(
    PduError,
    st.just("synthetic"),
    # An error always has an error status: the answer to a status-0 "error" would be a
    # successful response, which a 5.0 query_broadcast_sm_resp cannot be without its TLVs.
    st.one_of(S.STATUS.filter(bool), st.just(CommandStatus.ESME_RINVCMDID)),
    sequence_number=S.SEQ,
    command_id=st.one_of(st.none(), COMMAND_IDS),
    field=st.none(),
)


@MANY
@given(st.one_of(mutated_frames().map(lambda f: errors_of([f])), st.lists(synthetic_errors)))
def test_error_response_never_answers_a_response_or_generic_nack(
    errors: list[PduError],
) -> None:
    for err in errors:
        answer = pdu.error_response(err)
        cid = err.command_id
        if cid is not None and cid in pdu.CLASSES and cid & RESPONSE_BIT:
            assert answer is None, f"{err!r} answered with {answer!r}"
            continue
        if cid in (CommandId.outbind, CommandId.alert_notification):
            assert answer is None  # neither has a response PDU
            continue
        assert answer is not None
        assert answer.is_response
        assert answer.sequence_number == err.sequence_number
        assert answer.command_status == err.command_status
        if cid is None or cid not in pdu.CLASSES:
            # Facts 4.1: unusable header or unknown command_id -> generic_nack.
            assert isinstance(answer, pdu.GenericNack)
        else:
            assert answer.command_id == cid | RESPONSE_BIT
        # The answer itself goes on the wire and comes back the same.
        assert pdu.decode(pdu.encode(answer)) == answer


def test_error_response_to_a_bad_generic_nack_is_nothing() -> None:
    # A generic_nack carrying sc_interface_version, a TLV it may not carry.
    frame = HEADER.pack(21, CommandId.generic_nack, 0, 5) + bytes.fromhex("0210000134")
    with pytest.raises(PduError) as info:
        pdu.decode(frame)
    assert info.value.command_status == CommandStatus.ESME_ROPTPARNOTALLWD
    assert pdu.error_response(info.value) is None


def test_error_response_to_a_framing_error_is_generic_nack() -> None:
    framer = Framer()
    (err,) = framer.feed_pdus(HEADER.pack(8, CommandId.submit_sm_resp, 0, 5))
    assert isinstance(err, FramingError)
    answer = pdu.error_response(err)
    assert isinstance(answer, pdu.GenericNack)
    assert answer.command_status == CommandStatus.ESME_RINVCMDLEN


# -- regressions: codec bugs these properties found (fixed in 80f63fe) ----------------------


def test_data_sm_with_only_sar_msg_ref_num_is_rejected_by_both_decoders() -> None:
    # Was: the generated decoder skipped the SAR companion check on data_sm (facts 3).
    # data_sm, destination_addr "1", TLV sar_msg_ref_num = 5 and no other sar_* TLV.
    frame = bytes.fromhex("000000210000010300000000000000010000000000003100000000020c00020005")
    ref = outcome(lambda: reference_decode(frame, 0, len(frame)))
    assert isinstance(ref, PduError)
    assert ref.command_status == CommandStatus.ESME_RMISSINGOPTPARAM
    assert outcome(lambda: pdu.decode(frame)) == ref
    assert Framer().feed_pdus(frame + TRAILER)[0] == ref


@pytest.mark.parametrize(
    "frame",
    [
        # submit_multi whose body ends after source_addr_npi.
        "00000013000000210000000000000007000101",
        # submit_multi whose body is only an empty service_type.
        "0000001100000021000000000000000100",
    ],
)
def test_truncated_submit_multi_in_a_stream_gets_the_same_error_as_alone(frame: str) -> None:
    # Was: decoded in place, the fields before number_of_dests read the next PDU's first
    # octet (0x00) as their NUL, and the error named number_of_dests.
    alone = outcome(lambda: pdu.decode(bytes.fromhex(frame)))
    assert isinstance(alone, PduError)
    assert alone.field != "number_of_dests"
    assert Framer().feed_pdus(bytes.fromhex(frame) + TRAILER)[0] == alone


def test_non_latin1_string_raises_encode_error() -> None:
    # Was: UnicodeEncodeError escaped encode().
    with pytest.raises(EncodeError):
        pdu.encode(pdu.SubmitSm(sequence_number=1, source_addr="\u20ac"))


@pytest.mark.parametrize(
    "p",
    [
        pdu.SubmitSm(sequence_number=1, destination_addr="1", sar_msg_ref_num=5),
        pdu.DataSm(sequence_number=1, destination_addr="1", sar_total_segments=2),
        pdu.SubmitSm(
            sequence_number=1,
            destination_addr="1",
            sar_msg_ref_num=5,
            sar_total_segments=1,
            sar_segment_seqnum=2,
        ),
        pdu.DeliverSm(
            sequence_number=1, sar_msg_ref_num=5, sar_total_segments=0, sar_segment_seqnum=0
        ),
        # A known tag not allowed here, and an allowed one with a bad length, in extra_tlvs.
        pdu.SubmitSm(sequence_number=1, extra_tlvs=((int(pdu.Tag.sc_interface_version), b"4"),)),
        pdu.SubmitSm(sequence_number=1, extra_tlvs=((int(pdu.Tag.sar_msg_ref_num), b"\x01"),)),
    ],
    ids=[
        "sar-incomplete",
        "data-sm-sar-incomplete",
        "sar-seqnum-beyond-total",
        "sar-zero",
        "extra-not-allowed",
        "extra-bad-length",
    ],
)
def test_encoder_refuses_what_the_decoder_would_reject(p: Pdu) -> None:
    # Was: each of these encoded to bytes our own decoder rejects.
    with pytest.raises(EncodeError):
        pdu.encode(p)


def test_known_tags_are_all_in_the_tag_enum() -> None:
    # The decoder names a TLV in its errors through pdu.Tag; every table entry must have one.
    assert all(pdu.Tag(tag).name == spec.name for tag, spec in SPECS_BY_TAG.items())

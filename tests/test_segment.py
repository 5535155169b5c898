"""UDH codec and segmentation of long messages (facts doc sections 3, 5.3, 7)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdu.segment import (
    Alphabet,
    CounterReferenceAllocator,
    Part,
    SegmentError,
    SegmentMethod,
    alphabet_for,
    count_parts,
    count_text_parts,
    part_capacity,
    segment,
    segment_text,
)
from pdu.udh import (
    Concatenation,
    InformationElement,
    UdhError,
    build_udh,
    concat_ie,
    concat_udh,
    find_concatenation,
    parse_concat_ie,
    parse_udh,
)

UDH_METHODS = [SegmentMethod.UDH_8BIT_REF, SegmentMethod.UDH_16BIT_REF]
SPLIT_METHODS = [*UDH_METHODS, SegmentMethod.SAR]
EXTENSION_CODES = [0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65]


class RecordingAllocator:
    """Hands out a fixed reference and remembers which widths were asked for."""

    def __init__(self, reference: int) -> None:
        self.reference = reference
        self.asked: list[int] = []

    def next_reference(self, bits: int) -> int:
        self.asked.append(bits)
        return self.reference


def text_of(part: Part) -> bytes:
    """The message octets of a part, without its UDH."""
    if part.message_payload is not None:
        return part.message_payload
    if part.udhi:
        return parse_udh(part.short_message)[1]
    return part.short_message


# --- UDH -------------------------------------------------------------------------------------

GOLDEN_UDH = [
    # (reference, total, seqnum, bits, header bytes)
    (0x42, 3, 1, 8, "050003420301"),
    (0xFF, 255, 255, 8, "050003FFFFFF"),
    (0x00, 2, 2, 8, "050003000202"),
    (0x1234, 3, 2, 16, "06080412340302"),
    (0xFFFF, 1, 1, 16, "060804FFFF0101"),
]


@pytest.mark.parametrize(("reference", "total", "seqnum", "bits", "hex_udh"), GOLDEN_UDH)
def test_concat_udh_golden_bytes(
    reference: int, total: int, seqnum: int, bits: int, hex_udh: str
) -> None:
    udh = bytes.fromhex(hex_udh)
    assert concat_udh(reference, total, seqnum, bits) == udh
    assert build_udh([concat_ie(reference, total, seqnum, bits)]) == udh
    ies, rest = parse_udh(udh + b"tail")
    assert rest == b"tail"
    assert find_concatenation(ies) == (Concatenation(reference, total, seqnum, bits), ())


def test_udh_with_port_addressing_keeps_other_ies_and_finds_concat_after_them() -> None:
    # UDHL 0x0B: 16-bit ports (05 04 0B84 23F0) then 8-bit concat (00 03 42 03 01).
    user_data = bytes.fromhex("0B05040B8423F0000342030148")
    ies, rest = parse_udh(user_data)
    assert ies == (
        InformationElement(0x05, bytes.fromhex("0B8423F0")),
        InformationElement(0x00, bytes.fromhex("420301")),
    )
    assert rest == b"\x48"
    concat, others = find_concatenation(ies)
    assert concat == Concatenation(0x42, 3, 1, 8)
    assert others == (InformationElement(0x05, bytes.fromhex("0B8423F0")),)
    assert build_udh(ies) + rest == user_data


def test_empty_udh_is_one_octet() -> None:
    assert parse_udh(b"\x00abc") == ((), b"abc")
    assert build_udh([]) == b"\x00"


@pytest.mark.parametrize(
    "user_data",
    [
        "",  # UDHI set, nothing at all
        "05000342",  # UDHL 5 but only 3 octets follow
        "0300034203",  # IE data (3) runs past UDHL 3
        "0100",  # IE header cut by UDHL 1
        "06000342030108",  # second IE header cut by UDHL
    ],
)
def test_malformed_udh_is_udh_error(user_data: str) -> None:
    with pytest.raises(UdhError):
        parse_udh(bytes.fromhex(user_data))


def test_udh_error_is_a_value_error_with_a_status() -> None:
    assert issubclass(UdhError, ValueError)
    assert UdhError.command_status == 0x01  # ESME_RINVMSGLEN


@pytest.mark.parametrize(("iei", "data"), [(0x00, "4203"), (0x00, "42030100"), (0x08, "420301")])
def test_concat_ie_with_wrong_iedl_is_udh_error(iei: int, data: str) -> None:
    with pytest.raises(UdhError):
        parse_concat_ie(InformationElement(iei, bytes.fromhex(data)))


def test_last_concat_ie_wins() -> None:
    ies = [concat_ie(1, 2, 1), InformationElement(0x04, b"\x01\x02"), concat_ie(7, 3, 3, 16)]
    assert find_concatenation(ies) == (
        Concatenation(7, 3, 3, 16),
        (InformationElement(0x04, b"\x01\x02"),),
    )


@pytest.mark.parametrize(
    ("reference", "total", "seqnum", "bits"),
    [(256, 2, 1, 8), (-1, 2, 1, 8), (65536, 2, 1, 16), (1, 0, 1, 8), (1, 256, 1, 8),
     (1, 3, 0, 8), (1, 3, 4, 16), (1, 3, 1, 12)],
)  # fmt: skip
def test_concat_udh_refuses_values_that_do_not_fit(
    reference: int, total: int, seqnum: int, bits: int
) -> None:
    with pytest.raises(UdhError):
        concat_udh(reference, total, seqnum, bits)


def test_build_udh_refuses_oversized_ie() -> None:
    with pytest.raises(UdhError):
        build_udh([InformationElement(0x70, bytes(256))])
    with pytest.raises(UdhError):
        build_udh([InformationElement(0x70, bytes(200)), InformationElement(0x71, bytes(60))])


ies_strategy = st.lists(
    st.builds(InformationElement, st.integers(0, 255), st.binary(max_size=20)), max_size=6
)


@given(ies_strategy, st.binary(max_size=40))
def test_build_then_parse_udh_round_trips(ies: list[InformationElement], rest: bytes) -> None:
    assert parse_udh(build_udh(ies) + rest) == (tuple(ies), rest)


@given(st.binary(max_size=60))
def test_parse_udh_of_any_bytes_is_exact_or_udh_error(data: bytes) -> None:
    try:
        ies, rest = parse_udh(data)
    except UdhError:
        return
    assert build_udh(ies) + rest == data


# --- alphabets and capacities ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data_coding", "alphabet"),
    [(0x00, Alphabet.GSM7), (0x01, Alphabet.GSM7), (0x02, Alphabet.OCTET),
     (0x03, Alphabet.OCTET), (0x04, Alphabet.OCTET), (0x08, Alphabet.UCS2),
     (0xF0, Alphabet.GSM7), (0xF3, Alphabet.GSM7), (0xF4, Alphabet.OCTET),
     (0xF5, Alphabet.OCTET), (0xF6, Alphabet.OCTET), (0xC0, Alphabet.GSM7),
     (0xD8, Alphabet.GSM7), (0xE0, Alphabet.UCS2), (0x09, Alphabet.OCTET)],
)  # fmt: skip
def test_alphabet_for_data_coding(data_coding: int, alphabet: Alphabet) -> None:
    assert alphabet_for(data_coding) is alphabet


@pytest.mark.parametrize(
    ("alphabet", "single", "udh8", "udh16"),
    [(Alphabet.GSM7, 160, 153, 152), (Alphabet.OCTET, 140, 134, 133),
     (Alphabet.UCS2, 140, 134, 132)],
)  # fmt: skip
def test_capacities_match_the_facts_table(
    alphabet: Alphabet, single: int, udh8: int, udh16: int
) -> None:
    assert part_capacity(alphabet) == single
    assert part_capacity(alphabet, 6) == udh8
    assert part_capacity(alphabet, 7) == udh16


# --- exact counts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "data_coding", "parts"),
    [(b"a" * 160, 0x00, 1), (b"a" * 161, 0x00, 2), (b"a" * 306, 0x00, 2),
     (b"a" * 307, 0x00, 3), (b"\x00a" * 70, 0x08, 1), (b"\x00a" * 71, 0x08, 2),
     (b"\x00a" * 134, 0x08, 2), (b"\x00a" * 135, 0x08, 3), (bytes(140), 0x04, 1),
     (bytes(141), 0x04, 2), (bytes(268), 0x04, 2), (bytes(269), 0x04, 3)],
)  # fmt: skip
def test_part_counts_from_the_facts_doc(payload: bytes, data_coding: int, parts: int) -> None:
    assert count_parts(payload, data_coding) == parts
    assert len(segment(payload, data_coding, allocator=CounterReferenceAllocator())) == parts


@pytest.mark.parametrize(
    ("method", "parts"),
    [(SegmentMethod.UDH_8BIT_REF, 2), (SegmentMethod.UDH_16BIT_REF, 3),
     (SegmentMethod.SAR, 3), (SegmentMethod.MESSAGE_PAYLOAD, 1)],
)  # fmt: skip
def test_306_septets_need_three_parts_with_16_bit_sized_parts(
    method: SegmentMethod, parts: int
) -> None:
    assert count_parts(b"a" * 306, 0x00, method) == parts


def test_sar_sized_for_8_bit_reference_takes_153_septets() -> None:
    allocator = RecordingAllocator(200)
    parts = segment(b"a" * 306, 0x00, SegmentMethod.SAR, allocator=allocator, sar_reference_bits=8)
    assert [len(p.short_message) for p in parts] == [153, 153]
    assert allocator.asked == [8]
    assert count_parts(b"a" * 306, 0x00, SegmentMethod.SAR, sar_reference_bits=8) == 2


# --- golden parts --------------------------------------------------------------------------


def test_udh_8bit_parts_golden() -> None:
    parts = segment(b"a" * 200, 0x00, allocator=CounterReferenceAllocator(start=0x2A))
    assert parts == [
        Part(bytes.fromhex("0500032A0201") + b"a" * 153, udhi=True),
        Part(bytes.fromhex("0500032A0202") + b"a" * 47, udhi=True),
    ]


def test_udh_16bit_parts_golden() -> None:
    parts = segment(
        b"b" * 200,
        0x00,
        SegmentMethod.UDH_16BIT_REF,
        allocator=CounterReferenceAllocator(start=0x1234),
    )
    assert parts == [
        Part(bytes.fromhex("06080412340201") + b"b" * 152, udhi=True),
        Part(bytes.fromhex("06080412340202") + b"b" * 48, udhi=True),
    ]


def test_sar_parts_golden() -> None:
    parts = segment(b"\x00c" * 100, 0x08, SegmentMethod.SAR, allocator=RecordingAllocator(0xBEEF))
    assert parts == [
        Part(b"\x00c" * 66, False, 0xBEEF, 2, 1),
        Part(b"\x00c" * 34, False, 0xBEEF, 2, 2),
    ]


def test_message_payload_method_gives_one_pdu_with_empty_short_message() -> None:
    payload = b"d" * 500
    allocator = RecordingAllocator(1)
    parts = segment(payload, 0x00, SegmentMethod.MESSAGE_PAYLOAD, allocator=allocator)
    assert parts == [Part(b"", message_payload=payload)]
    assert allocator.asked == []


def test_message_payload_over_65535_octets_is_refused() -> None:
    with pytest.raises(SegmentError):
        segment(bytes(65536), 0x04, SegmentMethod.MESSAGE_PAYLOAD, allocator=RecordingAllocator(1))
    with pytest.raises(SegmentError):
        count_parts(bytes(65536), 0x04, SegmentMethod.MESSAGE_PAYLOAD)


@pytest.mark.parametrize("method", list(SegmentMethod))
def test_message_that_fits_is_one_plain_part_and_takes_no_reference(
    method: SegmentMethod,
) -> None:
    allocator = RecordingAllocator(9)
    for payload, data_coding in [(b"e" * 160, 0x00), (b"\x00e" * 70, 0x08), (b"", 0x00)]:
        assert segment(payload, data_coding, method, allocator=allocator) == [Part(payload)]
    assert allocator.asked == []


# --- boundaries ----------------------------------------------------------------------------


def test_esc_pair_at_the_boundary_closes_the_part_at_152_septets() -> None:
    payload = b"a" * 152 + b"\x1b\x65" + b"a" * 10  # euro sign straddles septet 153
    parts = segment(payload, 0x00, allocator=CounterReferenceAllocator())
    assert [text_of(p) for p in parts] == [b"a" * 152, b"\x1b\x65" + b"a" * 10]


@pytest.mark.parametrize(
    ("prefix", "first_len"),
    [
        (b"a" * 151 + b"\x1b\x1b", 153),  # 1B 1B is one pair ending exactly at 153
        (b"a" * 150 + b"\x1b\x1b\x1b", 152),  # third ESC opens a pair: close at 152
        (b"a" * 152 + b"\x1b", 152),
    ],
)
def test_esc_runs_are_paired_from_the_part_start(prefix: bytes, first_len: int) -> None:
    payload = prefix + b"\x65" + b"a" * 20
    parts = segment(payload, 0x00, allocator=CounterReferenceAllocator())
    assert len(text_of(parts[0])) == first_len
    assert b"".join(text_of(p) for p in parts) == payload


def test_surrogate_pair_at_the_boundary_closes_the_part_at_66_units() -> None:
    payload = ("a" * 66 + "\U0001f600" + "b" * 10).encode("utf-16-be")
    parts = segment(payload, 0x08, allocator=CounterReferenceAllocator())
    assert [text_of(p).decode("utf-16-be") for p in parts] == ["a" * 66, "\U0001f600" + "b" * 10]


def test_odd_length_ucs2_is_refused() -> None:
    with pytest.raises(SegmentError):
        segment(b"\x00a" * 80 + b"\x00", 0x08, allocator=CounterReferenceAllocator())


def test_255_parts_is_the_limit() -> None:
    allocator = CounterReferenceAllocator()
    assert len(segment(b"a" * (153 * 255), 0x00, allocator=allocator)) == 255
    with pytest.raises(SegmentError):
        segment(b"a" * (153 * 255 + 1), 0x00, allocator=allocator)


def test_part_limit_counts_parts_shortened_by_esc_pairs() -> None:
    # Every part ends one septet short (152), so 19381 pairs need 256 parts although
    # 38762 septets would fit in 255 parts of 153.
    assert count_parts(b"\x1b\x65" * 19380, 0x00) == 255
    with pytest.raises(SegmentError):
        count_parts(b"\x1b\x65" * 19381, 0x00)


# --- references ----------------------------------------------------------------------------


def test_counter_allocator_keeps_a_counter_per_width_and_wraps() -> None:
    allocator = CounterReferenceAllocator(start=255)
    assert [allocator.next_reference(8) for _ in range(3)] == [255, 0, 1]
    assert [allocator.next_reference(16) for _ in range(2)] == [255, 256]
    allocator = CounterReferenceAllocator(start=0xFFFF)
    assert [allocator.next_reference(16) for _ in range(2)] == [0xFFFF, 0]
    assert allocator.next_reference(8) == 0xFF
    with pytest.raises(ValueError, match="8 or 16"):
        allocator.next_reference(12)


def test_consecutive_messages_get_consecutive_references() -> None:
    allocator = CounterReferenceAllocator()
    refs = [segment(b"a" * 200, 0x00, allocator=allocator)[0].short_message[3] for _ in range(3)]
    assert refs == [0, 1, 2]


@pytest.mark.parametrize(("method", "bits"), [(SegmentMethod.UDH_8BIT_REF, 8),
                                              (SegmentMethod.UDH_16BIT_REF, 16),
                                              (SegmentMethod.SAR, 16)])  # fmt: skip
def test_reference_width_follows_the_method(method: SegmentMethod, bits: int) -> None:
    allocator = RecordingAllocator(3)
    segment(b"a" * 200, 0x00, method, allocator=allocator)
    assert allocator.asked == [bits]


def test_allocator_out_of_range_reference_is_refused() -> None:
    with pytest.raises(ValueError, match="8-bit"):
        segment(b"a" * 200, 0x00, allocator=RecordingAllocator(256))


# --- properties ----------------------------------------------------------------------------

# A GSM-7 character: a default-table septet or an ESC pair (1B 1B included: reserved, but a
# pair all the same).
gsm_char = st.one_of(
    st.integers(0, 0x7F).filter(lambda c: c != 0x1B).map(lambda c: bytes((c,))),
    st.sampled_from([*EXTENSION_CODES, 0x1B]).map(lambda c: bytes((0x1B, c))),
)


def check_parts(
    parts: list[Part], payload: bytes, alphabet: Alphabet, method: SegmentMethod
) -> list[int]:
    """Shared invariants; returns the part end offsets within ``payload``."""
    texts = [text_of(p) for p in parts]
    assert b"".join(texts) == payload
    single = part_capacity(alphabet)
    if len(payload) <= single:
        assert parts == [Part(payload)]
        return [len(payload)]
    udh_length = 6 if method is SegmentMethod.UDH_8BIT_REF else 7
    capacity = part_capacity(alphabet, udh_length)
    slack = {Alphabet.GSM7: 1, Alphabet.UCS2: 2, Alphabet.OCTET: 0}[alphabet]
    total = len(parts)
    for seqnum, (part, text) in enumerate(zip(parts, texts, strict=True), 1):
        assert len(text) <= capacity
        if seqnum < total:  # greedy: only a pair that would straddle shortens a part
            assert len(text) >= capacity - slack
        if method is SegmentMethod.SAR:
            assert not part.udhi
            assert part.sar_total_segments == total
            assert part.sar_segment_seqnum == seqnum
            assert part.sar_msg_ref_num == parts[0].sar_msg_ref_num
        else:
            assert part.udhi
            assert part.sar_msg_ref_num is None
            assert len(part.short_message) == udh_length + len(text)
            ies, _ = parse_udh(part.short_message)
            concat, _ = find_concatenation(ies)
            first = find_concatenation(parse_udh(parts[0].short_message)[0])[0]
            assert concat is not None
            assert first is not None
            assert (concat.total, concat.seqnum) == (total, seqnum)
            assert concat.reference == first.reference
    ends: list[int] = []
    offset = 0
    for text in texts:
        offset += len(text)
        ends.append(offset)
    return ends


@given(st.lists(gsm_char, max_size=700), st.sampled_from(SPLIT_METHODS), st.integers(0, 65535))
def test_gsm7_parts_rejoin_fit_and_never_split_an_esc_pair(
    chars: list[bytes], method: SegmentMethod, start: int
) -> None:
    payload = b"".join(chars)
    boundaries = {0}
    offset = 0
    for char in chars:
        offset += len(char)
        boundaries.add(offset)
    parts = segment(payload, 0x00, method, allocator=CounterReferenceAllocator(start))
    ends = check_parts(parts, payload, Alphabet.GSM7, method)
    assert set(ends) <= boundaries
    assert count_parts(payload, 0x00, method) == len(parts)


@given(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300),
    st.sampled_from(SPLIT_METHODS),
)
def test_ucs2_parts_rejoin_fit_and_never_split_a_surrogate_pair(
    text: str, method: SegmentMethod
) -> None:
    payload = text.encode("utf-16-be")
    parts = segment(payload, 0x08, method, allocator=CounterReferenceAllocator())
    check_parts(parts, payload, Alphabet.UCS2, method)
    for part in parts:
        # Strict decoding fails on a lone surrogate, so a split pair cannot pass.
        text_of(part).decode("utf-16-be")
        assert len(text_of(part)) % 2 == 0
    assert count_parts(payload, 0x08, method) == len(parts)


@given(st.binary(max_size=800), st.sampled_from(SPLIT_METHODS), st.sampled_from([0x02, 0x04, 0xF5]))
def test_8bit_parts_rejoin_and_fit(payload: bytes, method: SegmentMethod, data_coding: int) -> None:
    parts = segment(payload, data_coding, method, allocator=CounterReferenceAllocator())
    check_parts(parts, payload, Alphabet.OCTET, method)
    assert count_parts(payload, data_coding, method) == len(parts)


# --- text convenience ----------------------------------------------------------------------


def test_segment_text_chooses_gsm7_and_splits_at_153() -> None:
    result = segment_text("a" * 161, allocator=CounterReferenceAllocator())
    assert result.data_coding == 0x00
    assert [len(text_of(p)) for p in result.parts] == [153, 8]


def test_segment_text_keeps_euro_pairs_whole() -> None:
    # 81 euro signs = 162 septets: 76 pairs (152 septets) fit the first part, not 76.5.
    result = segment_text("€" * 81, allocator=CounterReferenceAllocator())
    assert result.data_coding == 0x00
    assert [text_of(p) for p in result.parts] == [b"\x1b\x65" * 76, b"\x1b\x65" * 5]
    assert count_text_parts("€" * 80) == 1
    assert count_text_parts("€" * 81) == 2


def test_segment_text_chooses_ucs2_outside_gsm() -> None:
    result = segment_text("Привет " * 10 + "😀", allocator=CounterReferenceAllocator())
    assert result.data_coding == 0x08
    assert len(result.parts) == 2
    assert b"".join(text_of(p) for p in result.parts).decode("utf-16-be") == "Привет " * 10 + "😀"


def test_segment_text_honours_an_explicit_data_coding() -> None:
    result = segment_text("a" * 71, 0x08, allocator=CounterReferenceAllocator())
    assert result.data_coding == 0x08
    assert len(result.parts) == 2
    assert count_text_parts("a" * 71, 0x08) == 2
    assert count_text_parts("a" * 71) == 1


@given(st.text(max_size=400), st.sampled_from(SPLIT_METHODS))
def test_segment_text_parts_decode_back_to_the_text(text: str, method: SegmentMethod) -> None:
    from pdu import text as text_codec

    result = segment_text(text, method=method, allocator=CounterReferenceAllocator())
    joined = b"".join(text_of(p) for p in result.parts)
    decoded = text_codec.decode(joined, result.data_coding)
    # GSM-7 carries some characters only by mapping them (ç -> Ç, Greek look-alikes), so
    # compare against what the chosen coding can carry.
    expected = text_codec.decode(text_codec.encode(text, result.data_coding), result.data_coding)
    assert decoded == expected
    assert count_text_parts(text, method=method) == len(result.parts)

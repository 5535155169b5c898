"""GSM 03.38 tables, septet packing and text by data_coding (facts 5.6, 7.3, 8).

The tables are checked against the independent ``gsm0338`` package, the packer against a
bit-by-bit reference written here for clarity rather than speed.
"""

from __future__ import annotations

import codecs
import unicodedata

import gsm0338  # registers the "gsm03.38" codec used as the oracle
import pytest
from gsm0338.charset import BASIC_CHARACTER_SET, BASIC_CHARACTER_SET_EXTENSION
from hypothesis import given
from hypothesis import strategies as st

from pdu import gsm7, text
from pdu.text import TextDecodeError, TextEncodeError, TextError

ORACLE = "gsm03.38"
assert gsm0338.Codec.NAME == ORACLE

GSM_DEFAULT_CHARS = "".join(gsm7.DEFAULT_ALPHABET.values())
GSM_EXTENSION_CHARS = "".join(gsm7.EXTENSION_TABLE.values())
GSM_CHARS = GSM_DEFAULT_CHARS + GSM_EXTENSION_CHARS

gsm_text = st.text(alphabet=GSM_CHARS)
septets = st.binary().map(lambda b: bytes(x & 0x7F for x in b))
fill_bits = st.integers(min_value=0, max_value=6)


def reference_pack(values: bytes, fill: int) -> bytes:
    """23.038 6.1.2.1 literally: septet i at bits fill+7i .. fill+7i+6, little-endian."""
    bits = [0] * fill
    for value in values:
        bits.extend((value >> k) & 1 for k in range(7))
    bits.extend([0] * (-len(bits) % 8))
    return bytes(sum(bits[j + k] << k for k in range(8)) for j in range(0, len(bits), 8))


# --- tables against the gsm0338 package -------------------------------------------------------


def test_default_table_equals_gsm0338_both_directions() -> None:
    theirs = {
        code: unicodedata.lookup(name) for code, name in BASIC_CHARACTER_SET.items() if code != 0x1B
    }
    assert dict(gsm7.DEFAULT_ALPHABET) == theirs
    assert dict(gsm7.DEFAULT_CODES) == {char: code for code, char in theirs.items()}
    assert len(gsm7.DEFAULT_ALPHABET) == 127


def test_extension_table_equals_gsm0338_both_directions() -> None:
    theirs = {
        code: unicodedata.lookup(name) for code, name in BASIC_CHARACTER_SET_EXTENSION.items()
    }
    assert dict(gsm7.EXTENSION_TABLE) == theirs
    assert dict(gsm7.EXTENSION_CODES) == {char: code for code, char in theirs.items()}


@pytest.mark.parametrize("char", list(GSM_CHARS))
def test_every_character_encodes_and_decodes_like_gsm0338(char: str) -> None:
    octets = char.encode(ORACLE)
    assert gsm7.encode_unpacked(char) == octets
    assert gsm7.decode_unpacked(octets) == char
    assert gsm7.septet_length(char) == len(octets)


@given(gsm_text)
def test_gsm_text_matches_gsm0338_codec(value: str) -> None:
    octets = value.encode(ORACLE)
    assert gsm7.encode_unpacked(value) == octets
    assert gsm7.decode_unpacked(octets) == value


@given(st.binary(max_size=200).map(lambda b: bytes(x & 0x7F for x in b)))
def test_decoding_matches_gsm0338_where_it_defines_the_result(data: bytes) -> None:
    # Where the oracle differs on purpose: it rejects unknown ESC pairs and silently drops a
    # trailing ESC; we show them as a handset does (tested below).
    if data.endswith(b"\x1b"):
        return
    try:
        expected = data.decode(ORACLE)
    except UnicodeDecodeError:
        return
    assert gsm7.decode_unpacked(data) == expected


# --- facts 8.1 / 8.2 rules and this module's choices ------------------------------------------


def test_0x09_decodes_to_capital_c_cedilla_and_both_cedillas_encode_to_it() -> None:
    assert gsm7.decode_unpacked(b"\x09") == "\u00c7"
    assert gsm7.encode_unpacked("\u00c7") == b"\x09"
    assert gsm7.encode_unpacked("\u00e7") == b"\x09"


LOOKALIKE_GREEK = "ΑΒΕΗΙΚΜΝΟΡΤΥΧΖ"
MATCHING_LATIN = "ABEHIKMNOPTYXZ"


def test_latin_looking_greek_capitals_encode_to_the_latin_codes() -> None:
    assert gsm7.encode_unpacked(LOOKALIKE_GREEK) == MATCHING_LATIN.encode("ascii")
    assert gsm7.decode_unpacked(gsm7.encode_unpacked(LOOKALIKE_GREEK)) == MATCHING_LATIN
    assert set(gsm7.ALIASES) == set(LOOKALIKE_GREEK) | {"\u00e7"}


def test_greek_capitals_of_their_own_keep_their_codes() -> None:
    assert gsm7.encode_unpacked("ΔΦΓΛΩΠΨΣΘΞ") == bytes(range(0x10, 0x1B)).replace(b"\x11", b"")


def test_ascii_differences_from_facts_8_1() -> None:
    assert gsm7.encode_unpacked("@$_¤¡¿") == b"\x00\x02\x11\x24\x40\x60"
    assert gsm7.decode_unpacked(b"\x24\x40\x60") == "¤¡¿"
    assert not gsm7.is_gsm7("`", aliases=True)


def test_extension_characters_are_escape_pairs() -> None:
    assert gsm7.encode_unpacked("\f^{}\\[~]|€") == bytes.fromhex(
        "1b0a 1b14 1b28 1b29 1b2f 1b3c 1b3d 1b3e 1b40 1b65"
    )


@pytest.mark.parametrize(
    ("octets", "shown"),
    [
        (b"\x1b\x41", "A"),  # unknown ESC + x shows the default character of x
        (b"\x1b\x00", "@"),
        (b"\x1b\x09", "Ç"),
        (b"a\x1b", "a "),  # lone trailing ESC shows as a space
        (b"\x1b", " "),
        (b"\x1b\x1b", " "),  # ESC ESC: reserved for a further table, shown as a space
        (b"\x1b\x1b\x1b\x28", " {"),  # ESCs pair left to right
        (b"\x1b\x1b\x1b", "  "),
        (b"\x1b\x1b\x28", " ("),
    ],
)
def test_escape_sequences_without_a_character_decode_as_a_handset_shows_them(
    octets: bytes, shown: str
) -> None:
    assert gsm7.decode_unpacked(octets) == shown
    # The slow path (taken when an octet above 0x7F is present) agrees with the fast one.
    assert gsm7.decode_unpacked(octets + b"\x80", "ignore") == shown


def test_octet_above_0x7f_is_a_decode_error_with_its_position() -> None:
    with pytest.raises(UnicodeDecodeError) as info:
        gsm7.decode_unpacked(b"ab\x80c")
    assert (info.value.start, info.value.end) == (2, 3)
    assert info.value.encoding == gsm7.CODEC_NAME
    assert gsm7.decode_unpacked(b"ab\x80c", "replace") == "ab\ufffdc"
    assert gsm7.decode_unpacked(b"ab\x80c", "ignore") == "abc"
    assert gsm7.decode_unpacked(b"\x1b\xff", "replace") == " \ufffd"


def test_unmapped_character_is_an_encode_error_with_its_position() -> None:
    with pytest.raises(UnicodeEncodeError) as info:
        gsm7.encode_unpacked("ab`c")
    assert (info.value.start, info.value.end) == (2, 3)
    assert info.value.encoding == gsm7.CODEC_NAME


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ("replace", b"a?b?"),
        ("ignore", b"ab"),
        ("xmlcharrefreplace", b"a&#96;b&#1234;"),
        ("backslashreplace", b"a\x1b\x2fx60b\x1b\x2fu04d2"),
    ],
)
def test_standard_error_handlers_on_encode(errors: str, expected: bytes) -> None:
    assert gsm7.encode_unpacked("a`b\u04d2", errors) == expected


def test_nul_is_not_gsm_and_does_not_become_at() -> None:
    assert not gsm7.is_gsm7("\x00", aliases=True)
    with pytest.raises(UnicodeEncodeError):
        gsm7.encode_unpacked("a\x00")
    assert gsm7.encode_unpacked("a\x00@", "replace") == b"a?\x00"


def test_custom_error_handler_returning_bytes_takes_the_slow_path() -> None:
    def as_star(exc: UnicodeError) -> tuple[bytes, int]:
        assert isinstance(exc, UnicodeEncodeError)
        return b"\x2a" * (exc.end - exc.start), exc.end

    codecs.register_error("test_text.star", as_star)
    assert gsm7.encode_unpacked("a``{\u00e7", "test_text.star") == b"a**\x1b\x28\x09"


@given(st.text(max_size=50))
def test_replace_equals_encoding_with_unmapped_characters_as_question_marks(value: str) -> None:
    expected = "".join(c if gsm7.is_gsm7(c, aliases=True) else "?" for c in value)
    assert gsm7.encode_unpacked(value, "replace") == gsm7.encode_unpacked(expected)


@given(gsm_text)
def test_septet_length_counts_extension_characters_twice(value: str) -> None:
    extension = sum(c in gsm7.EXTENSION_CODES for c in value)
    assert gsm7.septet_length(value) == len(value) + extension
    assert len(gsm7.encode_unpacked(value)) == gsm7.septet_length(value)


def test_is_gsm7_separates_exact_characters_from_aliases() -> None:
    assert gsm7.is_gsm7(GSM_CHARS)
    assert gsm7.is_gsm7("")
    assert not gsm7.is_gsm7("\u00e7")
    assert gsm7.is_gsm7("\u00e7", aliases=True)
    assert not gsm7.is_gsm7("Α")
    assert gsm7.is_gsm7("Α", aliases=True)
    assert not gsm7.is_gsm7("😀", aliases=True)


@given(st.text())
def test_is_gsm7_means_exact_round_trip(value: str) -> None:
    exact = gsm7.is_gsm7(value)
    assert exact == all(c in gsm7.DEFAULT_CODES or c in gsm7.EXTENSION_CODES for c in value)
    if exact:
        assert gsm7.decode_unpacked(gsm7.encode_unpacked(value)) == value


# --- the registered Python codec --------------------------------------------------------------


def test_codec_is_registered_under_both_names() -> None:
    assert codecs.lookup("gsm03.38-unpacked").name == gsm7.CODEC_NAME
    assert codecs.lookup("GSM7_unpacked").name == gsm7.CODEC_NAME
    assert "{x}".encode("gsm03.38-unpacked") == b"\x1b\x28x\x1b\x29"
    assert b"\x1b\x65\x00".decode("gsm7-unpacked") == "€@"
    assert codecs.decode(memoryview(b"\x01"), "gsm03.38-unpacked") == "£"
    assert "a`".encode("gsm03.38-unpacked", "replace") == b"a?"


def test_incremental_decoder_holds_an_escape_split_across_chunks() -> None:
    decoder = codecs.getincrementaldecoder("gsm03.38-unpacked")()
    assert decoder.decode(b"a\x1b") == "a"
    assert decoder.decode(b"\x65b\x1b\x1b") == "€b "
    assert decoder.decode(b"\x1b", final=True) == " "


def test_incremental_encoder() -> None:
    encoder = codecs.getincrementalencoder("gsm03.38-unpacked")()
    assert encoder.encode("a{") + encoder.encode("€", final=True) == b"a\x1b\x28\x1b\x65"


# --- septet packing (facts 8.3) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "packed"),
    [
        ("hellohello", "E8 32 9B FD 46 97 D9 EC 37"),
        ("12345678", "31 D9 8C 56 B3 DD 70"),
    ],
)
def test_packing_check_values(value: str, packed: str) -> None:
    unpacked = gsm7.encode_unpacked(value)
    assert gsm7.pack_septets(unpacked) == bytes.fromhex(packed)
    assert gsm7.unpack_septets(bytes.fromhex(packed), len(value)) == unpacked


def test_reference_packer_agrees_with_the_check_values() -> None:
    assert reference_pack(b"hellohello", 0) == bytes.fromhex("E8329BFD4697D9EC37")


@given(septets, fill_bits)
def test_pack_matches_reference_and_unpack_inverts_it(values: bytes, fill: int) -> None:
    packed = gsm7.pack_septets(values, fill)
    assert packed == reference_pack(values, fill)
    assert len(packed) == (7 * len(values) + fill + 7) // 8
    assert gsm7.unpack_septets(packed, len(values), fill) == values


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 153, 160, 4095, 4096, 4097, 10000])
@pytest.mark.parametrize("fill", range(7))
def test_pack_round_trip_at_block_and_cache_boundaries(count: int, fill: int) -> None:
    values = bytes((i * 37 + 5) & 0x7F for i in range(count))
    packed = gsm7.pack_septets(values, fill)
    assert packed == reference_pack(values, fill)
    assert gsm7.unpack_septets(packed, count, fill) == values


def test_udh_capacities_from_facts_7_2() -> None:
    # 8-bit reference UDH: 6 octets, 1 fill bit, 153 septets -> 140 octets of user data.
    assert 6 + len(gsm7.pack_septets(bytes(153), 1)) == 140
    # 16-bit reference UDH: 7 octets, no fill, 152 septets -> 140.
    assert 7 + len(gsm7.pack_septets(bytes(152), 0)) == 140
    assert len(gsm7.pack_septets(bytes(160))) == 140


def test_fill_bits_are_zero_and_text_starts_after_them() -> None:
    assert gsm7.pack_septets(b"\x7f", 1) == b"\xfe"
    assert gsm7.pack_septets(b"\x7f", 6) == b"\xc0\x1f"
    assert gsm7.unpack_septets(b"\xff\x1f", 1, 6) == b"\x7f"  # fill bits are not read


def test_unpack_ignores_spare_bits_such_as_cr_padding() -> None:
    # 7 septets leave 7 spare bits; 23.038 pads them with CR (0x0D) for USSD.
    packed = bytearray(gsm7.pack_septets(b"abcdefg"))
    packed[-1] |= 0x0D << 1
    assert gsm7.unpack_septets(bytes(packed), 7) == b"abcdefg"


@pytest.mark.parametrize("fill", [-1, 7, 8])
def test_fill_bits_out_of_range_are_rejected(fill: int) -> None:
    with pytest.raises(ValueError, match="fill_bits"):
        gsm7.pack_septets(b"a", fill)
    with pytest.raises(ValueError, match="fill_bits"):
        gsm7.unpack_septets(b"a", 1, fill)


def test_bad_packing_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="0x7F"):
        gsm7.pack_septets(b"a\x80")
    with pytest.raises(ValueError, match="need 2 octets"):
        gsm7.unpack_septets(b"\x00", 2)
    with pytest.raises(ValueError, match="need 1 octets"):
        gsm7.unpack_septets(b"\x00\x00", 1)
    with pytest.raises(ValueError, match="count"):
        gsm7.unpack_septets(b"", -1)


def test_empty_packing() -> None:
    assert gsm7.pack_septets(b"") == b""
    assert gsm7.pack_septets(b"", 3) == b"\x00"  # the fill bits still take their octet
    assert gsm7.unpack_septets(b"", 0) == b""
    assert gsm7.unpack_septets(b"\x00", 0, 3) == b""


# --- pdu.text: encode / decode by data_coding -------------------------------------------------

ISO_8859_5_CHARS = bytes(range(256)).decode("iso8859-5")
ISO_8859_8_CHARS = "".join(
    c for c in (bytes((i,)).decode("iso8859-8", "ignore") for i in range(256)) if c
)

CODING_TEXTS = [
    (0x00, gsm_text),
    (0x01, st.text(alphabet=st.characters(max_codepoint=0x7F))),
    (0x03, st.text(alphabet=st.characters(max_codepoint=0xFF))),
    (0x06, st.text(alphabet=ISO_8859_5_CHARS)),
    (0x07, st.text(alphabet=ISO_8859_8_CHARS)),
    (0x08, st.text()),
    (0xC3, gsm_text),  # message waiting, discard, GSM-7
    (0xD8, gsm_text),  # message waiting, store, GSM-7
    (0xE8, st.text()),  # message waiting, store, UCS2
    (0xF0, gsm_text),  # class 0 ("flash"), GSM-7
    (0xF3, gsm_text),
    (0xF8, gsm_text),  # reserved bit 3 tolerated
]


@pytest.mark.parametrize(("data_coding", "strategy"), CODING_TEXTS)
@given(data=st.data())
def test_text_round_trips_for_every_supported_coding(
    data_coding: int, strategy: st.SearchStrategy[str], data: st.DataObject
) -> None:
    value = data.draw(strategy)
    octets = text.encode(value, data_coding)
    assert text.decode(octets, data_coding) == value
    assert isinstance(octets, bytes)


@pytest.mark.parametrize(
    ("data_coding", "value", "octets"),
    [
        (0x00, "@£{€", b"\x00\x01\x1b\x28\x1b\x65"),
        (0x01, "@{`", b"@{`"),
        (0x03, "é£", b"\xe9\xa3"),
        (0x06, "Жж", b"\xb6\xd6"),
        (0x07, "שלום", b"\xf9\xec\xe5\xed"),
        (0x08, "Aé€", b"\x00A\x00\xe9\x20\xac"),
        (0x08, "😀", b"\xd8\x3d\xde\x00"),
        (0xF0, "hi", b"hi"),
        (0xE0, "hi", b"\x00h\x00i"),
    ],
)
def test_golden_encodings(data_coding: int, value: str, octets: bytes) -> None:
    assert text.encode(value, data_coding) == octets
    assert text.decode(octets, data_coding) == value


def test_ucs2_has_no_bom_and_keeps_a_leading_feff_as_text() -> None:
    assert text.encode("a", 0x08) == b"\x00a"
    assert text.decode(b"\xfe\xff\x00a", 0x08) == "\ufeffa"


def test_ucs2_surrogate_pairs() -> None:
    assert text.units("a😀", 0x08) == 3
    assert text.decode(b"\xd8\x3d\xde\x00\x00a", 0x08) == "😀a"
    with pytest.raises(TextEncodeError):
        text.encode("\ud83d", 0x08)  # a lone surrogate is not text
    with pytest.raises(TextDecodeError):
        text.decode(b"\xd8\x3d\x00a", 0x08)  # high surrogate without its low half
    assert text.decode(b"\xd8\x3d\x00a", 0x08, "replace") == "\ufffda"


@given(st.text())
def test_ucs2_units_are_utf16_code_units(value: str) -> None:
    astral = sum(ord(c) > 0xFFFF for c in value)
    assert text.units(value, 0x08) == len(value) + astral
    assert len(text.encode(value, 0x08)) == 2 * text.units(value, 0x08)


def test_ucs2_odd_length_is_an_error_under_strict_and_replaced_otherwise() -> None:
    with pytest.raises(TextDecodeError) as info:
        text.decode(b"\x00a\x00", 0x08)
    assert info.value.start == 2
    assert text.decode(b"\x00a\x00", 0x08, "replace") == "a\ufffd"
    assert text.decode(b"\x00a\x00", 0x08, "ignore") == "a"


def test_ia5_is_ascii_only() -> None:
    with pytest.raises(TextEncodeError):
        text.encode("é", 0x01)
    with pytest.raises(TextDecodeError):
        text.decode(b"\x80", 0x01)
    assert text.decode(b"a\x80", 0x01, "replace") == "a\ufffd"


def test_iso_8859_8_undefined_octet_is_a_decode_error() -> None:
    with pytest.raises(TextDecodeError):
        text.decode(b"\xa1", 0x07)


@pytest.mark.parametrize("data_coding", [0x02, 0x04, 0xF4, 0xF5, 0xF6, 0xF7, 0xFC, 0xFF])
def test_binary_codings_refuse_text_and_take_bytes(data_coding: int) -> None:
    assert text.is_binary(data_coding)
    with pytest.raises(TextError, match="binary"):
        text.encode("abc", data_coding)
    with pytest.raises(TextError, match="binary"):
        text.decode(b"abc", data_coding)
    with pytest.raises(TextError, match="binary"):
        text.units("abc", data_coding)
    payload = text.binary_payload(bytearray(b"\x00\xff"), data_coding)
    assert payload == b"\x00\xff"
    assert type(payload) is bytes


def test_binary_payload_refuses_text_codings_and_str() -> None:
    with pytest.raises(TextError, match="text"):
        text.binary_payload(b"abc", 0x00)
    with pytest.raises(TypeError):
        text.binary_payload("abc", 0x02)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data_coding", [0x05, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x80, 0xBF, -1, 0x100]
)
def test_unsupported_or_invalid_data_coding_is_a_text_error(data_coding: int) -> None:
    with pytest.raises(TextError, match=r"data_coding"):
        text.encode("a", data_coding)
    with pytest.raises(TextError, match=r"data_coding"):
        text.decode(b"a", data_coding)
    with pytest.raises(TextError, match=r"data_coding"):
        text.units("a", data_coding)


def test_wrong_python_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        text.encode(b"a", 0x00)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        text.decode("a", 0x00)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        text.encode("a", "0")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        text.encode("a", True)


def test_errors_are_our_type_and_the_standard_one() -> None:
    with pytest.raises(TextEncodeError) as info:
        text.encode("a😀", 0x00)
    assert isinstance(info.value, UnicodeEncodeError)
    assert isinstance(info.value, ValueError)
    assert (info.value.start, info.value.end) == (1, 2)
    assert text.encode("a😀", 0x00, "replace") == b"a?"
    assert text.encode("a😀", 0x03, "ignore") == b"a"


@pytest.mark.parametrize("data_coding", [0x00, 0x01, 0x03, 0x06, 0x07, 0x08, 0xE1, 0xF2])
@given(data=st.binary(max_size=64))
def test_arbitrary_octets_decode_or_raise_text_error(data_coding: int, data: bytes) -> None:
    try:
        result = text.decode(data, data_coding)
    except TextError:
        pass
    else:
        assert isinstance(result, str)
    assert isinstance(text.decode(data, data_coding, "replace"), str)


@pytest.mark.parametrize("data_coding", [0x00, 0x01, 0x03, 0x06, 0x07, 0x08])
@given(value=st.text(max_size=64))
def test_arbitrary_text_encodes_or_raises_text_error(data_coding: int, value: str) -> None:
    try:
        result = text.encode(value, data_coding)
    except TextError:
        pass
    else:
        if data_coding != 0x00 or gsm7.is_gsm7(value):  # aliases are one way by design
            assert text.decode(result, data_coding) == value


# --- choose_data_coding and units -------------------------------------------------------------


@given(gsm_text)
def test_gsm_text_chooses_the_default_alphabet(value: str) -> None:
    assert text.choose_data_coding(value) == 0x00


@given(gsm_text, st.characters().filter(lambda c: c not in GSM_CHARS), gsm_text)
def test_one_character_outside_gsm_chooses_ucs2(head: str, odd: str, tail: str) -> None:
    assert text.choose_data_coding(head + odd + tail) == 0x08


@pytest.mark.parametrize("value", ["ça", "ΑΘΗΝΑ", "`", "\x00", "😀"])
def test_auto_choice_never_changes_text(value: str) -> None:
    assert text.choose_data_coding(value) == 0x08


def test_auto_choice_of_empty_and_extension_text_is_gsm() -> None:
    assert text.choose_data_coding("") == 0x00
    assert text.choose_data_coding("{[€]}") == 0x00


@pytest.mark.parametrize(
    ("value", "data_coding", "expected"),
    [
        ("hello", 0x00, 5),
        ("a{b}€", 0x00, 8),
        ("ça", 0x00, 2),
        ("a{", 0x01, 2),
        ("é€", 0x03, None),
        ("éa", 0x03, 2),
        ("Жж", 0x06, 2),
        ("a€😀", 0x08, 4),
        ("", 0x08, 0),
        ("abc", 0xF1, 3),
    ],
)
def test_units(value: str, data_coding: int, expected: int | None) -> None:
    if expected is None:
        with pytest.raises(TextEncodeError):
            text.units(value, data_coding)
    else:
        assert text.units(value, data_coding) == expected


def test_units_with_an_error_handler_counts_what_would_be_sent() -> None:
    assert text.units("a😀{", 0x00, "replace") == 4  # a ? ESC (
    assert text.units("a😀", 0x01, "ignore") == 1


@given(gsm_text)
def test_gsm_units_equal_the_unpacked_length(value: str) -> None:
    assert text.units(value, 0x00) == len(text.encode(value, 0x00))


def test_charset_names() -> None:
    assert text.charset(0x00) == gsm7.CODEC_NAME
    assert text.charset(0x08) == "utf-16-be"
    assert text.charset(0xF5) == text.BINARY
    for data_coding in range(256):
        try:
            name = text.charset(data_coding)
        except TextError:
            continue
        if name != text.BINARY:
            codecs.lookup(name)  # every answer is a real Python codec

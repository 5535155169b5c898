"""GSM 03.38 (3GPP TS 23.038) default alphabet: tables, unpacked codec and septet packing.

Unpacked form is what SMPP carries with data_coding 0 in this simulator: one septet value
(0x00-0x7F) per octet, extension characters as an ``ESC`` (0x1B) pair. Packed form is the
air-interface bit stream; :func:`pack_septets` / :func:`unpack_septets` convert between them.

Choices (the spec leaves them to the implementation):

* Decoding 0x09 gives U+00C7 (capital C cedilla). Both U+00C7 and U+00E7 encode to 0x09: the
  original GSM 03.38 table drew a small c cedilla there and handsets still send it that way.
* Greek capitals that look like Latin letters (Alpha Beta Epsilon Eta Iota Kappa Mu Nu Omicron
  Rho Tau Upsilon Chi Zeta) encode to the Latin codes, as 23.038 intends. They decode as Latin
  letters, so such text does not round-trip exactly (the glyphs do); see :func:`is_gsm7`.
* ``ESC`` + a code with no extension character decodes to the default-table character of that
  code (23.038: "display the character of the default table").
* ``ESC ESC`` (reserved for a further extension table) and an ``ESC`` with no follower at the
  end of the data decode to U+0020 SPACE, as a handset shows them. Neither is an error: the
  segmenter, which has the context, is the place to catch an ESC pair split across parts.
* A byte above 0x7F is not a septet: a decode error, handled by the ``errors`` handler.

Importing this module registers the Python codec ``"gsm03.38-unpacked"`` (alias
``"gsm7-unpacked"``), so ``"text".encode("gsm03.38-unpacked", "replace")`` works with every
standard error handler. The name differs from the ``gsm0338`` package's ``"gsm03.38"`` so the
two can live in one process.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = [
    "ALIASES",
    "CODEC_NAME",
    "DEFAULT_ALPHABET",
    "DEFAULT_CODES",
    "ESC",
    "EXTENSION_CODES",
    "EXTENSION_TABLE",
    "decode_unpacked",
    "encode_unpacked",
    "is_gsm7",
    "pack_septets",
    "septet_length",
    "unpack_septets",
]

CODEC_NAME = "gsm03.38-unpacked"
ESC = 0x1B

# --- The tables (3GPP TS 23.038 section 6.2.1), code -> character ---------------------------

# One string per column of the spec's table: 16 codes each. Position 0x1B is the escape to the
# extension table, not a character; the "\x1b" below only holds its place.
_DEFAULT_ROWS = (
    "@£$¥èéùìòÇ\nØø\rÅå",  # 0x00-0x0F
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ",  # 0x10-0x1F
    " !\"#¤%&'()*+,-./",  # 0x20-0x2F
    "0123456789:;<=>?",  # 0x30-0x3F
    "¡ABCDEFGHIJKLMNO",  # 0x40-0x4F
    "PQRSTUVWXYZÄÖÑÜ§",  # 0x50-0x5F
    "¿abcdefghijklmno",  # 0x60-0x6F
    "pqrstuvwxyzäöñüà",  # 0x70-0x7F
)

DEFAULT_ALPHABET: Mapping[int, str] = MappingProxyType(
    {code: char for code, char in enumerate("".join(_DEFAULT_ROWS)) if code != ESC}
)
"""Default alphabet, septet -> character (127 entries; 0x1B is the escape)."""

EXTENSION_TABLE: Mapping[int, str] = MappingProxyType(
    {
        0x0A: "\f",  # form feed (page break)
        0x14: "^",
        0x28: "{",
        0x29: "}",
        0x2F: "\\",
        0x3C: "[",
        0x3D: "~",
        0x3E: "]",
        0x40: "|",
        0x65: "€",
    }
)
"""Extension table, second septet of an ``ESC`` pair -> character."""

ALIASES: Mapping[str, int] = MappingProxyType(
    {
        "\u00e7": 0x09,  # LATIN SMALL LETTER C WITH CEDILLA -> Ç
        "\u0391": 0x41,  # GREEK CAPITAL LETTER ALPHA -> A
        "\u0392": 0x42,  # GREEK CAPITAL LETTER BETA -> B
        "\u0395": 0x45,  # GREEK CAPITAL LETTER EPSILON -> E
        "\u0397": 0x48,  # GREEK CAPITAL LETTER ETA -> H
        "\u0399": 0x49,  # GREEK CAPITAL LETTER IOTA -> I
        "\u039a": 0x4B,  # GREEK CAPITAL LETTER KAPPA -> K
        "\u039c": 0x4D,  # GREEK CAPITAL LETTER MU -> M
        "\u039d": 0x4E,  # GREEK CAPITAL LETTER NU -> N
        "\u039f": 0x4F,  # GREEK CAPITAL LETTER OMICRON -> O
        "\u03a1": 0x50,  # GREEK CAPITAL LETTER RHO -> P
        "\u03a4": 0x54,  # GREEK CAPITAL LETTER TAU -> T
        "\u03a5": 0x59,  # GREEK CAPITAL LETTER UPSILON -> Y
        "\u03a7": 0x58,  # GREEK CAPITAL LETTER CHI -> X
        "\u0396": 0x5A,  # GREEK CAPITAL LETTER ZETA -> Z
    }
)
"""Characters without a code of their own that encode to a default-table code (one way)."""

# --- Reverse maps, character -> code --------------------------------------------------------

DEFAULT_CODES: Mapping[str, int] = MappingProxyType(
    {char: code for code, char in DEFAULT_ALPHABET.items()}
)
"""Default alphabet, character -> septet (canonical characters only, no aliases)."""

EXTENSION_CODES: Mapping[str, int] = MappingProxyType(
    {char: code for code, char in EXTENSION_TABLE.items()}
)
"""Extension table, character -> second septet of the ``ESC`` pair."""

# --- Precomputed C-level tables (derived from the tables above, never edited by hand) --------

# Encoding goes through codecs.charmap_encode with a charmap_build EncodingMap: a C loop that
# also drives the standard error handlers with correct positions. Two limits of EncodingMap
# shape the layout: it emits one octet per character, and octet 0x00 must be U+0000 (else
# charmap_build silently returns a dict, ten times slower). So the map emits "raw" octets:
#   0x01-0x7F   the septet itself
#   0x80|code   extension character (0x80-0xE5), widened to ESC code afterwards
#   spare slots '@' and the aliases, translated to their septet afterwards
#   0x00        U+0000, which has no GSM code: text containing it takes the slow path
# Text of plain default-table characters other than '@' needs no post-processing at all.
_PLACEHOLDER = 0x80
_UNMAPPED = "\ufffe"  # charmap_build's "no character for this octet"


def _raw_layout(*, aliases: bool) -> tuple[str, bytes]:
    """The charmap_build table, and the bytes.translate table from raw octets to septets."""
    slots = [_UNMAPPED] * 256
    remap = bytearray(range(256))
    slots[0] = "\x00"
    for char, code in DEFAULT_CODES.items():
        if code:
            slots[code] = char
    for char, code in EXTENSION_CODES.items():
        slots[_PLACEHOLDER | code] = char
    spare = iter([i for i in range(255, _PLACEHOLDER, -1) if slots[i] == _UNMAPPED])
    extra = {"@": 0x00, **(ALIASES if aliases else {})}
    for char, code in extra.items():
        slot = next(spare)
        slots[slot] = char
        remap[slot] = code
    return "".join(slots), bytes(remap)


_ENCODING_TABLE, _RAW_TO_SEPTET = _raw_layout(aliases=True)
_ENCODING_MAP = codecs.charmap_build(_ENCODING_TABLE)
_CANONICAL_MAP = codecs.charmap_build(_raw_layout(aliases=False)[0])
_EXTENSION_PAIRS = tuple(
    (bytes((_PLACEHOLDER | code,)), bytes((ESC, code))) for code in EXTENSION_TABLE
)

# Decoding: ESC pairs are folded to one octet 0x80|follower (free octets, since the fast path
# only sees data below 0x80), then one charmap_decode with a complete table does the rest.
_DECODING_TABLE = (
    "".join(DEFAULT_ALPHABET.get(i, " ") for i in range(128))  # 0x1B alone -> space
    + "".join(EXTENSION_TABLE.get(i, DEFAULT_ALPHABET.get(i, " ")) for i in range(128))
)
_EXTENSION_FOLDS = tuple(
    (bytes((ESC, code)), bytes((_PLACEHOLDER | code,))) for code in (ESC, *EXTENSION_TABLE)
)


# Error handlers known to return str (re-encoded through the map) or nothing; any other handler
# may return raw bytes above 0x7F, which the placeholder scheme would misread.
_STR_HANDLERS = frozenset(
    {"strict", "ignore", "replace", "xmlcharrefreplace", "backslashreplace", "namereplace"}
)

# --- Codec functions ------------------------------------------------------------------------


def encode_unpacked(text: str, errors: str = "strict") -> bytes:
    """Encode *text* to GSM 03.38, one septet per octet, extension characters as ESC pairs.

    Characters with no code go to the *errors* handler (``UnicodeEncodeError`` under strict).
    """
    if errors not in _STR_HANDLERS or "\x00" in text:
        return _encode_slow(text, errors)
    try:
        raw: bytes = codecs.charmap_encode(text, errors, _ENCODING_MAP)[0]
    except UnicodeEncodeError as exc:
        if exc.encoding != "charmap":
            raise
        raise UnicodeEncodeError(
            CODEC_NAME, text, exc.start, exc.end, "character not in GSM 03.38"
        ) from None
    if raw.isascii():
        return raw
    out = raw.translate(_RAW_TO_SEPTET)
    if out.isascii():
        return out
    for placeholder, pair in _EXTENSION_PAIRS:
        out = out.replace(placeholder, pair)
    return out


def _char_code(char: str) -> bytes | None:
    code = DEFAULT_CODES.get(char)
    if code is None:
        code = ALIASES.get(char)
    if code is not None:
        return bytes((code,))
    ext = EXTENSION_CODES.get(char)
    return None if ext is None else bytes((ESC, ext))


def _encode_slow(text: str, errors: str) -> bytes:
    handler = codecs.lookup_error(errors)
    out = bytearray()
    pos = 0
    while pos < len(text):
        octets = _char_code(text[pos])
        if octets is not None:
            out += octets
            pos += 1
            continue
        end = pos + 1
        while end < len(text) and _char_code(text[end]) is None:
            end += 1
        exc = UnicodeEncodeError(CODEC_NAME, text, pos, end, "character not in GSM 03.38")
        replacement, pos = handler(exc)
        if isinstance(replacement, str):
            out += encode_unpacked(replacement, "strict")
        else:
            out += replacement
        if pos < 0:
            pos += len(text)
    return bytes(out)


def decode_unpacked(data: bytes, errors: str = "strict") -> str:
    """Decode unpacked GSM 03.38 (one septet per octet) to text.

    Octets above 0x7F go to the *errors* handler; ESC handling is described in the module doc.
    """
    if data.isascii():
        if ESC not in data:
            plain: str = codecs.charmap_decode(data, "strict", _DECODING_TABLE)[0]
            return plain
        # bytes.replace works left to right without overlap, which is how a receiver pairs a
        # run of ESCs; ESC ESC goes first for that reason.
        for pair, single in _EXTENSION_FOLDS:
            data = data.replace(pair, single)
        trailing = data.endswith(b"\x1b")
        data = data.replace(b"\x1b", b"")  # unknown ESC+x shows x
        text: str = codecs.charmap_decode(data, "strict", _DECODING_TABLE)[0]
        return text + " " if trailing else text
    return _decode_slow(data, errors)


def _decode_slow(data: bytes, errors: str) -> str:
    handler = codecs.lookup_error(errors)
    out: list[str] = []
    pos = 0
    size = len(data)
    while pos < size:
        octet = data[pos]
        if octet < 0x80:
            if octet == ESC and pos + 1 < size and data[pos + 1] < 0x80:
                out.append(_DECODING_TABLE[_PLACEHOLDER | data[pos + 1]])
                pos += 2
            else:
                out.append(_DECODING_TABLE[octet])
                pos += 1
            continue
        exc = UnicodeDecodeError(CODEC_NAME, data, pos, pos + 1, "octet is not a septet (> 0x7F)")
        replacement, pos = handler(exc)
        if not isinstance(replacement, str):
            raise TypeError(f"decoding error handler {errors!r} must return str")
        out.append(replacement)
        if pos < 0:
            pos += size
    return "".join(out)


def is_gsm7(text: str, *, aliases: bool = False) -> bool:
    """True if every character of *text* is in GSM 03.38 (default or extension table).

    Such text round-trips unchanged. With *aliases*, also accept the one-way characters of
    :data:`ALIASES` (c cedilla, Latin-looking Greek capitals): exactly the text
    :func:`encode_unpacked` takes under strict.
    """
    try:
        codecs.charmap_encode(text, "strict", _ENCODING_MAP if aliases else _CANONICAL_MAP)
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def septet_length(text: str, errors: str = "strict") -> int:
    """Septets *text* takes in GSM 03.38: extension characters count 2."""
    return len(encode_unpacked(text, errors))


# --- Septet packing (23.038 section 6.1.2.1) ------------------------------------------------
#
# Septet i occupies bits 7i..7i+6 of a little-endian bit stream. Instead of a loop per septet,
# the whole message is one Python int and the 8-bit lanes are squeezed to 7 bits in three
# mask-and-shift rounds (pairs, quads, octets of septets), all in C.


def _lane_mask(pattern: int, lane_bytes: int, total_bytes: int) -> int:
    unit = pattern.to_bytes(lane_bytes, "little")
    return int.from_bytes(unit * (total_bytes // lane_bytes + 1), "little")


_MASK_CACHE_BYTES = 4096  # covers any single SMS and every PDU-sized short_message


def _masks(total_bytes: int) -> tuple[int, int, int, int, int, int]:
    size = max(total_bytes, _MASK_CACHE_BYTES)
    return (
        _lane_mask(0x007F, 2, size),
        _lane_mask(0x7F00, 2, size),
        _lane_mask(0x0000_3FFF, 4, size),
        _lane_mask(0x3FFF_0000, 4, size),
        _lane_mask(0x0000_0000_0FFF_FFFF, 8, size),
        _lane_mask(0x0FFF_FFFF_0000_0000, 8, size),
    )


_MASKS = _masks(_MASK_CACHE_BYTES)


def _check_fill(fill_bits: int) -> None:
    if not 0 <= fill_bits <= 6:
        raise ValueError(f"fill_bits must be 0..6, got {fill_bits}")


def pack_septets(septets: bytes, fill_bits: int = 0) -> bytes:
    """Pack septet values (0x00-0x7F, one per octet) into the 7-bit stream.

    The first *fill_bits* bits of the output are zero, so the text starts on a septet boundary
    after a UDH (23.040). Returns ``ceil((7 * len(septets) + fill_bits) / 8)`` octets; spare
    bits of the last octet are zero (23.038's CR padding is for USSD and cell broadcast).
    """
    _check_fill(fill_bits)
    if not septets.isascii():
        raise ValueError("septet values must be 0x00-0x7F")
    count = len(septets)
    size = (7 * count + fill_bits + 7) // 8
    if count == 0:
        return bytes(size)
    a, b, c, d, e, f = _MASKS if count <= _MASK_CACHE_BYTES else _masks(count)
    x = int.from_bytes(septets, "little")
    x = (x & a) | ((x & b) >> 1)
    x = (x & c) | ((x & d) >> 2)
    x = (x & e) | ((x & f) >> 4)
    blocks = (count + 7) // 8
    stream = bytearray(x.to_bytes(8 * blocks, "little"))
    del stream[7::8]  # the empty top octet of every 8-septet block
    if fill_bits:
        value = int.from_bytes(stream, "little") << fill_bits
        return value.to_bytes(size, "little")
    return bytes(stream[:size])


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> bytes:
    """Unpack *count* septets from the 7-bit stream *data*, skipping *fill_bits* leading bits.

    *data* must be exactly ``ceil((7 * count + fill_bits) / 8)`` octets: the septet count comes
    from TP-UDL, since trailing spare bits cannot tell 7 bits of padding from an ``@``.
    """
    _check_fill(fill_bits)
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    size = (7 * count + fill_bits + 7) // 8
    if len(data) != size:
        raise ValueError(
            f"{count} septets after {fill_bits} fill bits need {size} octets, got {len(data)}"
        )
    if count == 0:
        return b""
    blocks = (count + 7) // 8
    x = (int.from_bytes(data, "little") >> fill_bits) & ((1 << (7 * count)) - 1)
    src = x.to_bytes(7 * blocks, "little")
    spread = bytearray(8 * blocks)
    for i in range(7):  # 7 octets of bit stream per 64-bit lane, top octet left zero
        spread[i::8] = src[i::7]
    a, b, c, d, e, f = _MASKS if count <= _MASK_CACHE_BYTES else _masks(count)
    x = int.from_bytes(spread, "little")
    x = (x & e) | ((x << 4) & f)
    x = (x & c) | ((x << 2) & d)
    x = (x & a) | ((x << 1) & b)
    return x.to_bytes(8 * blocks, "little")[:count]


# --- Python codec registration --------------------------------------------------------------


def _codec_encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    return encode_unpacked(text, errors), len(text)


def _codec_decode(data: ReadableBuffer, errors: str = "strict") -> tuple[str, int]:
    octets = bytes(data)  # codecs.decode may hand over a memoryview or bytearray
    return decode_unpacked(octets, errors), len(octets)


class _IncrementalEncoder(codecs.IncrementalEncoder):
    def encode(self, input: str, final: bool = False) -> bytes:
        return encode_unpacked(input, self.errors)


class _IncrementalDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, input: ReadableBuffer, errors: str, final: bool) -> tuple[str, int]:
        data = bytes(input)
        end = len(data)
        if not final:
            # An odd run of trailing ESCs ends in an opener whose follower is still to come.
            run = end - len(data.rstrip(b"\x1b"))
            end -= run % 2
        return decode_unpacked(data[:end], errors), end


_CODEC_INFO = codecs.CodecInfo(
    name=CODEC_NAME,
    encode=_codec_encode,
    decode=_codec_decode,
    incrementalencoder=_IncrementalEncoder,
    incrementaldecoder=_IncrementalDecoder,
)
_CODEC_NAMES = frozenset({"gsm03.38_unpacked", "gsm7_unpacked"})  # as codecs normalises them


def _search(name: str) -> codecs.CodecInfo | None:
    return _CODEC_INFO if name in _CODEC_NAMES else None


codecs.register(_search)

"""Text <-> short_message octets by SMPP 3.4 data_coding (section 5.2.19); the one entry point.

Supported data_coding values:

==========  ==============================================================================
0x00        SMSC default alphabet. In this simulator: GSM 03.38, unpacked (one septet per
            octet, extension characters as ESC pairs); see :mod:`pdu.gsm7`.
0x01        IA5 / ASCII. Bytes above 0x7F are a decode error.
0x02, 0x04  8-bit binary: bytes, not text. :func:`encode` and :func:`decode` refuse them with
            :class:`TextError`; use :func:`binary_payload` for the bytes path. (Decoding them
            "as Latin-1" would invent characters the sender never meant.)
0x03        Latin-1 (ISO-8859-1).
0x06        Cyrillic (ISO-8859-5).
0x07        Latin/Hebrew (ISO-8859-8).
0x08        UCS-2 on the wire as UTF-16BE, no BOM; characters outside the BMP travel as
            surrogate pairs. A leading U+FEFF is kept as a character, not eaten as a BOM.
0xC0-0xDF   GSM message-waiting groups "discard"/"store" (23.038 section 4): GSM 03.38.
0xE0-0xEF   GSM message-waiting group "store, UCS2": as 0x08.
0xF0-0xFF   GSM data coding / message class group: bit 2 clear = GSM 03.38, set = 8-bit
            binary. The reserved bit 3 is tolerated (receivers should be liberal).
==========  ==============================================================================

Anything else (JIS, pictograms, KS C 5601, reserved values) raises :class:`TextError`.

Errors: everything this module raises for bad input is a :class:`TextError` (a ``ValueError``).
Characters or octets that do not fit the coding raise :class:`TextEncodeError` /
:class:`TextDecodeError`, which are also ``UnicodeEncodeError`` / ``UnicodeDecodeError``; the
*errors* argument takes any registered codecs error handler (strict, replace, ignore, ...).
Passing bytes where text belongs (or the reverse) is a ``TypeError``: callers never guess.
"""

from __future__ import annotations

from pdu import gsm7

__all__ = [
    "CYRILLIC",
    "GSM7",
    "IA5",
    "LATIN1",
    "LATIN_HEBREW",
    "OCTET_UNSPECIFIED",
    "OCTET_UNSPECIFIED_2",
    "UCS2",
    "TextDecodeError",
    "TextEncodeError",
    "TextError",
    "binary_payload",
    "charset",
    "choose_data_coding",
    "decode",
    "encode",
    "is_binary",
    "units",
]

# data_coding values (SMPP 3.4 section 5.2.19); pdu.enums.DataCoding carries the same numbers.
GSM7 = 0x00  # "SMSC default alphabet"
IA5 = 0x01
OCTET_UNSPECIFIED = 0x02
LATIN1 = 0x03
OCTET_UNSPECIFIED_2 = 0x04
CYRILLIC = 0x06
LATIN_HEBREW = 0x07
UCS2 = 0x08

BINARY = "binary"
"""What :func:`charset` answers for 8-bit binary codings."""

_UTF16 = "utf-16-be"

Octets = bytes | bytearray | memoryview
"""What :func:`decode` and :func:`binary_payload` read; they copy it to ``bytes`` first."""


class TextError(ValueError):
    """Text cannot be converted under this data_coding (bad value, wrong kind, bad content)."""


class TextEncodeError(TextError, UnicodeEncodeError):
    """A character has no representation in the chosen data_coding."""


class TextDecodeError(TextError, UnicodeDecodeError):
    """The octets are not valid in the chosen data_coding."""


_UNSUPPORTED = {
    0x05: "JIS (X 0208-1990)",
    0x09: "pictogram encoding",
    0x0A: "ISO-2022-JP (music codes)",
    0x0D: "extended Kanji JIS (X 0212-1990)",
    0x0E: "KS C 5601",
}


def _charset_of(data_coding: int) -> str | None:
    if data_coding in _BASIC:
        return _BASIC[data_coding]
    group = data_coding & 0xF0
    if group in (0xC0, 0xD0):
        return gsm7.CODEC_NAME
    if group == 0xE0:
        return _UTF16
    if group == 0xF0:
        return BINARY if data_coding & 0x04 else gsm7.CODEC_NAME
    return None


_BASIC = {
    GSM7: gsm7.CODEC_NAME,
    IA5: "ascii",
    OCTET_UNSPECIFIED: BINARY,
    LATIN1: "latin-1",
    OCTET_UNSPECIFIED_2: BINARY,
    CYRILLIC: "iso8859-5",
    LATIN_HEBREW: "iso8859-8",
    UCS2: _UTF16,
}
# One lookup per call instead of branching on groups.
_CHARSETS: tuple[str | None, ...] = tuple(_charset_of(value) for value in range(256))


def charset(data_coding: int) -> str:
    """Python codec name for *data_coding*, or :data:`BINARY`; :class:`TextError` if none."""
    if isinstance(data_coding, bool) or not isinstance(data_coding, int):
        raise TypeError(f"data_coding must be an int, got {type(data_coding).__name__}")
    if not 0 <= data_coding <= 0xFF:
        raise TextError(f"data_coding must be 0x00-0xFF, got {data_coding}")
    name = _CHARSETS[data_coding]
    if name is None:
        what = _UNSUPPORTED.get(data_coding, "reserved")
        raise TextError(f"data_coding 0x{data_coding:02X} ({what}) is not supported")
    return name


def is_binary(data_coding: int) -> bool:
    """True for the 8-bit binary codings (0x02, 0x04, 0xF4-0xF7, 0xFC-0xFF)."""
    return charset(data_coding) == BINARY


def _text_charset(data_coding: int) -> str:
    name = charset(data_coding)
    if name == BINARY:
        raise TextError(
            f"data_coding 0x{data_coding:02X} is 8-bit binary, not text: use binary_payload()"
        )
    return name


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")


def encode(text: str, data_coding: int, errors: str = "strict") -> bytes:
    """Encode *text* to short_message octets for *data_coding*."""
    _check_text(text)
    name = _text_charset(data_coding)
    try:
        if name == gsm7.CODEC_NAME:
            return gsm7.encode_unpacked(text, errors)
        return text.encode(name, errors)
    except UnicodeEncodeError as exc:
        raise TextEncodeError(exc.encoding, exc.object, exc.start, exc.end, exc.reason) from None


def decode(data: Octets, data_coding: int, errors: str = "strict") -> str:
    """Decode short_message octets *data* under *data_coding*.

    UCS-2 of odd length is an error under strict; replace gives U+FFFD for the stray octet.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    name = _text_charset(data_coding)
    octets = bytes(data)
    try:
        if name == gsm7.CODEC_NAME:
            return gsm7.decode_unpacked(octets, errors)
        return octets.decode(name, errors)
    except UnicodeDecodeError as exc:
        raise TextDecodeError(exc.encoding, exc.object, exc.start, exc.end, exc.reason) from None


def binary_payload(data: Octets, data_coding: int) -> bytes:
    """The bytes path for 8-bit binary codings: checks the pairing, returns immutable bytes."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    if not is_binary(data_coding):
        raise TextError(f"data_coding 0x{data_coding:02X} is text: use encode()")
    return bytes(data)


def choose_data_coding(text: str) -> int:
    """0x00 if every character of *text* is in GSM 03.38 (default + extension), else 0x08.

    Only characters that round-trip count: c cedilla and Latin-looking Greek capitals, which
    GSM-7 can carry only by changing them, choose UCS-2 (as handsets do).
    """
    _check_text(text)
    return GSM7 if gsm7.is_gsm7(text) else UCS2


def units(text: str, data_coding: int, errors: str = "strict") -> int:
    """Length of *text* in the limit unit of *data_coding*.

    Septets for GSM 03.38 (extension characters count 2) and IA5, octets for the 8-bit
    character sets, UTF-16 code units for UCS-2 (a character outside the BMP counts 2).
    """
    _check_text(text)
    name = _text_charset(data_coding)
    if name == _UTF16 and errors == "strict" and text.isascii():
        return len(text)  # common case, no encoding needed
    size = len(encode(text, data_coding, errors))
    return size // 2 if name == _UTF16 else size

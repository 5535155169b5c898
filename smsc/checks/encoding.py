"""Encoding checks on one part's octets: ``encoding.invalid`` and ``encoding.ucs2_not_needed``,
and the split pairs the segment checks report (an escape or surrogate cut at a part's end).

Cheap on the common case: GSM-7 octets that are ASCII with no escape, UCS-2 text the core
decoded without a replacement character, are valid without another look.
"""

from __future__ import annotations

from pdu import gsm7
from pdu import text as pdu_text
from pdu.segment import Alphabet, alphabet_for, count_text_parts

from ..model import Message

__all__ = [
    "invalid",
    "is_ucs2",
    "payload_of",
    "split_escape",
    "split_surrogate",
    "ucs2_not_needed",
]

_ESC = gsm7.ESC


def payload_of(msg: Message) -> bytes:
    """The part's text octets: short_message without its UDH (the core keeps the whole)."""
    sm = msg.short_message
    if msg.esm_class & 0x40 and sm:
        return sm[1 + sm[0] :]
    return sm


def is_ucs2(data_coding: int) -> bool:
    return alphabet_for(data_coding) is Alphabet.UCS2


def _gsm7_coded(data_coding: int) -> bool:
    try:
        return pdu_text.charset(data_coding) == gsm7.CODEC_NAME
    except pdu_text.TextError:
        return False


def _show(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def invalid(
    payload: bytes, data_coding: int, text: str | None, *, first: bool = True, last: bool = True
) -> str | None:
    """What is wrong with ``payload`` under ``data_coding``, None when nothing is. An escape
    or a high surrogate ending a part that is not the last (and a low surrogate starting one
    that is not the first) are the segment checks' to report, not this one's."""
    if _gsm7_coded(data_coding):
        if payload.isascii() and _ESC not in payload:
            return None
        return _gsm7_problem(payload, last)
    if is_ucs2(data_coding):
        if len(payload) & 1:
            return (
                f"UCS-2 with an odd number of octets ({len(payload)}): the last octet is half a"
                " character and shows as a replacement character"
            )
        if text is not None and "\ufffd" not in text:
            return None
        return _ucs2_problem(payload, first, last)
    if data_coding == pdu_text.IA5:
        for i, octet in enumerate(payload):
            if octet > 0x7F:
                return f"IA5 (data_coding 1) octet 0x{octet:02X} at offset {i} is above 0x7F"
        return None
    if text is None or "\ufffd" not in text:
        return None  # binary, or an 8-bit text coding decoded cleanly
    try:
        pdu_text.decode(payload, data_coding)
    except pdu_text.TextDecodeError as e:
        octet = payload[e.start]
        return (
            f"octet 0x{octet:02X} at offset {e.start} has no character in data_coding"
            f" {data_coding}: the handset shows a replacement character"
        )
    return None


def _gsm7_problem(payload: bytes, last: bool) -> str | None:
    i, size = 0, len(payload)
    while i < size:
        octet = payload[i]
        if octet > 0x7F:
            return (
                f"GSM-7 octet 0x{octet:02X} at offset {i} is above 0x7F (not a septet): the"
                " handset shows a replacement character; send UCS-2 (data_coding 8) for"
                " characters GSM-7 lacks"
            )
        if octet != _ESC:
            i += 1
            continue
        if i + 1 == size:
            if last:
                return (
                    f"GSM-7 ends with a lone escape (0x1B at offset {i}): the handset shows a"
                    " space; an extension character needs 0x1B and its code"
                )
            return None  # an escape cut at a part's end: segment.split_escape
        follower = payload[i + 1]
        if follower == _ESC:
            return (
                f"GSM-7 escape followed by another escape at offset {i} (reserved): the"
                " handset shows a space"
            )
        if follower <= 0x7F and follower not in gsm7.EXTENSION_TABLE:
            shown = gsm7.DEFAULT_ALPHABET.get(follower, " ")
            return (
                f"GSM-7 escape 0x1B 0x{follower:02X} at offset {i} has no extension"
                f" character: the handset shows {_show(shown)}"
            )
        i += 2
    return None


def _ucs2_problem(payload: bytes, first: bool, last: bool) -> str | None:
    units = len(payload) // 2
    i = 0
    while i < units:
        unit = payload[2 * i] << 8 | payload[2 * i + 1]
        if 0xD800 <= unit <= 0xDBFF:
            if i + 1 < units:
                after = payload[2 * i + 2] << 8 | payload[2 * i + 3]
                if 0xDC00 <= after <= 0xDFFF:
                    i += 2
                    continue
            elif not last:
                return None  # cut at the part's end: segment.split_surrogate
            return (
                f"UCS-2 high surrogate 0x{unit:04X} at offset {2 * i} without its low half:"
                " the handset shows a replacement character"
            )
        if 0xDC00 <= unit <= 0xDFFF and not (i == 0 and not first):
            return (
                f"UCS-2 low surrogate 0x{unit:04X} at offset {2 * i} without its high half:"
                " the handset shows a replacement character"
            )
        i += 1
    return None


def split_escape(payload: bytes, data_coding: int) -> bool:
    """Whether a GSM-7 part ends with the escape of a pair (an odd run of 0x1B)."""
    if not payload or payload[-1] != _ESC or not _gsm7_coded(data_coding):
        return False
    run = len(payload) - len(payload.rstrip(b"\x1b"))
    return bool(run & 1)


def split_surrogate(payload: bytes, data_coding: int) -> bool:
    """Whether a UCS-2 part ends with the high half of a surrogate pair."""
    return (
        len(payload) >= 2
        and not len(payload) & 1
        and 0xD8 <= payload[-2] <= 0xDB
        and is_ucs2(data_coding)
    )


def ucs2_not_needed(text: str, data_coding: int) -> str | None:
    """The finding's text when UCS-2 carries ``text`` that GSM-7 carries unchanged."""
    if not is_ucs2(data_coding) or not text or not gsm7.is_gsm7(text):
        return None
    as_ucs2 = count_text_parts(text, pdu_text.UCS2)
    as_gsm7 = count_text_parts(text, pdu_text.GSM7)
    cost = (
        f"{as_ucs2} parts instead of {as_gsm7}"
        if as_ucs2 > as_gsm7
        else f"{2 * len(text)} octets instead of {gsm7.septet_length(text)} septets"
    )
    return (
        f"UCS-2 (data_coding {data_coding}) for text GSM-7 carries: {cost}; send it with"
        " data_coding 0"
    )

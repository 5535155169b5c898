"""Split an encoded short message into SMPP submit/deliver parts (facts doc section 7).

Works on bytes already in the target data_coding, so the split never has to guess an
encoding: GSM-7 unpacked (one septet per octet, extension characters as 0x1B + code),
UCS-2 (UTF-16BE) or 8-bit. Part sizes follow 3GPP TS 23.040: 140 octets of TP-User-Data,
less the UDH (and, for GSM-7, less the septets the UDH and its fill bits occupy).

References come from an injected ``ReferenceAllocator``: the scope in which they must be
unique (per destination, per session, per SMSC) is the caller's knowledge, not ours.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from pdu import text as text_codec
from pdu.udh import concat_udh

__all__ = [
    "MAX_PARTS",
    "Alphabet",
    "CounterReferenceAllocator",
    "Part",
    "ReferenceAllocator",
    "SegmentError",
    "SegmentMethod",
    "SegmentedText",
    "alphabet_for",
    "count_parts",
    "count_text_parts",
    "part_capacity",
    "segment",
    "segment_text",
]

MAX_PARTS = 255  # the concatenation IE and sar_total_segments are one octet
MAX_MESSAGE_PAYLOAD = 0xFFFF  # TLV length is 16-bit
TP_USER_DATA_OCTETS = 140

_ESC = 0x1B
# UDH length in octets (UDHL octet included) for each reference size.
_UDH_LENGTH = {8: 6, 16: 7}


class SegmentError(ValueError):
    """The payload cannot be split as asked (too many parts, odd-length UCS-2, ...)."""


class Alphabet(enum.Enum):
    """How the payload octets map to the 140 octets of TP-User-Data."""

    GSM7 = enum.auto()  # unpacked septets: 160 per SMS
    OCTET = enum.auto()  # 8-bit data or an octet charset (Latin-1, ...)
    UCS2 = enum.auto()  # UTF-16BE code units, 2 octets each


class SegmentMethod(enum.Enum):
    """How the parts of a long message are tied together."""

    UDH_8BIT_REF = enum.auto()  # UDH IEI 0x00 in short_message, esm_class |= 0x40
    UDH_16BIT_REF = enum.auto()  # UDH IEI 0x08
    SAR = enum.auto()  # sar_msg_ref_num / sar_total_segments / sar_segment_seqnum TLVs
    MESSAGE_PAYLOAD = enum.auto()  # one PDU, message_payload TLV; the SMSC segments


@dataclass(frozen=True, slots=True)
class Part:
    """One PDU's worth of message. With ``udhi`` the caller ORs 0x40 into esm_class."""

    short_message: bytes
    udhi: bool = False
    sar_msg_ref_num: int | None = None
    sar_total_segments: int | None = None
    sar_segment_seqnum: int | None = None
    message_payload: bytes | None = None


class ReferenceAllocator(Protocol):
    """Source of concatenation references; ``bits`` is 8 or 16."""

    def next_reference(self, bits: int) -> int: ...


class CounterReferenceAllocator:
    """Deterministic references: one counter per width, wrapping (8-bit 0..255, 16-bit 0..65535).

    Counting, not random: consecutive long messages to one handset never share a reference
    until the counter wraps, and a test run is replayable.
    """

    __slots__ = ("_next",)

    def __init__(self, start: int = 0) -> None:
        self._next = {8: start & 0xFF, 16: start & 0xFFFF}

    def next_reference(self, bits: int) -> int:
        try:
            reference = self._next[bits]
        except KeyError:
            raise ValueError(f"reference bits must be 8 or 16, not {bits}") from None
        self._next[bits] = (reference + 1) & ((1 << bits) - 1)
        return reference


def alphabet_for(data_coding: int) -> Alphabet:
    """The alphabet a data_coding value implies (facts doc 5.6, 3GPP TS 23.038 section 4).

    0x00 (SMSC default, GSM 03.38 in this simulator) and 0x01 (IA5, sent as GSM-7 by real
    clients) count in septets; 0x08 and the UCS-2 message-waiting group 0xE0-0xEF in UCS-2
    units; 0xC0-0xDF are GSM-7 message-waiting groups; in 0xF0-0xFF bit 2 picks 8-bit
    over GSM-7. Everything else counts octets.
    """
    if data_coding in (0x00, 0x01):
        return Alphabet.GSM7
    if data_coding == 0x08:
        return Alphabet.UCS2
    group = data_coding & 0xF0
    if group == 0xF0:
        return Alphabet.OCTET if data_coding & 0x04 else Alphabet.GSM7
    if group in (0xC0, 0xD0):
        return Alphabet.GSM7
    if group == 0xE0:
        return Alphabet.UCS2
    return Alphabet.OCTET


def part_capacity(alphabet: Alphabet, udh_length: int = 0) -> int:
    """Payload octets that fit in one SMS beside a UDH of ``udh_length`` octets (UDHL incl.).

    GSM-7: 160 - ceil(8U/7) septets (the UDH plus fill bits to a septet boundary);
    8-bit: 140 - U; UCS-2: 140 - U rounded down to whole code units.
    """
    if alphabet is Alphabet.GSM7:
        return 160 - (8 * udh_length + 6) // 7
    if alphabet is Alphabet.UCS2:
        return (TP_USER_DATA_OCTETS - udh_length) & ~1
    return TP_USER_DATA_OCTETS - udh_length


def _reference_bits(method: SegmentMethod, sar_reference_bits: int) -> int:
    if method is SegmentMethod.UDH_8BIT_REF:
        return 8
    if method is SegmentMethod.UDH_16BIT_REF:
        return 16
    if sar_reference_bits not in _UDH_LENGTH:
        raise ValueError(f"sar_reference_bits must be 8 or 16, not {sar_reference_bits}")
    return sar_reference_bits


def _part_ends(payload: bytes, alphabet: Alphabet, capacity: int) -> list[int]:
    """End offsets of the parts: greedy, but never inside an ESC pair or surrogate pair."""
    size = len(payload)
    if size > MAX_PARTS * capacity:
        # Cheap early refusal so a huge payload is not walked before failing.
        raise SegmentError(f"{size} octets need more than {MAX_PARTS} parts of {capacity}")
    ends: list[int] = []
    start = 0
    while start < size:
        end = start + capacity
        if end >= size:
            ends.append(size)
            break
        if alphabet is Alphabet.GSM7:
            if payload[end - 1] == _ESC:
                # Pairs are aligned at ``start``, so within a run of ESC octets the last one
                # opens a pair exactly when the run length is odd.
                first = end - 1
                while first > start and payload[first - 1] == _ESC:
                    first -= 1
                if (end - first) & 1:
                    end -= 1
        elif alphabet is Alphabet.UCS2 and 0xD8 <= payload[end - 2] <= 0xDB:
            end -= 2  # a high surrogate stays with its low surrogate
        ends.append(end)
        start = end
    if len(ends) > MAX_PARTS:
        raise SegmentError(f"{size} octets need {len(ends)} parts, more than {MAX_PARTS}")
    return ends


def _check_payload(payload: bytes, alphabet: Alphabet) -> None:
    if alphabet is Alphabet.UCS2 and len(payload) & 1:
        raise SegmentError(f"UCS-2 payload has an odd length ({len(payload)} octets)")


def count_parts(
    payload: bytes,
    data_coding: int,
    method: SegmentMethod = SegmentMethod.UDH_8BIT_REF,
    *,
    sar_reference_bits: int = 16,
) -> int:
    """How many PDUs ``segment`` returns for these arguments (1 for MESSAGE_PAYLOAD).

    For the number of SMS on the air interface ask with a UDH method.
    """
    alphabet = alphabet_for(data_coding)
    _check_payload(payload, alphabet)
    if len(payload) <= part_capacity(alphabet):
        return 1
    if method is SegmentMethod.MESSAGE_PAYLOAD:
        if len(payload) > MAX_MESSAGE_PAYLOAD:
            raise SegmentError(f"message_payload of {len(payload)} octets exceeds 65535")
        return 1
    bits = _reference_bits(method, sar_reference_bits)
    return len(_part_ends(payload, alphabet, part_capacity(alphabet, _UDH_LENGTH[bits])))


def segment(
    payload: bytes,
    data_coding: int,
    method: SegmentMethod = SegmentMethod.UDH_8BIT_REF,
    *,
    allocator: ReferenceAllocator,
    sar_reference_bits: int = 16,
) -> list[Part]:
    """Split an encoded payload into parts.

    A payload that fits in one SMS is one plain part (no UDH, no SAR, no message_payload)
    and takes no reference. ``sar_reference_bits`` sizes SAR parts for an SMSC that turns
    them into a UDH with that reference: 16 (default, safe everywhere: 152/133/66) or 8
    (153/134/67); references are drawn at the same width.
    """
    alphabet = alphabet_for(data_coding)
    _check_payload(payload, alphabet)
    if len(payload) <= part_capacity(alphabet):
        return [Part(payload)]
    if method is SegmentMethod.MESSAGE_PAYLOAD:
        if len(payload) > MAX_MESSAGE_PAYLOAD:
            raise SegmentError(f"message_payload of {len(payload)} octets exceeds 65535")
        return [Part(b"", message_payload=payload)]
    bits = _reference_bits(method, sar_reference_bits)
    ends = _part_ends(payload, alphabet, part_capacity(alphabet, _UDH_LENGTH[bits]))
    total = len(ends)
    reference = allocator.next_reference(bits)
    if not 0 <= reference < (1 << bits):
        raise ValueError(f"allocator gave reference {reference}, not a {bits}-bit value")
    parts: list[Part] = []
    start = 0
    if method is SegmentMethod.SAR:
        for seqnum, end in enumerate(ends, 1):
            parts.append(Part(payload[start:end], False, reference, total, seqnum))
            start = end
        return parts
    # Every header differs only in its last octet (the seqnum): build the rest once.
    head = concat_udh(reference, total, 1, bits)[:-1]
    for seqnum, end in enumerate(ends, 1):
        parts.append(Part(head + bytes((seqnum,)) + payload[start:end], True))
        start = end
    return parts


@dataclass(frozen=True, slots=True)
class SegmentedText:
    """Parts of an encoded text and the data_coding they were encoded in."""

    data_coding: int
    parts: tuple[Part, ...]


def segment_text(
    text: str,
    data_coding: int | None = None,
    method: SegmentMethod = SegmentMethod.UDH_8BIT_REF,
    *,
    allocator: ReferenceAllocator,
    sar_reference_bits: int = 16,
    errors: str = "strict",
) -> SegmentedText:
    """Encode ``text`` (data_coding chosen by ``pdu.text`` when None) and split it.

    ``errors`` is the codecs error handler for characters the coding cannot carry.
    """
    if data_coding is None:
        data_coding = text_codec.choose_data_coding(text)
    payload = text_codec.encode(text, data_coding, errors)
    parts = segment(
        payload, data_coding, method, allocator=allocator, sar_reference_bits=sar_reference_bits
    )
    return SegmentedText(data_coding, tuple(parts))


def count_text_parts(
    text: str,
    data_coding: int | None = None,
    method: SegmentMethod = SegmentMethod.UDH_8BIT_REF,
    *,
    sar_reference_bits: int = 16,
    errors: str = "strict",
) -> int:
    """``count_parts`` for a text, encoded as ``segment_text`` would."""
    if data_coding is None:
        data_coding = text_codec.choose_data_coding(text)
    payload = text_codec.encode(text, data_coding, errors)
    return count_parts(payload, data_coding, method, sar_reference_bits=sar_reference_bits)

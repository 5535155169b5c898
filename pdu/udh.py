"""User Data Header (3GPP TS 23.040 9.2.3.24): parse and build, concatenation IEs.

A UDH sits at the start of short_message (or message_payload) when esm_class has UDHI
(0x40): UDHL, then information elements (IEI, IEDL, IEDL data octets) filling exactly UDHL
octets. IEs are walked by their lengths so that other IEs (port addressing 0x04/0x05, ...)
survive a round trip and never shift the concatenation IE.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "IEI_CONCAT_8BIT_REF",
    "IEI_CONCAT_16BIT_REF",
    "IEI_PORT_8BIT",
    "IEI_PORT_16BIT",
    "Concatenation",
    "InformationElement",
    "UdhError",
    "build_udh",
    "concat_ie",
    "concat_udh",
    "find_concatenation",
    "parse_concat_ie",
    "parse_udh",
]

IEI_CONCAT_8BIT_REF = 0x00
IEI_PORT_8BIT = 0x04
IEI_PORT_16BIT = 0x05
IEI_CONCAT_16BIT_REF = 0x08

ESME_RINVMSGLEN = 0x00000001

# Whole headers, prebuilt formats: the hot path of segmentation packs one of these per part.
_CONCAT8 = struct.Struct(">BBBBBB")  # 05 00 03 RR TT SS
_CONCAT16 = struct.Struct(">BBBHBB")  # 06 08 04 RRRR TT SS


class UdhError(ValueError):
    """The UDH is malformed (lengths disagree) or an IE cannot be built.

    ``command_status`` is the code to answer with when the UDH came from a peer: the 3.4 text
    has none for a bad UDH, so (as for other short_message length faults) ESME_RINVMSGLEN.
    """

    command_status = ESME_RINVMSGLEN


@dataclass(frozen=True, slots=True)
class InformationElement:
    """One IE of a UDH: identifier and its data octets (IEDL is ``len(data)``)."""

    iei: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Concatenation:
    """The content of a concatenation IE (0x00 or 0x08)."""

    reference: int
    total: int
    seqnum: int
    reference_bits: int  # 8 for IEI 0x00, 16 for IEI 0x08


def parse_udh(user_data: bytes) -> tuple[tuple[InformationElement, ...], bytes]:
    """Split ``user_data`` (which starts with a UDH) into its IEs and the payload after it.

    Raises UdhError when UDHL runs past the end of ``user_data`` or an IE runs past UDHL.
    """
    if not user_data:
        raise UdhError("UDHI set but user data is empty: no UDHL octet")
    udhl = user_data[0]
    end = 1 + udhl
    if end > len(user_data):
        raise UdhError(f"UDHL {udhl} runs past the end of {len(user_data)} octets of user data")
    ies: list[InformationElement] = []
    pos = 1
    while pos < end:
        if pos + 2 > end:
            raise UdhError(f"IE header at offset {pos} runs past UDHL {udhl}")
        iei = user_data[pos]
        iedl = user_data[pos + 1]
        data_end = pos + 2 + iedl
        if data_end > end:
            raise UdhError(f"IE 0x{iei:02X} length {iedl} at offset {pos} runs past UDHL {udhl}")
        ies.append(InformationElement(iei, user_data[pos + 2 : data_end]))
        pos = data_end
    return tuple(ies), user_data[end:]


def build_udh(ies: Iterable[InformationElement]) -> bytes:
    """Encode IEs as a UDH including its UDHL octet."""
    body = bytearray()
    for ie in ies:
        if not 0 <= ie.iei <= 0xFF:
            raise UdhError(f"IEI {ie.iei} is not one octet")
        if len(ie.data) > 0xFF:
            raise UdhError(f"IE 0x{ie.iei:02X} data of {len(ie.data)} octets exceeds IEDL 255")
        body.append(ie.iei)
        body.append(len(ie.data))
        body += ie.data
    if len(body) > 0xFF:
        raise UdhError(f"UDH of {len(body)} octets exceeds UDHL 255")
    return bytes((len(body),)) + bytes(body)


def _check_concat(reference: int, total: int, seqnum: int, reference_bits: int) -> None:
    if reference_bits not in (8, 16):
        raise UdhError(f"reference_bits must be 8 or 16, not {reference_bits}")
    if not 0 <= reference < (1 << reference_bits):
        raise UdhError(f"reference {reference} does not fit in {reference_bits} bits")
    if not 1 <= total <= 255:
        raise UdhError(f"total {total} outside 1..255")
    if not 1 <= seqnum <= total:
        raise UdhError(f"seqnum {seqnum} outside 1..{total}")


def concat_udh(reference: int, total: int, seqnum: int, reference_bits: int = 8) -> bytes:
    """The whole UDH holding only a concatenation IE: 6 octets (8-bit ref) or 7 (16-bit)."""
    _check_concat(reference, total, seqnum, reference_bits)
    if reference_bits == 8:
        return _CONCAT8.pack(0x05, IEI_CONCAT_8BIT_REF, 0x03, reference, total, seqnum)
    return _CONCAT16.pack(0x06, IEI_CONCAT_16BIT_REF, 0x04, reference, total, seqnum)


def concat_ie(
    reference: int, total: int, seqnum: int, reference_bits: int = 8
) -> InformationElement:
    """A concatenation IE, to combine with other IEs in ``build_udh``."""
    _check_concat(reference, total, seqnum, reference_bits)
    if reference_bits == 8:
        return InformationElement(IEI_CONCAT_8BIT_REF, bytes((reference, total, seqnum)))
    return InformationElement(IEI_CONCAT_16BIT_REF, struct.pack(">HBB", reference, total, seqnum))


def parse_concat_ie(ie: InformationElement) -> Concatenation | None:
    """Read a concatenation IE; None for any other IEI. A wrong IEDL is a UdhError.

    Values are returned as found (total 0 or seqnum > total included): judging them is the
    receiver's policy, see ``pdu.reassembly.concat_info``.
    """
    if ie.iei == IEI_CONCAT_8BIT_REF:
        if len(ie.data) != 3:
            raise UdhError(f"concatenation IE 0x00 has IEDL {len(ie.data)}, expected 3")
        return Concatenation(ie.data[0], ie.data[1], ie.data[2], 8)
    if ie.iei == IEI_CONCAT_16BIT_REF:
        if len(ie.data) != 4:
            raise UdhError(f"concatenation IE 0x08 has IEDL {len(ie.data)}, expected 4")
        reference, total, seqnum = struct.unpack(">HBB", ie.data)
        return Concatenation(reference, total, seqnum, 16)
    return None


def find_concatenation(
    ies: Iterable[InformationElement],
) -> tuple[Concatenation | None, tuple[InformationElement, ...]]:
    """The concatenation IE among ``ies`` and the other IEs, in order.

    23.040 9.2.3.24: when a non-repeatable IE occurs more than once the last one counts.
    """
    found: Concatenation | None = None
    others: list[InformationElement] = []
    for ie in ies:
        concat = parse_concat_ie(ie)
        if concat is None:
            others.append(ie)
        else:
            found = concat
    return found, tuple(others)

"""``decode`` and ``encode``: the public entry points of the codec."""

from __future__ import annotations

import struct
from typing import Literal

from ._generated import CLASSES, DECODERS, ENCODERS
from .base import Pdu
from .enums import RESPONSE_BIT, CommandId, CommandStatus
from .errors import EncodeError, FramingError, PduError
from .reference import diagnose

HEADER = struct.Struct(">IIII")
_LENGTH = struct.Struct(">I")
_TAG = struct.Struct(">H")
_unpack_header = HEADER.unpack_from
_decoders_get = DECODERS.get
_NATURAL_FAULTS = (IndexError, ValueError, struct.error)


def decode(frame: bytes, *, out_of_place_tlvs: Literal["refuse", "keep"] = "refuse") -> Pdu:
    """Decode one whole PDU (``command_length`` must equal ``len(frame)``).

    Raises ``PduError`` (recoverable: answer with ``error_response``) for a bad body and
    ``FramingError`` when the header itself is unusable.

    ``out_of_place_tlvs``: a TLV the codec knows, in a PDU that does not carry it, is refused
    with ESME_ROPTPARNOTALLWD as SMPP 3.4 asks ("refuse"), or set aside raw in
    ``extra_tlvs`` for the caller to ignore, as SMPP 5.0 asks of a receiver ("keep").
    """
    if type(frame) is not bytes:
        frame = bytes(frame)
    n = len(frame)
    # The checks ride on what the header read and the lookup do anyway: a few tens of
    # nanoseconds of a small PDU's decode.
    try:
        length, cid, status, seq = _unpack_header(frame, 0)
        dec = DECODERS[cid]
    except struct.error:
        raise FramingError(
            f"a PDU is at least 16 octets, got {n}", CommandStatus.ESME_RINVCMDLEN
        ) from None
    except KeyError:
        dec = None
    if length != n:
        raise FramingError(
            f"command_length {length} disagrees with the frame's {n} octets",
            CommandStatus.ESME_RINVCMDLEN,
            sequence_number=seq,
            command_id=cid,
        )
    if dec is None:
        raise _unknown_command(cid, seq)
    try:
        return dec(frame, 0, n, seq, status)
    except _NATURAL_FAULTS:
        raise diagnose(frame, 0, n) from None
    except PduError as e:
        if e.tlv_span is None or out_of_place_tlvs == "refuse":
            raise
        return _decode_keeping(frame, e.tlv_span)


def _decode_keeping(frame: bytes, span: tuple[int, int]) -> Pdu:
    """``frame`` decoded with ``out_of_place_tlvs="keep"``, once strict decoding refused the
    known TLV at ``span`` (offsets in ``frame``): each such TLV is cut from the frame and the
    rest decoded again; the cut TLVs follow the PDU's other raw ones in ``extra_tlvs``, in
    wire order. (The slow path of a rare case: one decode per TLV cut.)"""
    kept: list[tuple[int, bytes]] = []
    while True:
        a, b = span
        kept.append((_TAG.unpack_from(frame, a)[0], frame[a + 4 : b]))
        frame = _LENGTH.pack(len(frame) - (b - a)) + frame[4:a] + frame[b:]
        try:
            p = decode(frame)
        except PduError as e:
            if e.tlv_span is None:
                raise
            span = e.tlv_span
            continue
        p.__dict__["extra_tlvs"] = (*p.extra_tlvs, *kept)  # as the TLV decoder sets it
        return p


def decode_at(buf: bytes, start: int, end: int, cid: int, status: int, seq: int) -> Pdu:
    """Decode the PDU in buf[start:end] whose header fields were already read.

    Used by the framer to decode in place, without copying each PDU out of the stream.
    """
    dec = _decoders_get(cid)
    if dec is None:
        raise _unknown_command(cid, seq)
    try:
        return dec(buf, start, end, seq, status)
    except _NATURAL_FAULTS:
        raise diagnose(buf, start, end) from None


def _unknown_command(cid: int, seq: int) -> PduError:
    return PduError(
        f"unknown command_id 0x{cid:08X}",
        CommandStatus.ESME_RINVCMDID,
        sequence_number=seq,
        command_id=cid,
    )


def encode(pdu: Pdu) -> bytes:
    """Encode a PDU; ``command_length``, ``sm_length`` and list counts are computed here."""
    try:
        enc = ENCODERS[type(pdu)]
    except KeyError:
        raise TypeError(f"not a PDU: {pdu!r}") from None
    try:
        return enc(pdu)
    except UnicodeEncodeError as e:
        raise EncodeError(
            f"{type(pdu).__name__}: C-Octet Strings take ASCII/Latin-1 characters only: {e}",
            _non_latin1_field(pdu),
        ) from e
    except (struct.error, TypeError, OverflowError, AttributeError, KeyError) as e:
        raise EncodeError(f"{type(pdu).__name__}: {e}") from e


def _non_latin1_field(p: Pdu) -> str | None:
    for name in p.mandatory_fields:
        value = getattr(p, name)
        if isinstance(value, str) and any(ord(ch) > 0xFF for ch in value):
            return name
    return None


def error_response(error: PduError) -> Pdu | None:
    """The PDU to answer a ``PduError`` with, or None when nothing may be answered.

    A request with a bad field gets its own ``_resp`` with the error status; an unknown
    command id or an unusable header gets generic_nack; a response (or generic_nack) is never
    answered.
    """
    cid = error.command_id
    if cid is None or isinstance(error, FramingError) or cid not in CLASSES:
        return CLASSES[CommandId.generic_nack](
            sequence_number=error.sequence_number, command_status=error.command_status
        )
    if cid & RESPONSE_BIT:
        return None
    resp_cls = CLASSES.get(cid | RESPONSE_BIT)
    if resp_cls is None:  # outbind and alert_notification have no response
        return None
    return resp_cls(sequence_number=error.sequence_number, command_status=error.command_status)


def response_class(request: type[Pdu] | Pdu) -> type[Pdu] | None:
    """The response class of a request class (None for outbind, alert_notification)."""
    return CLASSES.get(request.command_id | RESPONSE_BIT)

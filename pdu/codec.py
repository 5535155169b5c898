"""``decode`` and ``encode``: the public entry points of the codec."""

from __future__ import annotations

import struct

from ._generated import CLASSES, DECODERS, ENCODERS
from .base import Pdu
from .enums import RESPONSE_BIT, CommandId, CommandStatus
from .errors import EncodeError, FramingError, PduError
from .reference import diagnose

HEADER = struct.Struct(">IIII")
_unpack_header = HEADER.unpack_from
_decoders_get = DECODERS.get
_NATURAL_FAULTS = (IndexError, ValueError, struct.error)


def decode(frame: bytes) -> Pdu:
    """Decode one whole PDU (``command_length`` must equal ``len(frame)``).

    Raises ``PduError`` (recoverable: answer with ``error_response``) for a bad body and
    ``FramingError`` when the header itself is unusable.
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

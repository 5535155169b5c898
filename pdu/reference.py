"""A table-driven decoder that interprets ``pdu.layout`` field by field.

It is the slow, careful twin of the generated fast path: the fast path only notices that a
PDU is malformed, then asks ``diagnose`` which field is at fault and what to answer. Tests
also run both decoders over the same input and require identical results.
"""

from __future__ import annotations

from typing import Any

from ._runtime import (
    _check_message_tlvs,
    _cstr_at,
    _decode_dest_addresses,
    _decode_unsuccess_smes,
    _missing_tlv,
    _short,
)
from .base import Pdu
from .enums import CommandStatus
from .errors import PduError
from .layout import DEFS_BY_ID, Kind

_INT_SIZE = {Kind.INT1: 1, Kind.INT2: 2, Kind.INT4: 4}


def reference_decode(buf: bytes, start: int, end: int) -> Pdu:
    """Decode buf[start:end] (one whole PDU, header included) by walking the field table."""
    from ._generated import _TLVS, CLASSES  # noqa: PLC0415  (_generated imports this module)

    if end - start < 16:
        raise _short("the 16-octet header", 0, 0)
    cid = int.from_bytes(buf[start + 4 : start + 8], "big")
    status = int.from_bytes(buf[start + 8 : start + 12], "big")
    seq = int.from_bytes(buf[start + 12 : start + 16], "big")
    d = DEFS_BY_ID.get(cid)
    if d is None:
        raise PduError(
            f"unknown command_id 0x{cid:08X}",
            CommandStatus.ESME_RINVCMDID,
            sequence_number=seq,
            command_id=cid,
        )
    cls = CLASSES[cid]
    p = start + 16
    if d.is_response and d.fields and p == end:
        return cls(sequence_number=seq, command_status=status)
    values: dict[str, Any] = {}
    for f in d.fields:
        if f.kind in _INT_SIZE:
            size = _INT_SIZE[f.kind]
            if p + size > end:
                raise _short(f.name, seq, cid)
            values[f.name] = int.from_bytes(buf[p : p + size], "big")
            p += size
        elif f.kind in (Kind.CSTRING, Kind.TIME):
            value, p = _cstr_at(buf, p, end, f.max_length, f.name, f.status, seq, cid)
            if f.kind is Kind.TIME and len(value) not in (0, 16):
                raise PduError(
                    f"{f.name} must be empty or 16 characters, got {len(value)}",
                    f.status,
                    sequence_number=seq,
                    command_id=cid,
                    field=f.name,
                )
            values[f.name] = value
        elif f.kind is Kind.SHORT_MESSAGE:
            if p >= end:
                raise _short("sm_length", seq, cid)
            n = buf[p]
            if n == 255:
                raise PduError(
                    "sm_length 255 is invalid (0..254)",
                    CommandStatus.ESME_RINVMSGLEN,
                    sequence_number=seq,
                    command_id=cid,
                    field="sm_length",
                )
            if p + 1 + n > end:
                raise PduError(
                    f"sm_length {n} runs past the end of the PDU",
                    CommandStatus.ESME_RINVMSGLEN,
                    sequence_number=seq,
                    command_id=cid,
                    field="short_message",
                )
            values[f.name] = buf[p + 1 : p + 1 + n]
            p += 1 + n
        elif f.kind is Kind.DEST_ADDRESSES:
            values[f.name], p = _decode_dest_addresses(buf, p, end, seq, cid)
        else:
            values[f.name], p = _decode_unsuccess_smes(buf, p, end, seq, cid)
    o = cls(**values, sequence_number=seq, command_status=status)
    if p < end:
        _TLVS[cid].decode(o, buf, p, end, seq)
        if "sar_msg_ref_num" in {s.name for s in cls.tlv_specs}:
            _check_message_tlvs(o, seq)
    if not (d.is_response and status):
        for r in d.required_tlvs:
            waived = r.waived_when is not None and values[r.waived_when[0]] == r.waived_when[1]
            if r.name not in o.__dict__ and not waived:
                raise _missing_tlv(o, r.name)
    return o


def diagnose(buf: bytes, start: int, end: int) -> PduError:
    """The error that reference_decode raises for a PDU the fast path rejected."""
    try:
        reference_decode(buf, start, end)
    except PduError as e:
        return e
    seq = int.from_bytes(buf[start + 12 : start + 16], "big") if end - start >= 16 else 0
    # Unreachable when both decoders agree; answer safely rather than crash.
    return PduError("malformed PDU", CommandStatus.ESME_RSYSERR, sequence_number=seq)

"""Helpers shared by the generated codec functions (``pdu/_generated.py``)."""

from __future__ import annotations

import copy
import struct
from collections.abc import Sequence

from .base import DistributionList, Pdu, SmeAddress, UnsuccessSme
from .enums import CommandStatus, Tag
from .errors import EncodeError, PduError
from .tlv import (
    _TAGS_34,
    CSTRING_TLVS,
    INT_TLV_PACKERS,
    NETWORK_ERROR_CODE_TLV,
    NetworkErrorCode,
    _decode_value,
    encode_tlv,
    encode_value,
)

_HEADER = struct.Struct(">IIII")

_BB = struct.Struct(">BB")
_HH = struct.Struct(">HH")
_BBB = struct.Struct(">BBB")
_I = struct.Struct(">I")
_NUL = b"\x00"

SME_ADDRESS = 0x01
DISTRIBUTION_LIST = 0x02
MAX_DESTS = 254


def _field_error(buf: bytes, start: int, end: int, field: str | None) -> PduError:
    """The precise error for a malformed PDU, found by the table-driven reference decoder.

    The generated fast path only notices *that* something is wrong; the reference decoder
    walks the fields in order and names the first fault and its command_status.
    """
    from .reference import diagnose  # noqa: PLC0415  (reference imports this module)

    return diagnose(buf, start, end)


def _missing_tlv(o: Pdu, name: str) -> PduError:
    return PduError(
        f"{o.command_name} lacks its mandatory TLV {name}",
        CommandStatus.ESME_RMISSINGTLV,
        sequence_number=o.sequence_number,
        command_id=o.command_id,
        field=name,
    )


def _tlv_needed(o: Pdu, name: str) -> EncodeError:
    return EncodeError(f"{type(o).__name__} needs the TLV {name}", name)


def _cstr_at(
    buf: bytes, p: int, end: int, max_length: int, name: str, status: int, seq: int, cid: int
) -> tuple[str, int]:
    """Read a C-Octet String bounded by its maximum (NUL included) and by the PDU end."""
    limit = min(p + max_length, end)
    i = buf.find(0, p, limit)
    if i < 0:
        if limit - p >= max_length:
            raise PduError(
                f"{name} has no NUL within its maximum of {max_length} octets",
                status,
                sequence_number=seq,
                command_id=cid,
                field=name,
            )
        raise PduError(
            f"{name} runs past the end of the PDU (no NUL)",
            CommandStatus.ESME_RINVCMDLEN,
            sequence_number=seq,
            command_id=cid,
            field=name,
        )
    return buf[p:i].decode("latin-1"), i + 1


def _short(name: str, seq: int, cid: int) -> PduError:
    return PduError(
        f"PDU ends before {name}",
        CommandStatus.ESME_RINVCMDLEN,
        sequence_number=seq,
        command_id=cid,
        field=name,
    )


def _decode_dest_addresses(
    buf: bytes, p: int, end: int, seq: int, cid: int
) -> tuple[list[SmeAddress | DistributionList], int]:
    if p >= end:
        raise _short("number_of_dests", seq, cid)
    count = buf[p]
    p += 1
    if not 1 <= count <= MAX_DESTS:
        raise PduError(
            f"number_of_dests is {count}, must be 1..{MAX_DESTS}",
            CommandStatus.ESME_RINVNUMDESTS,
            sequence_number=seq,
            command_id=cid,
            field="number_of_dests",
        )
    out: list[SmeAddress | DistributionList] = []
    for _ in range(count):
        if p >= end:
            raise _short("dest_flag", seq, cid)
        flag = buf[p]
        p += 1
        if flag == SME_ADDRESS:
            if p + 2 > end:
                raise _short("dest_addr_ton", seq, cid)
            ton, npi = _BB.unpack_from(buf, p)
            addr, p = _cstr_at(
                buf, p + 2, end, 21, "destination_addr", CommandStatus.ESME_RINVDSTADR, seq, cid
            )
            out.append(SmeAddress(ton, npi, addr))
        elif flag == DISTRIBUTION_LIST:
            name, p = _cstr_at(buf, p, end, 21, "dl_name", CommandStatus.ESME_RINVDLNAME, seq, cid)
            out.append(DistributionList(name))
        else:
            raise PduError(
                f"dest_flag is {flag}, must be 1 (SME address) or 2 (distribution list)",
                CommandStatus.ESME_RINVDESTFLAG,
                sequence_number=seq,
                command_id=cid,
                field="dest_flag",
            )
    return out, p


def _decode_unsuccess_smes(
    buf: bytes, p: int, end: int, seq: int, cid: int
) -> tuple[list[UnsuccessSme], int]:
    if p >= end:
        raise _short("no_unsuccess", seq, cid)
    count = buf[p]
    p += 1
    out: list[UnsuccessSme] = []
    for _ in range(count):
        if p + 2 > end:
            raise _short("dest_addr_ton", seq, cid)
        ton, npi = _BB.unpack_from(buf, p)
        addr, p = _cstr_at(
            buf, p + 2, end, 21, "destination_addr", CommandStatus.ESME_RINVDSTADR, seq, cid
        )
        if p + 4 > end:
            raise _short("error_status_code", seq, cid)
        (code,) = _I.unpack_from(buf, p)
        p += 4
        out.append(UnsuccessSme(ton, npi, addr, code))
    return out, p


# TLVs whose rules tie them to short_message and to each other (facts 3 and 10).
_TIED_TO_SHORT_MESSAGE = frozenset(
    ("message_payload", "sar_msg_ref_num", "sar_total_segments", "sar_segment_seqnum")
)


def _check_message_tlvs(o: Pdu, seq: int) -> None:
    """Rules that tie TLVs to each other and to short_message (facts 3 and 10)."""
    d = o.__dict__
    if "message_payload" in d and getattr(o, "short_message", None):
        raise PduError(
            "both short_message and message_payload are set (sm_length must be 0)",
            CommandStatus.ESME_RINVMSGLEN,
            sequence_number=seq,
            command_id=o.command_id,
            field="message_payload",
        )
    if (
        "sar_msg_ref_num" not in d
        and "sar_total_segments" not in d
        and "sar_segment_seqnum" not in d
    ):
        return
    ref = d.get("sar_msg_ref_num")
    total = d.get("sar_total_segments")
    seqnum = d.get("sar_segment_seqnum")
    present = (ref is not None) + (total is not None) + (seqnum is not None)
    if present == 0:
        return
    if present != 3:
        missing = [
            n
            for n, v in (
                ("sar_msg_ref_num", ref),
                ("sar_total_segments", total),
                ("sar_segment_seqnum", seqnum),
            )
            if v is None
        ]
        raise PduError(
            f"SAR TLVs come as a set of three; missing {', '.join(missing)}",
            CommandStatus.ESME_RMISSINGOPTPARAM,
            sequence_number=seq,
            command_id=o.command_id,
            field=missing[0],
        )
    assert total is not None and seqnum is not None
    if total < 1 or not 1 <= seqnum <= total:
        raise PduError(
            f"sar_segment_seqnum {seqnum} of sar_total_segments {total} is out of range",
            CommandStatus.ESME_RINVOPTPARAMVAL,
            sequence_number=seq,
            command_id=o.command_id,
            field="sar_segment_seqnum",
        )


# -- encoding ----------------------------------------------------------------------------


def _cstring(value: str, max_length: int, name: str) -> bytes:
    if not value:
        if value == "":
            return _NUL
        raise EncodeError(f"{name} must be a str, got {value!r}", name)
    try:
        raw = value.encode("latin-1")
    except (UnicodeEncodeError, AttributeError) as e:
        raise EncodeError(f"{name} must be a str of ASCII/Latin-1 characters: {e}", name) from e
    if len(raw) >= max_length or _NUL in raw:
        raise EncodeError(
            f"{name} must be at most {max_length - 1} characters without NUL, got {value!r}", name
        )
    return raw + _NUL


def _encode_dest_addresses(dests: Sequence[SmeAddress | DistributionList]) -> bytes:
    if not 1 <= len(dests) <= MAX_DESTS:
        raise EncodeError(f"dest_address needs 1..{MAX_DESTS} entries", "dest_address")
    parts = [bytes((len(dests),))]
    for dest in dests:
        if isinstance(dest, DistributionList):
            parts.append(bytes((DISTRIBUTION_LIST,)) + _cstring(dest.dl_name, 21, "dl_name"))
        else:
            ton, npi, addr = dest
            parts.append(
                bytes((SME_ADDRESS,)) + _BB.pack(ton, npi) + _cstring(addr, 21, "destination_addr")
            )
    return b"".join(parts)


def _encode_unsuccess_smes(entries: Sequence[UnsuccessSme]) -> bytes:
    if len(entries) > 255:
        raise EncodeError("unsuccess_sme holds at most 255 entries", "unsuccess_sme")
    parts = [bytes((len(entries),))]
    for ton, npi, addr, code in entries:
        parts.append(_BB.pack(ton, npi) + _cstring(addr, 21, "destination_addr") + _I.pack(code))
    return b"".join(parts)


_MAX_SHAPES = 4096  # per PDU type; a workload sees a few dozen (address and text lengths)


def _shape(
    cache: dict[tuple[int, ...], struct.Struct], template: str, key: tuple[int, ...]
) -> struct.Struct:
    """The Struct of a shaped encoder (pdu._codegen) for these field lengths, made once."""
    if len(cache) >= _MAX_SHAPES:
        cache.clear()  # bounded: odd lengths from a fuzzer must not grow it forever
    st = cache[key] = struct.Struct(template % key)
    return st


def _cstring_error(value: object, max_length: int, name: str) -> EncodeError:
    if max_length == 17:
        return EncodeError(f"{name} must be empty or 16 characters, got {value!r}", name)
    return EncodeError(
        f"{name} must be at most {max_length - 1} characters without NUL, got {value!r}", name
    )


# Fast paths of the TLV encoder, per PDU class: name -> (kind, struct, tag, size or max
# length), for the TLVs that class allows. Kinds: integer, C-Octet String, network_error_code.
_INT, _CSTRING, _NEC = 0, 1, 2
_FastTlv = tuple[int, struct.Struct, int, int]
_FAST_TLVS: dict[type[Pdu], dict[str, _FastTlv]] = {}


def _fast_tlvs(cls: type[Pdu]) -> dict[str, _FastTlv]:
    fast: dict[str, _FastTlv] = {}
    for name in cls.tlv_by_name:
        if name in INT_TLV_PACKERS:
            packer, tag, size = INT_TLV_PACKERS[name]
            fast[name] = (_INT, packer, tag, size)
        elif name in CSTRING_TLVS:
            tag, max_length = CSTRING_TLVS[name]
            fast[name] = (_CSTRING, _HH, tag, max_length)
        elif name == "network_error_code":
            fast[name] = (_NEC, NETWORK_ERROR_CODE_TLV, 0x0423, 3)
    _FAST_TLVS[cls] = fast
    return fast


def _encode_tlvs(o: Pdu) -> bytes:
    """The TLV part: known TLVs in the order they were set, then extra_tlvs as given.

    TLVs live in the instance __dict__, which keeps insertion order, so a decoded PDU
    re-encodes its known TLVs in wire order; only unknown ones move to the end.
    """
    d = o.__dict__
    by_name = o.tlv_by_name
    fast = _FAST_TLVS.get(type(o))
    if fast is None:
        fast = _fast_tlvs(type(o))
    parts: list[bytes] = []
    for name, value in d.items():
        if value is None:
            continue
        # One lookup decides the common cases (a receipt's three TLVs); anything unusual
        # takes the checked path below.
        f = fast.get(name)
        if f is not None:
            kind, packer, tag, n = f
            if kind == _INT:
                try:
                    parts.append(packer.pack(tag, n, value))
                except struct.error as e:
                    raise EncodeError(f"TLV {name}: {e}", name) from e
                continue
            if kind == _CSTRING:
                if (
                    type(value) is str
                    and value.isascii()
                    and len(value) < n
                    and "\x00" not in value
                ):
                    raw = value.encode("ascii")
                    parts.append(packer.pack(tag, len(raw) + 1) + raw + _NUL)
                    continue
            elif type(value) is NetworkErrorCode and 0 <= value[0] < 256:
                try:
                    parts.append(packer.pack(tag, n, value[0], value[1]))
                except struct.error as e:
                    raise EncodeError(f"TLV {name}: {e}", name) from e
                continue
        elif name == "extra_tlvs":
            continue
        spec = by_name.get(name)
        if spec is None:
            raise EncodeError(f"{type(o).__name__} has no field or TLV named {name!r}", name)
        if spec.repeats:
            # One TLV per item; a bare value would be iterated octet by octet.
            if not isinstance(value, tuple | list) or not value:
                raise EncodeError(
                    f"TLV {spec.name} repeats: give a non-empty tuple, one item per TLV", name
                )
            items = value
        else:
            items = (value,)
        try:
            for item in items:
                parts.append(encode_tlv(spec.tag, encode_value(spec, item)))
        except (ValueError, TypeError, OverflowError, struct.error) as e:
            raise EncodeError(f"TLV {spec.name}: {e}", spec.name) from e
    if "sar_msg_ref_num" in d or "sar_total_segments" in d or "sar_segment_seqnum" in d:
        # Never emit what our own decoder (and any strict peer) would refuse.
        try:
            _check_message_tlvs(o, o.sequence_number)
        except PduError as e:
            raise EncodeError(e.message, e.field) from None
    elif d.get("message_payload") is not None and getattr(o, "short_message", None):
        raise EncodeError(
            "set either short_message or message_payload, not both", "message_payload"
        )
    tied: dict[str, object] | None = None  # message_payload or sar_* given raw in extra_tlvs
    for tag, value in o.extra_tlvs:
        if len(value) > 0xFFFF:
            raise EncodeError(f"TLV 0x{tag:04X} value is longer than 65535 octets", None)
        spec = next((s for s in o.tlv_specs if s.tag == tag), None)
        if spec is not None:
            # A known tag in extra_tlvs (a repeat, e.g. callback_num) must still be legal.
            try:
                decoded = _decode_value(spec, bytes(value), 0, len(value), 0, o.command_id)
            except PduError as e:
                raise EncodeError(e.message, spec.name) from None
            if spec.name in _TIED_TO_SHORT_MESSAGE:
                tied = tied or {}
                tied[spec.name] = decoded
        elif tag in _TAGS_34:
            # What the decoder refuses (ESME_ROPTPARNOTALLWD) is never sent; a 5.0 tag this
            # PDU does not carry goes out raw, as the decoder keeps it.
            name = Tag(tag).name
            raise EncodeError(f"TLV {name} is not allowed in {o.command_name}", name)
        parts.append(encode_tlv(tag, bytes(value)))
    if tied:
        # The decoder reads them as the named TLVs: the same rules must hold for the whole.
        probe = copy.copy(o)
        for name, value in tied.items():
            setattr(probe, name, value)
        try:
            _check_message_tlvs(probe, o.sequence_number)
        except PduError as e:
            raise EncodeError(e.message, e.field) from None
    return b"".join(parts)

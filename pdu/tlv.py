"""The SMPP 3.4 optional parameters (TLVs): one table, the single source of truth.

Each entry gives the tag, the value type and its length rule, and the PDUs that may carry it
(facts section 3). Decoding reads a value inside its bound and must consume it exactly.
Unknown and vendor tags are not in this table: the decoder keeps them as raw
``(tag, value)`` pairs in ``extra_tlvs`` and the encoder writes them back byte for byte.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from .enums import CommandId, CommandStatus, Tag
from .errors import PduError


class NetworkErrorCode(NamedTuple):
    """network_error_code: network type (1 ANSI-136, 2 IS-95, 3 GSM) and a 16-bit code."""

    network_type: int
    error_code: int


class TlvType(Enum):
    INT = "int"  # unsigned big-endian integer of `size` octets
    CSTRING = "cstring"  # C-Octet String; `max_length` includes the NUL
    OCTETS = "octets"  # Octet String of min_length..max_length octets
    FLAG = "flag"  # no value; presence means True
    NETWORK_ERROR_CODE = "network_error_code"  # 3 octets: type + 16-bit code


@dataclass(frozen=True, slots=True)
class TlvSpec:
    tag: int
    name: str
    type: TlvType
    size: int = 0  # INT: octets
    min_length: int = 0  # OCTETS
    max_length: int = 0  # OCTETS, CSTRING (including the NUL)
    allowed_in: frozenset[int] = frozenset()

    @property
    def python_type(self) -> str:
        """The type annotation of the attribute that holds a decoded value."""
        return {
            TlvType.INT: "int",
            TlvType.CSTRING: "str",
            TlvType.OCTETS: "bytes",
            TlvType.FLAG: "bool",
            TlvType.NETWORK_ERROR_CODE: "NetworkErrorCode",
        }[self.type]


_C = CommandId
SS = _C.submit_sm
SM = _C.submit_multi
DS = _C.deliver_sm
DA = _C.data_sm
DAR = _C.data_sm_resp
BR = (_C.bind_receiver_resp, _C.bind_transmitter_resp, _C.bind_transceiver_resp)
AN = _C.alert_notification


def _spec(tag: Tag, kind: TlvType, allowed: tuple[object, ...], **kw: int) -> TlvSpec:
    ids: set[int] = set()
    for a in allowed:
        if isinstance(a, tuple):
            ids.update(a)
        else:
            ids.add(a)  # type: ignore[arg-type]
    return TlvSpec(int(tag), tag.name, kind, allowed_in=frozenset(ids), **kw)


_I, _S, _O = TlvType.INT, TlvType.CSTRING, TlvType.OCTETS
_ALL = (SS, SM, DS, DA)

TLV_SPECS: tuple[TlvSpec, ...] = (
    _spec(Tag.dest_addr_subunit, _I, (SS, SM, DA), size=1),
    _spec(Tag.dest_network_type, _I, (DA,), size=1),
    _spec(Tag.dest_bearer_type, _I, (DA,), size=1),
    _spec(Tag.dest_telematics_id, _I, (DA,), size=2),
    _spec(Tag.source_addr_subunit, _I, (SS, SM, DA), size=1),
    _spec(Tag.source_network_type, _I, (DA,), size=1),
    _spec(Tag.source_bearer_type, _I, (DA,), size=1),
    _spec(Tag.source_telematics_id, _I, (DA,), size=2),
    _spec(Tag.qos_time_to_live, _I, (DA,), size=4),
    _spec(Tag.payload_type, _I, _ALL, size=1),
    _spec(Tag.additional_status_info_text, _S, (DAR,), max_length=256),
    _spec(Tag.receipted_message_id, _S, (DS, DA), max_length=65),
    _spec(Tag.ms_msg_wait_facilities, _I, (SS, SM, DA), size=1),
    _spec(Tag.privacy_indicator, _I, _ALL, size=1),
    _spec(Tag.source_subaddress, _O, _ALL, min_length=2, max_length=23),
    _spec(Tag.dest_subaddress, _O, _ALL, min_length=2, max_length=23),
    _spec(Tag.user_message_reference, _I, _ALL, size=2),
    _spec(Tag.user_response_code, _I, (SS, DS, DA), size=1),
    _spec(Tag.source_port, _I, _ALL, size=2),
    _spec(Tag.destination_port, _I, _ALL, size=2),
    _spec(Tag.sar_msg_ref_num, _I, _ALL, size=2),
    _spec(Tag.language_indicator, _I, _ALL, size=1),
    _spec(Tag.sar_total_segments, _I, _ALL, size=1),
    _spec(Tag.sar_segment_seqnum, _I, _ALL, size=1),
    _spec(Tag.sc_interface_version, _I, (BR,), size=1),
    _spec(Tag.callback_num_pres_ind, _I, (SS, SM, DA), size=1),
    _spec(Tag.callback_num_atag, _O, (SS, SM, DA), min_length=0, max_length=65),
    _spec(Tag.number_of_messages, _I, (SS, DA), size=1),
    _spec(Tag.callback_num, _O, _ALL, min_length=4, max_length=19),
    _spec(Tag.dpf_result, _I, (DAR,), size=1),
    _spec(Tag.set_dpf, _I, (DA,), size=1),
    _spec(Tag.ms_availability_status, _I, (AN,), size=1),
    _spec(Tag.network_error_code, TlvType.NETWORK_ERROR_CODE, (DS, DA, DAR)),
    _spec(Tag.message_payload, _O, _ALL, min_length=0, max_length=65535),
    _spec(Tag.delivery_failure_reason, _I, (DAR,), size=1),
    _spec(Tag.more_messages_to_send, _I, (SS, DA), size=1),
    _spec(Tag.message_state, _I, (DS, DA), size=1),
    _spec(Tag.ussd_service_op, _O, (SS,), min_length=1, max_length=1),
    _spec(Tag.display_time, _I, (SS, SM, DA), size=1),
    _spec(Tag.sms_signal, _I, (SS, SM, DA), size=2),
    _spec(Tag.ms_validity, _I, (SS, SM, DA), size=1),
    _spec(Tag.alert_on_message_delivery, TlvType.FLAG, (SS, SM, DA)),
    _spec(Tag.its_reply_type, _I, (SS, DA), size=1),
    _spec(Tag.its_session_info, _O, (SS, DS, DA), min_length=2, max_length=2),
)

SPECS_BY_TAG: dict[int, TlvSpec] = {s.tag: s for s in TLV_SPECS}
SPECS_BY_NAME: dict[str, TlvSpec] = {s.name: s for s in TLV_SPECS}


def allowed_specs(command_id: int) -> tuple[TlvSpec, ...]:
    """The TLVs a PDU may carry, in table order (the order the encoder writes them)."""
    return tuple(s for s in TLV_SPECS if command_id in s.allowed_in)


_HH_STRUCT = struct.Struct(">HH")
_unpack_hh = _HH_STRUCT.unpack_from
_pack_hh = _HH_STRUCT.pack
_INT_PACK = {1: struct.Struct(">B").pack, 2: struct.Struct(">H").pack, 4: struct.Struct(">I").pack}
_NEC = struct.Struct(">BH")
_NETWORK_ERROR_CODE = int(Tag.network_error_code)


class TlvDecoder:
    """Decodes the TLV part of one PDU type onto a PDU object.

    One instance per PDU class, built once: the per-TLV work is a dict lookup and, for the
    common integer TLVs, an inline read.
    """

    __slots__ = ("allowed", "command_id", "cstrings", "ints")

    def __init__(self, command_id: int) -> None:
        self.command_id = command_id
        self.allowed = {s.tag: s for s in allowed_specs(command_id)}
        # tag -> (name, size) for the integer TLVs, tag -> (name, max_length) for the
        # C-Octet String ones (receipted_message_id): the fast paths.
        self.ints = {
            s.tag: (s.name, s.size) for s in self.allowed.values() if s.type is TlvType.INT
        }
        self.cstrings = {
            s.tag: (s.name, s.max_length)
            for s in self.allowed.values()
            if s.type is TlvType.CSTRING
        }

    def decode(self, obj: object, buf: bytes, p: int, end: int, seq: int) -> None:
        ints = self.ints
        extra: list[tuple[int, bytes]] | None = None
        d = obj.__dict__
        while p < end:
            if end - p < 4:
                raise PduError(
                    f"TLV header cut short: {end - p} octet(s) left",
                    CommandStatus.ESME_RINVOPTPARSTREAM,
                    sequence_number=seq,
                    command_id=self.command_id,
                )
            tag, length = _unpack_hh(buf, p)
            p += 4
            q = p + length
            if q > end:
                raise PduError(
                    f"TLV 0x{tag:04X} length {length} runs past the end of the PDU",
                    CommandStatus.ESME_RINVOPTPARSTREAM,
                    sequence_number=seq,
                    command_id=self.command_id,
                    field=Tag(tag).name,
                )
            fast = ints.get(tag)
            if fast is not None and length == fast[1] and fast[0] not in d:
                d[fast[0]] = buf[p] if length == 1 else int.from_bytes(buf[p:q], "big")
                p = q
                continue
            cs = self.cstrings.get(tag)
            if cs is not None and 1 < length <= cs[1] and buf[q - 1] == 0 and cs[0] not in d:
                i = buf.find(0, p, q)
                if i == q - 1:  # exactly one NUL, at the end: the well-formed case
                    d[cs[0]] = buf[p:i].decode("latin-1")
                    p = q
                    continue
            if (
                tag == _NETWORK_ERROR_CODE
                and length == 3
                and "network_error_code" not in d
                and tag in self.allowed
            ):
                d["network_error_code"] = NetworkErrorCode(buf[p], (buf[p + 1] << 8) | buf[p + 2])
                p = q
                continue
            spec = self.allowed.get(tag)
            if spec is None or spec.name in d:
                if spec is None and tag in SPECS_BY_TAG:
                    raise PduError(
                        f"TLV {SPECS_BY_TAG[tag].name} is not allowed in "
                        f"{CommandId(self.command_id).name}",
                        CommandStatus.ESME_ROPTPARNOTALLWD,
                        sequence_number=seq,
                        command_id=self.command_id,
                        field=SPECS_BY_TAG[tag].name,
                    )
                # Unknown, vendor, or a repeat of a known tag (callback_num may repeat):
                # kept raw so that it survives a decode/encode round trip byte for byte.
                if extra is None:
                    extra = []
                extra.append((tag, buf[p:q]))
            else:
                d[spec.name] = _decode_value(spec, buf, p, q, seq, self.command_id)
            p = q
        if extra is not None:
            d["extra_tlvs"] = tuple(extra)


def _decode_value(spec: TlvSpec, buf: bytes, p: int, q: int, seq: int, cid: int) -> object:
    length = q - p
    kind = spec.type
    if kind is TlvType.INT:
        if length != spec.size:
            raise _bad_length(spec, length, f"exactly {spec.size}", seq, cid)
        return int.from_bytes(buf[p:q], "big")
    if kind is TlvType.CSTRING:
        if length > spec.max_length or length == 0:
            raise _bad_length(spec, length, f"1..{spec.max_length}", seq, cid)
        # Tolerate a value sent without its NUL [practice]; never accept a NUL inside it.
        raw = buf[p : q - 1] if buf[q - 1] == 0 else buf[p:q]
        if 0 in raw:
            raise PduError(
                f"TLV {spec.name} has a NUL inside its value",
                CommandStatus.ESME_RINVOPTPARAMVAL,
                sequence_number=seq,
                command_id=cid,
                field=spec.name,
            )
        return raw.decode("latin-1")
    if kind is TlvType.OCTETS:
        if not spec.min_length <= length <= spec.max_length:
            raise _bad_length(spec, length, f"{spec.min_length}..{spec.max_length}", seq, cid)
        return buf[p:q]
    if kind is TlvType.FLAG:
        if length != 0:
            raise _bad_length(spec, length, "0", seq, cid)
        return True
    if length != 3:
        raise _bad_length(spec, length, "exactly 3", seq, cid)
    return NetworkErrorCode(*_NEC.unpack_from(buf, p))


def _bad_length(spec: TlvSpec, length: int, want: str, seq: int, cid: int) -> PduError:
    return PduError(
        f"TLV {spec.name} has length {length}, must be {want}",
        CommandStatus.ESME_RINVPARLEN,
        sequence_number=seq,
        command_id=cid,
        field=spec.name,
    )


def encode_value(spec: TlvSpec, value: object) -> bytes:
    """The value octets of one TLV. Raises ValueError/TypeError/OverflowError on bad input."""
    kind = spec.type
    if kind is TlvType.INT:
        return bytes(_INT_PACK[spec.size](value))
    if kind is TlvType.CSTRING:
        if not isinstance(value, str):
            raise TypeError(f"{spec.name} must be str")
        raw = value.encode("latin-1")
        if b"\x00" in raw or len(raw) + 1 > spec.max_length:
            raise ValueError(f"{spec.name} must be at most {spec.max_length - 1} characters")
        return raw + b"\x00"
    if kind is TlvType.OCTETS:
        if not isinstance(value, bytes | bytearray | memoryview):
            raise TypeError(f"{spec.name} must be bytes")
        raw = bytes(value)
        if not spec.min_length <= len(raw) <= spec.max_length:
            raise ValueError(
                f"{spec.name} must be {spec.min_length}..{spec.max_length} octets, got {len(raw)}"
            )
        return raw
    if kind is TlvType.FLAG:
        if value is not True:
            raise ValueError(f"{spec.name} is a flag: True when present, None when absent")
        return b""
    nec = value if isinstance(value, NetworkErrorCode) else NetworkErrorCode(*value)  # type: ignore[misc]
    return bytes(_NEC.pack(nec.network_type, nec.error_code))


#: name -> (struct of tag+length+value, tag, size) for integer TLVs: the encoder's fast path.
INT_TLV_PACKERS: dict[str, tuple[struct.Struct, int, int]] = {
    s.name: (struct.Struct(">HH" + {1: "B", 2: "H", 4: "I"}[s.size]), s.tag, s.size)
    for s in TLV_SPECS
    if s.type is TlvType.INT
}


#: name -> (tag, max_length) for C-Octet String TLVs (receipted_message_id): a fast path.
CSTRING_TLVS: dict[str, tuple[int, int]] = {
    s.name: (s.tag, s.max_length) for s in TLV_SPECS if s.type is TlvType.CSTRING
}
#: network_error_code as one struct: tag, length 3, network type, error code.
NETWORK_ERROR_CODE_TLV = struct.Struct(">HHBH")


def encode_tlv(tag: int, value: bytes) -> bytes:
    return _pack_hh(tag, len(value)) + value

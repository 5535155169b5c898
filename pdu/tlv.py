"""The SMPP 3.4 and 5.0 optional parameters (TLVs): one table, the single source of truth.

Each entry gives the tag, the value type and its length rule, the PDUs that may carry it in
SMPP 3.4 (3.4 facts section 3) and the PDUs SMPP 5.0 adds (5.0 facts sections 3-5), and the
command_status a malformed value is answered with. The codec decodes and encodes what either
version allows; which of those a session may carry is ``tlv_names(command_id, version)``.
Decoding reads a value inside its bound and must consume it exactly. Unknown and vendor tags
are not in this table: the decoder keeps them as raw ``(tag, value)`` pairs in ``extra_tlvs``
and the encoder writes them back byte for byte.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from enum import Enum
from typing import NamedTuple

from .enums import CommandId, CommandStatus, Tag
from .errors import PduError


class NetworkErrorCode(NamedTuple):
    """network_error_code: network type (1 ANSI-136, 2 IS-95, 3 GSM; 5.0 adds 4-8) and a
    16-bit code."""

    network_type: int
    error_code: int


class BroadcastContentType(NamedTuple):
    """broadcast_content_type: type of network (0 generic, 1 GSM, 2 TDMA, 3 CDMA) and a
    16-bit content type (5.0 facts section 5)."""

    type_of_network: int
    content_type: int


class BroadcastFrequencyInterval(NamedTuple):
    """broadcast_frequency_interval: unit of time (0x00 as often as possible, 0x08 seconds ..
    0x0E years) and a 16-bit number of those units: ``(0x09, 31)`` is every 31 minutes."""

    unit_of_time: int
    number: int


class MsValidity(NamedTuple):
    """ms_validity in its 5.0 four-octet form: validity behaviour 4 (relative time period),
    units of time (0 seconds .. 6 years) and their number. The one-octet form is an int."""

    validity_behaviour: int
    units_of_time: int
    number_of_time_units: int


class TlvType(Enum):
    INT = "int"  # unsigned big-endian integer of `size` octets
    CSTRING = "cstring"  # C-Octet String; `max_length` includes the NUL
    OCTETS = "octets"  # Octet String of min_length..max_length octets
    FLAG = "flag"  # no value; presence means True
    RECORD = "record"  # fixed-size fields, a NamedTuple (`record`) packed by `record_format`
    FLAG_OR_INT = "flag_or_int"  # 5.0 alert_on_message_delivery: no value (True) or 1 octet
    INT_OR_RECORD = "int_or_record"  # 5.0 ms_validity: 1 octet (int) or the record form


#: A record TLV's NamedTuple class.
RecordType = type[tuple[int, ...]]
#: The record TLV types: NamedTuple class -> struct format of its fields (big-endian).
RECORD_FORMATS: dict[RecordType, str] = {
    NetworkErrorCode: ">BH",
    BroadcastContentType: ">BH",
    BroadcastFrequencyInterval: ">BH",
    MsValidity: ">BBH",
}


@dataclass(frozen=True, slots=True)
class TlvSpec:
    tag: int
    name: str
    type: TlvType
    size: int = 0  # INT: octets
    min_length: int = 0  # OCTETS
    max_length: int = 0  # OCTETS, CSTRING (including the NUL)
    # Every PDU either version lets carry it (what the codec accepts), and the part of that
    # SMPP 3.4 allows (empty for a tag that 5.0 introduced).
    allowed_in: frozenset[int] = frozenset()
    allowed_in_34: frozenset[int] = frozenset()
    repeats: bool = False  # may occur several times: the value is a tuple, one item per TLV
    status: int = CommandStatus.ESME_RINVPARLEN  # the answer to a malformed value
    record: RecordType | None = None  # RECORD, INT_OR_RECORD: the NamedTuple
    # INT: other sizes accepted on decode (never sent), from peers that read the spec so.
    tolerated_sizes: tuple[int, ...] = ()

    @property
    def version(self) -> int:
        """The interface_version that introduced the tag (0x34 or 0x50)."""
        return 0x34 if self.allowed_in_34 else 0x50

    @property
    def python_type(self) -> str:
        """The type annotation of the attribute that holds a decoded value."""
        record = self.record.__name__ if self.record is not None else ""
        one = {
            TlvType.INT: "int",
            TlvType.CSTRING: "str",
            TlvType.OCTETS: "bytes",
            TlvType.FLAG: "bool",
            TlvType.RECORD: record,
            TlvType.FLAG_OR_INT: "bool | int",
            TlvType.INT_OR_RECORD: f"int | {record}",
        }[self.type]
        return f"tuple[{one}, ...]" if self.repeats else one


_C = CommandId
SS = _C.submit_sm
SM = _C.submit_multi
DS = _C.deliver_sm
DA = _C.data_sm
DAR = _C.data_sm_resp
BR = (_C.bind_receiver_resp, _C.bind_transmitter_resp, _C.bind_transceiver_resp)
AN = _C.alert_notification
# SMPP 5.0 placements (5.0 facts sections 3 and 4).
BSM = _C.broadcast_sm
BSMR = _C.broadcast_sm_resp
QBS = _C.query_broadcast_sm
QBSR = _C.query_broadcast_sm_resp
CBS = _C.cancel_broadcast_sm
RS = _C.replace_sm
SUBMIT_RESP = (_C.submit_sm_resp, _C.submit_multi_resp, DAR)  # Message Submission Response
DELIVER_RESP = (_C.deliver_sm_resp, DAR)  # Message Delivery Response TLVs
#: congestion_state: any response PDU may carry it (5.0 facts section 4).
RESPONSES = tuple(c for c in _C if c & 0x80000000)


def _ids(placements: tuple[object, ...]) -> frozenset[int]:
    ids: set[int] = set()
    for a in placements:
        if isinstance(a, tuple):
            ids.update(a)
        else:
            ids.add(a)  # type: ignore[arg-type]
    return frozenset(ids)


def _spec(
    tag: Tag,
    kind: TlvType,
    v34: tuple[object, ...],
    v50: tuple[object, ...] = (),
    *,
    name: str = "",
    repeats: bool = False,
    status: int = CommandStatus.ESME_RINVPARLEN,
    record: RecordType | None = None,
    tolerated_sizes: tuple[int, ...] = (),
    **kw: int,
) -> TlvSpec:
    """A TLV allowed in the PDUs ``v34`` by SMPP 3.4 and, in 5.0, also in ``v50``."""
    ids_34 = _ids(v34)
    return TlvSpec(
        int(tag),
        name or tag.name,
        kind,
        allowed_in=ids_34 | _ids(v50),
        allowed_in_34=ids_34,
        repeats=repeats,
        status=status,
        record=record,
        tolerated_sizes=tolerated_sizes,
        **kw,
    )


_I, _S, _O = TlvType.INT, TlvType.CSTRING, TlvType.OCTETS
_REC = TlvType.RECORD
_ALL = (SS, SM, DS, DA)
_S50 = CommandStatus
_NUMBERS = (SS, SM, DS, DA)  # 5.0: network ids, node ids, number portability

TLV_SPECS: tuple[TlvSpec, ...] = (
    _spec(Tag.dest_addr_subunit, _I, (SS, SM, DA), (BSM,), size=1),
    _spec(Tag.dest_network_type, _I, (DA,), size=1),
    _spec(Tag.dest_bearer_type, _I, (DA,), size=1),
    _spec(Tag.dest_telematics_id, _I, (DA,), size=2),
    _spec(Tag.source_addr_subunit, _I, (SS, SM, DA), (BSM,), size=1),
    _spec(Tag.source_network_type, _I, (DA,), size=1),
    _spec(Tag.source_bearer_type, _I, (DA,), size=1),
    _spec(Tag.source_telematics_id, _I, (DA,), size=2),
    _spec(Tag.qos_time_to_live, _I, (DA,), size=4),
    _spec(Tag.payload_type, _I, _ALL, (BSM,), size=1),
    _spec(Tag.additional_status_info_text, _S, (DAR,), (SUBMIT_RESP, DELIVER_RESP), max_length=256),
    _spec(Tag.receipted_message_id, _S, (DS, DA), max_length=65),
    _spec(Tag.ms_msg_wait_facilities, _I, (SS, SM, DA), size=1),
    _spec(Tag.privacy_indicator, _I, _ALL, (BSM,), size=1),
    _spec(Tag.source_subaddress, _O, _ALL, (BSM,), min_length=2, max_length=23),
    _spec(Tag.dest_subaddress, _O, _ALL, (BSM,), min_length=2, max_length=23),
    _spec(Tag.user_message_reference, _I, _ALL, (BSM, QBS, QBSR, CBS), size=2),
    _spec(Tag.user_response_code, _I, (SS, DS, DA), size=1),
    _spec(Tag.source_port, _I, _ALL, (BSM,), size=2),
    _spec(Tag.destination_port, _I, _ALL, (BSM,), size=2),
    _spec(Tag.sar_msg_ref_num, _I, _ALL, size=2),
    _spec(Tag.language_indicator, _I, _ALL, (BSM,), size=1),
    _spec(Tag.sar_total_segments, _I, _ALL, size=1),
    _spec(Tag.sar_segment_seqnum, _I, _ALL, size=1),
    _spec(Tag.sc_interface_version, _I, (BR,), size=1),
    _spec(Tag.callback_num_pres_ind, _I, (SS, SM, DA), (BSM,), size=1),
    _spec(Tag.callback_num_atag, _O, (SS, SM, DA), (BSM,), min_length=0, max_length=65),
    _spec(Tag.number_of_messages, _I, (SS, DA), size=1),
    _spec(Tag.callback_num, _O, _ALL, (BSM,), min_length=4, max_length=19),
    _spec(Tag.dpf_result, _I, (DAR,), (SUBMIT_RESP,), size=1),
    _spec(Tag.set_dpf, _I, (DA,), size=1),
    _spec(Tag.ms_availability_status, _I, (AN,), size=1),
    _spec(
        Tag.network_error_code,
        _REC,
        (DS, DA, DAR),
        (SUBMIT_RESP, DELIVER_RESP),
        record=NetworkErrorCode,
    ),
    _spec(Tag.message_payload, _O, _ALL, (RS, BSM), min_length=0, max_length=65535),
    _spec(Tag.delivery_failure_reason, _I, (DAR,), (SUBMIT_RESP, DELIVER_RESP), size=1),
    _spec(Tag.more_messages_to_send, _I, (SS, DA), size=1),
    # Also a mandatory TLV of query_broadcast_sm_resp (5.0).
    _spec(Tag.message_state, _I, (DS, DA), (QBSR,), size=1),
    _spec(Tag.congestion_state, _I, (), (RESPONSES,), size=1),
    _spec(Tag.ussd_service_op, _O, (SS,), (DS, DA), min_length=1, max_length=1),
    _spec(
        Tag.broadcast_channel_indicator,
        _I,
        (),
        (BSM,),
        size=1,
        status=_S50.ESME_RINVBCASTCHANIND,
    ),
    _spec(
        Tag.broadcast_content_type,
        _REC,
        (),
        (BSM, CBS),
        record=BroadcastContentType,
        status=_S50.ESME_RINVBCASTCNTTYPE,
    ),
    _spec(Tag.broadcast_content_type_info, _O, (), (BSM,), min_length=1, max_length=255),
    _spec(Tag.broadcast_message_class, _I, (), (BSM,), size=1, status=_S50.ESME_RINVBCASTMSGCLASS),
    # Two octets (the spec, node-smpp, jsmpp, OSERL); Wireshark and rusmpp read one.
    _spec(
        Tag.broadcast_rep_num,
        _I,
        (),
        (BSM,),
        size=2,
        tolerated_sizes=(1,),
        status=_S50.ESME_RINVBCAST_REP,
    ),
    _spec(
        Tag.broadcast_frequency_interval,
        _REC,
        (),
        (BSM,),
        record=BroadcastFrequencyInterval,
        status=_S50.ESME_RINVBCASTFREQINT,
    ),
    # Octet 1 the area format (0 alias/name, 1 ellipsoid arc, 2 polygon), then up to 100
    # octets of area; one TLV per area.
    _spec(
        Tag.broadcast_area_identifier,
        _O,
        (),
        (BSM, QBSR),
        min_length=1,
        max_length=101,
        repeats=True,
        status=_S50.ESME_RINVBCASTAREAFMT,
    ),
    # The same tag in broadcast_sm_resp: the areas that failed, paired by order with
    # broadcast_error_status.
    _spec(
        Tag.broadcast_area_identifier,
        _O,
        (),
        (BSMR,),
        name="failed_broadcast_area_identifier",
        min_length=1,
        max_length=101,
        repeats=True,
        status=_S50.ESME_RINVBCASTAREAFMT,
    ),
    _spec(Tag.broadcast_error_status, _I, (), (BSMR,), size=4, repeats=True),
    _spec(Tag.broadcast_area_success, _I, (), (QBSR,), size=1, repeats=True),
    # A time: 17 octets with the NUL are sent; 16 without it (node-smpp) are accepted.
    _spec(Tag.broadcast_end_time, _S, (), (QBSR,), max_length=17),
    _spec(
        Tag.broadcast_service_group,
        _O,
        (),
        (BSM,),
        min_length=1,
        max_length=255,
        status=_S50.ESME_RINVBCASTSRVGRP,
    ),
    _spec(Tag.billing_identification, _O, (), (SS, SM, DA), min_length=1, max_length=1024),
    _spec(Tag.source_network_id, _S, (), _NUMBERS, max_length=65),
    _spec(Tag.dest_network_id, _S, (), _NUMBERS, max_length=65),
    _spec(Tag.source_node_id, _O, (), _NUMBERS, min_length=6, max_length=6),
    _spec(Tag.dest_node_id, _O, (), _NUMBERS, min_length=6, max_length=6),
    _spec(Tag.dest_addr_np_resolution, _I, (), _NUMBERS, size=1),
    _spec(Tag.dest_addr_np_information, _O, (), _NUMBERS, min_length=10, max_length=10),
    # An E.164 country code; peers disagree on its integer size, so it is kept as octets.
    _spec(Tag.dest_addr_np_country, _O, (), _NUMBERS, min_length=1, max_length=5),
    _spec(Tag.display_time, _I, (SS, SM, DA), (BSM,), size=1),
    _spec(Tag.sms_signal, _I, (SS, SM, DA), (BSM,), size=2),
    # 3.4: one octet; 5.0 adds a four-octet form (MsValidity).
    _spec(Tag.ms_validity, TlvType.INT_OR_RECORD, (SS, SM, DA), (BSM,), size=1, record=MsValidity),
    # 3.4: no value; 5.0 allows one octet (the alert priority), and node-smpp always sends it.
    _spec(Tag.alert_on_message_delivery, TlvType.FLAG_OR_INT, (SS, SM, DA), (BSM,)),
    _spec(Tag.its_reply_type, _I, (SS, DA), size=1),
    _spec(Tag.its_session_info, _O, (SS, DS, DA), min_length=2, max_length=2),
)

# SMPP 5.0 gives one TLV table for every message submission request (submit_sm, submit_multi,
# data_sm: S 4.2.4) and one for every message delivery request (deliver_sm, data_sm: S 4.3.4),
# where 3.4 listed TLVs per PDU; set_dpf in a submit_sm, its_reply_type in a deliver_sm are
# 5.0 [one source: rusmpp's MessageSubmissionRequestTlvValue and MessageDeliveryRequestTlvValue].
SUBMISSION_TLVS_50 = frozenset(
    {
        "alert_on_message_delivery",
        "billing_identification",
        "callback_num",
        "callback_num_atag",
        "callback_num_pres_ind",
        "dest_addr_np_country",
        "dest_addr_np_information",
        "dest_addr_np_resolution",
        "dest_addr_subunit",
        "dest_bearer_type",
        "dest_network_id",
        "dest_network_type",
        "dest_node_id",
        "dest_subaddress",
        "dest_telematics_id",
        "destination_port",
        "display_time",
        "its_reply_type",
        "its_session_info",
        "language_indicator",
        "message_payload",
        "more_messages_to_send",
        "ms_msg_wait_facilities",
        "ms_validity",
        "number_of_messages",
        "payload_type",
        "privacy_indicator",
        "qos_time_to_live",
        "sar_msg_ref_num",
        "sar_segment_seqnum",
        "sar_total_segments",
        "set_dpf",
        "sms_signal",
        "source_addr_subunit",
        "source_bearer_type",
        "source_network_id",
        "source_network_type",
        "source_node_id",
        "source_port",
        "source_subaddress",
        "source_telematics_id",
        "user_message_reference",
        "user_response_code",
        "ussd_service_op",
    }
)
DELIVERY_TLVS_50 = frozenset(
    {
        "callback_num",
        "callback_num_atag",
        "callback_num_pres_ind",
        "dest_addr_np_country",
        "dest_addr_np_information",
        "dest_addr_np_resolution",
        "dest_addr_subunit",
        "dest_network_id",
        "dest_node_id",
        "dest_subaddress",
        "destination_port",
        "dpf_result",
        "its_reply_type",
        "its_session_info",
        "language_indicator",
        "message_payload",
        "message_state",
        "network_error_code",
        "payload_type",
        "privacy_indicator",
        "receipted_message_id",
        "sar_msg_ref_num",
        "sar_segment_seqnum",
        "sar_total_segments",
        "source_addr_subunit",
        "source_network_id",
        "source_node_id",
        "source_port",
        "source_subaddress",
        "user_message_reference",
        "user_response_code",
        "ussd_service_op",
    }
)


def _with_5_0_tables(spec: TlvSpec) -> TlvSpec:
    more = set()
    if spec.name in SUBMISSION_TLVS_50:
        more |= {SS, SM, DA}
    if spec.name in DELIVERY_TLVS_50:
        more |= {DS, DA}
    return replace(spec, allowed_in=spec.allowed_in | more) if more else spec


TLV_SPECS = tuple(_with_5_0_tables(s) for s in TLV_SPECS)

#: One spec per tag: for 0x0606 the request form, broadcast_area_identifier.
SPECS_BY_TAG: dict[int, TlvSpec] = {}
for _s in TLV_SPECS:
    SPECS_BY_TAG.setdefault(_s.tag, _s)
SPECS_BY_NAME: dict[str, TlvSpec] = {s.name: s for s in TLV_SPECS}
# Tags SMPP 3.4 knows: one of them in a PDU that allows it in neither version is refused
# (ESME_ROPTPARNOTALLWD), as 3.4 asks; a 5.0 receiver decodes with
# ``out_of_place_tlvs="keep"`` instead (codec.decode). A 5.0 tag out of place is kept raw in
# extra_tlvs, as it was before the codec knew 5.0 and as 5.0 says a receiver treats a tag it
# does not expect.
_TAGS_34 = frozenset(s.tag for s in TLV_SPECS if s.allowed_in_34)


def allowed_specs(command_id: int) -> tuple[TlvSpec, ...]:
    """The TLVs a PDU may carry, in table order (the order the encoder writes them)."""
    return tuple(s for s in TLV_SPECS if command_id in s.allowed_in)


def tlv_names(command_id: int, version: int) -> frozenset[str]:
    """The TLVs ``command_id`` may carry at interface_version ``version``: none below 0x34
    (3.3 has no TLVs), the 3.4 placements below 0x50, every placement from 0x50 on."""
    if version < 0x34:
        return frozenset()
    if version < 0x50:
        return frozenset(s.name for s in TLV_SPECS if command_id in s.allowed_in_34)
    return frozenset(s.name for s in allowed_specs(command_id))


_HH_STRUCT = struct.Struct(">HH")
_unpack_hh = _HH_STRUCT.unpack_from
_pack_hh = _HH_STRUCT.pack
_INT_PACK = {1: struct.Struct(">B").pack, 2: struct.Struct(">H").pack, 4: struct.Struct(">I").pack}
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
            s.tag: (s.name, s.size)
            for s in self.allowed.values()
            if s.type is TlvType.INT and not s.repeats
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
            if spec is not None and spec.repeats:
                # One item per TLV, in wire order (pairs such as area and status match by it).
                item = _decode_value(spec, buf, p, q, seq, self.command_id)
                d[spec.name] = (*d.get(spec.name, ()), item)
            elif spec is None or spec.name in d:
                if spec is None and tag in _TAGS_34:
                    err = PduError(
                        f"TLV {SPECS_BY_TAG[tag].name} is not allowed in "
                        f"{CommandId(self.command_id).name}",
                        CommandStatus.ESME_ROPTPARNOTALLWD,
                        sequence_number=seq,
                        command_id=self.command_id,
                        field=SPECS_BY_TAG[tag].name,
                    )
                    err.tlv_span = (p - 4, q)
                    raise err
                # Unknown, vendor, a 5.0 tag this PDU does not carry, or a repeat of a known
                # tag (callback_num may repeat): kept raw so that it survives a decode/encode
                # round trip byte for byte.
                if extra is None:
                    extra = []
                extra.append((tag, buf[p:q]))
            else:
                d[spec.name] = _decode_value(spec, buf, p, q, seq, self.command_id)
            p = q
        if extra is not None:
            d["extra_tlvs"] = tuple(extra)


_RECORD_STRUCTS: dict[RecordType, struct.Struct] = {
    cls: struct.Struct(fmt) for cls, fmt in RECORD_FORMATS.items()
}


def _decode_value(spec: TlvSpec, buf: bytes, p: int, q: int, seq: int, cid: int) -> object:
    length = q - p
    kind = spec.type
    if kind is TlvType.INT:
        if length != spec.size and length not in spec.tolerated_sizes:
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
    if kind is TlvType.FLAG_OR_INT:
        if length > 1:
            raise _bad_length(spec, length, "0 or 1", seq, cid)
        return buf[p] if length else True
    assert spec.record is not None
    st = _RECORD_STRUCTS[spec.record]
    if kind is TlvType.INT_OR_RECORD and length == spec.size:
        return int.from_bytes(buf[p:q], "big")
    if length != st.size:
        want = f"{spec.size} or {st.size}" if kind is TlvType.INT_OR_RECORD else str(st.size)
        raise _bad_length(spec, length, f"exactly {want}", seq, cid)
    return spec.record(*st.unpack_from(buf, p))


def _bad_length(spec: TlvSpec, length: int, want: str, seq: int, cid: int) -> PduError:
    return PduError(
        f"TLV {spec.name} has length {length}, must be {want}",
        spec.status,
        sequence_number=seq,
        command_id=cid,
        field=spec.name,
    )


def encode_value(spec: TlvSpec, value: object) -> bytes:
    """The value octets of one TLV (one item of a repeating one). Raises
    ValueError/TypeError/OverflowError on bad input."""
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
    if kind is TlvType.FLAG_OR_INT:
        if value is True:
            return b""
        if type(value) is bool:
            raise ValueError(f"{spec.name}: True (no value) or an int 0..255, None when absent")
        return bytes(_INT_PACK[1](value))
    assert spec.record is not None
    if kind is TlvType.INT_OR_RECORD and isinstance(value, int):
        return bytes(_INT_PACK[spec.size](value))
    if not isinstance(value, tuple | list):
        raise TypeError(f"{spec.name} must be a {spec.record.__name__}")
    return bytes(_RECORD_STRUCTS[spec.record].pack(*value))


#: name -> (struct of tag+length+value, tag, size) for integer TLVs: the encoder's fast path.
INT_TLV_PACKERS: dict[str, tuple[struct.Struct, int, int]] = {
    s.name: (struct.Struct(">HH" + {1: "B", 2: "H", 4: "I"}[s.size]), s.tag, s.size)
    for s in TLV_SPECS
    if s.type is TlvType.INT and not s.repeats
}


#: name -> (tag, max_length) for C-Octet String TLVs (receipted_message_id): a fast path.
CSTRING_TLVS: dict[str, tuple[int, int]] = {
    s.name: (s.tag, s.max_length) for s in TLV_SPECS if s.type is TlvType.CSTRING
}
#: network_error_code as one struct: tag, length 3, network type, error code.
NETWORK_ERROR_CODE_TLV = struct.Struct(">HHBH")


def encode_tlv(tag: int, value: bytes) -> bytes:
    return _pack_hh(tag, len(value)) + value

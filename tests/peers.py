"""Adapters over independent SMPP codecs, for differential tests and the codec benchmark.

Every adapter speaks one neutral language, a *fields dict*: the spec's own field names
(SMPP 3.4 section 4 / facts sections 1-3) with plain Python values::

    {"command": "submit_sm", "sequence_number": 1, "command_status": 0,
     "service_type": "", "source_addr_ton": 1, ..., "short_message": b"hi",
     "sar_msg_ref_num": 7}                      # TLVs: present only when present

Value types in a fields dict:

* integers (I1/I2/I4 and integer TLVs): ``int``
* C-Octet Strings, including the time fields: ``str`` ("" is NULL)
* ``short_message`` and Octet-String TLVs (``network_error_code``, ``callback_num``,
  ``source_subaddress``, ``ussd_service_op``, ``its_session_info``, ``message_payload``, ...):
  ``bytes``, exactly the wire value octets
* ``alert_on_message_delivery`` (a zero-length TLV): ``True``
* submit_multi ``dest_address``: a list of ``{"dest_flag": 1, "dest_addr_ton": .., "dest_addr_npi":
  .., "destination_addr": ..}`` or ``{"dest_flag": 2, "dl_name": ..}``; submit_multi_resp
  ``unsuccess_sme``: a list of ``{"dest_addr_ton", "dest_addr_npi", "destination_addr",
  "error_status_code"}``. ``number_of_dests``, ``no_unsuccess`` and ``sm_length`` are derived.

Each adapter offers ``encode(fields) -> bytes`` and ``decode(data) -> fields`` and, for the
benchmark, the native halves ``build`` / ``encode_native`` / ``decode_native`` /
``to_fields``. ``Unsupported`` means the peer does not model that PDU or field at all (a
documented limitation). Bugs are *not* hidden here: a peer that mis-encodes a value produces
those bytes, and the differential tests pin each such bug with a strict xfail.

The peers are only called, never copied. Their deviations found while writing these adapters
are listed in each adapter's docstring; ``tests/test_differential.py`` pins the bugs.
"""

from __future__ import annotations

import contextlib
import io
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Protocol

Fields = dict[str, Any]


class Unsupported(Exception):  # noqa: N818 - reads better at call sites than UnsupportedError
    """The peer does not model this PDU, field or value at all."""


# --------------------------------------------------------------------------------------------
# Our own neutral copy of the spec tables (3.4 facts sections 1-3, 5.0 facts sections 3-5).
# Deliberately independent of pdu/: a differential test must not take its expectations from
# the code under test.
# --------------------------------------------------------------------------------------------

COMMAND_IDS: dict[str, int] = {
    "generic_nack": 0x80000000,
    "bind_receiver": 0x00000001,
    "bind_receiver_resp": 0x80000001,
    "bind_transmitter": 0x00000002,
    "bind_transmitter_resp": 0x80000002,
    "query_sm": 0x00000003,
    "query_sm_resp": 0x80000003,
    "submit_sm": 0x00000004,
    "submit_sm_resp": 0x80000004,
    "deliver_sm": 0x00000005,
    "deliver_sm_resp": 0x80000005,
    "unbind": 0x00000006,
    "unbind_resp": 0x80000006,
    "replace_sm": 0x00000007,
    "replace_sm_resp": 0x80000007,
    "cancel_sm": 0x00000008,
    "cancel_sm_resp": 0x80000008,
    "bind_transceiver": 0x00000009,
    "bind_transceiver_resp": 0x80000009,
    "outbind": 0x0000000B,
    "enquire_link": 0x00000015,
    "enquire_link_resp": 0x80000015,
    "submit_multi": 0x00000021,
    "submit_multi_resp": 0x80000021,
    "alert_notification": 0x00000102,
    "data_sm": 0x00000103,
    "data_sm_resp": 0x80000103,
    # SMPP 5.0 (5.0 facts section 3)
    "broadcast_sm": 0x00000111,
    "broadcast_sm_resp": 0x80000111,
    "query_broadcast_sm": 0x00000112,
    "query_broadcast_sm_resp": 0x80000112,
    "cancel_broadcast_sm": 0x00000113,
    "cancel_broadcast_sm_resp": 0x80000113,
}
#: The commands SMPP 5.0 added: the 3.4 peers model none of them.
COMMANDS_50 = frozenset(c for c, i in COMMAND_IDS.items() if i & 0x7FFFFFFF >= 0x111)
COMMAND_NAMES: dict[int, str] = {v: k for k, v in COMMAND_IDS.items()}


@dataclass(frozen=True)
class Field:
    """One mandatory body field. kind: int (size octets), cstr (max incl. NUL), time, sm,
    dests (submit_multi dest_address list), unsuccess (submit_multi_resp list)."""

    name: str
    kind: str
    size: int = 1  # int: octets; cstr: maximum including the NUL


def _i(name: str, size: int = 1) -> Field:
    return Field(name, "int", size)


def _c(name: str, size: int) -> Field:
    return Field(name, "cstr", size)


def _t(name: str) -> Field:
    return Field(name, "time", 17)


_BIND = (
    _c("system_id", 16),
    _c("password", 9),
    _c("system_type", 13),
    _i("interface_version"),
    _i("addr_ton"),
    _i("addr_npi"),
    _c("address_range", 41),
)
_SM_TAIL = (
    _i("esm_class"),
    _i("protocol_id"),
    _i("priority_flag"),
    _t("schedule_delivery_time"),
    _t("validity_period"),
    _i("registered_delivery"),
    _i("replace_if_present_flag"),
    _i("data_coding"),
    _i("sm_default_msg_id"),
    Field("short_message", "sm", 254),
)
_SUBMIT = (
    _c("service_type", 6),
    _i("source_addr_ton"),
    _i("source_addr_npi"),
    _c("source_addr", 21),
    _i("dest_addr_ton"),
    _i("dest_addr_npi"),
    _c("destination_addr", 21),
    *_SM_TAIL,
)

MANDATORY: dict[str, tuple[Field, ...]] = {
    "bind_receiver": _BIND,
    "bind_transmitter": _BIND,
    "bind_transceiver": _BIND,
    "bind_receiver_resp": (_c("system_id", 16),),
    "bind_transmitter_resp": (_c("system_id", 16),),
    "bind_transceiver_resp": (_c("system_id", 16),),
    "outbind": (_c("system_id", 16), _c("password", 9)),
    "unbind": (),
    "unbind_resp": (),
    "enquire_link": (),
    "enquire_link_resp": (),
    "generic_nack": (),
    "submit_sm": _SUBMIT,
    "deliver_sm": _SUBMIT,
    "submit_sm_resp": (_c("message_id", 65),),
    "deliver_sm_resp": (_c("message_id", 1),),
    "submit_multi": (
        _c("service_type", 6),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
        Field("dest_address", "dests", 254),
        *_SM_TAIL,
    ),
    "submit_multi_resp": (_c("message_id", 65), Field("unsuccess_sme", "unsuccess", 254)),
    "data_sm": (
        _c("service_type", 6),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 65),
        _i("dest_addr_ton"),
        _i("dest_addr_npi"),
        _c("destination_addr", 65),
        _i("esm_class"),
        _i("registered_delivery"),
        _i("data_coding"),
    ),
    "data_sm_resp": (_c("message_id", 65),),
    "query_sm": (
        _c("message_id", 65),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
    ),
    "query_sm_resp": (
        _c("message_id", 65),
        _t("final_date"),
        _i("message_state"),
        _i("error_code"),
    ),
    "cancel_sm": (
        _c("service_type", 6),
        _c("message_id", 65),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
        _i("dest_addr_ton"),
        _i("dest_addr_npi"),
        _c("destination_addr", 21),
    ),
    "cancel_sm_resp": (),
    "replace_sm": (
        _c("message_id", 65),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
        _t("schedule_delivery_time"),
        _t("validity_period"),
        _i("registered_delivery"),
        _i("sm_default_msg_id"),
        Field("short_message", "sm", 254),
    ),
    "replace_sm_resp": (),
    "alert_notification": (
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 65),
        _i("esme_addr_ton"),
        _i("esme_addr_npi"),
        _c("esme_addr", 65),
    ),
    "broadcast_sm": (
        _c("service_type", 6),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
        _c("message_id", 65),
        _i("priority_flag"),
        _t("schedule_delivery_time"),
        _t("validity_period"),
        _i("replace_if_present_flag"),
        _i("data_coding"),
        _i("sm_default_msg_id"),
    ),
    "broadcast_sm_resp": (_c("message_id", 65),),
    "query_broadcast_sm": (
        _c("message_id", 65),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
    ),
    "query_broadcast_sm_resp": (_c("message_id", 65),),
    "cancel_broadcast_sm": (
        _c("service_type", 6),
        _c("message_id", 65),
        _i("source_addr_ton"),
        _i("source_addr_npi"),
        _c("source_addr", 21),
    ),
    "cancel_broadcast_sm_resp": (),
}

# Responses whose body is omitted when command_status != 0 (3.4 facts 2.6; every 5.0 one).
BODY_OMITTED_ON_ERROR = frozenset(
    {
        "bind_receiver_resp",
        "bind_transmitter_resp",
        "bind_transceiver_resp",
        "submit_sm_resp",
        "broadcast_sm_resp",
        "query_broadcast_sm_resp",
        "cancel_broadcast_sm_resp",
    }
)
#: The TLVs a 5.0 PDU cannot go without (5.0 facts section 3); broadcast_rep_num may be left
#: out of an immediate broadcast (priority_flag 1).
REQUIRED_TLVS: dict[str, tuple[str, ...]] = {
    "broadcast_sm": (
        "broadcast_area_identifier",
        "broadcast_content_type",
        "broadcast_rep_num",
        "broadcast_frequency_interval",
    ),
    "query_broadcast_sm_resp": (
        "message_state",
        "broadcast_area_identifier",
        "broadcast_area_success",
    ),
}


@dataclass(frozen=True)
class TlvDef:
    """kind: int (size octets), cstr (max incl. NUL), octets (min..max), flag.

    ``allowed``: where SMPP 3.4 allows it; ``allowed_50``: where 5.0 adds it (everything, for
    a 5.0 tag). ``repeats``: one TLV per item of a list value (5.0 area lists)."""

    tag: int
    kind: str
    size: int = 0
    min_len: int = 0
    max_len: int = 0
    allowed: frozenset[str] = frozenset()
    allowed_50: frozenset[str] = frozenset()
    repeats: bool = False


_SS, _SM, _DS, _DA, _DAR, _AN = (
    "submit_sm",
    "submit_multi",
    "deliver_sm",
    "data_sm",
    "data_sm_resp",
    "alert_notification",
)
_BR = ("bind_receiver_resp", "bind_transmitter_resp", "bind_transceiver_resp")
_ALL4 = (_SS, _SM, _DS, _DA)


def _ti(tag: int, size: int, *allowed: str) -> TlvDef:
    return TlvDef(tag, "int", size=size, allowed=frozenset(allowed))


def _to(tag: int, lo: int, hi: int, *allowed: str) -> TlvDef:
    return TlvDef(tag, "octets", min_len=lo, max_len=hi, allowed=frozenset(allowed))


TLVS: dict[str, TlvDef] = {
    "dest_addr_subunit": _ti(0x0005, 1, _SS, _SM, _DA),
    "dest_network_type": _ti(0x0006, 1, _DA),
    "dest_bearer_type": _ti(0x0007, 1, _DA),
    "dest_telematics_id": _ti(0x0008, 2, _DA),
    "source_addr_subunit": _ti(0x000D, 1, _SS, _SM, _DA),
    "source_network_type": _ti(0x000E, 1, _DA),
    "source_bearer_type": _ti(0x000F, 1, _DA),
    "source_telematics_id": _ti(0x0010, 2, _DA),
    "qos_time_to_live": _ti(0x0017, 4, _DA),
    "payload_type": _ti(0x0019, 1, *_ALL4),
    "additional_status_info_text": TlvDef(0x001D, "cstr", max_len=256, allowed=frozenset({_DAR})),
    "receipted_message_id": TlvDef(0x001E, "cstr", max_len=65, allowed=frozenset({_DS, _DA})),
    "ms_msg_wait_facilities": _ti(0x0030, 1, _SS, _SM, _DA),
    "privacy_indicator": _ti(0x0201, 1, *_ALL4),
    "source_subaddress": _to(0x0202, 2, 23, *_ALL4),
    "dest_subaddress": _to(0x0203, 2, 23, *_ALL4),
    "user_message_reference": _ti(0x0204, 2, *_ALL4),
    "user_response_code": _ti(0x0205, 1, _SS, _DS, _DA),
    "source_port": _ti(0x020A, 2, *_ALL4),
    "destination_port": _ti(0x020B, 2, *_ALL4),
    "sar_msg_ref_num": _ti(0x020C, 2, *_ALL4),
    "language_indicator": _ti(0x020D, 1, *_ALL4),
    "sar_total_segments": _ti(0x020E, 1, *_ALL4),
    "sar_segment_seqnum": _ti(0x020F, 1, *_ALL4),
    "sc_interface_version": _ti(0x0210, 1, *_BR),
    "callback_num_pres_ind": _ti(0x0302, 1, _SS, _SM, _DA),
    "callback_num_atag": _to(0x0303, 0, 65, _SS, _SM, _DA),
    "number_of_messages": _ti(0x0304, 1, _SS, _DA),
    "callback_num": _to(0x0381, 4, 19, *_ALL4),
    "dpf_result": _ti(0x0420, 1, _DAR),
    "set_dpf": _ti(0x0421, 1, _DA),
    "ms_availability_status": _ti(0x0422, 1, _AN),
    "network_error_code": _to(0x0423, 3, 3, _DS, _DA, _DAR),
    "message_payload": _to(0x0424, 0, 65535, *_ALL4),
    "delivery_failure_reason": _ti(0x0425, 1, _DAR),
    "more_messages_to_send": _ti(0x0426, 1, _SS, _DA),
    "message_state": _ti(0x0427, 1, _DS, _DA),
    "ussd_service_op": _to(0x0501, 1, 1, _SS),
    "display_time": _ti(0x1201, 1, _SS, _SM, _DA),
    "sms_signal": _ti(0x1203, 2, _SS, _SM, _DA),
    "ms_validity": _ti(0x1204, 1, _SS, _SM, _DA),
    "alert_on_message_delivery": TlvDef(0x130C, "flag", allowed=frozenset({_SS, _SM, _DA})),
    "its_reply_type": _ti(0x1380, 1, _SS, _DA),
    "its_session_info": _to(0x1383, 2, 2, _SS, _DS, _DA),
}

_RESPONSES = tuple(c for c in COMMAND_IDS if c.endswith("_resp") or c == "generic_nack")
_BSM, _BSMR, _QBS, _QBSR, _CBS = (
    "broadcast_sm",
    "broadcast_sm_resp",
    "query_broadcast_sm",
    "query_broadcast_sm_resp",
    "cancel_broadcast_sm",
)
_NUMBERING = (_SS, _SM, _DS, _DA)
# 5.0 facts section 4: 3.4 TLVs that 5.0 allows in more PDUs.
_MORE_50: dict[str, tuple[str, ...]] = {
    "additional_status_info_text": ("submit_sm_resp", "submit_multi_resp", "deliver_sm_resp"),
    "delivery_failure_reason": ("submit_sm_resp", "submit_multi_resp", "deliver_sm_resp"),
    "network_error_code": ("submit_sm_resp", "submit_multi_resp", "deliver_sm_resp"),
    "dpf_result": ("submit_sm_resp", "submit_multi_resp"),
    "message_payload": ("replace_sm", _BSM),
    "ussd_service_op": (_DS, _DA),
    "message_state": (_QBSR,),
    "user_message_reference": (_BSM, _QBS, _QBSR, _CBS),
}
# broadcast_sm's optional 3.4 TLVs (5.0 facts section 3).
for _n in (
    "alert_on_message_delivery",
    "callback_num",
    "callback_num_atag",
    "callback_num_pres_ind",
    "dest_addr_subunit",
    "dest_subaddress",
    "destination_port",
    "display_time",
    "language_indicator",
    "ms_validity",
    "payload_type",
    "privacy_indicator",
    "sms_signal",
    "source_addr_subunit",
    "source_port",
    "source_subaddress",
):
    _MORE_50[_n] = (*_MORE_50.get(_n, ()), _BSM)
# S 4.2.4 and 4.3.4: one TLV table for every message submission request and one for every
# delivery request (5.0 facts 4; the lists as rusmpp has them).
SUBMISSION_50 = [
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
]
DELIVERY_50 = [
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
]
for _n in SUBMISSION_50:
    _MORE_50[_n] = (*_MORE_50.get(_n, ()), _SS, _SM, _DA)
for _n in DELIVERY_50:
    _MORE_50[_n] = (*_MORE_50.get(_n, ()), _DS, _DA)
for _n, _where in _MORE_50.items():
    if _n in TLVS:  # the 5.0 tags are added below, with all their places
        TLVS[_n] = replace(TLVS[_n], allowed_50=frozenset(_where) - TLVS[_n].allowed)


def _t50(tag: int, kind: str, where: tuple[str, ...], **kw: Any) -> TlvDef:
    return TlvDef(tag, kind, allowed_50=frozenset(where), **kw)


# 5.0 facts section 5: the tags 5.0 introduced.
TLVS.update(
    {
        "congestion_state": _t50(0x0428, "int", _RESPONSES, size=1),
        "broadcast_channel_indicator": _t50(0x0600, "int", (_BSM,), size=1),
        "broadcast_content_type": _t50(0x0601, "octets", (_BSM, _CBS), min_len=3, max_len=3),
        "broadcast_content_type_info": _t50(0x0602, "octets", (_BSM,), min_len=1, max_len=255),
        "broadcast_message_class": _t50(0x0603, "int", (_BSM,), size=1),
        "broadcast_rep_num": _t50(0x0604, "int", (_BSM,), size=2),
        "broadcast_frequency_interval": _t50(0x0605, "octets", (_BSM,), min_len=3, max_len=3),
        "broadcast_area_identifier": _t50(
            0x0606, "octets", (_BSM, _QBSR), min_len=1, max_len=101, repeats=True
        ),
        "failed_broadcast_area_identifier": _t50(
            0x0606, "octets", (_BSMR,), min_len=1, max_len=101, repeats=True
        ),
        "broadcast_error_status": _t50(0x0607, "int", (_BSMR,), size=4, repeats=True),
        "broadcast_area_success": _t50(0x0608, "int", (_QBSR,), size=1, repeats=True),
        "broadcast_end_time": _t50(0x0609, "cstr", (_QBSR,), max_len=17),
        "broadcast_service_group": _t50(0x060A, "octets", (_BSM,), min_len=1, max_len=255),
        "billing_identification": _t50(0x060B, "octets", (_SS, _SM, _DA), min_len=1, max_len=1024),
        "source_network_id": _t50(0x060D, "cstr", _NUMBERING, max_len=65),
        "dest_network_id": _t50(0x060E, "cstr", _NUMBERING, max_len=65),
        "source_node_id": _t50(0x060F, "octets", _NUMBERING, min_len=6, max_len=6),
        "dest_node_id": _t50(0x0610, "octets", _NUMBERING, min_len=6, max_len=6),
        "dest_addr_np_resolution": _t50(0x0611, "int", _NUMBERING, size=1),
        "dest_addr_np_information": _t50(0x0612, "octets", _NUMBERING, min_len=10, max_len=10),
        "dest_addr_np_country": _t50(0x0613, "octets", _NUMBERING, min_len=1, max_len=5),
    }
)
#: tag -> name; 0x0606 is broadcast_area_identifier except in broadcast_sm_resp.
TLV_NAMES: dict[int, str] = {}
for _n, _d in TLVS.items():
    TLV_NAMES.setdefault(_d.tag, _n)


def tlvs_allowed(command: str, version: int = 0x34) -> tuple[str, ...]:
    """The TLVs ``command`` may carry in SMPP 3.4 (the 3.4 peers' world) or 5.0."""
    if version >= 0x50:
        return tuple(n for n, d in TLVS.items() if command in d.allowed | d.allowed_50)
    return tuple(n for n, d in TLVS.items() if command in d.allowed)


def _default(f: Field) -> Any:
    return {"int": 0, "cstr": "", "time": "", "sm": b"", "dests": [], "unsuccess": []}[f.kind]


def normalise(fields: Mapping[str, Any]) -> Fields:
    """Fill the header and every mandatory field the caller left out with its NULL value."""
    out: Fields = {"sequence_number": 1, "command_status": 0}
    out.update(fields)
    cmd = out["command"]
    omit = cmd in BODY_OMITTED_ON_ERROR and out["command_status"] != 0
    for f in MANDATORY[cmd]:
        if omit:
            out.pop(f.name, None)
        else:
            out.setdefault(f.name, _default(f))
    return out


def body_fields(fields: Mapping[str, Any]) -> Iterator[tuple[Field, Any]]:
    cmd = fields["command"]
    for f in MANDATORY[cmd]:
        if f.name in fields:
            yield f, fields[f.name]


def tlv_items(fields: Mapping[str, Any]) -> Iterator[tuple[str, TlvDef, Any]]:
    """The TLVs in `fields` (message_state is also a mandatory field of query_sm_resp)."""
    mandatory = {f.name for f in MANDATORY[fields["command"]]}
    for name, value in fields.items():
        d = TLVS.get(name)
        if d is not None and name not in mandatory:
            yield name, d, value


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """smpp.pdu3's time parser print()s every value it parses; keep test/bench output clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


# --------------------------------------------------------------------------------------------
# The adapter interface
# --------------------------------------------------------------------------------------------


class Peer(Protocol):
    name: str

    def supports(self, command: str) -> bool: ...
    def tlvs(self, command: str) -> frozenset[str]: ...
    def build(self, fields: Mapping[str, Any]) -> Any: ...
    def encode_native(self, obj: Any) -> bytes: ...
    def decode_native(self, data: bytes) -> Any: ...
    def to_fields(self, obj: Any) -> Fields: ...
    def encode(self, fields: Mapping[str, Any]) -> bytes: ...
    def decode(self, data: bytes) -> Fields: ...


class _Base:
    name: ClassVar[str] = "?"
    commands: ClassVar[frozenset[str]] = frozenset()
    # TLVs the peer cannot carry at all, per command or for every command ("*").
    missing_tlvs: ClassVar[Mapping[str, frozenset[str]]] = {}

    def supports(self, command: str) -> bool:
        return command in self.commands

    def tlvs(self, command: str) -> frozenset[str]:
        """The spec-allowed TLVs of `command` this peer models."""
        gone = self.missing_tlvs.get("*", frozenset()) | self.missing_tlvs.get(command, frozenset())
        return frozenset(tlvs_allowed(command)) - gone

    def _check(self, fields: Mapping[str, Any]) -> None:
        cmd = fields["command"]
        if not self.supports(cmd):
            raise Unsupported(f"{self.name} does not model {cmd}")
        have = self.tlvs(cmd)
        for name, _d, _v in tlv_items(fields):
            if name not in have:
                raise Unsupported(f"{self.name} cannot carry TLV {name} in {cmd}")

    def build(self, fields: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def encode_native(self, obj: Any) -> bytes:
        raise NotImplementedError

    def decode_native(self, data: bytes) -> Any:
        raise NotImplementedError

    def to_fields(self, obj: Any) -> Fields:
        raise NotImplementedError

    def encode(self, fields: Mapping[str, Any]) -> bytes:
        return self.encode_native(self.build(normalise(fields)))

    def decode(self, data: bytes) -> Fields:
        return self.to_fields(self.decode_native(data))


def _header(data: bytes) -> tuple[int, int, int, int]:
    length, cid, status, seq = struct.unpack_from(">IIII", data)
    return length, cid, status, seq


# --------------------------------------------------------------------------------------------
# smpp.pdu3 (import path smpp.pdu; the Jasmin fork of mozes/smpp.pdu)
# --------------------------------------------------------------------------------------------


class SmppPdu3(_Base):
    """smpp.pdu3 0.6: ``PDUEncoder().encode(pdu)`` / ``.decode(file)``, classes in
    ``smpp.pdu.operations`` (``SubmitSM``, ``DeliverSM``, ...), fields in ``pdu.params``.

    Deviations found (tests/test_differential.py pins the bugs):

    * Enums everywhere (``AddrTon``, ``EsmClass``, ``RegisteredDelivery``, ``DataCoding``,
      ``MessageState``...), built with the functional ``Enum`` API so ``.value`` is *not* the
      wire value (``AddrTon.UNKNOWN.value == 1``); the wire value lives in
      ``constants.*_name_map``. Values outside those tables cannot be expressed at all:
      reserved TON/NPI, registered_delivery receipt bits 0b11, esm_class types outside the
      3.4 table. command_status values it does not know collapse into ``RESERVEDSTATUS*``.
    * data_coding 0xF8-0xFF: bit 3 (reserved) is dropped on decode (0xF8 -> 0xF0).
    * Absolute times: "...00-" (UTC written with a minus) comes back as "...00+".
      Times are parsed into datetime / SMPPRelativeTime and print() to stdout when parsed.
    * replace_sm lists ``sm_length`` as a mandatory param with no encoder: KeyError on both
      encode and decode. submit_multi / submit_multi_resp: no encoders for number_of_dests,
      dest_address, no_unsuccess, unsuccess_sme: KeyError both ways.
    * alert_on_message_delivery: the PDU classes list it as ``alert_on_msg_delivery`` while the
      tag table says ``alert_on_message_delivery``: cannot encode it, and a received one is
      rejected with ESME_ROPTPARNOTALLWD.
    * No value encoder for ms_msg_wait_facilities, ms_validity, dpf_result, set_dpf,
      callback_num_pres_ind, callback_num_atag, its_reply_type, its_session_info,
      ussd_service_op: cannot encode ("Unknown option"), decode fails ESME_ROPTPARNOTALLWD.
    * deliver_sm_resp message_id must be NULL (encoder raises otherwise); query_sm_resp
      error_code 0 decodes as None.
    * The option encoder of one ``PDUEncoder`` keeps the length of the last TLV it *decoded*
      and checks Octet-String TLVs it *encodes* against it: encoding network_error_code after
      decoding a PDU whose last TLV was not 3 octets long fails. This adapter therefore uses
      one PDUEncoder for encoding and a separate one for decoding.
    * sequence_number 0 is refused (min=1), as the spec's range says.
    * Vendor/reserved TLVs are silently dropped on decode ("vendor_specific_bypass").
    """

    name = "smpp.pdu3"
    commands = frozenset(COMMAND_IDS) - {"outbind"}
    missing_tlvs: ClassVar[Mapping[str, frozenset[str]]] = {
        "*": frozenset(
            {
                "ms_msg_wait_facilities",
                "ms_validity",
                "dpf_result",
                "set_dpf",
                "callback_num_pres_ind",
                "callback_num_atag",
                "its_reply_type",
                "its_session_info",
                "ussd_service_op",
            }
        ),
    }

    def __init__(self) -> None:
        from smpp.pdu import constants, operations, pdu_encoding, pdu_types, smpp_time

        self._c = constants
        self._ops = operations
        self._t = pdu_types
        self._smpp_time = smpp_time
        self._enc = pdu_encoding.PDUEncoder()  # encode only (see the stale-length bug)
        self._dec = pdu_encoding.PDUEncoder()  # decode only
        t, c = pdu_types, constants
        # field/TLV name -> (enum class, value->name map, name->value map)
        ton = (t.AddrTon, c.addr_ton_value_map, c.addr_ton_name_map)
        npi = (t.AddrNpi, c.addr_npi_value_map, c.addr_npi_name_map)
        sub = (t.AddrSubunit, c.addr_subunit_value_map, c.addr_subunit_name_map)
        net = (t.NetworkType, c.network_type_value_map, c.network_type_name_map)
        bear = (t.BearerType, c.bearer_type_value_map, c.bearer_type_name_map)
        self._enums: dict[str, tuple[Any, dict[int, str], dict[str, int]]] = {
            "addr_ton": ton,
            "source_addr_ton": ton,
            "dest_addr_ton": ton,
            "esme_addr_ton": ton,
            "addr_npi": npi,
            "source_addr_npi": npi,
            "dest_addr_npi": npi,
            "esme_addr_npi": npi,
            "priority_flag": (
                t.PriorityFlag,
                c.priority_flag_value_map,
                c.priority_flag_name_map,
            ),
            "replace_if_present_flag": (
                t.ReplaceIfPresentFlag,
                c.replace_if_present_flap_value_map,
                c.replace_if_present_flap_name_map,
            ),
            "message_state": (
                t.MessageState,
                c.message_state_value_map,
                c.message_state_name_map,
            ),
            "dest_addr_subunit": sub,
            "source_addr_subunit": sub,
            "dest_network_type": net,
            "source_network_type": net,
            "dest_bearer_type": bear,
            "source_bearer_type": bear,
            "payload_type": (t.PayloadType, c.payload_type_value_map, c.payload_type_name_map),
            "privacy_indicator": (
                t.PrivacyIndicator,
                c.privacy_indicator_value_map,
                c.privacy_indicator_name_map,
            ),
            "language_indicator": (
                t.LanguageIndicator,
                c.language_indicator_value_map,
                c.language_indicator_name_map,
            ),
            "display_time": (t.DisplayTime, c.display_time_value_map, c.display_time_name_map),
            "ms_availability_status": (
                t.MsAvailabilityStatus,
                c.ms_availability_status_value_map,
                c.ms_availability_status_name_map,
            ),
            "delivery_failure_reason": (
                t.DeliveryFailureReason,
                c.delivery_failure_reason_value_map,
                c.delivery_failure_reason_name_map,
            ),
            "more_messages_to_send": (
                t.MoreMessagesToSend,
                c.more_messages_to_send_value_map,
                c.more_messages_to_send_name_map,
            ),
        }

    # -- value conversions -------------------------------------------------------------

    def _to_enum(self, name: str, value: int) -> Any:
        cls, by_value, _ = self._enums[name]
        if value not in by_value:
            raise Unsupported(f"smpp.pdu3 has no {name} value 0x{value:02X}")
        return getattr(cls, by_value[value])

    def _from_enum(self, name: str, value: Any) -> int:
        return self._enums[name][2][value.name]

    def _esm_class(self, v: int) -> Any:
        t, c = self._t, self._c
        mode, typ = v & 0x03, v & 0x3C
        if typ not in c.esm_class_type_value_map:
            raise Unsupported(f"smpp.pdu3 has no esm_class message type 0x{typ:02X}")
        feats = [
            getattr(t.EsmClassGsmFeatures, n)
            for bit, n in c.esm_class_gsm_features_value_map.items()
            if v & bit
        ]
        return t.EsmClass(
            getattr(t.EsmClassMode, c.esm_class_mode_value_map[mode]),
            getattr(t.EsmClassType, c.esm_class_type_value_map[typ]),
            feats,
        )

    def _esm_class_int(self, e: Any) -> int:
        c = self._c
        v = c.esm_class_mode_name_map[e.mode.name] | c.esm_class_type_name_map[e.type.name]
        for f in e.gsmFeatures:
            v |= c.esm_class_gsm_features_name_map[f.name]
        return v

    def _registered_delivery(self, v: int) -> Any:
        t, c = self._t, self._c
        if v & 0x03 not in c.registered_delivery_receipt_value_map or v & 0xE0:
            raise Unsupported(f"smpp.pdu3 cannot express registered_delivery 0x{v:02X}")
        acks = [
            getattr(t.RegisteredDeliverySmeOriginatedAcks, n)
            for bit, n in c.registered_delivery_sme_originated_acks_value_map.items()
            if v & bit
        ]
        return t.RegisteredDelivery(
            getattr(t.RegisteredDeliveryReceipt, c.registered_delivery_receipt_value_map[v & 3]),
            acks,
            bool(v & 0x10),
        )

    def _registered_delivery_int(self, r: Any) -> int:
        c = self._c
        v = c.registered_delivery_receipt_name_map[r.receipt.name]
        for a in r.smeOriginatedAcks:
            v |= c.registered_delivery_sme_originated_acks_name_map[a.name]
        return v | (0x10 if r.intermediateNotification else 0)

    def _data_coding(self, v: int) -> Any:
        t, c = self._t, self._c
        if v & 0xF0 == 0xF0:
            coding = c.data_coding_gsm_message_coding_value_map[v & 0x04]
            klass = c.data_coding_gsm_message_class_value_map[v & 0x03]
            return t.DataCoding(
                t.DataCodingScheme.GSM_MESSAGE_CLASS,
                t.DataCodingGsmMsg(
                    getattr(t.DataCodingGsmMsgCoding, coding),
                    getattr(t.DataCodingGsmMsgClass, klass),
                ),
            )
        if v in c.data_coding_default_value_map:
            return t.DataCoding(
                t.DataCodingScheme.DEFAULT,
                getattr(t.DataCodingDefault, c.data_coding_default_value_map[v]),
            )
        return t.DataCoding(t.DataCodingScheme.RAW, v)

    def _data_coding_int(self, d: Any) -> int:
        c = self._c
        scheme = d.scheme.name
        if scheme == "RAW":
            return int(d.schemeData)
        if scheme == "DEFAULT":
            return c.data_coding_default_name_map[d.schemeData.name]
        return (
            c.data_coding_scheme_name_map[scheme]
            | c.data_coding_gsm_message_coding_name_map[d.schemeData.msgCoding.name]
            | c.data_coding_gsm_message_class_name_map[d.schemeData.msgClass.name]
        )

    def _time(self, s: str) -> Any:
        if not s:
            return None
        with _quiet():
            return self._smpp_time.parse(s)

    def _time_str(self, v: Any) -> str:
        if v is None:
            return ""
        return bytes(self._smpp_time.unparse(v)).decode("ascii")

    def _status(self, code: int) -> Any:
        entry = self._c.command_status_value_map.get(code)
        if entry is None or code < 0:
            raise Unsupported(f"smpp.pdu3 collapses command_status 0x{code:08X}")
        return getattr(self._t.CommandStatus, entry["name"])

    # -- native API ----------------------------------------------------------------------

    def build(self, fields: Mapping[str, Any]) -> Any:
        self._check(fields)
        t = self._t
        cmd = fields["command"]
        params: dict[str, Any] = {}
        for f, v in body_fields(fields):
            n = f.name
            if n in self._enums:
                params[n] = self._to_enum(n, v)
            elif n == "esm_class":
                params[n] = self._esm_class(v)
            elif n == "registered_delivery":
                params[n] = self._registered_delivery(v)
            elif n == "data_coding":
                params[n] = self._data_coding(v)
            elif f.kind == "time":
                params[n] = self._time(v)
            elif cmd == "deliver_sm_resp" and n == "message_id":
                if v:
                    raise Unsupported("smpp.pdu3 refuses a non-NULL deliver_sm_resp message_id")
                params[n] = None
            else:
                params[n] = v  # ints, C-strings (str; the PDU encodes them), short_message
        for n, _d, v in tlv_items(fields):
            if n in self._enums:
                params[n] = self._to_enum(n, v)
            elif n == "alert_on_message_delivery":
                params["alert_on_msg_delivery"] = None  # the name its PDU classes use
            elif n == "callback_num":
                params[n] = self._callback_num(v)
            elif n in ("source_subaddress", "dest_subaddress"):
                params[n] = self._subaddress(v)
            elif n == "sms_signal":
                params[n] = v.to_bytes(2, "big")  # modelled as an Octet String
            else:
                params[n] = v
        klass = self._ops.getPDUClass(t.CommandId[cmd])
        return klass(fields["sequence_number"], self._status(fields["command_status"]), **params)

    def _callback_num(self, v: bytes) -> Any:
        t, c = self._t, self._c
        if len(v) < 3 or v[0] not in c.callback_num_digit_mode_indicator_value_map:
            raise Unsupported("smpp.pdu3 has no such callback_num digit mode")
        return t.CallbackNum(
            getattr(
                t.CallbackNumDigitModeIndicator,
                c.callback_num_digit_mode_indicator_value_map[v[0]],
            ),
            self._to_enum("addr_ton", v[1]),
            self._to_enum("addr_npi", v[2]),
            bytes(v[3:]),
        )

    def _subaddress(self, v: bytes) -> Any:
        t, c = self._t, self._c
        if not v or v[0] not in c.subaddress_type_tag_value_map:
            raise Unsupported("smpp.pdu3 has no such subaddress type tag")
        tag = getattr(t.SubaddressTypeTag, c.subaddress_type_tag_value_map[v[0]])
        return t.Subaddress(tag, bytes(v[1:]))

    def encode_native(self, obj: Any) -> bytes:
        return bytes(self._enc.encode(obj))

    def decode_native(self, data: bytes) -> Any:
        return self._dec.decode(io.BytesIO(data))

    def decode(self, data: bytes) -> Fields:
        with _quiet():  # its time parser print()s
            return self.to_fields(self.decode_native(data))

    def to_fields(self, obj: Any) -> Fields:
        c = self._c
        cmd = obj.id.name
        out: Fields = {
            "command": cmd,
            "sequence_number": obj.seqNum,
            "command_status": c.command_status_name_map[obj.status.name],
        }
        p = obj.params
        omit = cmd in BODY_OMITTED_ON_ERROR and out["command_status"] != 0
        for f in MANDATORY[cmd]:
            if omit:
                break
            n = f.name
            v = p.get(n)
            if n in self._enums:
                out[n] = self._from_enum(n, v)
            elif n == "esm_class":
                out[n] = self._esm_class_int(v)
            elif n == "registered_delivery":
                out[n] = self._registered_delivery_int(v)
            elif n == "data_coding":
                out[n] = self._data_coding_int(v)
            elif f.kind == "time":
                out[n] = self._time_str(v)
            elif f.kind == "cstr":
                out[n] = "" if v is None else bytes(v).decode("latin-1")
            elif f.kind == "sm":
                out[n] = b"" if v is None else bytes(v)
            elif f.kind == "int":
                out[n] = 0 if v is None else int(v)  # query_sm_resp error_code 0 -> None
            else:
                out[n] = v
        for n, v in p.items():
            if n == "alert_on_msg_delivery":
                out["alert_on_message_delivery"] = True
                continue
            d = TLVS.get(n)
            if d is None or cmd not in d.allowed:
                continue
            if n in self._enums:
                out[n] = self._from_enum(n, v)
            elif n == "callback_num":
                out[n] = bytes(
                    [
                        c.callback_num_digit_mode_indicator_name_map[v.digitModeIndicator.name],
                        self._from_enum("addr_ton", v.ton),
                        self._from_enum("addr_npi", v.npi),
                    ]
                ) + bytes(v.digits)
            elif n in ("source_subaddress", "dest_subaddress"):
                tag = v.typeTag if isinstance(v.typeTag, str) else v.typeTag.name
                out[n] = bytes([c.subaddress_type_tag_name_map[tag]]) + bytes(v.value)
            elif d.kind == "cstr":
                out[n] = bytes(v).decode("latin-1")
            elif n == "sms_signal":
                out[n] = int.from_bytes(v, "big")
            else:
                out[n] = bytes(v) if isinstance(v, bytes | bytearray) else v
        return out


# --------------------------------------------------------------------------------------------
# smpplib
# --------------------------------------------------------------------------------------------


class _SmpplibClient:
    """smpplib's PDUs ask their client for sequence numbers; its built-in dummy client lacks
    ``next_sequence`` so parse_pdu() of any request raises AttributeError without one."""

    sequence = 0

    def next_sequence(self) -> int:
        return 0


class Smpplib(_Base):
    """smpplib 2.2: ``smpplib.smpp.make_pdu(name, **fields).generate()`` and
    ``smpplib.smpp.parse_pdu(data, client=...)``; attributes carry the spec names; C-strings
    decode as bytes.

    Deviations found (tests/test_differential.py pins the bugs):

    * No submit_multi, cancel_sm, replace_sm, outbind (nor their resps): make_pdu raises.
    * ``make_pdu(..., sequence=n)`` is ignored (the attribute already reads 0 via the client):
      the adapter sets ``pdu.sequence`` after construction. bind_* constructors force
      interface_version to 0x34 whatever is passed: the adapter sets it afterwards.
    * Any keyword the PDU does not list is set as an attribute and silently not encoded; the
      adapter refuses such TLVs (``missing_tlvs``) rather than losing them quietly. Not
      listed although the spec allows them: submit_sm callback_num_atag, data_sm set_dpf
      (a received one fails decode with KeyError).
    * submit_sm ``source_addr_subunit`` is declared 2 octets (spec: I1): encodes a 2-octet
      TLV and, decoding a correct 1-octet one, reads past it.
    * data_sm source_addr/destination_addr and alert_notification source_addr/esme_addr are
      capped at C(21) (spec: C(65)): longer values are silently truncated to 20 characters.
    * Over-long C-strings are silently truncated instead of refused.
    * source_subaddress / dest_subaddress / callback_num_atag are treated as C-strings: a NUL
      is appended on encode (after UTF-8 encoding the str), the last octet dropped on decode.
    * data_sm_resp delivery_failure_reason (spec I1) and network_error_code (spec O(3)) are
      treated as C-strings.
    * alert_on_message_delivery (type ``flag``) is never encoded and not recorded on decode.
    * Empty C-string and Octet-String TLVs (e.g. message_payload b"") are omitted on encode.
    * An error submit_sm_resp / bind_*_resp still carries a body (NULL message_id/system_id)
      where the spec omits it; decoding accepts both.
    * ussd_service_op / its_session_info are integers here (wire-identical to the spec's
      1- and 2-octet Octet Strings); converted to bytes in the fields dict.
    """

    name = "smpplib"
    commands = frozenset(
        {
            "bind_transmitter",
            "bind_transmitter_resp",
            "bind_receiver",
            "bind_receiver_resp",
            "bind_transceiver",
            "bind_transceiver_resp",
            "data_sm",
            "data_sm_resp",
            "generic_nack",
            "submit_sm",
            "submit_sm_resp",
            "deliver_sm",
            "deliver_sm_resp",
            "query_sm",
            "query_sm_resp",
            "unbind",
            "unbind_resp",
            "enquire_link",
            "enquire_link_resp",
            "alert_notification",
        }
    )
    missing_tlvs: ClassVar[Mapping[str, frozenset[str]]] = {
        "submit_sm": frozenset({"callback_num_atag"}),
        "data_sm": frozenset({"set_dpf"}),
    }

    def __init__(self) -> None:
        import smpplib.smpp

        self._smpp = smpplib.smpp
        self._client = _SmpplibClient()

    def build(self, fields: Mapping[str, Any]) -> Any:
        self._check(fields)
        cmd = fields["command"]
        kw: dict[str, Any] = {}
        for f, v in body_fields(fields):
            kw[f.name] = v  # str C-strings, int integers, bytes short_message
        for n, d, v in tlv_items(fields):
            if d.kind == "octets" and n in ("ussd_service_op", "its_session_info"):
                kw[n] = int.from_bytes(v, "big")  # modelled as integers here
            elif n in ("source_subaddress", "dest_subaddress", "callback_num_atag") or (
                cmd == "data_sm_resp" and n == "network_error_code"
            ):
                kw[n] = bytes(v).decode("latin-1")  # modelled as C-strings (str) here
            else:
                kw[n] = v
        p = self._smpp.make_pdu(cmd, client=self._client, **kw)
        p.sequence = fields["sequence_number"]
        p.status = fields["command_status"]
        if "interface_version" in kw:
            p.interface_version = kw["interface_version"]
        return p

    def encode_native(self, obj: Any) -> bytes:
        return bytes(obj.generate())

    def decode_native(self, data: bytes) -> Any:
        return self._smpp.parse_pdu(data, client=self._client, allow_unknown_opt_params=True)

    def to_fields(self, obj: Any) -> Fields:
        cmd = obj.command
        out: Fields = {
            "command": cmd,
            "sequence_number": obj.sequence,
            "command_status": obj.status,
        }
        omit = cmd in BODY_OMITTED_ON_ERROR and out["command_status"] != 0
        for f in MANDATORY[cmd]:
            if omit:
                break
            v = getattr(obj, f.name, None)
            if f.kind in ("cstr", "time"):
                out[f.name] = "" if v is None else _text(v)
            elif f.kind == "sm":
                out[f.name] = b"" if v is None else bytes(v)
            else:
                out[f.name] = 0 if v is None else int(v)
        params = getattr(obj, "params", {})
        for n, d in TLVS.items():
            if n not in params or cmd not in d.allowed:
                continue
            v = getattr(obj, n, None)
            if v is None:
                continue
            if d.kind == "cstr":
                out[n] = _text(v)
            elif d.kind == "octets":
                if isinstance(v, int):
                    out[n] = v.to_bytes(d.max_len, "big")
                elif isinstance(v, str):
                    out[n] = v.encode("latin-1")
                else:
                    out[n] = bytes(v)
            elif d.kind == "int" and isinstance(v, bytes | str):
                out[n] = v  # a C-string where the spec has an integer: shown as is
            else:
                out[n] = v
        return out


def _text(v: Any) -> str:
    return v.decode("latin-1") if isinstance(v, bytes | bytearray) else str(v)


# --------------------------------------------------------------------------------------------
# aiosmpplib
# --------------------------------------------------------------------------------------------


class Aiosmpplib(_Base):
    """aiosmpplib 0.7: dataclasses in ``aiosmpplib.protocol`` with ``.pdu()`` and
    ``Cls.from_pdu(data, header, default_encoding)`` after ``SmppMessage.parse_header``.
    Field names differ (``sequence_num``, ``source``/``destination`` PhoneNumber objects,
    ``optional_params`` as a list of ``OptionalParam(tag, value)``) and short_message is
    *text*, encoded/decoded with the codec its data_coding names.

    Deviations found (tests/test_differential.py pins the bugs):

    * Models only bind_*, submit_sm, deliver_sm, enquire_link, unbind, generic_nack and their
      resps. No data_sm, query_sm, cancel_sm, replace_sm, submit_multi, outbind, alert_notif.
    * short_message is text: only data_codings with a Python codec can carry it (0 = its own
      unpacked GSM 03.38 codec, 1, 3, 5-10, 14, 8 = UTF-16BE); 0x02/0x04 (8-bit binary) fall
      back to ASCII on decode and fail on octets >= 0x80; other values (0xF0 class 0 ...)
      raise ValueError on decode. An empty short_message without message_payload is refused.
    * With esm_class UDHI set, decode parses the UDH *out of* short_message into synthetic
      sar_* TLVs (the UDH octets are lost), and encode drops any sar_* TLVs. For the 16-bit
      reference IE (0x08) it reads the reference as 4 octets (``!I``), swallowing the
      total/seqnum octets into it.
    * Times are converted to datetime / timedelta: relative times are folded into days
      (1 year = 365 d, 1 month = 30 d) so "000031000000000R" comes back as one month one day;
      the absolute-time offset "nn" (quarter hours) is read as hours.
    * Octet-String TLVs are str and encoded as ASCII: octets >= 0x80 cannot be sent, and on
      decode one trailing NUL is stripped (network_error_code b"\\x03\\x00\\x00" -> 2 octets).
      ussd_service_op is an Octet String here (converted to bytes in the fields dict).
    * bind_*_resp decode: sc_interface_version is taken from the last octet only if the TLV
      part is exactly 5 octets; the tag is not checked.
    * Unknown command_status / TON / NPI values raise ValueError (IntEnum lookups).
    * An error submit_sm_resp / bind_*_resp still carries a body (NULL message_id/system_id)
      where the spec omits it; decoding accepts both.
    * registered_delivery defaults to 1 (receipt requested) when not given.
    """

    name = "aiosmpplib"
    commands = frozenset(
        {
            "bind_transmitter",
            "bind_transmitter_resp",
            "bind_receiver",
            "bind_receiver_resp",
            "bind_transceiver",
            "bind_transceiver_resp",
            "submit_sm",
            "submit_sm_resp",
            "deliver_sm",
            "deliver_sm_resp",
            "enquire_link",
            "enquire_link_resp",
            "unbind",
            "unbind_resp",
            "generic_nack",
        }
    )
    _CLASSES: ClassVar[dict[str, str]] = {
        "bind_transmitter": "BindTransmitter",
        "bind_transmitter_resp": "BindTransmitterResp",
        "bind_receiver": "BindReceiver",
        "bind_receiver_resp": "BindReceiverResp",
        "bind_transceiver": "BindTransceiver",
        "bind_transceiver_resp": "BindTransceiverResp",
        "submit_sm": "SubmitSm",
        "submit_sm_resp": "SubmitSmResp",
        "deliver_sm": "DeliverSm",
        "deliver_sm_resp": "DeliverSmResp",
        "enquire_link": "EnquireLink",
        "enquire_link_resp": "EnquireLinkResp",
        "unbind": "Unbind",
        "unbind_resp": "UnbindResp",
        "generic_nack": "GenericNack",
    }
    _SAR = frozenset({"sar_msg_ref_num", "sar_total_segments", "sar_segment_seqnum"})

    def __init__(self) -> None:
        from aiosmpplib import codec, protocol, state

        self._p = protocol
        self._s = state
        self._codec = codec

    def _encoding(self, dc: int) -> str:
        if dc == 0:
            return "gsm0338"
        try:
            return str(self._s.SmppDataCoding(dc).name)
        except ValueError:
            raise Unsupported(f"aiosmpplib has no encoding for data_coding 0x{dc:02X}") from None

    def _codec_info(self, encoding: str) -> Any:
        try:
            return self._codec.find_codec_info(encoding)
        except LookupError:
            raise Unsupported(f"aiosmpplib has no codec for {encoding}") from None

    def _text(self, raw: bytes, encoding: str) -> str:
        return str(self._codec_info(encoding).decode(bytes(raw))[0])

    def _octets(self, text: str, encoding: str) -> bytes:
        return bytes(self._codec_info(encoding).encode(text)[0])

    def build(self, fields: Mapping[str, Any]) -> Any:
        self._check(fields)
        p, s = self._p, self._s
        cmd = fields["command"]
        klass = getattr(p, self._CLASSES[cmd])
        try:
            status = s.SmppCommandStatus(fields["command_status"])
        except ValueError:
            raise Unsupported("aiosmpplib has no such command_status") from None
        kw: dict[str, Any] = {"sequence_num": fields["sequence_number"], "command_status": status}
        if cmd.startswith("bind_") and not cmd.endswith("_resp"):
            kw.update(
                system_id=fields["system_id"],
                password=fields["password"],
                system_type=fields["system_type"],
                interface_version=fields["interface_version"],
                addr_ton=s.TON(fields["addr_ton"]),
                addr_npi=s.NPI(fields["addr_npi"]),
                address_range=fields["address_range"],
            )
            del kw["command_status"]  # requests carry no status in this model
        elif cmd.startswith("bind_"):
            if "system_id" in fields:
                kw["system_id"] = fields["system_id"]
            if "sc_interface_version" in fields:
                kw["sc_interface_version"] = fields["sc_interface_version"]
        elif cmd in ("submit_sm_resp", "deliver_sm_resp"):
            kw["message_id"] = fields.get("message_id", "")
        elif cmd in ("submit_sm", "deliver_sm"):
            return self._build_sm(klass, kw, fields)
        return klass(**kw)

    def _build_sm(self, klass: Any, kw: dict[str, Any], f: Mapping[str, Any]) -> Any:
        p, s = self._p, self._s
        encoding = self._encoding(f["data_coding"])
        raw: bytes = f["short_message"]
        udhi = bool(f["esm_class"] & 0x40)
        text_part = raw[raw[0] + 1 :] if udhi and raw else raw
        params = []
        payload = ""
        for n, d, v in tlv_items(f):
            if n == "message_payload":
                payload = self._text(v, encoding)
            elif d.kind == "int":
                params.append(s.OptionalParam(d.tag, v))
            elif d.kind == "flag":
                params.append(s.OptionalParam(d.tag, True))
            else:  # cstr and octets are both str here
                params.append(
                    s.OptionalParam(d.tag, v if isinstance(v, str) else v.decode("latin-1"))
                )
        obj = klass(
            short_message=self._text(text_part, encoding),
            source=s.PhoneNumber(
                f["source_addr"], s.TON(f["source_addr_ton"]), s.NPI(f["source_addr_npi"])
            ),
            destination=s.PhoneNumber(
                f["destination_addr"], s.TON(f["dest_addr_ton"]), s.NPI(f["dest_addr_npi"])
            ),
            service_type=f["service_type"],
            esm_class=f["esm_class"],
            protocol_id=f["protocol_id"],
            priority_flag=f["priority_flag"],
            schedule_delivery_time=p.SubmitSm.smpp_time_to_datetime(f["schedule_delivery_time"]),
            validity_period=p.SubmitSm.smpp_time_to_datetime(f["validity_period"]),
            registered_delivery=f["registered_delivery"],
            replace_if_present_flag=f["replace_if_present_flag"],
            encoding=encoding,
            sm_default_msg_id=f["sm_default_msg_id"],
            message_payload=payload,
            optional_params=params,
            auto_message_payload=False,
            **kw,
        )
        if udhi:
            # The library's own concatenation path (utils.split_sms_udh + ESME) hands the
            # message over pre-encoded, UDH included, the same way.
            obj.set_encoded_message(bytes(raw))
        return obj

    def encode_native(self, obj: Any) -> bytes:
        return bytes(obj.pdu())

    def decode_native(self, data: bytes) -> Any:
        p = self._p
        header = p.SmppMessage.parse_header(data)
        klass = p.MESSAGE_TYPE_MAP.get(header.smpp_command)
        if klass is None:
            raise Unsupported(f"aiosmpplib does not model {header.smpp_command.name}")
        return klass.from_pdu(data, header, "gsm0338")

    def to_fields(self, obj: Any) -> Fields:
        cmd = COMMAND_NAMES[int(obj.smpp_command)]
        out: Fields = {
            "command": cmd,
            "sequence_number": obj.sequence_num,
            "command_status": int(obj.command_status),
        }
        if cmd.startswith("bind_") and not cmd.endswith("_resp"):
            for n in ("system_id", "password", "system_type", "address_range"):
                out[n] = getattr(obj, n)
            out["interface_version"] = obj.interface_version
            out["addr_ton"] = int(obj.addr_ton)
            out["addr_npi"] = int(obj.addr_npi)
        elif cmd.startswith("bind_"):
            if not (cmd in BODY_OMITTED_ON_ERROR and out["command_status"]):
                out["system_id"] = obj.system_id
            if obj.sc_interface_version is not None:
                out["sc_interface_version"] = obj.sc_interface_version
        elif cmd in ("submit_sm_resp", "deliver_sm_resp"):
            if not (cmd in BODY_OMITTED_ON_ERROR and out["command_status"]):
                out["message_id"] = obj.message_id
        elif cmd in ("submit_sm", "deliver_sm"):
            self._sm_fields(obj, out)
        return out

    def _sm_fields(self, obj: Any, out: Fields) -> None:
        p = self._p
        encoding = obj.encoding or "gsm0338"
        out.update(
            service_type=obj.service_type,
            source_addr_ton=int(obj.source.ton),
            source_addr_npi=int(obj.source.npi),
            source_addr=obj.source.number,
            dest_addr_ton=int(obj.destination.ton),
            dest_addr_npi=int(obj.destination.npi),
            destination_addr=obj.destination.number,
            esm_class=obj.esm_class,
            protocol_id=obj.protocol_id,
            priority_flag=obj.priority_flag,
            schedule_delivery_time=p.SubmitSm.datetime_to_smpp_time(obj.schedule_delivery_time),
            validity_period=p.SubmitSm.datetime_to_smpp_time(obj.validity_period),
            registered_delivery=obj.registered_delivery,
            replace_if_present_flag=obj.replace_if_present_flag,
            data_coding=self._s.SmppDataCoding[encoding].value,
            sm_default_msg_id=obj.sm_default_msg_id,
            # decoded text re-encoded with the same codec; with UDHI the UDH is already gone
            short_message=self._octets(obj.short_message, encoding),
        )
        if obj.message_payload:
            out["message_payload"] = self._octets(obj.message_payload, encoding)
        for op in obj.optional_params or []:
            n = TLV_NAMES.get(op.tag)
            if n is None:
                continue
            d = TLVS[n]
            v = op.value
            if d.kind == "octets":
                out[n] = v.encode("latin-1") if isinstance(v, str) else bytes([v])
            else:
                out[n] = v


# --------------------------------------------------------------------------------------------
# Ours (pdu/), through the same neutral dicts
# --------------------------------------------------------------------------------------------


def _camel(command: str) -> str:
    return "".join(part.capitalize() for part in command.split("_"))


class Ours(_Base):
    """Our codec (``pdu``), seen through the same fields dicts as the peers (3.4 and 5.0)."""

    name = "ours"
    commands = frozenset(COMMAND_IDS)

    def __init__(self) -> None:
        import pdu

        self._pdu = pdu
        self._classes: dict[str, Any] = {c: getattr(pdu, _camel(c)) for c in COMMAND_IDS}
        # Octet-string TLVs of fixed fields (wire octets in a fields dict) -> our record type.
        self._records: dict[str, tuple[Any, str]] = {
            "network_error_code": (pdu.NetworkErrorCode, ">BH"),
            "broadcast_content_type": (pdu.BroadcastContentType, ">BH"),
            "broadcast_frequency_interval": (pdu.BroadcastFrequencyInterval, ">BH"),
            "ms_validity": (pdu.MsValidity, ">BBH"),  # its 5.0 form; the 3.4 one is an int
        }

    def build(self, fields: Mapping[str, Any]) -> Any:
        cmd = fields["command"]
        pdu = self._pdu
        kw = {k: v for k, v in fields.items() if k != "command"}
        for n, (record, fmt) in self._records.items():
            if isinstance(kw.get(n), bytes):
                kw[n] = record(*struct.unpack(fmt, kw[n]))
        if "dest_address" in kw:
            kw["dest_address"] = [
                pdu.SmeAddress(d["dest_addr_ton"], d["dest_addr_npi"], d["destination_addr"])
                if d["dest_flag"] == 1
                else pdu.DistributionList(d["dl_name"])
                for d in kw["dest_address"]
            ]
        if "unsuccess_sme" in kw:
            kw["unsuccess_sme"] = [pdu.UnsuccessSme(**u) for u in kw["unsuccess_sme"]]
        return self._classes[cmd](**kw)

    def encode_native(self, obj: Any) -> bytes:
        return bytes(self._pdu.encode(obj))

    def decode_native(self, data: bytes) -> Any:
        return self._pdu.decode(data)

    def to_fields(self, obj: Any) -> Fields:
        cid = int(obj.command_id)
        cmd = COMMAND_NAMES[cid]
        out: Fields = {
            "command": cmd,
            "sequence_number": int(obj.sequence_number),
            "command_status": int(obj.command_status),
        }
        omit = cmd in BODY_OMITTED_ON_ERROR and out["command_status"] != 0
        for f in MANDATORY[cmd]:
            if omit:
                break
            v = getattr(obj, f.name)
            if f.kind == "int":
                out[f.name] = int(v)
            elif f.kind in ("cstr", "time"):
                out[f.name] = "" if v is None else str(v)
            elif f.kind == "sm":
                out[f.name] = bytes(v)
            elif f.kind == "dests":
                out[f.name] = [
                    {"dest_flag": 2, "dl_name": d.dl_name}
                    if isinstance(d, self._pdu.DistributionList)
                    else {"dest_flag": 1, **_plain(d)}
                    for d in v
                ]
            else:
                out[f.name] = _plain(v)
        for n, d in TLVS.items():
            if cmd not in d.allowed | d.allowed_50:
                continue
            v = getattr(obj, n, None)
            if v is None:
                continue
            if n in self._records and isinstance(v, tuple):
                out[n] = struct.pack(self._records[n][1], *v)
            elif d.repeats:
                out[n] = [int(x) if d.kind == "int" else x for x in v]
            elif d.kind == "int":
                out[n] = int(v)
            else:
                out[n] = v
        return out


def _plain(v: Any) -> Any:
    """Lists of small records (submit_multi) as lists of plain dicts."""
    if hasattr(v, "_asdict"):  # NamedTuple records, before the tuple test below
        return {k: _plain(x) for k, x in v._asdict().items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "__dataclass_fields__"):
        return {k: _plain(getattr(v, k)) for k in v.__dataclass_fields__}
    return int(v) if isinstance(v, int) and not isinstance(v, bool) else v


def ours_available() -> bool:
    try:
        import pdu
    except ImportError:
        return False
    return all(hasattr(pdu, n) for n in ("decode", "encode", "Framer", "SubmitSm"))


PEER_CLASSES: tuple[type[_Base], ...] = (SmppPdu3, Smpplib, Aiosmpplib)


def peers() -> list[_Base]:
    return [cls() for cls in PEER_CLASSES]


def split_frames(buf: bytes | bytearray | memoryview, offset: int = 0) -> tuple[list[bytes], int]:
    """The framing none of the peers offers sans-I/O: read command_length, slice.

    smpplib (Client.read_pdu) and aiosmpplib (ESME._get_pdu) do the same against their
    sockets with exact-size reads; smpp.pdu3 leaves framing to the Twisted protocol of its
    host application. Returns the complete frames and the offset of the first incomplete one.
    """
    frames: list[bytes] = []
    n = len(buf)
    mv = memoryview(buf)
    while n - offset >= 4:
        (length,) = struct.unpack_from(">I", buf, offset)
        if length < 16:
            raise ValueError(f"command_length {length} < 16")
        if n - offset < length:
            break
        frames.append(bytes(mv[offset : offset + length]))
        offset += length
    return frames, offset

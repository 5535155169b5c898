"""The mandatory fields of every SMPP 3.4 and 5.0 PDU, in wire order: the single source of
truth.

Each field carries the command_status its fault maps to (facts 4.1), so the decoder can say
what to answer. The 5.0 broadcast PDUs also name their mandatory TLVs (5.0 facts section 3).
`pdu/_generated.py` (classes and straight-line codec functions) is generated from this table
and `pdu.tlv.TLV_SPECS` by `python -m pdu._codegen`; a test checks that the generated file is
current.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .enums import CommandId as C
from .enums import CommandStatus as S


class Kind(Enum):
    INT1 = "I1"
    INT2 = "I2"
    INT4 = "I4"
    CSTRING = "C"  # C-Octet String, max_length includes the NUL
    TIME = "T"  # C(1|17): empty or exactly 16 characters
    SHORT_MESSAGE = "SM"  # sm_length (I1, computed) + short_message (bytes)
    DEST_ADDRESSES = "DESTS"  # number_of_dests (computed) + dest_address entries
    UNSUCCESS_SMES = "UNSUCCESS"  # no_unsuccess (computed) + unsuccess_sme entries


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    status: int = S.ESME_RINVCMDLEN  # answer when the field is malformed
    max_length: int = 0  # CSTRING/TIME: octets including the NUL

    @property
    def python_type(self) -> str:
        return {
            Kind.INT1: "int",
            Kind.INT2: "int",
            Kind.INT4: "int",
            Kind.CSTRING: "str",
            Kind.TIME: "str",
            Kind.SHORT_MESSAGE: "bytes",
            Kind.DEST_ADDRESSES: "list[SmeAddress | DistributionList]",
            Kind.UNSUCCESS_SMES: "list[UnsuccessSme]",
        }[self.kind]

    @property
    def default(self) -> str:
        return {
            Kind.CSTRING: '""',
            Kind.TIME: '""',
            Kind.SHORT_MESSAGE: 'b""',
            Kind.DEST_ADDRESSES: "None",
            Kind.UNSUCCESS_SMES: "None",
        }.get(self.kind, "0")


def _c(name: str, max_length: int, status: int = S.ESME_RSYSERR) -> Field:
    return Field(name, Kind.CSTRING, status, max_length)


def _i1(name: str) -> Field:
    return Field(name, Kind.INT1)


def _t(name: str, status: int) -> Field:
    return Field(name, Kind.TIME, status, 17)


SERVICE_TYPE = _c("service_type", 6, S.ESME_RINVSERTYP)
SOURCE_ADDR = _c("source_addr", 21, S.ESME_RINVSRCADR)
SOURCE_ADDR_65 = _c("source_addr", 65, S.ESME_RINVSRCADR)
DESTINATION_ADDR = _c("destination_addr", 21, S.ESME_RINVDSTADR)
DESTINATION_ADDR_65 = _c("destination_addr", 65, S.ESME_RINVDSTADR)
MESSAGE_ID = _c("message_id", 65, S.ESME_RINVMSGID)
SCHEDULE = _t("schedule_delivery_time", S.ESME_RINVSCHED)
VALIDITY = _t("validity_period", S.ESME_RINVEXPIRY)
SHORT_MESSAGE = Field("short_message", Kind.SHORT_MESSAGE, S.ESME_RINVMSGLEN)

BIND = (
    _c("system_id", 16, S.ESME_RINVSYSID),
    _c("password", 9, S.ESME_RINVPASWD),
    _c("system_type", 13, S.ESME_RINVSYSTYP),
    _i1("interface_version"),
    _i1("addr_ton"),
    _i1("addr_npi"),
    _c("address_range", 41, S.ESME_RBINDFAIL),
)
BIND_RESP = (_c("system_id", 16, S.ESME_RINVSYSID),)

SUBMIT_SM = (
    SERVICE_TYPE,
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR,
    _i1("dest_addr_ton"),
    _i1("dest_addr_npi"),
    DESTINATION_ADDR,
    _i1("esm_class"),
    _i1("protocol_id"),
    _i1("priority_flag"),
    SCHEDULE,
    VALIDITY,
    _i1("registered_delivery"),
    _i1("replace_if_present_flag"),
    _i1("data_coding"),
    _i1("sm_default_msg_id"),
    SHORT_MESSAGE,
)

SUBMIT_MULTI = (
    SERVICE_TYPE,
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR,
    Field("dest_address", Kind.DEST_ADDRESSES, S.ESME_RINVNUMDESTS),
    *SUBMIT_SM[7:],
)

DATA_SM = (
    SERVICE_TYPE,
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR_65,
    _i1("dest_addr_ton"),
    _i1("dest_addr_npi"),
    DESTINATION_ADDR_65,
    _i1("esm_class"),
    _i1("registered_delivery"),
    _i1("data_coding"),
)

QUERY_SM = (MESSAGE_ID, _i1("source_addr_ton"), _i1("source_addr_npi"), SOURCE_ADDR)
QUERY_SM_RESP = (
    MESSAGE_ID,
    _t("final_date", S.ESME_RSYSERR),
    _i1("message_state"),
    _i1("error_code"),
)
CANCEL_SM = (
    SERVICE_TYPE,
    MESSAGE_ID,
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR,
    _i1("dest_addr_ton"),
    _i1("dest_addr_npi"),
    DESTINATION_ADDR,
)
REPLACE_SM = (
    MESSAGE_ID,
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR,
    SCHEDULE,
    VALIDITY,
    _i1("registered_delivery"),
    _i1("sm_default_msg_id"),
    SHORT_MESSAGE,
)
ALERT_NOTIFICATION = (
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR_65,
    _i1("esme_addr_ton"),
    _i1("esme_addr_npi"),
    _c("esme_addr", 65, S.ESME_RINVDSTADR),
)
OUTBIND = (_c("system_id", 16, S.ESME_RINVSYSID), _c("password", 9, S.ESME_RINVPASWD))

# SMPP 5.0 (5.0 facts section 3): no destination, no short_message; the text comes in
# message_payload or as a canned message (sm_default_msg_id).
BROADCAST_SM = (
    SERVICE_TYPE,
    _i1("source_addr_ton"),
    _i1("source_addr_npi"),
    SOURCE_ADDR,
    MESSAGE_ID,  # NULL unless replacing
    _i1("priority_flag"),
    SCHEDULE,
    VALIDITY,
    _i1("replace_if_present_flag"),
    _i1("data_coding"),
    _i1("sm_default_msg_id"),
)
QUERY_BROADCAST_SM = QUERY_SM  # the same fields
CANCEL_BROADCAST_SM = CANCEL_SM[:5]  # cancel_sm's, without the destination


@dataclass(frozen=True, slots=True)
class RequiredTlv:
    """A TLV the PDU must carry; its absence is answered with ESME_RMISSINGTLV (5.0 facts 4,
    "required TLV missing")."""

    name: str
    # Not required when this mandatory field has this value: broadcast_rep_num is left out
    # of an immediate broadcast, priority_flag 1 (5.0 facts section 3).
    waived_when: tuple[str, int] | None = None


BROADCAST_SM_TLVS = (
    RequiredTlv("broadcast_area_identifier"),
    RequiredTlv("broadcast_content_type"),
    RequiredTlv("broadcast_rep_num", waived_when=("priority_flag", 1)),
    RequiredTlv("broadcast_frequency_interval"),
)
# One broadcast_area_identifier and one broadcast_area_success per area of the broadcast.
QUERY_BROADCAST_SM_RESP_TLVS = (
    RequiredTlv("message_state"),
    RequiredTlv("broadcast_area_identifier"),
    RequiredTlv("broadcast_area_success"),
)


@dataclass(frozen=True, slots=True)
class PduDef:
    class_name: str
    command_id: int
    fields: tuple[Field, ...]
    # Responses whose body the spec omits when command_status != 0 (facts 2.6).
    body_omitted_on_error: bool = False
    # Checked on decode and encode; in a response only when command_status is 0.
    required_tlvs: tuple[RequiredTlv, ...] = ()

    @property
    def is_response(self) -> bool:
        return bool(self.command_id & 0x80000000)


PDU_DEFS: tuple[PduDef, ...] = (
    PduDef("GenericNack", C.generic_nack, ()),
    PduDef("BindReceiver", C.bind_receiver, BIND),
    PduDef("BindReceiverResp", C.bind_receiver_resp, BIND_RESP, body_omitted_on_error=True),
    PduDef("BindTransmitter", C.bind_transmitter, BIND),
    PduDef("BindTransmitterResp", C.bind_transmitter_resp, BIND_RESP, body_omitted_on_error=True),
    PduDef("BindTransceiver", C.bind_transceiver, BIND),
    PduDef("BindTransceiverResp", C.bind_transceiver_resp, BIND_RESP, body_omitted_on_error=True),
    PduDef("Outbind", C.outbind, OUTBIND),
    PduDef("Unbind", C.unbind, ()),
    PduDef("UnbindResp", C.unbind_resp, ()),
    PduDef("EnquireLink", C.enquire_link, ()),
    PduDef("EnquireLinkResp", C.enquire_link_resp, ()),
    PduDef("SubmitSm", C.submit_sm, SUBMIT_SM),
    PduDef("SubmitSmResp", C.submit_sm_resp, (MESSAGE_ID,), body_omitted_on_error=True),
    PduDef("SubmitMulti", C.submit_multi, SUBMIT_MULTI),
    PduDef(
        "SubmitMultiResp",
        C.submit_multi_resp,
        (MESSAGE_ID, Field("unsuccess_sme", Kind.UNSUCCESS_SMES)),
    ),
    PduDef("DeliverSm", C.deliver_sm, SUBMIT_SM),
    PduDef("DeliverSmResp", C.deliver_sm_resp, (MESSAGE_ID,)),
    PduDef("DataSm", C.data_sm, DATA_SM),
    PduDef("DataSmResp", C.data_sm_resp, (MESSAGE_ID,)),
    PduDef("QuerySm", C.query_sm, QUERY_SM),
    PduDef("QuerySmResp", C.query_sm_resp, QUERY_SM_RESP),
    PduDef("CancelSm", C.cancel_sm, CANCEL_SM),
    PduDef("CancelSmResp", C.cancel_sm_resp, ()),
    PduDef("ReplaceSm", C.replace_sm, REPLACE_SM),
    PduDef("ReplaceSmResp", C.replace_sm_resp, ()),
    PduDef("AlertNotification", C.alert_notification, ALERT_NOTIFICATION),
    # SMPP 5.0. Every 5.0 response leaves its body out on error (5.0 facts section 4).
    PduDef("BroadcastSm", C.broadcast_sm, BROADCAST_SM, required_tlvs=BROADCAST_SM_TLVS),
    PduDef("BroadcastSmResp", C.broadcast_sm_resp, (MESSAGE_ID,), body_omitted_on_error=True),
    PduDef("QueryBroadcastSm", C.query_broadcast_sm, QUERY_BROADCAST_SM),
    PduDef(
        "QueryBroadcastSmResp",
        C.query_broadcast_sm_resp,
        (MESSAGE_ID,),
        body_omitted_on_error=True,
        required_tlvs=QUERY_BROADCAST_SM_RESP_TLVS,
    ),
    PduDef("CancelBroadcastSm", C.cancel_broadcast_sm, CANCEL_BROADCAST_SM),
    PduDef("CancelBroadcastSmResp", C.cancel_broadcast_sm_resp, (), body_omitted_on_error=True),
)

DEFS_BY_ID: dict[int, PduDef] = {d.command_id: d for d in PDU_DEFS}

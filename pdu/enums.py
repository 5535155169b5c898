"""SMPP 3.4 and 5.0 value tables as enums whose value is the wire value.

Every enum keeps values it does not name (vendor status codes, reserved TONs, unknown data
codings): ``CommandStatus(0x401)`` gives a member named ``VENDOR_0x00000401`` instead of
raising or collapsing all vendor codes into one. IntEnum and IntFlag members compare equal to
plain ints, so decoded PDUs may carry plain ints on the hot path.
"""

from __future__ import annotations

from enum import KEEP, IntEnum, IntFlag
from typing import Any


class _OpenIntEnum(IntEnum):
    """An IntEnum that turns unknown wire values into pseudo-members instead of failing."""

    @classmethod
    def _unknown_name(cls, value: int) -> str:
        return f"UNKNOWN_0x{value:X}"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or value < 0:
            return None
        # Pseudo-members are cached so identity and equality behave like real members.
        cache: dict[int, Any] | None = cls.__dict__.get("_pseudo_members_")
        if cache is None:
            cache = {}
            type.__setattr__(cls, "_pseudo_members_", cache)
        member = cache.get(value)
        if member is None:
            member = int.__new__(cls, value)
            member._name_ = cls._unknown_name(value)
            member._value_ = value
            cache[value] = member
        return member


class CommandId(_OpenIntEnum):
    """command_id (section 1.2 of the facts); a response id is the request id | 0x80000000."""

    generic_nack = 0x80000000
    bind_receiver = 0x00000001
    bind_receiver_resp = 0x80000001
    bind_transmitter = 0x00000002
    bind_transmitter_resp = 0x80000002
    query_sm = 0x00000003
    query_sm_resp = 0x80000003
    submit_sm = 0x00000004
    submit_sm_resp = 0x80000004
    deliver_sm = 0x00000005
    deliver_sm_resp = 0x80000005
    unbind = 0x00000006
    unbind_resp = 0x80000006
    replace_sm = 0x00000007
    replace_sm_resp = 0x80000007
    cancel_sm = 0x00000008
    cancel_sm_resp = 0x80000008
    bind_transceiver = 0x00000009
    bind_transceiver_resp = 0x80000009
    outbind = 0x0000000B
    enquire_link = 0x00000015
    enquire_link_resp = 0x80000015
    submit_multi = 0x00000021
    submit_multi_resp = 0x80000021
    alert_notification = 0x00000102
    data_sm = 0x00000103
    data_sm_resp = 0x80000103
    # SMPP 5.0 (5.0 facts section 3): ESME -> MC only.
    broadcast_sm = 0x00000111
    broadcast_sm_resp = 0x80000111
    query_broadcast_sm = 0x00000112
    query_broadcast_sm_resp = 0x80000112
    cancel_broadcast_sm = 0x00000113
    cancel_broadcast_sm_resp = 0x80000113

    @classmethod
    def _unknown_name(cls, value: int) -> str:
        return f"RESERVED_0x{value:08X}"

    @property
    def is_response(self) -> bool:
        return bool(self & 0x80000000)


RESPONSE_BIT = 0x80000000


class CommandStatus(_OpenIntEnum):
    """command_status (3.4 facts section 4, 5.0 facts section 6). Vendor codes 0x400-0x4FF
    are kept as-is. The 3.4 names of 0xC0-0xC4 stay the members' names; 5.0's names for
    them are aliases (``ESME_RMISSINGTLV is ESME_RMISSINGOPTPARAM``)."""

    ESME_ROK = 0x00000000
    ESME_RINVMSGLEN = 0x00000001
    ESME_RINVCMDLEN = 0x00000002
    ESME_RINVCMDID = 0x00000003
    ESME_RINVBNDSTS = 0x00000004
    ESME_RALYBND = 0x00000005
    ESME_RINVPRTFLG = 0x00000006
    ESME_RINVREGDLVFLG = 0x00000007
    ESME_RSYSERR = 0x00000008
    ESME_RINVSRCADR = 0x0000000A
    ESME_RINVDSTADR = 0x0000000B
    ESME_RINVMSGID = 0x0000000C
    ESME_RBINDFAIL = 0x0000000D
    ESME_RINVPASWD = 0x0000000E
    ESME_RINVSYSID = 0x0000000F
    ESME_RCANCELFAIL = 0x00000011
    ESME_RREPLACEFAIL = 0x00000013
    ESME_RMSGQFUL = 0x00000014
    ESME_RINVSERTYP = 0x00000015
    ESME_RINVNUMDESTS = 0x00000033
    ESME_RINVDLNAME = 0x00000034
    ESME_RINVDESTFLAG = 0x00000040
    ESME_RINVSUBREP = 0x00000042
    ESME_RINVESMCLASS = 0x00000043
    ESME_RCNTSUBDL = 0x00000044
    ESME_RSUBMITFAIL = 0x00000045
    ESME_RINVSRCTON = 0x00000048
    ESME_RINVSRCNPI = 0x00000049
    ESME_RINVDSTTON = 0x00000050
    ESME_RINVDSTNPI = 0x00000051
    ESME_RINVSYSTYP = 0x00000053
    ESME_RINVREPFLAG = 0x00000054
    ESME_RINVNUMMSGS = 0x00000055
    ESME_RTHROTTLED = 0x00000058
    ESME_RINVSCHED = 0x00000061
    ESME_RINVEXPIRY = 0x00000062
    ESME_RINVDFTMSGID = 0x00000063
    ESME_RX_T_APPN = 0x00000064
    ESME_RX_P_APPN = 0x00000065
    ESME_RX_R_APPN = 0x00000066
    ESME_RQUERYFAIL = 0x00000067
    ESME_RINVOPTPARSTREAM = 0x000000C0
    ESME_ROPTPARNOTALLWD = 0x000000C1
    ESME_RINVPARLEN = 0x000000C2
    ESME_RMISSINGOPTPARAM = 0x000000C3
    ESME_RINVOPTPARAMVAL = 0x000000C4
    ESME_RINVTLVSTREAM = 0x000000C0
    ESME_RTLVNOTALLWD = 0x000000C1
    ESME_RINVTLVLEN = 0x000000C2
    ESME_RMISSINGTLV = 0x000000C3
    ESME_RINVTLVVAL = 0x000000C4
    ESME_RDELIVERYFAILURE = 0x000000FE
    ESME_RUNKNOWNERR = 0x000000FF
    # SMPP 5.0 (5.0 facts section 6); 0x100-0x106 are also met from 3.4 peers in the wild.
    ESME_RSERTYPUNAUTH = 0x00000100
    ESME_RPROHIBITED = 0x00000101
    ESME_RSERTYPUNAVAIL = 0x00000102
    ESME_RSERTYPDENIED = 0x00000103
    ESME_RINVDCS = 0x00000104
    ESME_RINVSRCADDRSUBUNIT = 0x00000105
    ESME_RINVDSTADDRSUBUNIT = 0x00000106
    ESME_RINVBCASTFREQINT = 0x00000107
    ESME_RINVBCASTALIAS_NAME = 0x00000108
    ESME_RINVBCASTAREAFMT = 0x00000109
    ESME_RINVNUMBCAST_AREAS = 0x0000010A
    ESME_RINVBCASTCNTTYPE = 0x0000010B
    ESME_RINVBCASTMSGCLASS = 0x0000010C
    ESME_RBCASTFAIL = 0x0000010D
    ESME_RBCASTQUERYFAIL = 0x0000010E
    ESME_RBCASTCANCELFAIL = 0x0000010F
    ESME_RINVBCAST_REP = 0x00000110
    ESME_RINVBCASTSRVGRP = 0x00000111
    ESME_RINVBCASTCHANIND = 0x00000112

    @classmethod
    def _unknown_name(cls, value: int) -> str:
        if 0x400 <= value <= 0x4FF:
            return f"VENDOR_0x{value:08X}"
        return f"RESERVED_0x{value:08X}"


class TON(_OpenIntEnum):
    """Type of number (addr_ton, source_addr_ton, dest_addr_ton, esme_addr_ton)."""

    UNKNOWN = 0
    INTERNATIONAL = 1
    NATIONAL = 2
    NETWORK_SPECIFIC = 3
    SUBSCRIBER_NUMBER = 4
    ALPHANUMERIC = 5
    ABBREVIATED = 6


class NPI(_OpenIntEnum):
    """Numbering plan indicator."""

    UNKNOWN = 0
    ISDN = 1
    DATA = 3
    TELEX = 4
    LAND_MOBILE = 6
    NATIONAL = 8
    PRIVATE = 9
    ERMES = 10
    INTERNET = 14
    WAP_CLIENT_ID = 18


class DataCoding(_OpenIntEnum):
    """data_coding (facts 5.6). 0x00 is GSM 03.38 unpacked in this simulator."""

    SMSC_DEFAULT = 0x00
    IA5 = 0x01
    OCTET_UNSPECIFIED = 0x02
    LATIN_1 = 0x03
    OCTET_UNSPECIFIED_2 = 0x04
    JIS = 0x05
    CYRILLIC = 0x06
    LATIN_HEBREW = 0x07
    UCS2 = 0x08
    PICTOGRAM = 0x09
    ISO_2022_JP = 0x0A
    EXTENDED_KANJI_JIS = 0x0D
    KS_C_5601 = 0x0E


class MessageState(_OpenIntEnum):
    """message_state TLV and query_sm_resp (facts 5.7); 0 and 9 are SMPP 5.0."""

    SCHEDULED = 0
    ENROUTE = 1
    DELIVERED = 2
    EXPIRED = 3
    DELETED = 4
    UNDELIVERABLE = 5
    ACCEPTED = 6
    UNKNOWN = 7
    REJECTED = 8
    SKIPPED = 9

    @property
    def is_final(self) -> bool:
        # UNKNOWN is sent as a final (failure) receipt by SMSCs, so it counts as final here.
        return self not in (MessageState.SCHEDULED, MessageState.ENROUTE)


class EsmClass(IntFlag, boundary=KEEP):
    """esm_class (facts 5.3). Test the message type with ``esm_class & TYPE_MASK``."""

    DATAGRAM_MODE = 0x01
    FORWARD_MODE = 0x02
    STORE_AND_FORWARD_MODE = 0x03
    SMSC_DELIVERY_RECEIPT = 0x04
    SME_DELIVERY_ACK = 0x08
    SME_MANUAL_ACK = 0x10
    CONVERSATION_ABORT = 0x18
    INTERMEDIATE_NOTIFICATION = 0x20
    UDHI = 0x40
    REPLY_PATH = 0x80

    MODE_MASK = 0x03
    TYPE_MASK = 0x3C


class RegisteredDelivery(IntFlag, boundary=KEEP):
    """registered_delivery (facts 5.4). The receipt request is ``rd & RECEIPT_MASK``."""

    RECEIPT_ALWAYS = 0x01
    RECEIPT_ON_FAILURE = 0x02
    SME_DELIVERY_ACK = 0x04
    SME_MANUAL_ACK = 0x08
    INTERMEDIATE_NOTIFICATION = 0x10

    RECEIPT_MASK = 0x03
    RESERVED_MASK = 0xE0


class Tag(_OpenIntEnum):
    """TLV tags of SMPP 3.4 (3.4 facts section 3) and 5.0 (5.0 facts section 5). Unknown and
    vendor tags become pseudo-members. 0x0606 is named broadcast_area_identifier; in
    broadcast_sm_resp the same tag is called failed_broadcast_area_identifier."""

    dest_addr_subunit = 0x0005
    dest_network_type = 0x0006
    dest_bearer_type = 0x0007
    dest_telematics_id = 0x0008
    source_addr_subunit = 0x000D
    source_network_type = 0x000E
    source_bearer_type = 0x000F
    source_telematics_id = 0x0010
    qos_time_to_live = 0x0017
    payload_type = 0x0019
    additional_status_info_text = 0x001D
    receipted_message_id = 0x001E
    ms_msg_wait_facilities = 0x0030
    privacy_indicator = 0x0201
    source_subaddress = 0x0202
    dest_subaddress = 0x0203
    user_message_reference = 0x0204
    user_response_code = 0x0205
    source_port = 0x020A
    destination_port = 0x020B
    sar_msg_ref_num = 0x020C
    language_indicator = 0x020D
    sar_total_segments = 0x020E
    sar_segment_seqnum = 0x020F
    sc_interface_version = 0x0210
    callback_num_pres_ind = 0x0302
    callback_num_atag = 0x0303
    number_of_messages = 0x0304
    callback_num = 0x0381
    dpf_result = 0x0420
    set_dpf = 0x0421
    ms_availability_status = 0x0422
    network_error_code = 0x0423
    message_payload = 0x0424
    delivery_failure_reason = 0x0425
    more_messages_to_send = 0x0426
    message_state = 0x0427
    congestion_state = 0x0428
    ussd_service_op = 0x0501
    broadcast_channel_indicator = 0x0600
    broadcast_content_type = 0x0601
    broadcast_content_type_info = 0x0602
    broadcast_message_class = 0x0603
    broadcast_rep_num = 0x0604
    broadcast_frequency_interval = 0x0605
    broadcast_area_identifier = 0x0606
    broadcast_error_status = 0x0607
    broadcast_area_success = 0x0608
    broadcast_end_time = 0x0609
    broadcast_service_group = 0x060A
    billing_identification = 0x060B
    source_network_id = 0x060D
    dest_network_id = 0x060E
    source_node_id = 0x060F
    dest_node_id = 0x0610
    dest_addr_np_resolution = 0x0611
    dest_addr_np_information = 0x0612
    dest_addr_np_country = 0x0613
    display_time = 0x1201
    sms_signal = 0x1203
    ms_validity = 0x1204
    alert_on_message_delivery = 0x130C
    its_reply_type = 0x1380
    its_session_info = 0x1383

    @classmethod
    def _unknown_name(cls, value: int) -> str:
        if 0x1400 <= value <= 0x3FFF:
            return f"VENDOR_0x{value:04X}"
        return f"RESERVED_0x{value:04X}"


class MessagingMode(IntEnum):
    """esm_class bits 1-0 as a value (ESME -> SMSC)."""

    DEFAULT = 0
    DATAGRAM = 1
    FORWARD = 2
    STORE_AND_FORWARD = 3


class InterfaceVersion(IntEnum):
    """interface_version in binds; anything at or below 0x33 is 3.3 or earlier."""

    SMPP_3_3 = 0x33
    SMPP_3_4 = 0x34
    SMPP_5_0 = 0x50

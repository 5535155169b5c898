"""Malformed input -> the PduError the codec raises and what to answer (facts 3 and 4.1).

One table: the bytes a peer sends, then the exact ``command_status``, ``sequence_number``,
``command_id`` and ``field`` of the error, and the class of ``pdu.error_response(err)``
(the command's own _resp, generic_nack, or None when nothing may be answered). Each row is
checked through ``pdu.decode`` and through the streaming ``Framer``, which decodes in place.
Framing faults (unusable command_length) and ``EncodeError`` (our own bad PDUs) follow.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

import pytest
from golden import wire as octets

import pdu
from pdu import CommandId as C
from pdu import CommandStatus as S


def frame(command_id: int, body: str | bytes = b"", seq: int = 5, status: int = 0) -> bytes:
    """A PDU with a consistent command_length around a hand-written body."""
    raw = octets(body) if isinstance(body, str) else body
    return struct.pack(">IIII", 16 + len(raw), command_id, status, seq) + raw


# Hand-written bodies reused by many rows.
SUBMIT_HEAD = '00 01 01 "1" 00 01 01 "2" 00 00 00 00'  # service_type .. priority_flag
SUBMIT_OK = SUBMIT_HEAD + " 00 00 00 00 00 00 00"  # NULL times .. sm_length 0
DATA_SM_OK = '00 01 01 "1" 00 01 01 "2" 00 00 00 00'  # .. esm_class, reg_delivery, data_coding
BIND_TAIL = "34 00 00 00"  # interface_version .. address_range NULL
MULTI_HEAD = '00 01 01 "1" 00'  # service_type, source_addr_ton/npi/addr
MULTI_TAIL = "00 00 00 00 00 00 00 00 00 00"  # esm_class .. sm_length 0
RECEIPT_OK = '00 01 01 "2" 00 01 01 "1" 00 04 00 00 00 00 00 00 00 00 00'
SAR_REF = "020C 0002 0001"
# broadcast_sm: service_type .. sm_default_msg_id, priority_flag 0; and its mandatory TLVs.
BCAST_OK = '00 00 00 "1" 00 00 00 00 00 00 00 00'
AREA = '0606 0002 00 "A"'
CONTENT = "0601 0003 01 0001"
REP = "0604 0002 0001"
FREQ = "0605 0003 09 001F"
NO_ANSWER = None


class Bad(NamedTuple):
    name: str
    frame: bytes
    status: int
    command_id: int
    field: str | None
    answer: type[pdu.Pdu] | None  # class of error_response(err); None: nothing to send
    seq: int = 5


BAD: list[Bad | object] = [
    # --- command_id (facts 1.2, 4.1): generic_nack with the same sequence_number -------------
    Bad(
        "reserved request id 0x0A", frame(0x0000000A), S.ESME_RINVCMDID, 0x0A, None, pdu.GenericNack
    ),
    Bad(
        "reserved response id 0x8000000A",
        frame(0x8000000A),
        S.ESME_RINVCMDID,
        0x8000000A,
        None,
        pdu.GenericNack,
    ),
    Bad(
        "SMPP extension id 0x00000104",
        frame(0x00000104, seq=77),
        S.ESME_RINVCMDID,
        0x104,
        None,
        pdu.GenericNack,
        seq=77,
    ),
    Bad(
        "reserved command_id 0x114 after the 5.0 broadcast PDUs",
        frame(0x00000114, "00 00"),
        S.ESME_RINVCMDID,
        0x114,
        None,
        pdu.GenericNack,
    ),
    Bad(
        "SMSC vendor id 0x00010200",
        frame(0x00010200, "DEADBEEF"),
        S.ESME_RINVCMDID,
        0x00010200,
        None,
        pdu.GenericNack,
    ),
    Bad(
        "vendor response id 0x80010200",
        frame(0x80010200),
        S.ESME_RINVCMDID,
        0x80010200,
        None,
        pdu.GenericNack,
    ),
    # --- C-Octet String without NUL within its maximum: the field's own code -----------------
    Bad(
        "system_id of 16 chars",
        frame(C.bind_transmitter, '"ABCDEFGHIJKLMNOP" 00 "pw" 00 00 ' + BIND_TAIL),
        S.ESME_RINVSYSID,
        C.bind_transmitter,
        "system_id",
        pdu.BindTransmitterResp,
    ),
    Bad(
        "password of 9 chars",
        frame(C.bind_receiver, '"esme" 00 "123456789" 00 00 ' + BIND_TAIL),
        S.ESME_RINVPASWD,
        C.bind_receiver,
        "password",
        pdu.BindReceiverResp,
    ),
    Bad(
        "system_type of 13 chars",
        frame(C.bind_transceiver, '"esme" 00 "pw" 00 "ABCDEFGHIJKLM" 00 ' + BIND_TAIL),
        S.ESME_RINVSYSTYP,
        C.bind_transceiver,
        "system_type",
        pdu.BindTransceiverResp,
    ),
    # facts 4.1 leaves other fields open; a bind answers with the bind refusal code.
    Bad(
        "address_range of 41 chars",
        frame(C.bind_transceiver, '"e" 00 "p" 00 00 34 00 00 ' + '"' + "9" * 41 + '" 00'),
        S.ESME_RBINDFAIL,
        C.bind_transceiver,
        "address_range",
        pdu.BindTransceiverResp,
    ),
    Bad(
        "outbind password of 9 chars: no response PDU exists",
        frame(C.outbind, '"smsc" 00 "123456789" 00'),
        S.ESME_RINVPASWD,
        C.outbind,
        "password",
        NO_ANSWER,
    ),
    Bad(
        "service_type of 6 chars",
        frame(C.submit_sm, '"CMTCMT" 00 01 01 "1" 00'),
        S.ESME_RINVSERTYP,
        C.submit_sm,
        "service_type",
        pdu.SubmitSmResp,
    ),
    Bad(
        "source_addr of 21 chars",
        frame(C.submit_sm, '00 01 01 "' + "1" * 21 + '" 00 01 01 "2" 00'),
        S.ESME_RINVSRCADR,
        C.submit_sm,
        "source_addr",
        pdu.SubmitSmResp,
    ),
    Bad(
        "destination_addr of 21 chars",
        frame(C.submit_sm, '00 01 01 "1" 00 01 01 "' + "2" * 21 + '" 00'),
        S.ESME_RINVDSTADR,
        C.submit_sm,
        "destination_addr",
        pdu.SubmitSmResp,
    ),
    Bad(
        "data_sm source_addr of 65 chars (its maximum is 65, not 21)",
        frame(C.data_sm, '00 01 01 "' + "1" * 65 + '" 00 01 01 "2" 00 00 00 00'),
        S.ESME_RINVSRCADR,
        C.data_sm,
        "source_addr",
        pdu.DataSmResp,
    ),
    Bad(
        "data_sm destination_addr of 65 chars",
        frame(C.data_sm, '00 01 01 "1" 00 01 01 "' + "2" * 65 + '" 00 00 00 00'),
        S.ESME_RINVDSTADR,
        C.data_sm,
        "destination_addr",
        pdu.DataSmResp,
    ),
    Bad(
        "query_sm message_id of 65 chars",
        frame(C.query_sm, '"' + "7" * 65 + '" 00 01 01 "1" 00'),
        S.ESME_RINVMSGID,
        C.query_sm,
        "message_id",
        pdu.QuerySmResp,
    ),
    Bad(
        "cancel_sm message_id of 65 chars",
        frame(C.cancel_sm, '00 "' + "7" * 65 + '" 00 01 01 "1" 00 01 01 "2" 00'),
        S.ESME_RINVMSGID,
        C.cancel_sm,
        "message_id",
        pdu.CancelSmResp,
    ),
    Bad(
        "submit_sm_resp message_id of 65 chars: a response is never answered",
        frame(C.submit_sm_resp, '"' + "7" * 65 + '" 00'),
        S.ESME_RINVMSGID,
        C.submit_sm_resp,
        "message_id",
        NO_ANSWER,
    ),
    Bad(
        "schedule_delivery_time of 17 chars",
        frame(C.submit_sm, SUBMIT_HEAD + ' "24011510300000400" 00 00 00 00 00 00'),
        S.ESME_RINVSCHED,
        C.submit_sm,
        "schedule_delivery_time",
        pdu.SubmitSmResp,
    ),
    Bad(
        "validity_period of 17 chars",
        frame(C.submit_sm, SUBMIT_HEAD + ' 00 "000001000000000RR" 00 00 00 00 00'),
        S.ESME_RINVEXPIRY,
        C.submit_sm,
        "validity_period",
        pdu.SubmitSmResp,
    ),
    Bad(
        "alert_notification esme_addr of 65 chars",
        frame(C.alert_notification, '01 01 "1" 00 01 01 "' + "2" * 65 + '" 00'),
        S.ESME_RINVDSTADR,
        C.alert_notification,
        "esme_addr",
        NO_ANSWER,
    ),
    # --- mandatory fields running past the end (facts 4.1: ESME_RINVCMDLEN) -----------------
    Bad(
        "submit_sm with no body at all",
        frame(C.submit_sm),
        S.ESME_RINVCMDLEN,
        C.submit_sm,
        "service_type",
        pdu.SubmitSmResp,
    ),
    Bad(
        "submit_sm cut inside the TON/NPI pair",
        frame(C.submit_sm, "00 01"),
        S.ESME_RINVCMDLEN,
        C.submit_sm,
        "source_addr_npi",
        pdu.SubmitSmResp,
    ),
    Bad(
        "destination_addr without NUL before the end",
        frame(C.submit_sm, '00 01 01 "1" 00 01 01 "2345"'),
        S.ESME_RINVCMDLEN,
        C.submit_sm,
        "destination_addr",
        pdu.SubmitSmResp,
    ),
    Bad(
        "bind system_id without NUL before the end",
        frame(C.bind_transmitter, '"esme"'),
        S.ESME_RINVCMDLEN,
        C.bind_transmitter,
        "system_id",
        pdu.BindTransmitterResp,
    ),
    Bad(
        "bind cut before address_range",
        frame(C.bind_receiver, '"esme" 00 "pw" 00 00 34 00 00'),
        S.ESME_RINVCMDLEN,
        C.bind_receiver,
        "address_range",
        pdu.BindReceiverResp,
    ),
    Bad(
        "submit_sm cut before sm_length",
        frame(C.submit_sm, SUBMIT_HEAD + " 00 00 00 00 00 00"),
        S.ESME_RINVCMDLEN,
        C.submit_sm,
        "sm_length",
        pdu.SubmitSmResp,
    ),
    Bad(
        "deliver_sm_resp message_id without NUL",
        frame(C.deliver_sm_resp, '"abc"'),
        S.ESME_RINVCMDLEN,
        C.deliver_sm_resp,
        "message_id",
        NO_ANSWER,
    ),
    Bad(
        "query_sm_resp cut before final_date's NUL",
        frame(C.query_sm_resp, '"abc" 00'),
        S.ESME_RINVCMDLEN,
        C.query_sm_resp,
        "final_date",
        NO_ANSWER,
    ),
    Bad(
        "submit_multi_resp cut inside an unsuccess_sme entry",
        frame(C.submit_multi_resp, '"m" 00 01 01 01 "2" 00 0000'),
        S.ESME_RINVCMDLEN,
        C.submit_multi_resp,
        "error_status_code",
        NO_ANSWER,
    ),
    # --- time fields: NULL or exactly 16 characters (facts 0, 5.8) --------------------------
    Bad(
        "schedule_delivery_time of 5 chars",
        frame(C.submit_sm, SUBMIT_HEAD + ' "24011" 00 00 00 00 00 00 00'),
        S.ESME_RINVSCHED,
        C.submit_sm,
        "schedule_delivery_time",
        pdu.SubmitSmResp,
    ),
    Bad(
        "validity_period of 15 chars",
        frame(C.submit_sm, SUBMIT_HEAD + ' 00 "000001000000000" 00 00 00 00 00'),
        S.ESME_RINVEXPIRY,
        C.submit_sm,
        "validity_period",
        pdu.SubmitSmResp,
    ),
    Bad(
        "replace_sm schedule_delivery_time of 1 char",
        frame(C.replace_sm, '"abc" 00 01 01 "1" 00 "0" 00 00 00 00 00'),
        S.ESME_RINVSCHED,
        C.replace_sm,
        "schedule_delivery_time",
        pdu.ReplaceSmResp,
    ),
    Bad(
        "submit_multi validity_period of 12 chars",
        frame(
            C.submit_multi, MULTI_HEAD + ' 01 02 "dl" 00 00 00 00 00 "240115103000" 00' + 4 * " 00"
        ),
        S.ESME_RINVEXPIRY,
        C.submit_multi,
        "validity_period",
        pdu.SubmitMultiResp,
    ),
    # a response: facts 4.1 "other -> ESME_RSYSERR", and nothing is answered
    Bad(
        "query_sm_resp final_date of 2 chars",
        frame(C.query_sm_resp, '"abc" 00 "12" 00 02 00'),
        S.ESME_RSYSERR,
        C.query_sm_resp,
        "final_date",
        NO_ANSWER,
    ),
    # --- sm_length / short_message (facts 2.2, 4.1: ESME_RINVMSGLEN) --------------------------
    Bad(
        "sm_length 255",
        frame(C.submit_sm, SUBMIT_HEAD + " 00 00 00 00 00 00 FF " + "61" * 255),
        S.ESME_RINVMSGLEN,
        C.submit_sm,
        "sm_length",
        pdu.SubmitSmResp,
    ),
    Bad(
        "sm_length past the end",
        frame(C.submit_sm, SUBMIT_HEAD + ' 00 00 00 00 00 00 05 "ab"'),
        S.ESME_RINVMSGLEN,
        C.submit_sm,
        "short_message",
        pdu.SubmitSmResp,
    ),
    Bad(
        "deliver_sm sm_length past the end",
        frame(C.deliver_sm, SUBMIT_HEAD + ' 00 00 00 00 00 00 10 "abc"', seq=0x7FFFFFFF),
        S.ESME_RINVMSGLEN,
        C.deliver_sm,
        "short_message",
        pdu.DeliverSmResp,
        seq=0x7FFFFFFF,
    ),
    Bad(
        "replace_sm sm_length 255",
        frame(C.replace_sm, '"abc" 00 01 01 "1" 00 00 00 00 00 FF'),
        S.ESME_RINVMSGLEN,
        C.replace_sm,
        "sm_length",
        pdu.ReplaceSmResp,
    ),
    Bad(
        "short_message and message_payload both set",
        frame(C.submit_sm, SUBMIT_HEAD + ' 00 00 00 00 00 00 01 "a" 0424 0001 "b"'),
        S.ESME_RINVMSGLEN,
        C.submit_sm,
        "message_payload",
        pdu.SubmitSmResp,
    ),
    Bad(
        "deliver_sm with short_message and message_payload",
        frame(C.deliver_sm, SUBMIT_HEAD + ' 00 00 00 00 00 00 02 "ab" 0424 0002 "cd"'),
        S.ESME_RINVMSGLEN,
        C.deliver_sm,
        "message_payload",
        pdu.DeliverSmResp,
    ),
    # --- TLV stream (facts 3 decoding rules) ------------------------------------------------
    Bad(
        "TLV header cut short: 1 octet",
        frame(C.submit_sm, SUBMIT_OK + " 04"),
        S.ESME_RINVOPTPARSTREAM,
        C.submit_sm,
        None,
        pdu.SubmitSmResp,
    ),
    Bad(
        "TLV header cut short: 3 octets after a good TLV",
        frame(C.submit_sm, SUBMIT_OK + " 0204 0002 0001 0424 00"),
        S.ESME_RINVOPTPARSTREAM,
        C.submit_sm,
        None,
        pdu.SubmitSmResp,
    ),
    Bad(
        "TLV length past the end",
        frame(C.submit_sm, SUBMIT_OK + ' 0424 0005 "ab"'),
        S.ESME_RINVOPTPARSTREAM,
        C.submit_sm,
        "message_payload",
        pdu.SubmitSmResp,
    ),
    Bad(
        "vendor TLV length past the end",
        frame(C.deliver_sm, RECEIPT_OK + " 1400 0010 00"),
        S.ESME_RINVOPTPARSTREAM,
        C.deliver_sm,
        "VENDOR_0x1400",
        pdu.DeliverSmResp,
    ),
    Bad(
        "sar_msg_ref_num with length 1",
        frame(C.submit_sm, SUBMIT_OK + " 020C 0001 01"),
        S.ESME_RINVPARLEN,
        C.submit_sm,
        "sar_msg_ref_num",
        pdu.SubmitSmResp,
    ),
    Bad(
        "message_state with length 2",
        frame(C.deliver_sm, RECEIPT_OK + " 0427 0002 0002"),
        S.ESME_RINVPARLEN,
        C.deliver_sm,
        "message_state",
        pdu.DeliverSmResp,
    ),
    Bad(
        "network_error_code with length 2",
        frame(C.deliver_sm, RECEIPT_OK + " 0423 0002 0300"),
        S.ESME_RINVPARLEN,
        C.deliver_sm,
        "network_error_code",
        pdu.DeliverSmResp,
    ),
    Bad(
        "receipted_message_id with length 0",
        frame(C.deliver_sm, RECEIPT_OK + " 001E 0000"),
        S.ESME_RINVPARLEN,
        C.deliver_sm,
        "receipted_message_id",
        pdu.DeliverSmResp,
    ),
    Bad(
        "receipted_message_id with length 66",
        frame(C.deliver_sm, RECEIPT_OK + ' 001E 0042 "' + "7" * 65 + '" 00'),
        S.ESME_RINVPARLEN,
        C.deliver_sm,
        "receipted_message_id",
        pdu.DeliverSmResp,
    ),
    Bad(
        "callback_num shorter than 4",
        frame(C.submit_sm, SUBMIT_OK + " 0381 0003 01 01 01"),
        S.ESME_RINVPARLEN,
        C.submit_sm,
        "callback_num",
        pdu.SubmitSmResp,
    ),
    Bad(
        "alert_on_message_delivery with two octets (5.0 allows 0 or 1)",
        frame(C.submit_sm, SUBMIT_OK + " 130C 0002 0001"),
        S.ESME_RINVPARLEN,
        C.submit_sm,
        "alert_on_message_delivery",
        pdu.SubmitSmResp,
    ),
    Bad(
        "its_session_info of 3 octets",
        frame(C.data_sm, DATA_SM_OK + " 1383 0003 010203"),
        S.ESME_RINVPARLEN,
        C.data_sm,
        "its_session_info",
        pdu.DataSmResp,
    ),
    Bad(
        "sc_interface_version of 2 octets in a bind resp",
        frame(C.bind_transmitter_resp, '"smsc" 00 0210 0002 0034'),
        S.ESME_RINVPARLEN,
        C.bind_transmitter_resp,
        "sc_interface_version",
        NO_ANSWER,
    ),
    Bad(
        "message_state not allowed in submit_sm",
        frame(C.submit_sm, SUBMIT_OK + " 0427 0001 02"),
        S.ESME_ROPTPARNOTALLWD,
        C.submit_sm,
        "message_state",
        pdu.SubmitSmResp,
    ),
    Bad(
        "set_dpf not allowed in deliver_sm",
        frame(C.deliver_sm, RECEIPT_OK + " 0421 0001 01"),
        S.ESME_ROPTPARNOTALLWD,
        C.deliver_sm,
        "set_dpf",
        pdu.DeliverSmResp,
    ),
    Bad(
        "ms_availability_status not allowed in submit_multi",
        frame(C.submit_multi, MULTI_HEAD + ' 01 02 "dl" 00 ' + MULTI_TAIL + " 0422 0001 00"),
        S.ESME_ROPTPARNOTALLWD,
        C.submit_multi,
        "ms_availability_status",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "sc_interface_version not allowed in submit_sm_resp",
        frame(C.submit_sm_resp, '"abc" 00 0210 0001 34'),
        S.ESME_ROPTPARNOTALLWD,
        C.submit_sm_resp,
        "sc_interface_version",
        NO_ANSWER,
    ),
    Bad(
        "message_payload not allowed in data_sm_resp",
        frame(C.data_sm_resp, '"abc" 00 0424 0001 61'),
        S.ESME_ROPTPARNOTALLWD,
        C.data_sm_resp,
        "message_payload",
        NO_ANSWER,
    ),
    Bad(
        "additional_status_info_text with a NUL inside",
        frame(C.data_sm_resp, '"abc" 00 001D 0004 "a" 00 "b" 00'),
        S.ESME_RINVOPTPARAMVAL,
        C.data_sm_resp,
        "additional_status_info_text",
        NO_ANSWER,
    ),
    Bad(
        "SAR set without sar_segment_seqnum",
        frame(C.submit_sm, SUBMIT_OK + f" {SAR_REF} 020E 0001 02"),
        S.ESME_RMISSINGOPTPARAM,
        C.submit_sm,
        "sar_segment_seqnum",
        pdu.SubmitSmResp,
    ),
    Bad(
        "SAR set with only sar_segment_seqnum",
        frame(C.deliver_sm, RECEIPT_OK + " 020F 0001 01"),
        S.ESME_RMISSINGOPTPARAM,
        C.deliver_sm,
        "sar_msg_ref_num",
        pdu.DeliverSmResp,
    ),
    Bad(
        "submit_multi SAR set without sar_total_segments",
        frame(
            C.submit_multi,
            MULTI_HEAD + ' 01 02 "dl" 00 ' + MULTI_TAIL + f" {SAR_REF} 020F 0001 01",
        ),
        S.ESME_RMISSINGOPTPARAM,
        C.submit_multi,
        "sar_total_segments",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "sar_segment_seqnum 0",
        frame(C.submit_sm, SUBMIT_OK + f" {SAR_REF} 020E 0001 02 020F 0001 00"),
        S.ESME_RINVOPTPARAMVAL,
        C.submit_sm,
        "sar_segment_seqnum",
        pdu.SubmitSmResp,
    ),
    Bad(
        "sar_segment_seqnum above sar_total_segments",
        frame(C.submit_sm, SUBMIT_OK + f" {SAR_REF} 020E 0001 02 020F 0001 03"),
        S.ESME_RINVOPTPARAMVAL,
        C.submit_sm,
        "sar_segment_seqnum",
        pdu.SubmitSmResp,
    ),
    pytest.param(
        Bad(
            "data_sm SAR set without sar_total_segments",
            frame(C.data_sm, DATA_SM_OK + f" {SAR_REF} 020F 0001 01"),
            S.ESME_RMISSINGOPTPARAM,
            C.data_sm,
            "sar_total_segments",
            pdu.DataSmResp,
        ),
        id="data_sm SAR set without sar_total_segments",
    ),
    pytest.param(
        Bad(
            "data_sm sar_segment_seqnum above sar_total_segments",
            frame(C.data_sm, DATA_SM_OK + f" {SAR_REF} 020E 0001 02 020F 0001 03"),
            S.ESME_RINVOPTPARAMVAL,
            C.data_sm,
            "sar_segment_seqnum",
            pdu.DataSmResp,
        ),
        id="data_sm sar_segment_seqnum above sar_total_segments",
    ),
    # --- submit_multi destinations (facts 2.3) ----------------------------------------------
    Bad(
        "number_of_dests 0",
        frame(C.submit_multi, MULTI_HEAD + " 00 " + MULTI_TAIL),
        S.ESME_RINVNUMDESTS,
        C.submit_multi,
        "number_of_dests",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "number_of_dests 255",
        frame(C.submit_multi, MULTI_HEAD + " FF" + ' 02 "dl" 00' * 255 + " " + MULTI_TAIL),
        S.ESME_RINVNUMDESTS,
        C.submit_multi,
        "number_of_dests",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "dest_flag 3",
        frame(C.submit_multi, MULTI_HEAD + ' 01 03 01 01 "2" 00 ' + MULTI_TAIL),
        S.ESME_RINVDESTFLAG,
        C.submit_multi,
        "dest_flag",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "dest_flag 0 on the second destination",
        frame(C.submit_multi, MULTI_HEAD + ' 02 01 01 01 "2" 00 00 01 01 "3" 00 ' + MULTI_TAIL),
        S.ESME_RINVDESTFLAG,
        C.submit_multi,
        "dest_flag",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "dl_name of 21 chars",
        frame(C.submit_multi, MULTI_HEAD + ' 01 02 "' + "d" * 21 + '" 00 ' + MULTI_TAIL),
        S.ESME_RINVDLNAME,
        C.submit_multi,
        "dl_name",
        pdu.SubmitMultiResp,
    ),
    Bad(
        "submit_multi SME destination_addr of 21 chars",
        frame(C.submit_multi, MULTI_HEAD + ' 01 01 01 01 "' + "2" * 21 + '" 00 ' + MULTI_TAIL),
        S.ESME_RINVDSTADR,
        C.submit_multi,
        "destination_addr",
        pdu.SubmitMultiResp,
    ),
    # --- body octets on header-only PDUs (facts 2.1: command_length = 16) --------------------
    Bad(
        "unbind with 2 stray octets",
        frame(C.unbind, "00 00"),
        S.ESME_RINVOPTPARSTREAM,
        C.unbind,
        None,
        pdu.UnbindResp,
    ),
    Bad(
        "enquire_link with a known TLV",
        frame(C.enquire_link, "0210 0001 34"),
        S.ESME_ROPTPARNOTALLWD,
        C.enquire_link,
        "sc_interface_version",
        pdu.EnquireLinkResp,
    ),
    Bad(
        "enquire_link_resp with 1 stray octet",
        frame(C.enquire_link_resp, "00"),
        S.ESME_RINVOPTPARSTREAM,
        C.enquire_link_resp,
        None,
        NO_ANSWER,
    ),
    Bad(
        "generic_nack with 3 stray octets: never answered",
        frame(C.generic_nack, "00 00 00", status=S.ESME_RINVCMDID),
        S.ESME_RINVOPTPARSTREAM,
        C.generic_nack,
        None,
        NO_ANSWER,
    ),
    Bad(
        "cancel_sm_resp with a known TLV",
        frame(C.cancel_sm_resp, "0427 0001 02"),
        S.ESME_ROPTPARNOTALLWD,
        C.cancel_sm_resp,
        "message_state",
        NO_ANSWER,
    ),
    # --- SMPP 5.0 broadcast PDUs (5.0 facts 3-6): each fault its own status -----------------
    Bad(
        "broadcast_sm without broadcast_area_identifier",
        frame(C.broadcast_sm, BCAST_OK + f" {CONTENT} {REP} {FREQ}"),
        S.ESME_RMISSINGTLV,
        C.broadcast_sm,
        "broadcast_area_identifier",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_sm without broadcast_content_type",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {REP} {FREQ}"),
        S.ESME_RMISSINGTLV,
        C.broadcast_sm,
        "broadcast_content_type",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_sm (not immediate) without broadcast_rep_num",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} {FREQ}"),
        S.ESME_RMISSINGTLV,
        C.broadcast_sm,
        "broadcast_rep_num",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_sm without broadcast_frequency_interval",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} {REP}"),
        S.ESME_RMISSINGTLV,
        C.broadcast_sm,
        "broadcast_frequency_interval",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_sm with no TLVs at all",
        frame(C.broadcast_sm, BCAST_OK),
        S.ESME_RMISSINGTLV,
        C.broadcast_sm,
        "broadcast_area_identifier",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_area_identifier without its format octet",
        frame(C.broadcast_sm, BCAST_OK + f" 0606 0000 {CONTENT} {REP} {FREQ}"),
        S.ESME_RINVBCASTAREAFMT,
        C.broadcast_sm,
        "broadcast_area_identifier",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_area_identifier of 102 octets (format + at most 100)",
        frame(C.broadcast_sm, BCAST_OK + " 0606 0066 00" + " 41" * 101 + f" {CONTENT} {FREQ}"),
        S.ESME_RINVBCASTAREAFMT,
        C.broadcast_sm,
        "broadcast_area_identifier",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_content_type of 2 octets",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} 0601 0002 0100 {REP} {FREQ}"),
        S.ESME_RINVBCASTCNTTYPE,
        C.broadcast_sm,
        "broadcast_content_type",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_rep_num of 3 octets",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} 0604 0003 000001 {FREQ}"),
        S.ESME_RINVBCAST_REP,
        C.broadcast_sm,
        "broadcast_rep_num",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_frequency_interval of 4 octets",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} {REP} 0605 0004 09 00 001F"),
        S.ESME_RINVBCASTFREQINT,
        C.broadcast_sm,
        "broadcast_frequency_interval",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_message_class of 2 octets",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} {REP} {FREQ} 0603 0002 0001"),
        S.ESME_RINVBCASTMSGCLASS,
        C.broadcast_sm,
        "broadcast_message_class",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_service_group of 0 octets",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} {REP} {FREQ} 060A 0000"),
        S.ESME_RINVBCASTSRVGRP,
        C.broadcast_sm,
        "broadcast_service_group",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_channel_indicator of 2 octets",
        frame(C.broadcast_sm, BCAST_OK + f" {AREA} {CONTENT} {REP} {FREQ} 0600 0002 0001"),
        S.ESME_RINVBCASTCHANIND,
        C.broadcast_sm,
        "broadcast_channel_indicator",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_sm source_addr of 21 characters",
        frame(C.broadcast_sm, '00 00 00 "' + "1" * 21 + '" 00 00 00 00 00 00 00 00'),
        S.ESME_RINVSRCADR,
        C.broadcast_sm,
        "source_addr",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "broadcast_sm schedule_delivery_time of 5 characters",
        frame(C.broadcast_sm, '00 00 00 "1" 00 00 00 "12345" 00 00 00 00 00'),
        S.ESME_RINVSCHED,
        C.broadcast_sm,
        "schedule_delivery_time",
        pdu.BroadcastSmResp,
    ),
    Bad(
        "query_broadcast_sm message_id of 65 characters",
        frame(C.query_broadcast_sm, '"' + "7" * 65 + '" 00 00 00 "1" 00'),
        S.ESME_RINVMSGID,
        C.query_broadcast_sm,
        "message_id",
        pdu.QueryBroadcastSmResp,
    ),
    Bad(
        "cancel_broadcast_sm service_type of 6 characters",
        frame(C.cancel_broadcast_sm, '"CMTCMT" 00 00 00 00 "1" 00'),
        S.ESME_RINVSERTYP,
        C.cancel_broadcast_sm,
        "service_type",
        pdu.CancelBroadcastSmResp,
    ),
    Bad(
        "query_broadcast_sm_resp without message_state: nothing to answer",
        frame(C.query_broadcast_sm_resp, f'"b-1" 00 {AREA} 0608 0001 64'),
        S.ESME_RMISSINGTLV,
        C.query_broadcast_sm_resp,
        "message_state",
        NO_ANSWER,
    ),
    Bad(
        "query_broadcast_sm_resp without broadcast_area_success",
        frame(C.query_broadcast_sm_resp, f'"b-1" 00 0427 0001 01 {AREA}'),
        S.ESME_RMISSINGTLV,
        C.query_broadcast_sm_resp,
        "broadcast_area_success",
        NO_ANSWER,
    ),
    Bad(
        "congestion_state of 2 octets in submit_sm_resp",
        frame(C.submit_sm_resp, '"m1" 00 0428 0002 0050'),
        S.ESME_RINVPARLEN,
        C.submit_sm_resp,
        "congestion_state",
        NO_ANSWER,
    ),
    Bad(
        "source_node_id of 5 octets",
        frame(C.submit_sm, SUBMIT_OK + ' 060F 0005 "00001"'),
        S.ESME_RINVPARLEN,
        C.submit_sm,
        "source_node_id",
        pdu.SubmitSmResp,
    ),
    Bad(
        "ms_validity of 2 octets (1 or 4)",
        frame(C.submit_sm, SUBMIT_OK + " 1204 0002 0401"),
        S.ESME_RINVPARLEN,
        C.submit_sm,
        "ms_validity",
        pdu.SubmitSmResp,
    ),
]


def _bad(case: object) -> Bad:
    assert isinstance(case, Bad)
    return case


def _id(case: object) -> str:
    return _bad(case).name if isinstance(case, Bad) else ""


def _check(err: pdu.PduError, case: Bad) -> None:
    assert type(err) is pdu.PduError
    assert err.recoverable
    assert (err.command_status, err.sequence_number, err.command_id, err.field) == (
        case.status,
        case.seq,
        case.command_id,
        case.field,
    )
    answer = pdu.error_response(err)
    if case.answer is None:
        assert answer is None
        return
    assert type(answer) is case.answer
    assert answer.sequence_number == case.seq
    assert answer.command_status == case.status


@pytest.mark.parametrize("case", BAD, ids=_id)
def test_decode_raises_the_error_to_answer(case: Bad) -> None:
    with pytest.raises(pdu.PduError) as info:
        pdu.decode(case.frame)
    _check(info.value, case)


@pytest.mark.parametrize("case", BAD, ids=_id)
def test_framer_yields_the_same_error_and_goes_on(case: Bad) -> None:
    # In place, between two good PDUs: the error must not depend on the octets around it.
    before = bytes.fromhex("00000010 00000015 00000000 00000001")
    after = bytes.fromhex("00000010 80000015 00000000 00000002")
    out = pdu.Framer().feed_pdus(before + case.frame + after)
    assert out[0] == pdu.EnquireLink(sequence_number=1)
    assert out[2] == pdu.EnquireLinkResp(sequence_number=2)
    assert len(out) == 3
    assert isinstance(out[1], pdu.PduError)
    _check(out[1], case)


def test_error_response_of_a_bind_or_submit_fault_encodes_header_only() -> None:
    # facts 2.6: bind_*_resp and submit_sm_resp carry no body when command_status != 0.
    with pytest.raises(pdu.PduError) as info:
        pdu.decode(frame(C.bind_transmitter, '"ABCDEFGHIJKLMNOP" 00', seq=9))
    answer = pdu.error_response(info.value)
    assert answer is not None
    assert pdu.encode(answer) == bytes.fromhex("00000010 80000002 0000000F 00000009")

    with pytest.raises(pdu.PduError) as info:
        pdu.decode(frame(C.submit_sm, SUBMIT_OK + " 020C 0001 01", seq=10))
    answer = pdu.error_response(info.value)
    assert answer is not None
    assert pdu.encode(answer) == bytes.fromhex("00000010 80000004 000000C2 0000000A")


def test_unknown_command_id_answer_is_generic_nack_on_the_wire() -> None:
    with pytest.raises(pdu.PduError) as info:
        pdu.decode(frame(0x00010200, seq=0x42))
    answer = pdu.error_response(info.value)
    assert answer is not None
    assert pdu.encode(answer) == bytes.fromhex("00000010 80000000 00000003 00000042")


def test_unknown_and_vendor_tlvs_are_skipped_not_errors() -> None:
    # facts 3 [practice]: skip unknown/vendor tags by their length.
    got = pdu.decode(frame(C.submit_sm, SUBMIT_OK + ' 3FFF 0003 "abc" 0600 0000'))
    assert got.extra_tlvs == ((0x3FFF, b"abc"), (0x0600, b""))


# --- framing faults: unrecoverable, generic_nack then close ------------------------------


@pytest.mark.parametrize(
    ("header", "seq", "command_id"),
    [
        # command_length 15, the rest of the header readable: seq and id are reported
        ("0000000F 00000004 00000000 00000009", 9, C.submit_sm),
        ("00000000 00000015 00000000 00000003", 3, C.enquire_link),
        # command_length above the maximum, only 4 octets in: nothing else is known
        ("00011171", 0, None),
        ("FFFFFFFF", 0, None),
    ],
)
def test_bad_command_length_is_a_framing_error(header: str, seq: int, command_id: int) -> None:
    framer = pdu.Framer()  # maximum 70000 = 0x11170
    with pytest.raises(pdu.FramingError) as info:
        framer.feed(bytes.fromhex(header))
    err = info.value
    assert not err.recoverable
    assert err.command_status == S.ESME_RINVCMDLEN
    assert (err.sequence_number, err.command_id) == (seq, command_id)
    answer = pdu.error_response(err)
    assert type(answer) is pdu.GenericNack
    assert pdu.encode(answer) == struct.pack(">IIII", 16, C.generic_nack, 2, seq)


def test_command_length_at_the_maximum_is_accepted() -> None:
    framer = pdu.Framer(max_command_length=17)
    assert framer.feed(bytes.fromhex("00000011 80000005 00000000 00000001 00")) == [
        bytes.fromhex("00000011 80000005 00000000 00000001 00")
    ]
    with pytest.raises(pdu.FramingError):
        framer.feed(bytes.fromhex("00000012"))


def test_decode_of_a_frame_whose_length_disagrees_is_a_framing_error() -> None:
    enquire_link = bytes.fromhex("00000010 00000015 00000000 00000001")
    with pytest.raises(pdu.FramingError) as info:
        pdu.decode(enquire_link[:15])
    assert info.value.command_status == S.ESME_RINVCMDLEN
    with pytest.raises(pdu.FramingError) as info:
        pdu.decode(enquire_link + b"\x00")
    assert info.value.command_status == S.ESME_RINVCMDLEN
    assert info.value.sequence_number == 1


def test_framing_error_is_a_pdu_error() -> None:
    # Callers catching PduError also see framing faults, and read .recoverable to tell.
    assert issubclass(pdu.FramingError, pdu.PduError)


# --- EncodeError: our own PDU cannot go on the wire --------------------------------------


def _submit(**kw: object) -> pdu.SubmitSm:
    return pdu.SubmitSm(sequence_number=1, destination_addr="2", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        pytest.param(lambda: _submit(source_addr="1" * 21), "source_addr", id="source_addr 21"),
        pytest.param(
            lambda: pdu.BindTransmitter(system_id="A" * 16), "system_id", id="system_id 16"
        ),
        pytest.param(lambda: pdu.BindReceiver(password="p" * 9), "password", id="password 9"),
        pytest.param(
            lambda: pdu.SubmitSmResp(message_id="7" * 65), "message_id", id="message_id 65"
        ),
        pytest.param(lambda: _submit(service_type="CMTCMT"), "service_type", id="service_type 6"),
        pytest.param(
            lambda: pdu.SubmitMulti(dest_address=[pdu.DistributionList("d" * 21)]),
            "dl_name",
            id="dl_name 21",
        ),
        pytest.param(
            lambda: pdu.DeliverSm(receipted_message_id="7" * 65),
            "receipted_message_id",
            id="receipted_message_id TLV 65",
        ),
        pytest.param(lambda: _submit(source_addr="1\x002"), "source_addr", id="NUL inside"),
        pytest.param(
            lambda: pdu.SubmitMulti(dest_address=[pdu.SmeAddress(1, 1, "2\x003")]),
            "destination_addr",
            id="NUL inside a destination",
        ),
        pytest.param(
            lambda: _submit(schedule_delivery_time="2401151030"),
            "schedule_delivery_time",
            id="time of 10 chars",
        ),
        pytest.param(
            lambda: _submit(validity_period="000001000000000R0"),
            "validity_period",
            id="time of 17 chars",
        ),
        pytest.param(
            lambda: _submit(short_message=b"x" * 255), "short_message", id="short_message 255"
        ),
        pytest.param(
            lambda: _submit(short_message=b"a", message_payload=b"b"),
            "message_payload",
            id="short_message and message_payload",
        ),
        pytest.param(lambda: pdu.SubmitMulti(dest_address=[]), "dest_address", id="no dests"),
        pytest.param(
            lambda: pdu.SubmitMulti(dest_address=[pdu.DistributionList("d")] * 255),
            "dest_address",
            id="255 dests",
        ),
        pytest.param(
            lambda: _submit(callback_num=b"\x01\x01\x01"), "callback_num", id="callback_num 3"
        ),
        pytest.param(lambda: _submit(source_port=0x10000), "source_port", id="TLV int 65536"),
        pytest.param(
            lambda: pdu.DataSmResp(additional_status_info_text="€"),
            "additional_status_info_text",
            id="non-Latin-1 TLV text",
        ),
        pytest.param(
            lambda: pdu.SubmitMulti(dest_address=[pdu.DistributionList("€")]),
            "dl_name",
            id="non-Latin-1 dl_name",
        ),
        pytest.param(
            lambda: _submit(source_addr="€"),
            "source_addr",
            id="non-Latin-1 source_addr",
        ),
        pytest.param(
            lambda: pdu.BindTransmitter(system_id="système™"),
            "system_id",
            id="non-Latin-1 system_id",
        ),
    ],
)
def test_encode_refuses_a_field_that_cannot_go_on_the_wire(build: object, field: str) -> None:
    assert callable(build)
    p = build()
    with pytest.raises(pdu.EncodeError) as info:
        pdu.encode(p)
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: _submit(esm_class=256), id="esm_class 256"),
        pytest.param(lambda: _submit(data_coding=-1), id="data_coding -1"),
        pytest.param(lambda: pdu.EnquireLink(sequence_number=1 << 32), id="sequence_number 2^32"),
        pytest.param(
            lambda: pdu.SubmitSmResp(sequence_number=1, command_status=1 << 32),
            id="command_status 2^32",
        ),
        pytest.param(
            lambda: pdu.SubmitMulti(dest_address=[pdu.SmeAddress(256, 1, "2")]),
            id="dest_addr_ton 256",
        ),
        pytest.param(
            lambda: pdu.SubmitMultiResp(unsuccess_sme=[pdu.UnsuccessSme(1, 1, "2", 1 << 32)]),
            id="error_status_code 2^32",
        ),
        pytest.param(lambda: pdu.QuerySmResp(message_state=300), id="message_state 300"),
    ],
)
def test_encode_refuses_integers_out_of_range(build: object) -> None:
    assert callable(build)
    with pytest.raises(pdu.EncodeError):
        pdu.encode(build())


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: pdu.SubmitSm(ms_availability_status=1), id="AN-only TLV"),
        pytest.param(lambda: pdu.DeliverSm(set_dpf=1), id="submission-only TLV"),
        pytest.param(lambda: pdu.SubmitSm(congestion_state=1), id="responses-only 5.0 TLV"),
        pytest.param(lambda: pdu.SubmitSmResp(sc_interface_version=0x34), id="BR-only TLV"),
        pytest.param(lambda: pdu.SubmitSm(no_such_tlv=1), id="not an SMPP TLV"),
    ],
)
def test_constructor_refuses_a_tlv_not_allowed_for_the_class(build: object) -> None:
    assert callable(build)
    with pytest.raises(TypeError):
        build()

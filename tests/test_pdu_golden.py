"""Golden byte vectors, one or more per SMPP 3.4 PDU (h11 SIMPLE_CASES style) here and per
SMPP 5.0 PDU and TLV in tests/golden_smpp50.py, all checked by the tests below.

Every vector is written by hand from the spec layout (3.4 facts sections 1-3, 5.0 facts
sections 3-5), one line per field, never produced by our encoder. Each two-way case asserts
``encode(obj) == bytes`` and ``decode(bytes) == obj`` (fast path and the table-driven reference
decoder alike).
Decode-only cases are wire forms that peers send and we must accept although we never emit
them; each names the canonical bytes the decoded PDU encodes back to.
"""

from __future__ import annotations

import pytest
from golden import DecodeOnly, Golden, wire
from golden_smpp50 import DECODE_ONLY_50, GOLDEN_50

import pdu
from pdu.reference import reference_decode

# Octets shared by many vectors, written out once: an empty C-string, TON/NPI pairs.
GOLDEN: list[Golden] = [
    # --- session PDUs (facts 2.1) ------------------------------------------------------------
    Golden(
        "generic_nack answering an unknown command id",
        pdu.GenericNack(sequence_number=3, command_status=pdu.CommandStatus.ESME_RINVCMDID),
        """
        00000010  # command_length 16
        80000000  # command_id generic_nack
        00000003  # command_status ESME_RINVCMDID
        00000003  # sequence_number
        """,
    ),
    Golden(
        "bind_receiver",
        pdu.BindReceiver(
            sequence_number=1,
            system_id="esme",
            password="pw",
            interface_version=0x34,
            addr_ton=1,
            addr_npi=1,
        ),
        """
        0000001D  # command_length 29
        00000001  # command_id bind_receiver
        00000000  # command_status
        00000001  # sequence_number
        "esme" 00 # system_id
        "pw" 00   # password
        00        # system_type NULL
        34        # interface_version 3.4
        01        # addr_ton international
        01        # addr_npi ISDN
        00        # address_range NULL
        """,
    ),
    Golden(
        "bind_transmitter with system_type",
        pdu.BindTransmitter(
            sequence_number=2,
            system_id="smpp",
            password="secret",
            system_type="VMA",
            interface_version=0x34,
        ),
        """
        00000024    # command_length 36
        00000002    # command_id bind_transmitter
        00000000    # command_status
        00000002    # sequence_number
        "smpp" 00   # system_id
        "secret" 00 # password
        "VMA" 00    # system_type
        34          # interface_version
        00          # addr_ton
        00          # addr_npi
        00          # address_range NULL
        """,
    ),
    Golden(
        "bind_transceiver with address_range",
        pdu.BindTransceiver(
            sequence_number=3,
            system_id="esme",
            password="pw",
            interface_version=0x34,
            addr_ton=1,
            addr_npi=1,
            address_range="^44",
        ),
        """
        00000020  # command_length 32
        00000009  # command_id bind_transceiver
        00000000  # command_status
        00000003  # sequence_number
        "esme" 00 # system_id
        "pw" 00   # password
        00        # system_type NULL
        34        # interface_version
        01        # addr_ton
        01        # addr_npi
        "^44" 00  # address_range (a regular expression)
        """,
    ),
    Golden(
        "bind_receiver_resp with sc_interface_version",
        pdu.BindReceiverResp(sequence_number=1, system_id="smsc", sc_interface_version=0x34),
        """
        0000001A  # command_length 26
        80000001  # command_id bind_receiver_resp
        00000000  # command_status
        00000001  # sequence_number
        "smsc" 00 # system_id
        0210 0001 34  # TLV sc_interface_version = 0x34
        """,
    ),
    Golden(
        "bind_transmitter_resp without TLV",
        pdu.BindTransmitterResp(sequence_number=2, system_id="smsc"),
        """
        00000015  # command_length 21
        80000002  # command_id bind_transmitter_resp
        00000000  # command_status
        00000002  # sequence_number
        "smsc" 00 # system_id
        """,
    ),
    Golden(
        "bind_transceiver_resp error: body omitted",
        pdu.BindTransceiverResp(sequence_number=3, command_status=pdu.CommandStatus.ESME_RINVPASWD),
        """
        00000010  # command_length 16: no system_id on error (facts 2.1)
        80000009  # command_id bind_transceiver_resp
        0000000E  # command_status ESME_RINVPASWD
        00000003  # sequence_number
        """,
    ),
    Golden(
        "bind_transmitter_resp ESME_RALYBND: body omitted",
        pdu.BindTransmitterResp(sequence_number=4, command_status=pdu.CommandStatus.ESME_RALYBND),
        """
        00000010  # command_length 16
        80000002  # command_id bind_transmitter_resp
        00000005  # command_status ESME_RALYBND
        00000004  # sequence_number
        """,
    ),
    Golden(
        "outbind",
        pdu.Outbind(sequence_number=1, system_id="smsc", password="pw"),
        """
        00000018  # command_length 24
        0000000B  # command_id outbind
        00000000  # command_status
        00000001  # sequence_number
        "smsc" 00 # system_id
        "pw" 00   # password
        """,
    ),
    Golden(
        "unbind",
        pdu.Unbind(sequence_number=4),
        "00000010 00000006 00000000 00000004  # header only",
    ),
    Golden(
        "unbind_resp",
        pdu.UnbindResp(sequence_number=4),
        "00000010 80000006 00000000 00000004  # header only",
    ),
    Golden(
        "enquire_link seq 1 (facts 1.1 example)",
        pdu.EnquireLink(sequence_number=1),
        "00000010 00000015 00000000 00000001",
    ),
    Golden(
        "enquire_link_resp",
        pdu.EnquireLinkResp(sequence_number=1),
        "00000010 80000015 00000000 00000001",
    ),
    Golden(
        "enquire_link with the highest sequence_number",
        pdu.EnquireLink(sequence_number=0x7FFFFFFF),
        "00000010 00000015 00000000 7FFFFFFF",
    ),
    # --- submit_sm (facts 2.2) ---------------------------------------------------------------
    Golden(
        "submit_sm plain text with receipt request",
        pdu.SubmitSm(
            sequence_number=5,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="12345",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="67890",
            registered_delivery=1,
            short_message=b"Hello",
        ),
        """
        00000030   # command_length 48
        00000004   # command_id submit_sm
        00000000   # command_status
        00000005   # sequence_number
        00         # service_type NULL
        01 01      # source_addr_ton, source_addr_npi
        "12345" 00 # source_addr
        01 01      # dest_addr_ton, dest_addr_npi
        "67890" 00 # destination_addr
        00         # esm_class
        00         # protocol_id
        00         # priority_flag
        00         # schedule_delivery_time NULL
        00         # validity_period NULL
        01         # registered_delivery: receipt on success or failure
        00         # replace_if_present_flag
        00         # data_coding
        00         # sm_default_msg_id
        05         # sm_length
        "Hello"    # short_message
        """,
    ),
    Golden(
        "submit_sm with times and GSM '@' (0x00) inside short_message",
        pdu.SubmitSm(
            sequence_number=6,
            service_type="CMT",
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            priority_flag=1,
            schedule_delivery_time="240115103000004+",
            validity_period="000001000000000R",
            short_message=b"A\x00B",
        ),
        """
        00000049   # command_length 73
        00000004   # command_id submit_sm
        00000000   # command_status
        00000006   # sequence_number
        "CMT" 00   # service_type
        01 01      # source_addr_ton, source_addr_npi
        "1" 00     # source_addr
        01 01      # dest_addr_ton, dest_addr_npi
        "2" 00     # destination_addr
        00         # esm_class
        00         # protocol_id
        01         # priority_flag
        "240115103000004+" 00  # schedule_delivery_time, absolute
        "000001000000000R" 00  # validity_period, relative: one day
        00 00 00 00  # registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
        03         # sm_length
        41 00 42   # short_message: GSM 'A' '@' 'B' (an octet string: 0x00 is not a terminator)
        """,
    ),
    Golden(
        "submit_sm with sm_length 0 and message_payload",
        pdu.SubmitSm(
            sequence_number=7,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            data_coding=8,
            message_payload=b"\x00H\x00i",
        ),
        """
        0000002B  # command_length 43
        00000004  # command_id submit_sm
        00000000  # command_status
        00000007  # sequence_number
        00        # service_type
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        01 01 "2" 00  # dest_addr_ton, dest_addr_npi, destination_addr
        00 00 00  # esm_class, protocol_id, priority_flag
        00 00     # schedule_delivery_time, validity_period
        00 00     # registered_delivery, replace_if_present_flag
        08        # data_coding UCS2
        00        # sm_default_msg_id
        00        # sm_length 0: the text is in message_payload
        0424 0004 0048 0069  # TLV message_payload "Hi" in UCS-2
        """,
    ),
    Golden(
        "submit_sm with the three SAR TLVs",
        pdu.SubmitSm(
            sequence_number=8,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            short_message=b"ab",
            sar_msg_ref_num=0x1234,
            sar_total_segments=2,
            sar_segment_seqnum=1,
        ),
        """
        00000035  # command_length 53
        00000004  # command_id submit_sm
        00000000  # command_status
        00000008  # sequence_number
        00 01 01 "1" 00 01 01 "2" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00    # esm_class .. sm_default_msg_id
        02 "ab"   # sm_length, short_message
        020C 0002 1234  # TLV sar_msg_ref_num
        020E 0001 02    # TLV sar_total_segments
        020F 0001 01    # TLV sar_segment_seqnum
        """,
    ),
    Golden(
        "submit_sm with callback_num repeated: the repeat kept in extra_tlvs",
        pdu.SubmitSm(
            sequence_number=9,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            callback_num=b"\x01\x01\x015",
            extra_tlvs=((0x0381, b"\x01\x01\x0167"),),
        ),
        """
        00000034  # command_length 52
        00000004  # command_id submit_sm
        00000000  # command_status
        00000009  # sequence_number
        00 01 01 "1" 00 01 01 "2" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00    # esm_class .. sm_default_msg_id
        00        # sm_length
        0381 0004 01 01 01 "5"     # TLV callback_num: ASCII digits, TON 1, NPI 1, "5"
        0381 0005 01 01 01 "67"    # TLV callback_num again (it may repeat)
        """,
    ),
    Golden(
        "submit_sm with a vendor TLV and an unknown reserved tag kept byte for byte",
        pdu.SubmitSm(
            sequence_number=10,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            user_message_reference=7,
            extra_tlvs=((0x1402, b"\xab\xcd"), (0x0099, b"\x07"), (0x4001, b"")),
        ),
        """
        00000038  # command_length 56
        00000004  # command_id submit_sm
        00000000  # command_status
        0000000A  # sequence_number
        00 01 01 "1" 00 01 01 "2" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00    # esm_class .. sm_default_msg_id
        00        # sm_length
        0204 0002 0007  # TLV user_message_reference
        1402 0002 ABCD  # vendor-specific TLV (0x1400-0x3FFF)
        0099 0001 07    # reserved tag, not in SMPP 3.4
        4001 0000       # reserved tag above the vendor range, empty value
        """,
    ),
    Golden(
        "submit_sm_resp",
        pdu.SubmitSmResp(sequence_number=5, message_id="abc123"),
        """
        00000017    # command_length 23
        80000004    # command_id submit_sm_resp
        00000000    # command_status
        00000005    # sequence_number
        "abc123" 00 # message_id
        """,
    ),
    Golden(
        "submit_sm_resp ESME_RSUBMITFAIL seq 7, body omitted (facts 1.1 example)",
        pdu.SubmitSmResp(sequence_number=7, command_status=pdu.CommandStatus.ESME_RSUBMITFAIL),
        "00000010 80000004 00000045 00000007",
    ),
    # --- submit_multi (facts 2.3) ------------------------------------------------------------
    Golden(
        "submit_multi to an SME address and a distribution list",
        pdu.SubmitMulti(
            sequence_number=11,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_address=[pdu.SmeAddress(1, 1, "2"), pdu.DistributionList("dl")],
            short_message=b"hi",
        ),
        """
        0000002B  # command_length 43
        00000021  # command_id submit_multi
        00000000  # command_status
        0000000B  # sequence_number
        00        # service_type
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        02        # number_of_dests
        01 01 01 "2" 00  # dest_flag SME address, dest_addr_ton, dest_addr_npi, destination_addr
        02 "dl" 00       # dest_flag distribution list, dl_name
        00 00 00  # esm_class, protocol_id, priority_flag
        00 00     # schedule_delivery_time, validity_period
        00 00 00 00  # registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
        02 "hi"   # sm_length, short_message
        """,
    ),
    Golden(
        "submit_multi_resp with one unsuccessful destination",
        pdu.SubmitMultiResp(
            sequence_number=11,
            message_id="m1",
            unsuccess_sme=[pdu.UnsuccessSme(1, 1, "2", pdu.CommandStatus.ESME_RINVDSTADR)],
        ),
        """
        0000001C  # command_length 28
        80000021  # command_id submit_multi_resp
        00000000  # command_status
        0000000B  # sequence_number
        "m1" 00   # message_id
        01        # no_unsuccess
        01 01 "2" 00  # dest_addr_ton, dest_addr_npi, destination_addr
        0000000B  # error_status_code ESME_RINVDSTADR
        """,
    ),
    Golden(
        "submit_multi_resp, every destination accepted",
        pdu.SubmitMultiResp(sequence_number=12, message_id="m2"),
        """
        00000014  # command_length 20
        80000021  # command_id submit_multi_resp
        00000000  # command_status
        0000000C  # sequence_number
        "m2" 00   # message_id
        00        # no_unsuccess
        """,
    ),
    # --- deliver_sm (facts 2.2, 6.1) ---------------------------------------------------------
    Golden(
        "deliver_sm delivery receipt with receipted_message_id, message_state, network_error_code",
        pdu.DeliverSm(
            sequence_number=13,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="2",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="1",
            esm_class=pdu.EsmClass.SMSC_DELIVERY_RECEIPT,
            short_message=(
                b"id:abc sub:001 dlvrd:001 submit date:2401151030 done date:2401151031"
                b" stat:DELIVRD err:000 text:"
            ),
            receipted_message_id="abc",
            message_state=pdu.MessageState.DELIVERED,
            network_error_code=pdu.NetworkErrorCode(3, 0),
        ),
        """
        00000096  # command_length 150
        00000005  # command_id deliver_sm
        00000000  # command_status
        0000000D  # sequence_number
        00        # service_type
        01 01 "2" 00  # source: the original destination
        01 01 "1" 00  # destination: the original source
        04        # esm_class SMSC delivery receipt
        00 00     # protocol_id, priority_flag
        00 00     # schedule_delivery_time, validity_period: must be NULL
        00 00 00 00  # registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
        5F        # sm_length 95
        "id:abc sub:001 dlvrd:001 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:000 text:"
        001E 0004 "abc" 00  # TLV receipted_message_id: the length counts the NUL
        0427 0001 02        # TLV message_state DELIVERED
        0423 0003 03 0000   # TLV network_error_code: GSM, no error
        """,
    ),
    Golden(
        "deliver_sm MO with a concatenation UDH",
        pdu.DeliverSm(
            sequence_number=14,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            esm_class=pdu.EsmClass.UDHI,
            short_message=b"\x05\x00\x03\x2a\x02\x01Hi",
        ),
        """
        0000002B  # command_length 43
        00000005  # command_id deliver_sm
        00000000  # command_status
        0000000E  # sequence_number
        00 01 01 "1" 00 01 01 "2" 00  # service_type .. destination_addr
        40        # esm_class UDHI
        00 00 00 00 00 00 00 00  # protocol_id .. sm_default_msg_id
        08        # sm_length
        05 00 03 2A 02 01  # UDH: concatenation, 8-bit ref 0x2A, part 1 of 2
        "Hi"
        """,
    ),
    Golden(
        "deliver_sm_resp with its NULL message_id",
        pdu.DeliverSmResp(sequence_number=13),
        """
        00000011  # command_length 17
        80000005  # command_id deliver_sm_resp
        00000000  # command_status
        0000000D  # sequence_number
        00        # message_id: unused, always NULL
        """,
    ),
    # --- data_sm (facts 2.4) -----------------------------------------------------------------
    Golden(
        "data_sm with ports and message_payload",
        pdu.DataSm(
            sequence_number=15,
            service_type="WAP",
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
            registered_delivery=1,
            data_coding=4,
            source_port=0x0B84,
            destination_port=0x23F0,
            message_payload=b"\x01\x02\x03",
        ),
        """
        00000032  # command_length 50
        00000103  # command_id data_sm
        00000000  # command_status
        0000000F  # sequence_number
        "WAP" 00  # service_type
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        01 01 "2" 00  # dest_addr_ton, dest_addr_npi, destination_addr
        00        # esm_class
        01        # registered_delivery
        04        # data_coding 8-bit
        020A 0002 0B84  # TLV source_port 2948
        020B 0002 23F0  # TLV destination_port 9200
        0424 0003 010203  # TLV message_payload
        """,
    ),
    Golden(
        "data_sm_resp ESME_RDELIVERYFAILURE with its TLVs",
        pdu.DataSmResp(
            sequence_number=15,
            command_status=pdu.CommandStatus.ESME_RDELIVERYFAILURE,
            message_id="d1",
            delivery_failure_reason=0,
            network_error_code=pdu.NetworkErrorCode(3, 0x22),
            additional_status_info_text="busy",
            dpf_result=1,
        ),
        """
        0000002D  # command_length 45
        80000103  # command_id data_sm_resp
        000000FE  # command_status ESME_RDELIVERYFAILURE
        0000000F  # sequence_number
        "d1" 00   # message_id
        0425 0001 00         # TLV delivery_failure_reason: destination unavailable
        0423 0003 03 0022    # TLV network_error_code: GSM error 0x22
        001D 0005 "busy" 00  # TLV additional_status_info_text
        0420 0001 01         # TLV dpf_result: DPF set
        """,
    ),
    # --- query_sm, cancel_sm, replace_sm, alert_notification (facts 2.5) ----------------------
    Golden(
        "query_sm",
        pdu.QuerySm(
            sequence_number=16,
            message_id="abc",
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
        ),
        """
        00000018  # command_length 24
        00000003  # command_id query_sm
        00000000  # command_status
        00000010  # sequence_number
        "abc" 00  # message_id
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        """,
    ),
    Golden(
        "query_sm_resp of a delivered message",
        pdu.QuerySmResp(
            sequence_number=16,
            message_id="abc",
            final_date="240115103100004+",
            message_state=pdu.MessageState.DELIVERED,
            error_code=0,
        ),
        """
        00000027  # command_length 39
        80000003  # command_id query_sm_resp
        00000000  # command_status
        00000010  # sequence_number
        "abc" 00  # message_id
        "240115103100004+" 00  # final_date
        02        # message_state DELIVERED
        00        # error_code
        """,
    ),
    Golden(
        "cancel_sm",
        pdu.CancelSm(
            sequence_number=17,
            message_id="abc",
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="2",
        ),
        """
        0000001D  # command_length 29
        00000008  # command_id cancel_sm
        00000000  # command_status
        00000011  # sequence_number
        00        # service_type
        "abc" 00  # message_id
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        01 01 "2" 00  # dest_addr_ton, dest_addr_npi, destination_addr
        """,
    ),
    Golden(
        "cancel_sm_resp",
        pdu.CancelSmResp(sequence_number=17),
        "00000010 80000008 00000000 00000011  # header only",
    ),
    Golden(
        "replace_sm",
        pdu.ReplaceSm(
            sequence_number=18,
            message_id="abc",
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            validity_period="000000023000000R",
            registered_delivery=1,
            short_message=b"new",
        ),
        """
        00000030  # command_length 48
        00000007  # command_id replace_sm
        00000000  # command_status
        00000012  # sequence_number
        "abc" 00  # message_id
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        00        # schedule_delivery_time NULL
        "000000023000000R" 00  # validity_period: 2 h 30 min from now
        01        # registered_delivery
        00        # sm_default_msg_id
        03 "new"  # sm_length, short_message
        """,
    ),
    Golden(
        "replace_sm_resp ESME_RREPLACEFAIL",
        pdu.ReplaceSmResp(sequence_number=18, command_status=pdu.CommandStatus.ESME_RREPLACEFAIL),
        "00000010 80000007 00000013 00000012  # header only",
    ),
    Golden(
        "alert_notification with ms_availability_status",
        pdu.AlertNotification(
            sequence_number=19,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="1",
            esme_addr_ton=2,
            esme_addr_npi=8,
            esme_addr="2",
            ms_availability_status=0,
        ),
        """
        0000001D  # command_length 29
        00000102  # command_id alert_notification
        00000000  # command_status
        00000013  # sequence_number
        01 01 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        02 08 "2" 00  # esme_addr_ton national, esme_addr_npi national, esme_addr
        0422 0001 00  # TLV ms_availability_status: available
        """,
    ),
]

DECODE_ONLY: list[DecodeOnly] = [
    DecodeOnly(
        "deliver_sm_resp without a body",
        "00000010 80000005 00000000 0000000D  # no message_id octet at all",
        pdu.DeliverSmResp(sequence_number=13),
        "00000011 80000005 00000000 0000000D 00",
    ),
    DecodeOnly(
        "deliver_sm_resp ESME_RX_T_APPN without a body",
        "00000010 80000005 00000064 0000000D",
        pdu.DeliverSmResp(sequence_number=13, command_status=pdu.CommandStatus.ESME_RX_T_APPN),
        "00000011 80000005 00000064 0000000D 00",
    ),
    DecodeOnly(
        "bind_transmitter_resp error sent with its body",
        """
        00000015 80000002 0000000D 00000002  # ESME_RBINDFAIL
        "smsc" 00  # system_id the spec says to leave out
        """,
        pdu.BindTransmitterResp(
            sequence_number=2, command_status=pdu.CommandStatus.ESME_RBINDFAIL, system_id="smsc"
        ),
        "00000010 80000002 0000000D 00000002",
    ),
    DecodeOnly(
        "submit_sm_resp error sent with a body",
        '00000014 80000004 00000045 00000007 "abc" 00',
        pdu.SubmitSmResp(
            sequence_number=7, command_status=pdu.CommandStatus.ESME_RSUBMITFAIL, message_id="abc"
        ),
        "00000010 80000004 00000045 00000007",
    ),
    DecodeOnly(
        "submit_multi_resp error, header only",
        "00000010 80000021 00000045 0000000B",
        pdu.SubmitMultiResp(sequence_number=11, command_status=pdu.CommandStatus.ESME_RSUBMITFAIL),
        "00000012 80000021 00000045 0000000B 00 00  # message_id NULL, no_unsuccess 0",
    ),
    DecodeOnly(
        "data_sm_resp error, header only",
        "00000010 80000103 000000FE 0000000F",
        pdu.DataSmResp(sequence_number=15, command_status=pdu.CommandStatus.ESME_RDELIVERYFAILURE),
        "00000011 80000103 000000FE 0000000F 00",
    ),
    DecodeOnly(
        "query_sm_resp ESME_RQUERYFAIL, header only",
        "00000010 80000003 00000067 00000010",
        pdu.QuerySmResp(sequence_number=16, command_status=pdu.CommandStatus.ESME_RQUERYFAIL),
        "00000014 80000003 00000067 00000010 00 00 00 00  # NULL id, NULL date, state 0, error 0",
    ),
    DecodeOnly(
        "receipted_message_id sent without its NUL",
        """
        0000002A 00000005 00000000 0000000D
        00 01 01 "2" 00 01 01 "1" 00  # service_type .. destination_addr
        04 00 00 00 00 00 00 00 00 00 # esm_class receipt .. sm_length 0
        001E 0003 "abc"  # TLV receipted_message_id, NUL missing [practice: tolerated]
        """,
        pdu.DeliverSm(
            sequence_number=13,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="2",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="1",
            esm_class=4,
            receipted_message_id="abc",
        ),
        """
        0000002B 00000005 00000000 0000000D
        00 01 01 "2" 00 01 01 "1" 00
        04 00 00 00 00 00 00 00 00 00
        001E 0004 "abc" 00
        """,
    ),
]


@pytest.mark.parametrize("case", GOLDEN + GOLDEN_50, ids=lambda c: c.name)
def test_encode_gives_the_hand_written_bytes(case: Golden) -> None:
    assert pdu.encode(case.pdu).hex() == wire(case.layout).hex()


@pytest.mark.parametrize("case", GOLDEN + GOLDEN_50, ids=lambda c: c.name)
def test_decode_gives_the_pdu(case: Golden) -> None:
    frame = wire(case.layout)
    decoded = pdu.decode(frame)
    assert type(decoded) is type(case.pdu)
    assert decoded == case.pdu
    # The table-driven twin agrees with the generated fast path.
    assert reference_decode(frame, 0, len(frame)) == case.pdu


@pytest.mark.parametrize("case", DECODE_ONLY + DECODE_ONLY_50, ids=lambda c: c.name)
def test_tolerated_wire_forms_decode_and_encode_canonically(case: DecodeOnly) -> None:
    frame = wire(case.layout)
    decoded = pdu.decode(frame)
    assert decoded == case.pdu
    assert reference_decode(frame, 0, len(frame)) == case.pdu
    assert pdu.encode(decoded).hex() == wire(case.canonical).hex()


def test_every_pdu_class_has_a_two_way_golden_vector() -> None:
    covered = {type(c.pdu) for c in GOLDEN + GOLDEN_50}
    assert covered == set(pdu.CLASSES.values())
    assert len(covered) == 27 + 6  # SMPP 3.4, and the 5.0 broadcast PDUs


def test_every_5_0_tlv_has_a_two_way_golden_vector() -> None:
    covered = {name for c in GOLDEN_50 for name in c.pdu.tlvs()}
    five = {s.name for s in pdu.tlv.TLV_SPECS if s.version == 0x50}
    assert five <= covered, sorted(five - covered)


def test_golden_command_length_matches_the_hand_count() -> None:
    # Guards the table itself: a miscounted command_length would make a case meaningless.
    layouts = [(c.name, c.layout) for c in GOLDEN + GOLDEN_50]
    decode_only = DECODE_ONLY + DECODE_ONLY_50
    layouts += [(c.name, layout) for c in decode_only for layout in (c.layout, c.canonical)]
    for name, layout in layouts:
        frame = wire(layout)
        assert int.from_bytes(frame[:4], "big") == len(frame), name


def test_decoded_receipt_exposes_its_tlvs_by_name() -> None:
    receipt = next(c for c in GOLDEN if c.name.startswith("deliver_sm delivery receipt"))
    got = pdu.decode(wire(receipt.layout))
    assert isinstance(got, pdu.DeliverSm)
    assert got.receipted_message_id == "abc"
    assert got.message_state == pdu.MessageState.DELIVERED
    assert got.network_error_code == (3, 0)
    assert got.message_payload is None  # absent TLVs read None
    assert (got.esm_class & pdu.EsmClass.TYPE_MASK) == pdu.EsmClass.SMSC_DELIVERY_RECEIPT


def test_unknown_tlvs_are_reachable_as_tag_value_pairs() -> None:
    case = next(c for c in GOLDEN if "vendor TLV" in c.name)
    got = pdu.decode(wire(case.layout))
    assert got.extra_tlvs == ((0x1402, b"\xab\xcd"), (0x0099, b"\x07"), (0x4001, b""))
    assert pdu.Tag(0x1402).name == "VENDOR_0x1402"


def test_sm_length_is_computed_from_short_message() -> None:
    # The caller never sets sm_length: a 254-octet message gets sm_length 0xFE.
    p = pdu.SubmitSm(sequence_number=1, destination_addr="2", short_message=b"x" * 254)
    frame = pdu.encode(p)
    # sm_length sits right before the last 254 octets.
    assert frame[-255] == 0xFE
    assert pdu.decode(frame) == p

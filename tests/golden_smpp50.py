"""Golden byte vectors of SMPP 5.0: the broadcast PDUs, the 5.0 TLVs and the 3.4 PDUs that
5.0 lets carry more (5.0 facts sections 3-6).

Written by hand from the 5.0 facts' layouts, one line per field, never produced by our
encoder; tests/test_pdu_golden.py checks them with the 3.4 ones: encode gives the bytes, the
fast and the reference decoders give the PDU. Decode-only cases are forms that 5.0 peers send
and we accept although we never emit them.
"""

from __future__ import annotations

from golden import DecodeOnly, Golden

import pdu
from pdu import CommandStatus as S

AREA_A = b"\x00" + b"Cell-A"  # format 0: an alias/name
AREA_B = b"\x00" + b"Cell-B"
POLYGON = bytes.fromhex("02 0A0B0C0D")  # format 2 and (made-up) polygon octets

GOLDEN_50: list[Golden] = [
    # --- broadcast_sm (5.0 facts 3) ------------------------------------------------------------
    Golden(
        "broadcast_sm with its mandatory TLVs, two areas and message_payload",
        pdu.BroadcastSm(
            sequence_number=1,
            service_type="CBS",
            source_addr_ton=5,
            source_addr_npi=0,
            source_addr="Alerts",
            broadcast_area_identifier=(AREA_A, AREA_B),
            broadcast_content_type=pdu.BroadcastContentType(1, 0x0001),
            broadcast_rep_num=3,
            broadcast_frequency_interval=pdu.BroadcastFrequencyInterval(0x09, 31),
            message_payload=b"Storm warning",
        ),
        """
        0000005F  # command_length 95
        00000111  # command_id broadcast_sm
        00000000  # command_status
        00000001  # sequence_number
        "CBS" 00  # service_type
        05 00 "Alerts" 00  # source_addr_ton alphanumeric, source_addr_npi, source_addr
        00        # message_id NULL: not a replacement
        00        # priority_flag 0: normal
        00        # schedule_delivery_time NULL
        00        # validity_period NULL: derived from rep_num and frequency
        00        # replace_if_present_flag
        00        # data_coding
        00        # sm_default_msg_id
        0606 0007 00 "Cell-A"  # TLV broadcast_area_identifier: alias format, name
        0606 0007 00 "Cell-B"  # TLV broadcast_area_identifier: a second area, same tag
        0601 0003 01 0001      # TLV broadcast_content_type: GSM, emergency
        0604 0002 0003         # TLV broadcast_rep_num: 3 repetitions (two octets)
        0605 0003 09 001F      # TLV broadcast_frequency_interval: every 31 minutes
        0424 000D "Storm warning"  # TLV message_payload
        """,
    ),
    Golden(
        "broadcast_sm immediate (no broadcast_rep_num) with the optional broadcast TLVs",
        pdu.BroadcastSm(
            sequence_number=2,
            source_addr="1",
            priority_flag=1,
            data_coding=8,
            sm_default_msg_id=0,
            broadcast_area_identifier=(POLYGON,),
            broadcast_content_type=pdu.BroadcastContentType(0, 0x0010),
            broadcast_frequency_interval=pdu.BroadcastFrequencyInterval(0x00, 0),
            broadcast_channel_indicator=1,
            broadcast_message_class=2,
            broadcast_service_group=b"\x01\x02",
            broadcast_content_type_info=b"\x07",
            alert_on_message_delivery=3,
            ms_validity=pdu.MsValidity(4, 1, 90),
            user_message_reference=0x1234,
        ),
        """
        0000005B  # command_length 91
        00000111  # command_id broadcast_sm
        00000000  # command_status
        00000002  # sequence_number
        00        # service_type NULL
        00 00 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        00        # message_id NULL
        01        # priority_flag 1: immediate broadcast, so no broadcast_rep_num
        00 00     # schedule_delivery_time, validity_period NULL
        00        # replace_if_present_flag
        08        # data_coding UCS-2
        00        # sm_default_msg_id
        0606 0005 02 0A0B0C0D  # TLV broadcast_area_identifier: polygon format
        0601 0003 00 0010      # TLV broadcast_content_type: generic, news
        0605 0003 00 0000      # TLV broadcast_frequency_interval: as often as possible
        0600 0001 01           # TLV broadcast_channel_indicator: extended
        0603 0001 02           # TLV broadcast_message_class: class 2
        060A 0002 01 02        # TLV broadcast_service_group
        0602 0001 07           # TLV broadcast_content_type_info
        130C 0001 03           # TLV alert_on_message_delivery: 5.0 form, high priority
        1204 0004 04 01 005A   # TLV ms_validity: 5.0 form, relative, 90 minutes
        0204 0002 1234         # TLV user_message_reference
        """,
    ),
    Golden(
        "broadcast_sm replacing an earlier broadcast, with schedule and validity",
        pdu.BroadcastSm(
            sequence_number=3,
            source_addr="1",
            message_id="b-77",
            schedule_delivery_time="240115103000000+",
            validity_period="000001000000000R",
            replace_if_present_flag=1,
            sm_default_msg_id=7,
            broadcast_area_identifier=(AREA_A,),
            broadcast_content_type=pdu.BroadcastContentType(3, 0x0100),
            broadcast_rep_num=0,
            broadcast_frequency_interval=pdu.BroadcastFrequencyInterval(0x0A, 1),
        ),
        """
        0000005F  # command_length 95
        00000111  # command_id broadcast_sm
        00000000  # command_status
        00000003  # sequence_number
        00        # service_type
        00 00 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        "b-77" 00     # message_id: the broadcast to replace
        00        # priority_flag
        "240115103000000+" 00  # schedule_delivery_time
        "000001000000000R" 00  # validity_period: one day
        01        # replace_if_present_flag
        00        # data_coding
        07        # sm_default_msg_id: canned message 7, no text
        0606 0007 00 "Cell-A"  # TLV broadcast_area_identifier
        0601 0003 03 0100      # TLV broadcast_content_type: CDMA, multi-category
        0604 0002 0000         # TLV broadcast_rep_num: 0, until validity ends
        0605 0003 0A 0001      # TLV broadcast_frequency_interval: every hour
        """,
    ),
    Golden(
        "broadcast_sm_resp with the failed areas and their statuses, congestion_state",
        pdu.BroadcastSmResp(
            sequence_number=1,
            message_id="b-1",
            failed_broadcast_area_identifier=(AREA_B,),
            broadcast_error_status=(S.ESME_RINVBCASTALIAS_NAME,),
            congestion_state=85,
        ),
        """
        0000002C  # command_length 44
        80000111  # command_id broadcast_sm_resp
        00000000  # command_status
        00000001  # sequence_number
        "b-1" 00  # message_id
        0606 0007 00 "Cell-B"  # TLV failed_broadcast_area_identifier (tag of the area id)
        0607 0004 00000108     # TLV broadcast_error_status: ESME_RINVBCASTALIAS_NAME
        0428 0001 55           # TLV congestion_state 85: optimum
        """,
    ),
    Golden(
        "broadcast_sm_resp ESME_RBCASTFAIL: body omitted",
        pdu.BroadcastSmResp(sequence_number=1, command_status=S.ESME_RBCASTFAIL),
        "00000010 80000111 0000010D 00000001  # header only (5.0 facts 4)",
    ),
    # --- query_broadcast_sm (5.0 facts 3) ------------------------------------------------------
    Golden(
        "query_broadcast_sm by message_id",
        pdu.QueryBroadcastSm(
            sequence_number=4, message_id="b-1", source_addr_ton=5, source_addr="Alerts"
        ),
        """
        0000001D  # command_length 29
        00000112  # command_id query_broadcast_sm
        00000000  # command_status
        00000004  # sequence_number
        "b-1" 00  # message_id
        05 00 "Alerts" 00  # source_addr_ton, source_addr_npi, source_addr
        """,
    ),
    Golden(
        "query_broadcast_sm by user_message_reference",
        pdu.QueryBroadcastSm(sequence_number=5, source_addr="1", user_message_reference=0x1234),
        """
        0000001B  # command_length 27
        00000112  # command_id query_broadcast_sm
        00000000  # command_status
        00000005  # sequence_number
        00        # message_id NULL: the reference names the broadcast
        00 00 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        0204 0002 1234  # TLV user_message_reference
        """,
    ),
    Golden(
        "query_broadcast_sm_resp: state, one area/success pair per area, end time",
        pdu.QueryBroadcastSmResp(
            sequence_number=4,
            message_id="b-1",
            message_state=pdu.MessageState.EXPIRED,
            broadcast_area_identifier=(AREA_A, AREA_B),
            broadcast_area_success=(100, 255),
            broadcast_end_time="240115113000000+",
            congestion_state=0,
        ),
        """
        00000053  # command_length 83
        80000112  # command_id query_broadcast_sm_resp
        00000000  # command_status
        00000004  # sequence_number
        "b-1" 00  # message_id
        0427 0001 03           # TLV message_state EXPIRED: a mandatory TLV here
        0606 0007 00 "Cell-A"  # TLV broadcast_area_identifier, area 1
        0606 0007 00 "Cell-B"  # TLV broadcast_area_identifier, area 2
        0608 0001 64           # TLV broadcast_area_success, area 1: 100 %
        0608 0001 FF           # TLV broadcast_area_success, area 2: unknown
        0609 0011 "240115113000000+" 00  # TLV broadcast_end_time: 17 octets with the NUL
        0428 0001 00           # TLV congestion_state 0: idle
        """,
    ),
    Golden(
        "query_broadcast_sm_resp ESME_RBCASTQUERYFAIL: body omitted",
        pdu.QueryBroadcastSmResp(sequence_number=4, command_status=S.ESME_RBCASTQUERYFAIL),
        "00000010 80000112 0000010E 00000004  # header only",
    ),
    # --- cancel_broadcast_sm (5.0 facts 3) -----------------------------------------------------
    Golden(
        "cancel_broadcast_sm of every broadcast of a source and content type",
        pdu.CancelBroadcastSm(
            sequence_number=6,
            service_type="CBS",
            source_addr_ton=5,
            source_addr="Alerts",
            broadcast_content_type=pdu.BroadcastContentType(1, 0x0001),
            user_message_reference=9,
        ),
        """
        0000002B  # command_length 43
        00000113  # command_id cancel_broadcast_sm
        00000000  # command_status
        00000006  # sequence_number
        "CBS" 00  # service_type
        00        # message_id NULL: every outstanding broadcast of the source
        05 00 "Alerts" 00  # source_addr_ton, source_addr_npi, source_addr
        0601 0003 01 0001  # TLV broadcast_content_type
        0204 0002 0009     # TLV user_message_reference
        """,
    ),
    Golden(
        "cancel_broadcast_sm_resp",
        pdu.CancelBroadcastSmResp(sequence_number=6),
        "00000010 80000113 00000000 00000006  # header only",
    ),
    Golden(
        "cancel_broadcast_sm_resp with congestion_state",
        pdu.CancelBroadcastSmResp(sequence_number=6, congestion_state=100),
        """
        00000015  # command_length 21
        80000113  # command_id cancel_broadcast_sm_resp
        00000000  # command_status
        00000006  # sequence_number
        0428 0001 64  # TLV congestion_state 100: congested
        """,
    ),
    Golden(
        "cancel_broadcast_sm_resp ESME_RBCASTCANCELFAIL",
        pdu.CancelBroadcastSmResp(sequence_number=6, command_status=S.ESME_RBCASTCANCELFAIL),
        "00000010 80000113 0000010F 00000006  # header only",
    ),
    # --- 3.4 PDUs with what 5.0 adds (5.0 facts 4) ---------------------------------------------
    Golden(
        "bind_transceiver_resp of a 5.0 MC: sc_interface_version 0x50 and congestion_state",
        pdu.BindTransceiverResp(
            sequence_number=1, system_id="smsc", sc_interface_version=0x50, congestion_state=10
        ),
        """
        0000001F  # command_length 31
        80000009  # command_id bind_transceiver_resp
        00000000  # command_status
        00000001  # sequence_number
        "smsc" 00 # system_id
        0210 0001 50  # TLV sc_interface_version 0x50
        0428 0001 0A  # TLV congestion_state 10: low
        """,
    ),
    Golden(
        "submit_sm with billing, network and node ids, number portability",
        pdu.SubmitSm(
            sequence_number=7,
            source_addr="1",
            destination_addr="2",
            short_message=b"hi",
            billing_identification=b"\x80acct-9",
            source_network_id="123415",
            source_node_id=b"000001",
            dest_network_id="123420",
            dest_node_id=b"000002",
            dest_addr_np_resolution=2,
            dest_addr_np_information=b"2125550000",
            dest_addr_np_country=b"\x01",
        ),
        """
        00000072  # command_length 114
        00000004  # command_id submit_sm
        00000000  # command_status
        00000007  # sequence_number
        00 00 00 "1" 00 00 00 "2" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00  # esm_class .. sm_default_msg_id
        02 "hi"   # sm_length, short_message
        060B 0007 80 "acct-9"        # TLV billing_identification: vendor format 0x80
        060D 0007 "123415" 00        # TLV source_network_id: GSM, MCC 234, MNC 15
        060F 0006 "000001"           # TLV source_node_id: six digits, no NUL
        060E 0007 "123420" 00        # TLV dest_network_id
        0610 0006 "000002"           # TLV dest_node_id
        0611 0001 02                 # TLV dest_addr_np_resolution: queried, ported
        0612 000A "2125550000"       # TLV dest_addr_np_information: the LRN
        0613 0001 01                 # TLV dest_addr_np_country: E.164 code 1
        """,
    ),
    Golden(
        "submit_sm asking for set_dpf (5.0: one TLV table for every submission)",
        pdu.SubmitSm(
            sequence_number=7,
            source_addr="1",
            destination_addr="2",
            short_message=b"hi",
            set_dpf=1,
            qos_time_to_live=3600,
        ),
        """
        00000032  # command_length 50
        00000004  # command_id submit_sm
        00000000  # command_status
        00000007  # sequence_number
        00 00 00 "1" 00 00 00 "2" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00  # esm_class .. sm_default_msg_id
        02 "hi"   # sm_length, short_message
        0421 0001 01        # TLV set_dpf: tell me when the handset is back (3.4: data_sm only)
        0017 0004 00000E10  # TLV qos_time_to_live 3600 s (3.4: data_sm only)
        """,
    ),
    Golden(
        "deliver_sm with dpf_result and its_reply_type (5.0: one table for every delivery)",
        pdu.DeliverSm(
            sequence_number=8,
            source_addr="2",
            destination_addr="1",
            short_message=b"ok",
            dpf_result=1,
            its_reply_type=2,
        ),
        """
        0000002F  # command_length 47
        00000005  # command_id deliver_sm
        00000000  # command_status
        00000008  # sequence_number
        00 00 00 "2" 00 00 00 "1" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00  # esm_class .. sm_default_msg_id
        02 "ok"   # sm_length, short_message
        0420 0001 01  # TLV dpf_result: DPF set
        1380 0001 02  # TLV its_reply_type: telephone number
        """,
    ),
    Golden(
        "submit_sm_resp with the 5.0 Message Submission Response TLVs",
        pdu.SubmitSmResp(
            sequence_number=7,
            message_id="m1",
            dpf_result=0,
            network_error_code=pdu.NetworkErrorCode(8, 0x0102),
            additional_status_info_text="queued",
            delivery_failure_reason=2,
            congestion_state=95,
        ),
        """
        00000034  # command_length 52
        80000004  # command_id submit_sm_resp
        00000000  # command_status
        00000007  # sequence_number
        "m1" 00   # message_id
        0420 0001 00           # TLV dpf_result: not set
        0423 0003 08 0102      # TLV network_error_code: type 8 (MC-specific, 5.0)
        001D 0007 "queued" 00  # TLV additional_status_info_text
        0425 0001 02           # TLV delivery_failure_reason: network failure
        0428 0001 5F           # TLV congestion_state 95: nearing congestion
        """,
    ),
    Golden(
        "deliver_sm with ussd_service_op (two-way USSD, 5.0)",
        pdu.DeliverSm(
            sequence_number=8,
            service_type="USSD",
            source_addr="447700900001",
            destination_addr="7777",
            short_message=b"menu",
            ussd_service_op=b"\x12",
        ),
        """
        0000003E  # command_length 62
        00000005  # command_id deliver_sm
        00000000  # command_status
        00000008  # sequence_number
        "USSD" 00 # service_type
        00 00 "447700900001" 00  # source_addr_ton, source_addr_npi, source_addr
        00 00 "7777" 00          # dest_addr_ton, dest_addr_npi, destination_addr: the service
        00 00 00 00 00 00 00 00 00  # esm_class .. sm_default_msg_id
        04 "menu" # sm_length, short_message
        0501 0001 12  # TLV ussd_service_op 0x12: USSR confirm
        """,
    ),
    Golden(
        "deliver_sm_resp with the 5.0 Message Delivery Response TLVs",
        pdu.DeliverSmResp(
            sequence_number=8,
            command_status=S.ESME_RX_T_APPN,
            additional_status_info_text="busy",
            delivery_failure_reason=3,
            network_error_code=pdu.NetworkErrorCode(7, 0x0014),
        ),
        """
        00000026  # command_length 38
        80000005  # command_id deliver_sm_resp
        00000064  # command_status ESME_RX_T_APPN
        00000008  # sequence_number
        00        # message_id: unused, NULL
        001D 0005 "busy" 00  # TLV additional_status_info_text
        0425 0001 03         # TLV delivery_failure_reason: temporary
        0423 0003 07 0014    # TLV network_error_code: type 7, an SMPP error (0x14)
        """,
    ),
    Golden(
        "replace_sm with message_payload (5.0) and sm_length 0",
        pdu.ReplaceSm(
            sequence_number=9, message_id="abc", source_addr="1", message_payload=b"new text"
        ),
        """
        00000029  # command_length 41
        00000007  # command_id replace_sm
        00000000  # command_status
        00000009  # sequence_number
        "abc" 00  # message_id
        00 00 "1" 00  # source_addr_ton, source_addr_npi, source_addr
        00 00     # schedule_delivery_time, validity_period NULL
        00 00     # registered_delivery, sm_default_msg_id
        00        # sm_length 0: the text is in message_payload
        0424 0008 "new text"  # TLV message_payload
        """,
    ),
    Golden(
        "generic_nack with congestion_state",
        pdu.GenericNack(sequence_number=0, command_status=S.ESME_RINVCMDLEN, congestion_state=100),
        """
        00000015  # command_length 21
        80000000  # command_id generic_nack
        00000002  # command_status ESME_RINVCMDLEN
        00000000  # sequence_number 0: the header was unusable (5.0 facts 2)
        0428 0001 64  # TLV congestion_state 100
        """,
    ),
    Golden(
        "enquire_link_resp with congestion_state",
        pdu.EnquireLinkResp(sequence_number=3, congestion_state=42),
        "00000015 80000015 00000000 00000003 0428 0001 2A  # congestion_state 42: medium",
    ),
]

DECODE_ONLY_50: list[DecodeOnly] = [
    DecodeOnly(
        "broadcast_rep_num in one octet (Wireshark's and rusmpp's reading)",
        """
        00000035 00000111 00000000 00000001
        00 00 00 "1" 00 00 01 00 00 00 00 00  # service_type .. sm_default_msg_id
        0606 0002 00 "A"   # TLV broadcast_area_identifier
        0601 0003 00 0000  # TLV broadcast_content_type
        0604 0001 05       # TLV broadcast_rep_num: one octet
        0605 0003 08 000A  # TLV broadcast_frequency_interval: every 10 s
        """,
        pdu.BroadcastSm(
            sequence_number=1,
            source_addr="1",
            priority_flag=1,
            broadcast_area_identifier=(b"\x00A",),
            broadcast_content_type=pdu.BroadcastContentType(0, 0),
            broadcast_rep_num=5,
            broadcast_frequency_interval=pdu.BroadcastFrequencyInterval(8, 10),
        ),
        """
        00000036 00000111 00000000 00000001
        00 00 00 "1" 00 00 01 00 00 00 00 00
        0606 0002 00 "A"
        0601 0003 00 0000
        0604 0002 0005     # two octets, as the spec says
        0605 0003 08 000A
        """,
    ),
    DecodeOnly(
        "broadcast_end_time in 16 octets without the NUL (node-smpp)",
        """
        00000035 80000112 00000000 00000004
        00                # message_id NULL
        0427 0001 04      # TLV message_state DELETED: cancelled
        0606 0002 00 "A"  # TLV broadcast_area_identifier
        0608 0001 00      # TLV broadcast_area_success 0 %
        0609 0010 "240115113000000+"  # TLV broadcast_end_time, no NUL
        """,
        pdu.QueryBroadcastSmResp(
            sequence_number=4,
            message_state=pdu.MessageState.DELETED,
            broadcast_area_identifier=(b"\x00A",),
            broadcast_area_success=(0,),
            broadcast_end_time="240115113000000+",
        ),
        """
        00000036 80000112 00000000 00000004
        00
        0427 0001 04
        0606 0002 00 "A"
        0608 0001 00
        0609 0011 "240115113000000+" 00  # sent with the NUL
        """,
    ),
    DecodeOnly(
        "broadcast_sm_resp error sent with its body and TLVs (OSERL)",
        """
        0000001C 80000111 0000010D 00000001  # ESME_RBCASTFAIL
        "b-1" 00          # message_id the spec says to leave out
        0607 0004 0000010D  # TLV broadcast_error_status
        """,
        pdu.BroadcastSmResp(
            sequence_number=1,
            command_status=S.ESME_RBCASTFAIL,
            message_id="b-1",
            broadcast_error_status=(S.ESME_RBCASTFAIL,),
        ),
        "00000010 80000111 0000010D 00000001",
    ),
    DecodeOnly(
        "a 5.0 TLV where neither version allows it is kept raw (congestion_state in submit_sm)",
        """
        00000028 00000004 00000000 00000001
        00 00 00 "1" 00 00 00 "2" 00  # service_type .. destination_addr
        00 00 00 00 00 00 00 00 00 00  # esm_class .. sm_length 0
        0428 0001 32  # TLV congestion_state: only responses carry it
        """,
        pdu.SubmitSm(
            sequence_number=1,
            source_addr="1",
            destination_addr="2",
            extra_tlvs=((0x0428, b"\x32"),),
        ),
        """
        00000028 00000004 00000000 00000001
        00 00 00 "1" 00 00 00 "2" 00
        00 00 00 00 00 00 00 00 00 00
        0428 0001 32  # written back as it came
        """,
    ),
]

"""The message detail's decoded PDU: golden octets in, the fields and TLVs a person reads."""

from __future__ import annotations

import pdu
from smsc.http.pdu_json import pdu_json

# deliver_sm, sequence_number 7: a receipt from 12345 to 447700900123 with
# receipted_message_id "ab", message_state 2 and a vendor TLV 0x1401 (two octets).
RECEIPT = bytes.fromhex(
    "00000046"  # command_length
    "00000005"  # deliver_sm
    "00000000"  # ESME_ROK
    "00000007"  # sequence_number
    "00"  # service_type
    "0101" + b"12345".hex() + "00"  # source: TON, NPI, address
    "0101" + b"447700900123".hex() + "00"  # destination
    "04"  # esm_class: a receipt
    "0000"  # protocol_id, priority_flag
    "0000"  # schedule_delivery_time, validity_period
    "00000000"  # registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
    "02"
    + b"ok".hex()  # sm_length, short_message
    + "001e0003"
    + b"ab".hex()
    + "00"  # receipted_message_id
    "0427000102"  # message_state: DELIVERED
    "140100020102"  # a vendor TLV
)


def test_fields_in_wire_order_and_every_tlv_with_its_octets() -> None:
    assert len(RECEIPT) == 0x46
    view = pdu_json(RECEIPT)
    assert view["command_name"] == "deliver_sm"
    assert (view["command_id"], view["command_status"], view["sequence_number"]) == (5, 0, 7)
    assert view["command_length"] == 0x46
    fields = view["fields"]
    assert isinstance(fields, dict)
    assert list(fields) == list(pdu.DeliverSm.mandatory_fields)
    assert (fields["source_addr"], fields["destination_addr"]) == ("12345", "447700900123")
    assert (fields["esm_class"], fields["short_message"]) == (4, "6f6b")
    assert view["tlvs"] == [
        {"name": "receipted_message_id", "tag": 0x001E, "value": "ab", "hex": "616200"},
        {"name": "message_state", "tag": 0x0427, "value": 2, "hex": "02"},
        {"name": None, "tag": 0x1401, "value": "0102", "hex": "0102"},
    ]


def test_an_undecodable_or_missing_pdu_says_why() -> None:
    assert pdu_json(b"") == {"error": "no PDU kept for this message"}
    error = pdu_json(RECEIPT[:20])["error"]
    assert isinstance(error, str) and error.startswith("does not decode: ")


def test_a_tlv_a_5_0_peer_sent_out_of_place_shows_by_name_among_the_raw_ones() -> None:
    # A 5.0 session takes a submit_sm with message_state (5.0: ignore a known tag where it is
    # not expected), so the stored PDU must still show, the stray TLV named.
    body = pdu.encode(pdu.SubmitSm(source_addr="1", destination_addr="2", short_message=b"hi"))
    stray = bytes.fromhex("0427000102")
    raw = (len(body) + len(stray)).to_bytes(4, "big") + body[4:] + stray
    view = pdu_json(raw)
    assert view["command_name"] == "submit_sm"
    assert view["tlvs"] == [{"name": "message_state", "tag": 0x0427, "value": "02", "hex": "02"}]

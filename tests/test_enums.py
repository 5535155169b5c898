"""Value tables as enums: ``.value`` is the wire value, unknown values are kept.

The expected tables are copied by hand from the facts doc (sections 1.2 and 3 in
tests/peers.py, shared with the differential tests; 4 and 5 here); a typo in
an enum, a missing member or an extra one fails here. Vendor and reserved values must survive
as distinct values (facts 4: 0x400-0x4FF vendor status codes; 3: vendor TLVs), never collapse
into one member or raise. Flag masks behave as facts 5.3 and 5.4 say.
"""

from __future__ import annotations

import peers
import pytest

import pdu
from pdu import (
    NPI,
    TON,
    CommandId,
    CommandStatus,
    DataCoding,
    EsmClass,
    MessageState,
    RegisteredDelivery,
    Tag,
)

# facts 1.2 and 3: the tests' own hand-copied tables (tests/peers.py), not pdu's
COMMAND_IDS = peers.COMMAND_IDS

# 3.4 facts 4 and 5.0 facts 6
COMMAND_STATUS = {
    "ESME_ROK": 0x00,
    "ESME_RINVMSGLEN": 0x01,
    "ESME_RINVCMDLEN": 0x02,
    "ESME_RINVCMDID": 0x03,
    "ESME_RINVBNDSTS": 0x04,
    "ESME_RALYBND": 0x05,
    "ESME_RINVPRTFLG": 0x06,
    "ESME_RINVREGDLVFLG": 0x07,
    "ESME_RSYSERR": 0x08,
    "ESME_RINVSRCADR": 0x0A,
    "ESME_RINVDSTADR": 0x0B,
    "ESME_RINVMSGID": 0x0C,
    "ESME_RBINDFAIL": 0x0D,
    "ESME_RINVPASWD": 0x0E,
    "ESME_RINVSYSID": 0x0F,
    "ESME_RCANCELFAIL": 0x11,
    "ESME_RREPLACEFAIL": 0x13,
    "ESME_RMSGQFUL": 0x14,
    "ESME_RINVSERTYP": 0x15,
    "ESME_RINVNUMDESTS": 0x33,
    "ESME_RINVDLNAME": 0x34,
    "ESME_RINVDESTFLAG": 0x40,
    "ESME_RINVSUBREP": 0x42,
    "ESME_RINVESMCLASS": 0x43,
    "ESME_RCNTSUBDL": 0x44,
    "ESME_RSUBMITFAIL": 0x45,
    "ESME_RINVSRCTON": 0x48,
    "ESME_RINVSRCNPI": 0x49,
    "ESME_RINVDSTTON": 0x50,
    "ESME_RINVDSTNPI": 0x51,
    "ESME_RINVSYSTYP": 0x53,
    "ESME_RINVREPFLAG": 0x54,
    "ESME_RINVNUMMSGS": 0x55,
    "ESME_RTHROTTLED": 0x58,
    "ESME_RINVSCHED": 0x61,
    "ESME_RINVEXPIRY": 0x62,
    "ESME_RINVDFTMSGID": 0x63,
    "ESME_RX_T_APPN": 0x64,
    "ESME_RX_P_APPN": 0x65,
    "ESME_RX_R_APPN": 0x66,
    "ESME_RQUERYFAIL": 0x67,
    "ESME_RINVOPTPARSTREAM": 0xC0,
    "ESME_ROPTPARNOTALLWD": 0xC1,
    "ESME_RINVPARLEN": 0xC2,
    "ESME_RMISSINGOPTPARAM": 0xC3,
    "ESME_RINVOPTPARAMVAL": 0xC4,
    "ESME_RDELIVERYFAILURE": 0xFE,
    "ESME_RUNKNOWNERR": 0xFF,
    "ESME_RSERTYPUNAUTH": 0x100,
    "ESME_RPROHIBITED": 0x101,
    "ESME_RSERTYPUNAVAIL": 0x102,
    "ESME_RSERTYPDENIED": 0x103,
    "ESME_RINVDCS": 0x104,
    "ESME_RINVSRCADDRSUBUNIT": 0x105,
    "ESME_RINVDSTADDRSUBUNIT": 0x106,
    "ESME_RINVBCASTFREQINT": 0x107,
    "ESME_RINVBCASTALIAS_NAME": 0x108,
    "ESME_RINVBCASTAREAFMT": 0x109,
    "ESME_RINVNUMBCAST_AREAS": 0x10A,
    "ESME_RINVBCASTCNTTYPE": 0x10B,
    "ESME_RINVBCASTMSGCLASS": 0x10C,
    "ESME_RBCASTFAIL": 0x10D,
    "ESME_RBCASTQUERYFAIL": 0x10E,
    "ESME_RBCASTCANCELFAIL": 0x10F,
    "ESME_RINVBCAST_REP": 0x110,
    "ESME_RINVBCASTSRVGRP": 0x111,
    "ESME_RINVBCASTCHANIND": 0x112,
}
# 5.0 facts 4: its names of 0xC0-0xC4, the same codes as 3.4's.
STATUS_ALIASES = {
    "ESME_RINVTLVSTREAM": 0xC0,
    "ESME_RTLVNOTALLWD": 0xC1,
    "ESME_RINVTLVLEN": 0xC2,
    "ESME_RMISSINGTLV": 0xC3,
    "ESME_RINVTLVVAL": 0xC4,
}

# One name per tag: 0x0606 is broadcast_area_identifier (failed_... in broadcast_sm_resp).
TAGS = {name: peers.TLVS[name].tag for name in peers.TLV_NAMES.values()}


@pytest.mark.parametrize(
    ("enum", "table"),
    [
        (CommandId, COMMAND_IDS),
        (CommandStatus, COMMAND_STATUS),
        (Tag, TAGS),
        # facts 5.1, 5.2, 5.6, 5.7
        (
            TON,
            {
                "UNKNOWN": 0,
                "INTERNATIONAL": 1,
                "NATIONAL": 2,
                "NETWORK_SPECIFIC": 3,
                "SUBSCRIBER_NUMBER": 4,
                "ALPHANUMERIC": 5,
                "ABBREVIATED": 6,
            },
        ),
        (
            NPI,
            {
                "UNKNOWN": 0,
                "ISDN": 1,
                "DATA": 3,
                "TELEX": 4,
                "LAND_MOBILE": 6,
                "NATIONAL": 8,
                "PRIVATE": 9,
                "ERMES": 10,
                "INTERNET": 14,
                "WAP_CLIENT_ID": 18,
            },
        ),
        (
            MessageState,
            {
                "SCHEDULED": 0,
                "ENROUTE": 1,
                "DELIVERED": 2,
                "EXPIRED": 3,
                "DELETED": 4,
                "UNDELIVERABLE": 5,
                "ACCEPTED": 6,
                "UNKNOWN": 7,
                "REJECTED": 8,
                "SKIPPED": 9,
            },
        ),
    ],
    ids=lambda x: x.__name__ if isinstance(x, type) else "",
)
def test_enum_values_are_the_wire_values(enum: type, table: dict[str, int]) -> None:
    assert {m.name: m.value for m in enum} == table  # type: ignore[attr-defined]
    for name, value in table.items():
        assert enum(value).name == name
        assert enum(value) == value  # compares equal to the plain int on the wire


@pytest.mark.parametrize(("alias", "value"), STATUS_ALIASES.items())
def test_5_0_names_of_the_tlv_statuses_are_aliases_of_the_3_4_codes(alias: str, value: int) -> None:
    # One member per wire value: the 3.4 name stays the name, the 5.0 one finds it.
    assert CommandStatus[alias] is CommandStatus(value)
    assert CommandStatus[alias].name == {v: k for k, v in COMMAND_STATUS.items()}[value]


def test_data_coding_values() -> None:
    assert DataCoding.SMSC_DEFAULT == 0x00
    assert DataCoding.IA5 == 0x01
    assert DataCoding.LATIN_1 == 0x03
    assert DataCoding.UCS2 == 0x08
    assert DataCoding.OCTET_UNSPECIFIED == 0x02
    assert DataCoding.OCTET_UNSPECIFIED_2 == 0x04


def test_response_id_is_request_id_with_bit_31() -> None:
    for name, value in COMMAND_IDS.items():
        if name.endswith("_resp"):
            request = CommandId[name.removesuffix("_resp")]
            assert value == request | 0x80000000
            assert CommandId(value).is_response
            assert not request.is_response
    assert CommandId.generic_nack.is_response


@pytest.mark.parametrize(
    ("value", "name", "is_response"),
    [
        (0x0000000A, "RESERVED_0x0000000A", False),
        (0x00010200, "RESERVED_0x00010200", False),  # SMSC vendor range
        (0x80010200, "RESERVED_0x80010200", True),
        (0x00000114, "RESERVED_0x00000114", False),  # after the 5.0 broadcast PDUs
    ],
)
def test_unknown_command_ids_are_kept(value: int, name: str, is_response: bool) -> None:
    cid = CommandId(value)
    assert cid == value
    assert cid.name == name
    assert cid.is_response is is_response


@pytest.mark.parametrize("value", [0x400, 0x401, 0x4A7, 0x4FF])
def test_vendor_status_codes_are_kept_as_distinct_named_values(value: int) -> None:
    status = CommandStatus(value)
    assert status == value
    assert status.value == value
    assert status.name == f"VENDOR_0x{value:08X}"
    assert isinstance(status, CommandStatus)
    assert CommandStatus(value) is status  # one member per value, stable identity


def test_vendor_status_codes_do_not_collapse() -> None:
    codes = {CommandStatus(v) for v in range(0x400, 0x500)}
    assert len(codes) == 0x100
    assert CommandStatus(0x401) != CommandStatus(0x402)


@pytest.mark.parametrize(
    ("value", "name"),
    [(0x09, "RESERVED_0x00000009"), (0x3FF, "RESERVED_0x000003FF"), (0x500, "RESERVED_0x00000500")],
)
def test_reserved_status_codes_are_kept(value: int, name: str) -> None:
    assert CommandStatus(value).name == name
    assert CommandStatus(value) == value


def test_vendor_status_survives_decode_and_encode() -> None:
    frame = bytes.fromhex("00000010 80000004 00000401 00000007")  # submit_sm_resp, vendor error
    resp = pdu.decode(frame)
    assert resp.command_status == 0x401
    assert CommandStatus(resp.command_status).name == "VENDOR_0x00000401"
    assert pdu.encode(resp) == frame
    err = pdu.PduError("vendor", 0x4FF)
    assert err.command_status.name == "VENDOR_0x000004FF"


@pytest.mark.parametrize(
    ("enum", "value"),
    [(TON, 7), (TON, 0xFF), (NPI, 2), (NPI, 0x12 + 1), (DataCoding, 0x0B), (DataCoding, 0xF5)],
)
def test_unknown_ton_npi_data_coding_are_kept(enum: type, value: int) -> None:
    member = enum(value)
    assert member == value
    assert member.name == f"UNKNOWN_0x{value:X}"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (0x1400, "VENDOR_0x1400"),
        (0x3FFF, "VENDOR_0x3FFF"),
        (0x13FF, "RESERVED_0x13FF"),
        (0x4000, "RESERVED_0x4000"),
        (0x060C, "RESERVED_0x060C"),  # the gap in the 5.0 broadcast tags
    ],
)
def test_unknown_and_vendor_tags_are_kept(value: int, name: str) -> None:
    assert Tag(value) == value
    assert Tag(value).name == name


def test_unknown_wire_values_survive_a_round_trip() -> None:
    frame = bytes.fromhex(
        "00000023 00000004 00000000 00000001"
        "00"  # service_type
        "07 02 3100"  # source_addr_ton 7 and source_addr_npi 2: reserved
        "FF 13 3200"  # dest_addr_ton 0xFF, dest_addr_npi 0x13: reserved
        "00 00 00 00 00 00 00"  # esm_class .. replace_if_present_flag
        "F5 00"  # data_coding 0xF5: 8-bit class 1; sm_default_msg_id
        "00"  # sm_length
    )
    p = pdu.decode(frame)
    assert isinstance(p, pdu.SubmitSm)
    assert (p.source_addr_ton, p.source_addr_npi, p.dest_addr_ton, p.dest_addr_npi) == (
        7,
        2,
        0xFF,
        0x13,
    )
    assert p.data_coding == 0xF5
    assert pdu.encode(p) == frame


def test_negative_values_are_refused() -> None:
    with pytest.raises(ValueError):
        CommandStatus(-1)
    with pytest.raises(ValueError):
        TON(-1)


# --- flags (facts 5.3, 5.4) --------------------------------------------------------------


def test_esm_class_masks_are_the_spec_bits() -> None:
    assert EsmClass.MODE_MASK == 0x03
    assert EsmClass.TYPE_MASK == 0x3C
    assert EsmClass.SMSC_DELIVERY_RECEIPT == 0x04
    assert EsmClass.INTERMEDIATE_NOTIFICATION == 0x20
    assert EsmClass.UDHI == 0x40
    assert EsmClass.REPLY_PATH == 0x80


@pytest.mark.parametrize(
    ("esm_class", "is_receipt"),
    [
        (0x04, True),
        (0x07, True),  # mode bits set as well
        (0x44, True),  # with UDHI
        (0x84, True),  # with reply path
        (0xC7, True),
        (0x00, False),
        (0x08, False),  # SME delivery ack
        (0x0C, False),  # reserved type: bit 2 set but not a receipt
        (0x24, False),
        (0x20, False),  # intermediate notification
        (0x40, False),
        (0x03, False),
    ],
)
def test_receipt_detection_masks_the_message_type(esm_class: int, is_receipt: bool) -> None:
    assert ((esm_class & EsmClass.TYPE_MASK) == EsmClass.SMSC_DELIVERY_RECEIPT) is is_receipt
    # The same test on the flag type itself.
    flag = EsmClass(esm_class)
    assert ((flag & EsmClass.TYPE_MASK) == EsmClass.SMSC_DELIVERY_RECEIPT) is is_receipt


def test_esm_class_type_is_a_value_not_a_set_of_bits() -> None:
    # 0x18 (conversation abort) contains the bits of 0x08 and 0x10 but is neither.
    abort = EsmClass(0x18)
    assert abort & EsmClass.TYPE_MASK == EsmClass.CONVERSATION_ABORT
    assert abort & EsmClass.TYPE_MASK != EsmClass.SME_MANUAL_ACK
    assert EsmClass(0x60) & EsmClass.TYPE_MASK == EsmClass.INTERMEDIATE_NOTIFICATION
    assert EsmClass(0x41) & EsmClass.MODE_MASK == EsmClass.DATAGRAM_MODE
    assert EsmClass(0x43) & EsmClass.UDHI


def test_esm_class_keeps_every_octet_value() -> None:
    for value in range(256):
        assert int(EsmClass(value)) == value


@pytest.mark.parametrize(
    ("rd", "receipt"),
    [
        (0x00, 0),
        (0x01, RegisteredDelivery.RECEIPT_ALWAYS),
        (0x11, RegisteredDelivery.RECEIPT_ALWAYS),  # gateways send 0x11 (facts 10.1)
        (0x02, RegisteredDelivery.RECEIPT_ON_FAILURE),
        (0x1E, RegisteredDelivery.RECEIPT_ON_FAILURE),
        (0x1C, 0),  # SME acks and intermediate only, no SMSC receipt
        (0x03, 3),  # reserved in 3.4
    ],
)
def test_receipt_request_is_rd_and_receipt_mask(rd: int, receipt: int) -> None:
    assert rd & RegisteredDelivery.RECEIPT_MASK == receipt
    assert RegisteredDelivery(rd) & RegisteredDelivery.RECEIPT_MASK == receipt


def test_registered_delivery_other_bits() -> None:
    assert RegisteredDelivery.RECEIPT_MASK == 0x03
    assert RegisteredDelivery.INTERMEDIATE_NOTIFICATION == 0x10
    assert RegisteredDelivery.RESERVED_MASK == 0xE0
    assert RegisteredDelivery(0x11) & RegisteredDelivery.INTERMEDIATE_NOTIFICATION
    assert not RegisteredDelivery(0x01) & RegisteredDelivery.INTERMEDIATE_NOTIFICATION
    assert (
        RegisteredDelivery(0x21) & RegisteredDelivery.RESERVED_MASK
    )  # reserved bit set: ESME_RINVREGDLVFLG territory
    assert not RegisteredDelivery(0x1F) & RegisteredDelivery.RESERVED_MASK
    assert int(RegisteredDelivery(0xFF)) == 0xFF


def test_message_state_finality() -> None:
    assert not MessageState.ENROUTE.is_final
    assert not MessageState.SCHEDULED.is_final
    for state in (
        MessageState.DELIVERED,
        MessageState.EXPIRED,
        MessageState.DELETED,
        MessageState.UNDELIVERABLE,
        MessageState.ACCEPTED,
        MessageState.REJECTED,
        MessageState.UNKNOWN,
    ):
        assert state.is_final


def test_interface_version_is_hex_0x34() -> None:
    assert pdu.InterfaceVersion.SMPP_3_4 == 52  # 0x34, not decimal 34
    assert pdu.InterfaceVersion.SMPP_3_3 == 0x33
    assert pdu.InterfaceVersion.SMPP_5_0 == 0x50


def test_errors_carry_enum_members() -> None:
    with pytest.raises(pdu.PduError) as info:
        pdu.decode(bytes.fromhex("00000010 00010200 00000000 00000001"))
    assert info.value.command_status is CommandStatus.ESME_RINVCMDID
    assert info.value.command_id == 0x00010200
    assert isinstance(info.value.command_id, CommandId)

"""Delivery receipts as PDUs: deliver_sm (or data_sm) with esm_class 0x04 / 0x20.

The Appendix B text (or the account's style of it) and the receipted_message_id TLV carry
the id the ESME was given, or the same number in the account's receipt id format. Addresses
are swapped: the receipt comes from the original destination and goes to the original
source (facts 6.1).
"""

from __future__ import annotations

import pdu
from pdu import EsmClass, MessageState, NetworkErrorCode
from pdu import receipt as receipt_text

from .ids import submitted_id
from .model import Message

GSM_NETWORK = 3  # network_error_code network type: GSM
_RECEIPT = int(EsmClass.SMSC_DELIVERY_RECEIPT)
_INTERMEDIATE = int(EsmClass.INTERMEDIATE_NOTIFICATION)


def receipt_wanted(registered_delivery: int, state: MessageState) -> bool:
    """Does registered_delivery ask for a final receipt in this state? (facts 5.4, 6.1)"""
    mode = registered_delivery & 0x03
    if mode == 1:
        return True
    if mode == 2:
        return state is not MessageState.DELIVERED and state is not MessageState.ACCEPTED
    return False


def intermediate_wanted(registered_delivery: int) -> bool:
    return bool(registered_delivery & 0x10)


_STAT = {int(s): stat for s, stat in receipt_text.STATE_TO_STAT.items()}


def receipt_text_for(
    message: Message,
    state: MessageState,
    done_time: float,
    style: receipt_text.Style = receipt_text.APPENDIX_B,
    receipted_id: str | None = None,
) -> str:
    date_digits = style.date_digits
    return receipt_text.format_fields(
        submitted_id(message.message_id) if receipted_id is None else receipted_id,
        1,
        1 if state is MessageState.DELIVERED else 0,
        receipt_text.epoch_date(message.submit_time, date_digits),
        receipt_text.epoch_date(done_time, date_digits),
        _STAT.get(state, "UNKNOWN"),
        f"{message.error_code:03d}",
        _sanitize((message.text or "")[:20]),
        style,
    )


def _sanitize(text: str) -> str:
    # The receipt text is plain ASCII in short_message; keep it one printable line.
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch if " " <= ch <= "~" else " " for ch in text)


def build_receipt(
    message: Message,
    state: MessageState,
    done_time: float,
    *,
    style: receipt_text.Style = receipt_text.APPENDIX_B,
    receipted_id: str | None = None,
    as_data_sm: bool = False,
    intermediate: bool = False,
) -> pdu.DeliverSm | pdu.DataSm:
    """The receipt of ``message``; ``receipted_id`` replaces the id the ESME was given (a
    carrier that writes the same number another way in its receipts)."""
    if receipted_id is None:
        receipted_id = submitted_id(message.message_id)
    text = receipt_text_for(message, state, done_time, style, receipted_id).encode("ascii")
    esm_class = _INTERMEDIATE if intermediate else _RECEIPT
    nec = NetworkErrorCode(GSM_NETWORK, message.error_code)
    # TLVs are set as attributes, not constructor keywords: this runs once per receipt and the
    # keyword path validates names that are fixed here.
    r: pdu.DeliverSm | pdu.DataSm
    if as_data_sm:
        r = pdu.DataSm(
            source_addr_ton=message.dest_addr_ton,
            source_addr_npi=message.dest_addr_npi,
            source_addr=message.destination_addr,
            dest_addr_ton=message.source_addr_ton,
            dest_addr_npi=message.source_addr_npi,
            destination_addr=message.source_addr,
            esm_class=esm_class,
            registered_delivery=0,
            data_coding=0,
        )
        r.message_payload = text
    else:
        # Positional, in pdu.DeliverSm's field order: cheaper than keywords, once per
        # receipt (tests/test_receipt_fast_path.py checks every field).
        r = pdu.DeliverSm(
            "",
            message.dest_addr_ton,
            message.dest_addr_npi,
            message.destination_addr,
            message.source_addr_ton,
            message.source_addr_npi,
            message.source_addr,
            esm_class,
            0,
            0,
            "",
            "",
            0,
            0,
            0,
            0,
            text,
        )
    r.receipted_message_id = receipted_id
    r.message_state = int(state)
    r.network_error_code = nec
    return r

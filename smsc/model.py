"""What the SMSC keeps: messages, their state history, and deliveries owed to ESMEs.

Plain records shared by the core (``smsc.core``), the store (``smsc.store``) and the
harness. Times are float seconds since the epoch (UTC), always passed in, never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from pdu import Pdu
from pdu.enums import MessageState


class Direction(Enum):
    MT = "mt"  # mobile-terminated: an ESME submitted it towards a handset
    MO = "mo"  # mobile-originated: a handset sent it towards an ESME


@dataclass(slots=True)
class Message:
    """One submitted (MT) or handset-originated (MO) message.

    ``short_message`` is the payload as submitted (UDH included when ``esm_class`` has
    UDHI); a long message submitted in parts is one Message per part, tied by
    ``concat_ref``/``part_number``/``part_total`` so that each part has its own message id
    and receipt, as on a real network.
    """

    message_id: str
    direction: Direction
    account: str  # system_id of the owning account
    source_addr_ton: int
    source_addr_npi: int
    source_addr: str
    dest_addr_ton: int
    dest_addr_npi: int
    destination_addr: str
    esm_class: int
    data_coding: int
    registered_delivery: int
    short_message: bytes
    submit_time: float
    state: MessageState = MessageState.ENROUTE
    service_type: str = ""
    protocol_id: int = 0
    priority_flag: int = 0
    schedule_time: float | None = None  # absolute, resolved from schedule_delivery_time
    expiry_time: float | None = None  # absolute, resolved from validity_period
    done_time: float | None = None
    error_code: int = 0  # network error code reported in receipts (err:) and query_sm_resp
    concat_ref: int | None = None
    part_number: int = 1
    part_total: int = 1
    text: str | None = None  # decoded text of this part (None for binary)
    tlvs: dict[str, object] = field(default_factory=dict)  # TLVs worth keeping (e.g. SAR)
    raw_pdu: bytes = b""  # the PDU that carried it (as received, or as we sent it for MO)
    # The store's insertion sequence, set when stored (0 before): later stored, larger; never
    # reused, not even after a reset, so a cursor handed out earlier stays valid. Not part
    # of the message's content, so not compared.
    seq: int = field(default=0, compare=False)


@dataclass(slots=True)
class StateChange:
    """One entry of a message's state history. Never changed once made (not frozen only
    because a frozen dataclass costs several times as much to build, twice per message)."""

    message_id: str
    state: MessageState
    time: float
    error_code: int = 0


class DeliveryKind(Enum):
    RECEIPT = "receipt"
    MO = "mo"
    ALERT = "alert"  # alert_notification: no response; done once written


@dataclass(slots=True)
class Delivery:
    """A deliver_sm/data_sm (or alert_notification) owed to an account's receiver binds
    (store-and-forward).

    ``pdu`` is the encoded request without a meaningful sequence number (the session
    assigns one on each attempt). It stays pending until an ESME answers it with
    ESME_ROK or a permanent error.
    """

    delivery_id: int
    account: str
    kind: DeliveryKind
    pdu: bytes
    created: float
    next_attempt: float
    attempts: int = 0
    message_id: str | None = None  # the MT a receipt is about, or the MO message
    # The decoded request, kept in memory so that each attempt does not decode ``pdu`` again;
    # not stored (the store keeps ``pdu``).
    request: Pdu | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Broadcast:
    """A cell broadcast an ESME asked for with broadcast_sm (SMPP 5.0): what to broadcast,
    to which areas, how often, and where it is in its life (smsc.core.broadcasts).

    ``state`` is SCHEDULED until ``start_time``, ENROUTE while broadcasting, then EXPIRED
    when it ran its course at ``end_time`` or DELETED when cancelled (``done_time``).
    """

    message_id: str
    account: str
    source_addr_ton: int
    source_addr_npi: int
    source_addr: str
    areas: tuple[bytes, ...]  # broadcast_area_identifier values, one per area
    content_type: tuple[int, int]  # broadcast_content_type: (type of network, content type)
    frequency: tuple[int, int]  # broadcast_frequency_interval: (unit of time, number)
    rep_num: int | None  # broadcast_rep_num (None: an immediate broadcast sends it once)
    payload: bytes  # message_payload (b"" with a canned message, sm_default_msg_id)
    submit_time: float
    start_time: float
    end_time: float  # when broadcasting ends (or ended, when cancelled early)
    service_type: str = ""
    priority_flag: int = 0
    data_coding: int = 0
    sm_default_msg_id: int = 0
    user_message_reference: int | None = None
    state: MessageState = MessageState.SCHEDULED
    done_time: float | None = None
    text: str | None = None  # the payload decoded, for people (None: binary)
    tlvs: dict[str, object] = field(default_factory=dict)  # the other broadcast TLVs sent

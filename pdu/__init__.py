"""The SMPP 3.4 and 5.0 codec: pure, no I/O.

>>> import pdu
>>> frame = pdu.encode(pdu.EnquireLink(sequence_number=1))
>>> frame.hex()
'00000010000000150000000000000001'
>>> pdu.decode(frame)
EnquireLink(sequence_number=1)
"""

from ._generated import *  # noqa: F403
from ._generated import CLASSES
from .base import DistributionList, Pdu, SmeAddress, UnsuccessSme
from .codec import decode, decode_at, encode, error_response, response_class
from .enums import (
    NPI,
    TON,
    CommandId,
    CommandStatus,
    DataCoding,
    EsmClass,
    InterfaceVersion,
    MessageState,
    MessagingMode,
    RegisteredDelivery,
    Tag,
)
from .errors import EncodeError, FramingError, PduError
from .framer import DEFAULT_MAX_COMMAND_LENGTH, Framer
from .tlv import (
    BroadcastContentType,
    BroadcastFrequencyInterval,
    MsValidity,
    NetworkErrorCode,
    tlv_names,
)

__all__ = [  # noqa: RUF022  (grouped by role, not sorted)
    "decode",
    "decode_at",
    "encode",
    "error_response",
    "response_class",
    "Framer",
    "DEFAULT_MAX_COMMAND_LENGTH",
    "Pdu",
    "CLASSES",
    "PduError",
    "FramingError",
    "EncodeError",
    "CommandId",
    "CommandStatus",
    "TON",
    "NPI",
    "DataCoding",
    "MessageState",
    "EsmClass",
    "RegisteredDelivery",
    "Tag",
    "MessagingMode",
    "InterfaceVersion",
    "SmeAddress",
    "DistributionList",
    "UnsuccessSme",
    "NetworkErrorCode",
    "BroadcastContentType",
    "BroadcastFrequencyInterval",
    "MsValidity",
    "tlv_names",
    "GenericNack",
    "BindReceiver",
    "BindReceiverResp",
    "BindTransmitter",
    "BindTransmitterResp",
    "BindTransceiver",
    "BindTransceiverResp",
    "Outbind",
    "Unbind",
    "UnbindResp",
    "EnquireLink",
    "EnquireLinkResp",
    "SubmitSm",
    "SubmitSmResp",
    "SubmitMulti",
    "SubmitMultiResp",
    "DeliverSm",
    "DeliverSmResp",
    "DataSm",
    "DataSmResp",
    "QuerySm",
    "QuerySmResp",
    "CancelSm",
    "CancelSmResp",
    "ReplaceSm",
    "ReplaceSmResp",
    "AlertNotification",
    "BroadcastSm",
    "BroadcastSmResp",
    "QueryBroadcastSm",
    "QueryBroadcastSmResp",
    "CancelBroadcastSm",
    "CancelBroadcastSmResp",
]

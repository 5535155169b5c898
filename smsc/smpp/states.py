"""Which PDU may arrive in which bind state, and which PDUs each interface_version carries:
the tables the session, tests and docs share.

From the 3.4 facts, section 1.2, with the [practice] choices: enquire_link is answered while
OPEN, replace_sm is accepted on TRX, data_sm from an ESME only on TX/TRX and towards an ESME
only on RX/TRX. SMPP 5.0 (5.0 facts sections 1-2) adds the broadcast PDUs, ESME -> SMSC on
TX/TRX; a session runs at the version negotiated at bind and carries only that version's
PDUs (``COMMANDS``) and TLVs (``pdu.tlv_names``). Outbind (the SMSC opened the connection)
leads to OUTBOUND, the state 5.0 names: the SMSC waits there for the ESME's bind_receiver
or bind_transceiver (3.4 names the receiver; transceivers answer outbind too in practice).
"""

from __future__ import annotations

from enum import Enum

from pdu import CommandId as C
from pdu import InterfaceVersion


class Role(Enum):
    SMSC = "smsc"
    ESME = "esme"


class BindState(Enum):
    OPEN = "open"  # TCP up, not bound
    OUTBOUND = "outbound"  # outbind sent or received; the ESME's bind comes next
    BOUND_TX = "bound_tx"
    BOUND_RX = "bound_rx"
    BOUND_TRX = "bound_trx"
    UNBINDING = "unbinding"  # unbind sent or received; finishing in-flight work
    CLOSED = "closed"

    @property
    def is_bound(self) -> bool:
        return self in (BindState.BOUND_TX, BindState.BOUND_RX, BindState.BOUND_TRX)


BIND_REQUESTS = frozenset((C.bind_transmitter, C.bind_receiver, C.bind_transceiver))

SMPP_3_3 = InterfaceVersion.SMPP_3_3
SMPP_3_4 = InterfaceVersion.SMPP_3_4
SMPP_5_0 = InterfaceVersion.SMPP_5_0

#: The PDUs only SMPP 5.0 has; all of them ESME -> SMSC requests and their responses.
SMPP_5_0_ONLY = frozenset(
    (
        C.broadcast_sm,
        C.broadcast_sm_resp,
        C.query_broadcast_sm,
        C.query_broadcast_sm_resp,
        C.cancel_broadcast_sm,
        C.cancel_broadcast_sm_resp,
    )
)
_SMPP_3_4 = frozenset(C) - SMPP_5_0_ONLY
#: The PDUs a session may carry at each interface_version it can run at. A 3.3 session keeps
#: 3.4's PDU set (the facts name none that 3.3 lacks) but carries no TLV.
COMMANDS: dict[int, frozenset[int]] = {
    SMPP_3_3: _SMPP_3_4,
    SMPP_3_4: _SMPP_3_4,
    SMPP_5_0: _SMPP_3_4 | SMPP_5_0_ONLY,
}


def negotiated_version(offered: int, ours: int) -> InterfaceVersion:
    """The version a session runs at: the lower of the peer's and ours, as 3.3 (any value up
    to 0x33), 3.4 (0x34 and the reserved values up to 0x4F) or 5.0 (0x50 and above, reserved
    values served as the newest we know) (5.0 facts section 1)."""
    v = min(offered, ours)
    if v <= SMPP_3_3:
        return SMPP_3_3
    if v < SMPP_5_0:
        return SMPP_3_4
    return SMPP_5_0


#: Requests that have no response PDU: never in the window, never owed an answer.
NO_RESPONSE = frozenset((C.outbind, C.alert_notification))

#: States in which the SMSC waits for a bind (its session-init timer runs).
AWAITING_BIND = frozenset((BindState.OPEN, BindState.OUTBOUND))

#: The state a request puts the session in, whichever side sends it (unbind has timers of its
#: own and is handled by the session).
STATE_AFTER_REQUEST: dict[int, BindState] = {C.outbind: BindState.OUTBOUND}

#: The state a successful bind_*_resp puts the session in.
STATE_AFTER_BIND: dict[int, BindState] = {
    C.bind_transmitter: BindState.BOUND_TX,
    C.bind_receiver: BindState.BOUND_RX,
    C.bind_transceiver: BindState.BOUND_TRX,
    C.bind_transmitter_resp: BindState.BOUND_TX,
    C.bind_receiver_resp: BindState.BOUND_RX,
    C.bind_transceiver_resp: BindState.BOUND_TRX,
}

_ANY_STATE = (C.enquire_link, C.enquire_link_resp, C.generic_nack)
_BOUND_COMMON = (*_ANY_STATE, C.unbind, C.unbind_resp)

# What an SMSC accepts from an ESME. Responses are listed because they answer our requests
# (deliver_sm, data_sm, enquire_link, unbind). The broadcast PDUs only at 5.0 (COMMANDS).
_SMSC_TX = (
    C.submit_sm,
    C.submit_multi,
    C.data_sm,
    C.query_sm,
    C.cancel_sm,
    C.replace_sm,
    C.broadcast_sm,
    C.query_broadcast_sm,
    C.cancel_broadcast_sm,
)
_SMSC_RX = (C.deliver_sm_resp, C.data_sm_resp)

# What an ESME accepts from an SMSC.
_ESME_TX_RESP = (
    C.submit_sm_resp,
    C.submit_multi_resp,
    C.data_sm_resp,
    C.query_sm_resp,
    C.cancel_sm_resp,
    C.replace_sm_resp,
    C.broadcast_sm_resp,
    C.query_broadcast_sm_resp,
    C.cancel_broadcast_sm_resp,
)
_ESME_RX = (C.deliver_sm, C.data_sm, C.alert_notification)

RECEIVABLE: dict[tuple[Role, BindState], frozenset[int]] = {
    (Role.SMSC, BindState.OPEN): frozenset((*BIND_REQUESTS, *_ANY_STATE)),
    (Role.SMSC, BindState.OUTBOUND): frozenset((C.bind_receiver, C.bind_transceiver, *_ANY_STATE)),
    (Role.SMSC, BindState.BOUND_TX): frozenset((*_BOUND_COMMON, *_SMSC_TX)),
    (Role.SMSC, BindState.BOUND_RX): frozenset((*_BOUND_COMMON, *_SMSC_RX)),
    (Role.SMSC, BindState.BOUND_TRX): frozenset((*_BOUND_COMMON, *_SMSC_TX, *_SMSC_RX)),
    # While unbinding, answers to our own requests still count; new work does not.
    (Role.SMSC, BindState.UNBINDING): frozenset((*_BOUND_COMMON, *_SMSC_RX)),
    (Role.ESME, BindState.OPEN): frozenset(
        (
            C.outbind,
            C.bind_transmitter_resp,
            C.bind_receiver_resp,
            C.bind_transceiver_resp,
            *_ANY_STATE,
        )
    ),
    (Role.ESME, BindState.OUTBOUND): frozenset(
        (C.bind_receiver_resp, C.bind_transceiver_resp, *_ANY_STATE)
    ),
    (Role.ESME, BindState.BOUND_TX): frozenset((*_BOUND_COMMON, *_ESME_TX_RESP)),
    (Role.ESME, BindState.BOUND_RX): frozenset((*_BOUND_COMMON, *_ESME_RX, C.data_sm_resp)),
    (Role.ESME, BindState.BOUND_TRX): frozenset((*_BOUND_COMMON, *_ESME_TX_RESP, *_ESME_RX)),
    (Role.ESME, BindState.UNBINDING): frozenset((*_BOUND_COMMON, *_ESME_TX_RESP)),
}

#: What each side may send, per state: the mirror image of what the other side may receive.
SENDABLE: dict[tuple[Role, BindState], frozenset[int]] = {
    (Role.SMSC, state): RECEIVABLE[(Role.ESME, state)]
    | {C.bind_transmitter_resp, C.bind_receiver_resp, C.bind_transceiver_resp}
    for state in BindState
    if (Role.ESME, state) in RECEIVABLE
} | {
    (Role.ESME, state): RECEIVABLE[(Role.SMSC, state)]
    for state in BindState
    if (Role.SMSC, state) in RECEIVABLE
}

"""alert_notification: an ESME that asked (set_dpf = 1) hears when an absent handset is back.

A submission carrying set_dpf = 1 whose outcome finds the handset absent sets a delivery
pending flag for (account, handset, the submission's source address): the flag SMPP has the
SMSC set in the HLR. The handset *becomes reachable* when the carrier's retry finds it: in
the absent model's ``retry`` mode that is the moment the message is delivered after its
retries (latency + retries x retry_interval). Then one alert_notification goes to a receiver
bind of the account: source_addr is the handset, esme_addr the address that asked,
ms_availability_status 0 (available), ahead of the message's receipt. However many messages
with set_dpf wait for the same handset, the flag raises one alert; it is cleared when the
last of them ends. A handset that never comes back (mode ``expire``, or retries beyond the
validity period) clears the flag with its last message and raises none.

set_dpf must be sent, with the value 1: the spec calls 1 the default, but an ESME that never
asked is not sent alerts it has no use for. A submission whose handset is reachable sets no
flag. Alerts are deliveries like receipts (stored first, queued while no receiver is bound)
with one difference: nothing answers an alert_notification, so one is done once written.
"""

from __future__ import annotations

from dataclasses import dataclass

import pdu

from ..model import DeliveryKind, Message
from .deliveries import Deliveries

__all__ = ["Alerts", "dpf_requested"]

AVAILABLE = 0  # ms_availability_status: the MS is available


def dpf_requested(msg: Message) -> bool:
    """Did the submission of ``msg`` ask for a delivery pending flag?"""
    return msg.tlvs.get("set_dpf") == 1 if msg.tlvs else False


@dataclass(slots=True)
class _Flag:
    open: int = 0  # messages of this flag still open
    alerted: bool = False


class Alerts:
    __slots__ = ("_deliveries", "_flags", "waiting")

    def __init__(self, deliveries: Deliveries) -> None:
        self._deliveries = deliveries
        self._flags: dict[tuple[str, str, str], _Flag] = {}
        # message_id -> its flag's key. Empty, it is false: the one thing the hot path asks
        # ("does any open message wait on a flag?") before calling ``ended``.
        self.waiting: dict[str, tuple[str, str, str]] = {}

    def absent(self, msg: Message) -> None:
        """``msg`` asked for a flag and found its handset absent."""
        key = (msg.account, msg.destination_addr, msg.source_addr)
        flag = self._flags.get(key)
        if flag is None:
            flag = self._flags[key] = _Flag()
        flag.open += 1
        self.waiting[msg.message_id] = key

    def ended(self, msg: Message, reached: bool, now: float) -> None:
        """``msg`` reached its final state; ``reached``: the handset took it."""
        key = self.waiting.pop(msg.message_id, None)
        if key is None:
            return
        flag = self._flags[key]
        flag.open -= 1
        if reached and not flag.alerted:
            flag.alerted = True
            alert = pdu.AlertNotification(
                source_addr_ton=msg.dest_addr_ton,
                source_addr_npi=msg.dest_addr_npi,
                source_addr=msg.destination_addr,
                esme_addr_ton=msg.source_addr_ton,
                esme_addr_npi=msg.source_addr_npi,
                esme_addr=msg.source_addr,
                ms_availability_status=AVAILABLE,
            )
            self._deliveries.new(msg.account, DeliveryKind.ALERT, alert, now, msg.message_id)
        if not flag.open:
            del self._flags[key]

    def reset(self) -> None:
        self._flags.clear()
        self.waiting.clear()

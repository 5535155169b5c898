"""Binds and lost sessions: who may bind as what, and what a bind changes.

A bind is authenticated against the accounts (development mode: anyone), may be refused by a
bind_refused fault, and applies the account's window and outstanding-request limits to the
session. A receiver or transceiver bind, and the loss of one, are ``Receivers``' inputs.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

import pdu
from pdu import CommandId as C
from pdu import CommandStatus as S

from ..accounts import Accounts
from ..config import BindType
from ..faults import Faults
from ..smpp.session import Closed
from .connection import Connection
from .receivers import Receivers

__all__ = ["BindRequest", "Binds"]

log = logging.getLogger("smsc.core")

BindRequest = pdu.BindTransmitter | pdu.BindReceiver | pdu.BindTransceiver

BIND_TYPES: dict[int, BindType] = {
    C.bind_transmitter: BindType.TRANSMITTER,
    C.bind_receiver: BindType.RECEIVER,
    C.bind_transceiver: BindType.TRANSCEIVER,
}
BIND_RESP: dict[
    int, type[pdu.BindTransmitterResp | pdu.BindReceiverResp | pdu.BindTransceiverResp]
] = {
    C.bind_transmitter: pdu.BindTransmitterResp,
    C.bind_receiver: pdu.BindReceiverResp,
    C.bind_transceiver: pdu.BindTransceiverResp,
}


class Binds:
    __slots__ = ("_accounts", "_faults", "_receivers", "_rng", "_send", "_system_id")

    def __init__(
        self,
        *,
        accounts: Accounts,
        faults: Faults,
        rng: random.Random,
        system_id: str,
        receivers: Receivers,
        send: Callable[[Connection, pdu.Pdu, float], None],
    ) -> None:
        """``send``: how the façade sends a response (with congestion_state at 5.0)."""
        self._accounts = accounts
        self._faults = faults
        self._rng = rng
        self._system_id = system_id  # ours, sent in bind_*_resp
        self._receivers = receivers
        self._send = send

    def bind(self, c: Connection, p: BindRequest, now: float) -> None:
        cid = p.command_id
        resp_cls = BIND_RESP[cid]
        seq = p.sequence_number
        if c.outbind_for is not None and p.system_id != c.outbind_for:
            # We called this ESME for one account's traffic; it may not bind as another.
            log.info("conn %d: bind as %r after outbind for %r", c.id, p.system_id, c.outbind_for)
            c.session.send(resp_cls(sequence_number=seq, command_status=S.ESME_RINVSYSID), now)
            return
        result = self._accounts.authenticate(p.system_id, p.password, BIND_TYPES[cid], c.peer, now)
        if not result.ok or result.account is None:
            log.info("conn %d: bind refused (%s): %s", c.id, result.status.name, result.reason)
            c.session.send(resp_cls(sequence_number=seq, command_status=result.status), now)
            return
        if self._faults.active:
            status = self._faults.bind_fault(p.system_id, self._rng)
            if status:
                log.info(
                    "conn %d: bind refused by a fault (%s)", c.id, pdu.CommandStatus(status).name
                )
                c.session.send(resp_cls(sequence_number=seq, command_status=status), now)
                return
        account = result.account
        self._accounts.bind_opened(account)
        c.account = account
        c.system_id = account.system_id
        c.session.apply_limits(
            window_size=account.window_size,
            max_inbound_pending=account.max_outstanding,
            inbound_full_status=account.outstanding_status,
        )
        session = c.session
        if account.interface_version < session.interface_version:
            session.cap_version(account.interface_version)  # a carrier of an older SMPP
        # The version the session runs at: 0x50 to a 5.0 bind, 0x34 to a 3.4 one as always
        # (S 2.11.2 would have the SMSC's own, but a 3.4 client that takes min(0x50, ours)
        # would then speak 5.0 to us); the session leaves it out towards a 3.3 ESME.
        version = session.interface_version
        resp = resp_cls(
            system_id=self._system_id, sequence_number=seq, sc_interface_version=version
        )
        self._send(c, resp, now)  # at 5.0 with congestion_state: the account's load so far
        log.info("conn %d: %s bound as %s", c.id, c.system_id, c.session.state.name)
        if self._faults.active:
            c.drop_after = self._faults.drop_after(c.system_id, self._rng)
        if cid != C.bind_transmitter:
            c.can_receive = True
            self._receivers.bind_added(c, now)

    def closed(self, c: Connection, ev: Closed, now: float) -> None:
        c.closed = True
        log.info("conn %d (%s): closed: %s", c.id, c.system_id or "-", ev.reason)
        if c.account is not None:
            self._accounts.bind_closed(c.account)
        self._receivers.bind_lost(c, [pending.context for pending in ev.lost], now)

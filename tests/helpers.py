"""Test helpers: two sans-I/O sessions over a fake link (h11's ConnectionPair idea).

An ESME-role ``Session`` and an SMSC-role ``Session`` exchange bytes only when the test says
so, and time is a number the test moves. Nothing here opens a socket or reads a clock.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from typing import TypeVar

import pdu
from pdu import Pdu
from smsc.smpp.session import Event, Session, SessionConfig
from smsc.smpp.states import BindState, Role

T = TypeVar("T")

BIND_STATES: dict[type[Pdu], BindState] = {
    pdu.BindTransmitter: BindState.BOUND_TX,
    pdu.BindReceiver: BindState.BOUND_RX,
    pdu.BindTransceiver: BindState.BOUND_TRX,
}


def frames(data: bytes) -> list[Pdu]:
    """Every PDU in ``data`` (which must hold whole, valid PDUs)."""
    return [pdu.decode(f) for f in pdu.Framer().feed(data)]


def raw_pdu(command_id: int, body: bytes = b"", *, sequence_number: int = 1) -> bytes:
    """A PDU as a peer that ignores our codec would put it on the wire."""
    return struct.pack(">IIII", 16 + len(body), command_id, 0, sequence_number) + body


def requests(events: list[Event]) -> list[Pdu]:
    """The peer's requests among ``events`` (they arrive as the Pdu itself)."""
    return [e for e in events if isinstance(e, Pdu)]


def of_type(events: list[Event], cls: type[T]) -> list[T]:
    return [e for e in events if isinstance(e, cls)]


class ConnectionPair:
    """An ESME session and an SMSC session wired back to back.

    ``send(side, p)`` queues ``p`` on ``side`` and carries the bytes across; it returns the
    events the other side produced. ``deliver(side)`` carries whatever ``side`` has queued.
    ``wire`` records every chunk that crossed, as (sender role, bytes).
    """

    def __init__(
        self,
        *,
        now: float = 0.0,
        esme: SessionConfig | None = None,
        smsc: SessionConfig | None = None,
    ) -> None:
        self.now = now
        self.esme = Session(replace(esme or SessionConfig(), role=Role.ESME), now)
        self.smsc = Session(replace(smsc or SessionConfig(), role=Role.SMSC), now)
        self.wire: list[tuple[Role, bytes]] = []

    def other(self, side: Session) -> Session:
        return self.smsc if side is self.esme else self.esme

    def deliver(self, sender: Session) -> list[Event]:
        data = sender.data_to_send()
        if not data:
            return []
        self.wire.append((sender.role, data))
        return self.other(sender).receive_data(data, self.now)

    def send(self, sender: Session, p: Pdu, context: object = None) -> list[Event]:
        sender.send(p, self.now, context)
        return self.deliver(sender)

    def bind(
        self,
        cls: type[Pdu] = pdu.BindTransceiver,
        *,
        interface_version: int = 0x34,
        status: int = 0,
        system_id: str = "esme",
    ) -> list[Event]:
        """The ESME binds with ``cls`` at ``interface_version``; the SMSC answers ``status``,
        reporting the version it speaks (its config's) as a real one does. Returns the ESME's
        events."""
        bind = cls(system_id=system_id, password="pw", interface_version=interface_version)  # type: ignore[call-arg]
        (received,) = self.send(self.esme, bind)
        resp_cls = pdu.response_class(received)
        assert resp_cls is not None
        if status:
            resp = resp_cls(sequence_number=received.sequence_number, command_status=status)
        else:
            resp = resp_cls(  # type: ignore[call-arg]
                system_id="smsc",
                sequence_number=received.sequence_number,
                sc_interface_version=self.smsc.config.interface_version,
            )
        return self.send(self.smsc, resp)

    def advance(self, seconds: float) -> tuple[list[Event], list[Event]]:
        """Move time on and run both sessions' timers: (ESME events, SMSC events)."""
        self.now += seconds
        return self.esme.handle_timer(self.now), self.smsc.handle_timer(self.now)

"""One TCP connection as the core sees it, and the set of those with output to write."""

from __future__ import annotations

from dataclasses import dataclass

from pdu import Pdu

from ..config import AccountConfig
from ..smpp.session import Session

__all__ = ["Connection", "Outbox"]


@dataclass(eq=False)
class Connection:
    id: int
    session: Session
    peer: str
    account: AccountConfig | None = None  # set by a successful bind
    system_id: str = ""
    can_receive: bool = False  # bound as receiver or transceiver
    closed: bool = False
    drop_after: int = 0  # a drop_session fault closes it after this many more PDUs (0: never)
    outbind_for: str | None = None  # we opened it and sent outbind: only this account binds


class Outbox:
    """Connections with bytes to write, or to close, since the adapter last asked."""

    __slots__ = ("_dirty",)

    def __init__(self) -> None:
        self._dirty: dict[int, Connection] = {}

    def touch(self, c: Connection) -> None:
        self._dirty[c.id] = c

    def send(self, c: Connection, p: Pdu, now: float) -> None:
        """Send ``p`` on ``c`` unless it closed meanwhile (a late or released response)."""
        if not c.closed and not c.session.closed:
            c.session.send(p, now)
            self._dirty[c.id] = c

    def take(self) -> list[Connection]:
        out = list(self._dirty.values())
        self._dirty.clear()
        return out

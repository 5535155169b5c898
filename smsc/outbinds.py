"""Outbind, the Twisted side: connect out to each ``[[outbinds]]`` ESME and keep connecting.

For each entry the server opens a TCP connection to the ESME's host and port; once it is up
the core sends outbind on it (``Smsc.outbind``) and serves the bind that follows like any
other, as the entry's account, delivering what is queued for it. When the connection fails
or drops, the next attempt comes after ``retry_delay``: ``retry_interval`` after a
connection that was bound, doubled for each attempt in a row that failed or never bound, up
to OUTBIND_RETRY_MAX (or ``retry_interval`` when that is longer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet.base import DelayedCall
from twisted.internet.interfaces import IAddress
from twisted.internet.protocol import ClientFactory, Protocol
from twisted.python.failure import Failure

from .config import OUTBIND_RETRY_MAX, OutbindConfig
from .core import Connection

if TYPE_CHECKING:
    from .server import SmscServer

__all__ = ["OutbindLink", "Outbinds", "retry_delay"]

log = logging.getLogger("smsc.server")

CONNECT_TIMEOUT = 10.0  # seconds for the TCP connection to the ESME


def retry_delay(cfg: OutbindConfig, failures: int) -> float:
    """Seconds before the next attempt after ``failures`` attempts in a row that failed (0:
    the last connection was bound, then dropped)."""
    cap = max(OUTBIND_RETRY_MAX, cfg.retry_interval)
    return min(cap, cfg.retry_interval * 2.0 ** min(failures, 32))


class Outbinds:
    """Every ``[[outbinds]]`` entry of ``server``'s config, connected and reconnected."""

    def __init__(self, server: SmscServer, protocol: Callable[..., Protocol]) -> None:
        """``protocol(server, outbind=link)`` makes the adapter's protocol for a connection
        we opened (smsc.server's SmppProtocol)."""
        self.server = server
        self.links = [OutbindLink(server, cfg, protocol) for cfg in server.config.outbinds]

    def start(self) -> None:
        for link in self.links:
            link.connect()

    def stop(self) -> None:
        """No more attempts (shutdown); connections up are unbound by the server."""
        for link in self.links:
            link.stop()


class OutbindLink(ClientFactory):
    """One entry: its connection attempts and the backoff between them."""

    def __init__(
        self, server: SmscServer, cfg: OutbindConfig, protocol: Callable[..., Protocol]
    ) -> None:
        self.server = server
        self.cfg = cfg
        self.make_protocol = protocol
        self.failures = 0
        self.timer: DelayedCall | None = None
        self.stopped = False
        self.conn: Connection | None = None  # the connection up, if any

    def connect(self) -> None:
        self.timer = None
        if self.stopped:
            return
        cfg = self.cfg
        log.info("outbind %s: connecting to %s:%d", cfg.account, cfg.host, cfg.port)
        self.server.reactor.connectTCP(cfg.host, cfg.port, self, timeout=CONNECT_TIMEOUT)

    def stop(self) -> None:
        self.stopped = True
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None

    def buildProtocol(self, addr: IAddress | None) -> Protocol:  # noqa: N802 - Twisted's
        return self.make_protocol(self.server, outbind=self)

    def opened(self, peer: str, now: float) -> Connection:
        """The TCP connection is up: the core sends outbind on it."""
        self.conn = self.server.core.outbind(self.cfg, peer, now)
        return self.conn

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:  # noqa: N802
        self._again(f"cannot connect: {reason.getErrorMessage()}")

    def clientConnectionLost(self, connector: Any, reason: Failure) -> None:  # noqa: N802
        conn, self.conn = self.conn, None
        if conn is not None and conn.account is not None:
            self.failures = 0  # it was bound: start again from retry_interval
        self._again("connection closed")

    def _again(self, why: str) -> None:
        if self.stopped:
            return
        delay = retry_delay(self.cfg, self.failures)
        self.failures += 1
        log.info("outbind %s: %s; again in %gs", self.cfg.account, why, delay)
        self.timer = self.server.reactor.callLater(delay, self.connect)

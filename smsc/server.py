"""The Twisted adapter: sockets, timers and the store's worker thread around ``smsc.core``.

It is deliberately thin: ``dataReceived`` hands bytes and the time to the core, then writes
whatever the core's sessions produced. One timer per connection (re-armed only when its
deadline moves earlier) and one for the core's scheduler. Batches of store writes run in a
worker thread, one at a time, so changes that arrive meanwhile form the next batch.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from twisted.internet import defer, threads
from twisted.internet.base import DelayedCall
from twisted.internet.interfaces import IAddress
from twisted.internet.protocol import Factory, Protocol
from twisted.python.failure import Failure

from carriers import CarriersConfig
from carriers.outcome import OutcomeModel

from .checks import ChecksConfig
from .config import ServerConfig, StoreKind
from .core import Connection, Held, Smsc
from .metrics import Family, collect, count_frames
from .outbinds import OutbindLink, Outbinds
from .store import Batch, MemoryStore, Retention, SqliteStore, Store

log = logging.getLogger("smsc.server")

DB_NAME = "smsc.sqlite3"
# Retention works in steps of at most this many messages (and as many broadcasts): a few ms
# of SQLite work, so a batch that forms meanwhile waits little; larger steps cost more per
# message (a step of 1,000 dirties enough pages to set off a WAL checkpoint).
# docs/performance.md, "Retention".
PRUNE_STEP = 250
PRUNE_IDLE = 1.0  # seconds before looking again once a step found less than a whole step


def retention_step(store: Store, retention: Retention, now: float) -> tuple[int, int]:
    """One retention step: the final messages, then the final broadcasts it pruned (each
    at most PRUNE_STEP)."""
    return (
        store.prune(retention, now, PRUNE_STEP),
        store.prune_broadcasts(retention, now, PRUNE_STEP),
    )


def open_store(config: ServerConfig) -> tuple[Store, bool]:
    """The configured store and whether it is durable (responses wait for commits)."""
    if config.store is StoreKind.MEMORY:
        return MemoryStore(share_records=True), False
    data_dir = Path(config.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteStore(data_dir / DB_NAME, max_bytes=config.store_max_bytes), True


class SmppProtocol(Protocol):
    def __init__(self, server: SmscServer, outbind: OutbindLink | None = None) -> None:
        self.server = server
        self.outbind = outbind  # set on a connection we opened to send outbind
        self.conn: Connection | None = None
        self.timer: DelayedCall | None = None
        self.stall: DelayedCall | None = None  # running while the peer does not read

    def connectionMade(self) -> None:  # noqa: N802 - Twisted's name
        transport: Any = self.transport
        host = getattr(transport.getPeer(), "host", "?")
        with contextlib.suppress(AttributeError):  # not a TCP transport (tests)
            transport.setTcpNoDelay(True)
        # Back-pressure: Twisted pauses us when its write buffer for this peer is full.
        transport.registerProducer(self, True)
        now = self.server.now()
        if self.outbind is not None:
            self.conn = self.outbind.opened(host, now)
        else:
            self.conn = self.server.core.connect(host, now)
        self.server.protocols[self.conn.id] = self
        if self.outbind is not None:
            self.server.flush()  # the outbind PDU
        self.server.arm(self)

    def dataReceived(self, data: bytes) -> None:  # noqa: N802
        assert self.conn is not None
        self.server.core.receive(self.conn, data, self.server.now())
        self.server.flush()

    def pauseProducing(self) -> None:  # noqa: N802 - IPushProducer
        """The peer does not read what we write: stop reading its requests (their answers
        would pile up in memory) and drop it if it stays so for response_timeout."""
        transport: Any = self.transport
        transport.pauseProducing()
        if self.stall is None:
            timeout = self.server.config.timers.response_timeout
            conn_id = self.conn.id if self.conn is not None else 0
            log.info("conn %d: peer is not reading; stopped reading from it", conn_id)
            self.stall = self.server.reactor.callLater(timeout, self.stall_expired)

    def resumeProducing(self) -> None:  # noqa: N802 - IPushProducer
        if self.stall is not None and self.stall.active():
            self.stall.cancel()
        self.stall = None
        transport: Any = self.transport
        transport.resumeProducing()

    def stopProducing(self) -> None:  # noqa: N802 - IPushProducer
        pass  # the connection is going; connectionLost cleans up

    def stall_expired(self) -> None:
        self.stall = None
        conn_id = self.conn.id if self.conn is not None else 0
        log.info("conn %d: dropped: peer did not read for response_timeout", conn_id)
        transport: Any = self.transport
        transport.abortConnection()

    def connectionLost(self, reason: Failure = None) -> None:  # type: ignore[assignment]  # noqa: N802
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        if self.stall is not None and self.stall.active():
            self.stall.cancel()
        self.stall = None
        if self.conn is not None:
            self.server.protocols.pop(self.conn.id, None)
            self.server.core.disconnected(self.conn, self.server.now())
            self.server.flush()

    def timer_fired(self) -> None:
        self.timer = None
        if self.conn is not None and not self.conn.closed:
            self.server.core.session_timer(self.conn, self.server.now())
            self.server.flush()


class SmppFactory(Factory):
    def __init__(self, server: SmscServer) -> None:
        self.server = server

    def buildProtocol(self, addr: IAddress | None) -> SmppProtocol:  # noqa: N802
        return SmppProtocol(self.server)


class SmscServer:
    def __init__(
        self,
        config: ServerConfig,
        reactor: Any,
        *,
        store: Store | None = None,
        durable: bool | None = None,
        outcome: OutcomeModel | None = None,
        carriers: CarriersConfig | None = None,
        checks: ChecksConfig | None = None,
    ) -> None:
        self.config = config
        self.reactor = reactor
        if store is None:
            store, is_durable = open_store(config)
            durable = is_durable if durable is None else durable
        self.store = store
        self.durable = bool(durable)
        self.core = Smsc(
            config,
            store=store,
            durable=self.durable,
            now=self.now(),
            outcome=outcome,
            carriers=carriers,
            checks=checks,
        )
        self.protocols: dict[int, SmppProtocol] = {}
        self.factory = SmppFactory(self)
        self.outbinds = Outbinds(self, SmppProtocol)  # [[outbinds]]: connected once we listen
        self.port: Any = None
        self._tick_timer: DelayedCall | None = None
        self._retry_log_timer: DelayedCall | None = None
        self._writing = False
        self._write_done: defer.Deferred[None] | None = None
        # The HTTP API: told of each batch once it is stored; PDUs written, for /metrics.
        self.batch_listeners: list[Callable[[Batch], None]] = []
        self.pdus_sent: dict[tuple[int, int], int] = {}
        self._resets: list[defer.Deferred[None]] = []
        # Retention: final messages and broadcasts pruned so far (for /metrics), when the
        # next step is due.
        self.retention = config.retention
        self.pruned = 0
        self.pruned_broadcasts = 0
        self._next_prune = self.now()
        self._prune_timer: DelayedCall | None = None
        self._stopping = False  # shutdown began: no more retention steps

    def now(self) -> float:
        t: float = self.reactor.seconds()
        return t

    def listen(self) -> Any:
        self.port = self.reactor.listenTCP(
            self.config.smpp_port, self.factory, interface=self.config.smpp_host
        )
        self.arm_tick()
        self.outbinds.start()
        return self.port

    def listen_tls(self, port: int, context_factory: Any) -> Any:
        """SMPP over TLS on a port of its own, same sessions and core as the plain port."""
        self.tls_port = self.reactor.listenSSL(
            port, self.factory, context_factory, interface=self.config.smpp_host
        )
        return self.tls_port

    # -- output and timers ----------------------------------------------------------------

    def flush(self) -> None:
        for c in self.core.take_output():
            proto = self.protocols.get(c.id)
            if proto is None or proto.transport is None:
                continue
            transport: Any = proto.transport
            data = c.session.data_to_send()
            if data:
                count_frames(data, self.pdus_sent)
                transport.write(data)
            if c.session.closed:
                transport.unregisterProducer()  # else a paused one keeps it from closing
                transport.loseConnection()
            else:
                self.arm(proto)
        self.arm_tick()
        if self._retry_log_timer is None and self.core.retry_log.due() is not None:
            self._arm_retry_log()
        self.write_batch()

    def arm(self, proto: SmppProtocol) -> None:
        assert proto.conn is not None
        deadline = proto.conn.session.next_deadline()
        timer = proto.timer
        if deadline is None:
            if timer is not None and timer.active():
                timer.cancel()
            proto.timer = None
            return
        # Deadlines mostly move later (each PDU received pushes the idle timers); a timer
        # that fires early just re-arms, which is cheaper than resetting it on every PDU.
        if timer is not None and timer.active() and timer.getTime() <= deadline:
            return
        if timer is not None and timer.active():
            timer.cancel()
        proto.timer = self.reactor.callLater(max(0.0, deadline - self.now()), proto.timer_fired)

    def arm_tick(self) -> None:
        deadline = self.core.next_deadline()
        timer = self._tick_timer
        if deadline is None:
            return
        if timer is not None and timer.active():
            if timer.getTime() <= deadline:
                return
            timer.cancel()
        self._tick_timer = self.reactor.callLater(max(0.0, deadline - self.now()), self._tick)

    def _arm_retry_log(self) -> None:
        due = self.core.retry_log.due()
        if due is not None:
            delay = max(0.0, due - self.now())
            self._retry_log_timer = self.reactor.callLater(delay, self._log_retries)

    def _log_retries(self, *, force: bool = False) -> None:
        """Log the delivery retries of a window that has ended (the core logs one only when
        the next retry comes; this is for when none comes)."""
        self._retry_log_timer = None
        for line in self.core.retry_log.flush(self.now(), force=force):
            log.info("%s", line)
        if not force:
            self._arm_retry_log()  # a retry since the timer was armed opened a later window

    def _tick(self) -> None:
        self._tick_timer = None
        self.core.tick(self.now())
        self.flush()

    # -- store ----------------------------------------------------------------------------

    def write_batch(self) -> None:
        if self._writing:
            return
        held = self.core.take_batch()
        if held is None:
            self._prune()  # the writer is idle
            return
        if not self.durable:
            # The in-memory store is fast and thread-safe; no worker thread needed.
            self._apply_now(held)
            self._prune()
            return
        self._writing = True
        d = threads.deferToThreadPool(
            self.reactor, self.reactor.getThreadPool(), self.store.apply, held.batch
        )
        d.addCallbacks(self._written, self._write_failed, callbackArgs=(held,), errbackArgs=(held,))

    def _apply_now(self, held: Held) -> None:
        try:
            self.store.apply(held.batch)
        except Exception as e:
            self.core.batch_done(held, self.now(), e)
        else:
            self.core.batch_done(held, self.now())
            self._stored(held.batch)

    def _written(self, _: object, held: Held) -> None:
        self._writing = False
        self.core.batch_done(held, self.now())
        self._stored(held.batch)
        if self._prune():  # one bounded step between two batches, when one is due
            self._reset_now()
            self.flush()  # sends the responses released above; the next batch waits a step
            return
        self._after_write()

    def _write_failed(self, failure: Failure, held: Held) -> None:
        self._writing = False
        err = failure.value
        self.core.batch_done(held, self.now(), err if isinstance(err, Exception) else None)
        self._after_write()

    def _after_write(self) -> None:
        self._reset_now()
        self.flush()  # sends released responses and starts the next batch
        if not self._writing and self._write_done is not None:
            d, self._write_done = self._write_done, None
            d.callback(None)

    # -- retention --------------------------------------------------------------------------

    def _prune(self) -> bool:
        """Run one retention step if one is due; True if it went to the writer thread. A
        step is due at once while the last one found a whole step's worth (the store is
        behind its limits), else PRUNE_IDLE later; a timer wakes an idle server for it."""
        if not self.retention.enabled or self._resets or self._stopping:
            return False
        now = self.now()
        if now < self._next_prune:
            if self._prune_timer is None or not self._prune_timer.active():
                self._prune_timer = self.reactor.callLater(self._next_prune - now, self._prune_woke)
            return False
        self._next_prune = now + PRUNE_IDLE  # until the step says there is more
        if not self.durable:
            self._pruned(retention_step(self.store, self.retention, now))
            return False
        self._writing = True
        d = threads.deferToThreadPool(
            self.reactor,
            self.reactor.getThreadPool(),
            retention_step,
            self.store,
            self.retention,
            now,
        )
        d.addCallbacks(self._pruned, self._prune_failed)
        d.addBoth(self._prune_done)
        return True

    def _prune_woke(self) -> None:
        self._prune_timer = None
        if not self._writing:
            self.write_batch()

    def _pruned(self, counts: tuple[int, int]) -> None:
        messages, broadcasts = counts
        self.pruned += messages
        self.pruned_broadcasts += broadcasts
        if messages >= PRUNE_STEP or broadcasts >= PRUNE_STEP:
            self._next_prune = self.now()

    def _prune_failed(self, failure: Failure) -> None:
        # Not fatal: records stay a while longer; the next step is tried PRUNE_IDLE later.
        log.warning("retention step failed: %s", failure.getErrorMessage())

    def _prune_done(self, _: object) -> None:
        self._writing = False
        self._after_write()

    def metric_families(self) -> list[Family]:
        """What /metrics shows: the core's state and counters, the PDUs written, and what
        retention pruned."""
        return collect(
            self.core,
            self.pdus_sent,
            self.pruned,
            now=self.now(),
            pruned_broadcasts=self.pruned_broadcasts,
        )

    def _stored(self, batch: Batch) -> None:
        for listener in self.batch_listeners:
            listener(batch)

    # -- harness ----------------------------------------------------------------------------

    def reset(self) -> defer.Deferred[None]:
        """Forget every message (between tests), once no batch write is in flight: a batch
        committed after the store is emptied would bring its messages back."""
        d: defer.Deferred[None] = defer.Deferred()
        self._resets.append(d)
        if not self._writing:
            self._reset_now()
        return d

    def _reset_now(self) -> None:
        if not self._resets:
            return
        self.core.reset(self.now())
        self.store.delete_all()
        waiting, self._resets = self._resets, []
        self.flush()
        for d in waiting:
            d.callback(None)

    # -- shutdown -------------------------------------------------------------------------

    @defer.inlineCallbacks
    def shutdown(self, grace: float = 2.0) -> Any:
        """Unbind every session, give them ``grace`` seconds, flush the store, close it."""
        log.info("shutting down: unbinding %d session(s)", len(self.protocols))
        self._stopping = True
        if self.port is not None:
            yield self.port.stopListening()
        self.outbinds.stop()
        self.core.unbind_all(self.now())
        self.flush()
        waited = 0.0
        while self.protocols and waited < grace:
            yield _sleep(self.reactor, 0.05)
            waited += 0.05
        for proto in list(self.protocols.values()):
            transport: Any = proto.transport
            if transport is not None:
                transport.loseConnection()
        for timer in (self._tick_timer, self._retry_log_timer, self._prune_timer):
            if timer is not None and timer.active():
                timer.cancel()
        self._log_retries(force=True)
        # Drain the store: wait for the write in flight, then write what is left.
        while self._writing or self.core.has_pending_batch():
            if not self._writing:
                self.write_batch()
            if self._writing:
                self._write_done = defer.Deferred()
                yield self._write_done
        self.store.close()
        # One line a load run can check its own totals against (loadtests/, issue 6).
        counters = " ".join(f"{k}={v}" for k, v in self.core.counters.items())
        log.info("counters at shutdown: %s", counters)


def _sleep(reactor: Any, seconds: float) -> defer.Deferred[None]:
    d: defer.Deferred[None] = defer.Deferred()
    reactor.callLater(seconds, d.callback, None)
    return d

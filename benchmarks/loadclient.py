"""Pipelined SMPP load client over loopback, on our codec and plain sockets (no Twisted).

Run by benchmarks/server_bench.py, one process per group of binds; usable alone::

    .venv/bin/python benchmarks/loadclient.py --port 2775 --binds 1 --window 10 --duration 5

Each bind is a bind_transceiver that keeps ``--window`` submit_sm (registered_delivery=1)
outstanding, answers every deliver_sm with deliver_sm_resp at once and correlates receipts
with their submit_sm by message_id (the receipted_message_id TLV, else the ``id:`` field of
the receipt text). After a warm-up it measures for ``--duration`` seconds (or until each
bind has had ``--count`` responses), stops submitting, waits for outstanding responses and
receipts (at most ``--drain`` seconds), unbinds and prints one JSON object on stdout.

The PDUs sent are encoded once by ``pdu.encode`` and only their sequence_number is patched
per send; everything received goes through ``pdu.Framer.feed_pdus``. Two I/O loops with the
same per-connection logic: ``selectors`` over non-blocking sockets (default, lighter, see
benchmarks/README.md) and asyncio protocols.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import selectors
import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdu  # noqa: E402  (the repository's codec, after the path set-up above)

_SEQ = struct.Struct(">I")
_pack_seq = _SEQ.pack_into
_MAX_SEQ = 0x7FFFFFFF
_ESM_TYPE_MASK = 0x3C
_ESM_DELIVERY_RECEIPT = 0x04
_RECV = 262_144


def _template(p: pdu.Pdu) -> bytes:
    """A PDU encoded with sequence_number 0; offset 12 is patched per send."""
    return pdu.encode(p)


def _receipt_id(p: pdu.DeliverSm) -> str | None:
    if p.receipted_message_id is not None:
        return str(p.receipted_message_id)
    sm = p.short_message
    at = sm.find(b"id:")
    if at < 0:
        return None
    end = sm.find(b" ", at)
    return sm[at + 3 : end if end >= 0 else len(sm)].decode("ascii", "replace")


class Conn:
    """One bind: window, correlation and counters. I/O-free: bytes in, ``self.out`` out."""

    def __init__(
        self,
        window: int,
        count: int,
        submit: bytes,
        expect_receipts: bool,
        owed: dict[str, float],
        early: dict[str, float],
    ) -> None:
        self.window = window
        self.count = count  # responses to measure per bind, 0 = no limit
        self.expect_receipts = expect_receipts
        self.framer = pdu.Framer()
        self.out = bytearray()
        self.seq = 1
        self.submit = submit
        self.submit_len = len(submit)
        self.resp_tmpl = _template(pdu.DeliverSmResp())
        self.link_resp_tmpl = _template(pdu.EnquireLinkResp())
        self.sent_at: dict[int, float] = {}  # sequence_number -> perf_counter at submit
        # Shared by all binds of the process: a receipt may come on any receiver bind of
        # the system_id, not the one that submitted (SMPP 3.4 2.3.2; smpp.twisted3 rotates).
        self.owed = owed  # message_id -> submit time, awaiting its receipt
        self.early = early  # message_id -> arrival, receipts that overtook their resp
        self.outstanding = 0
        self.submitting = False
        self.t0 = 0.0  # measured submits are those sent in [t0, t1)
        self.t1 = float("inf")
        self.unbound = False
        self.bind_ok = False
        self.bind_seq = 0
        self.unbind_seq = 0
        self.measured_sent = 0
        self.resps_in_window = 0
        self.receipts_in_window = 0
        self.resp_ok = 0  # measured submits answered ESME_ROK (receipts expected for these)
        self.receipts_total = 0
        self.receipts_unknown = 0
        self.errors: dict[str, int] = {}
        self.resp_lat: list[float] = []
        self.receipt_lat: list[float] = []
        self.count_done_at = 0.0

    def next_seq(self) -> int:
        self.seq = self.seq + 1 if self.seq < _MAX_SEQ else 1
        return self.seq

    def request(self, p: pdu.Pdu) -> int:
        p.sequence_number = self.next_seq()
        self.out += pdu.encode(p)
        return p.sequence_number

    def send_submit(self, now: float) -> None:
        seq = self.next_seq()
        out = self.out
        out += self.submit
        _pack_seq(out, len(out) - self.submit_len + 12, seq)
        self.sent_at[seq] = now
        self.outstanding += 1
        if self.t0 <= now < self.t1:
            self.measured_sent += 1

    def fill(self, now: float) -> None:
        while self.submitting and self.outstanding < self.window:
            if self.count and self.measured_sent >= self.count:
                self.submitting = False
                break
            self.send_submit(now)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def feed(self, data: bytes, now: float) -> None:
        in_window = self.t0 <= now < self.t1
        for p in self.framer.feed_pdus(data):
            # isinstance (not type() is) so that mypy narrows; exact classes, same cost.
            if isinstance(p, pdu.SubmitSmResp):
                sent = self.sent_at.pop(p.sequence_number, None)
                if sent is None:
                    self.error("submit_sm_resp for no submit_sm")
                    continue
                self.outstanding -= 1
                measured = self.t0 <= sent < self.t1
                if in_window:
                    self.resps_in_window += 1
                if p.command_status:
                    self.error(f"submit_sm_resp status 0x{p.command_status:08X}")
                elif measured:
                    self.resp_lat.append(now - sent)
                    self.resp_ok += 1
                    if self.expect_receipts:
                        got = self.early.pop(p.message_id, None)
                        if got is None:
                            self.owed[p.message_id] = sent
                        else:
                            self.receipt_lat.append(got - sent)
                if self.count and self.resp_ok >= self.count and not self.count_done_at:
                    self.count_done_at = now
                if self.submitting:
                    self.fill(now)
            elif isinstance(p, pdu.DeliverSm):
                out = self.out
                out += self.resp_tmpl
                _pack_seq(out, len(out) - len(self.resp_tmpl) + 12, p.sequence_number)
                if (p.esm_class & _ESM_TYPE_MASK) != _ESM_DELIVERY_RECEIPT:
                    self.error("deliver_sm that is not a receipt")
                    continue
                self.receipts_total += 1
                if in_window:
                    self.receipts_in_window += 1
                mid = _receipt_id(p)
                if mid is None:
                    self.receipts_unknown += 1
                    continue
                sent = self.owed.pop(mid, None)
                if sent is not None:
                    self.receipt_lat.append(now - sent)
                elif len(self.early) < 1_000_000:  # bounded: a server inventing ids
                    self.early[mid] = now
            elif isinstance(p, pdu.EnquireLink):
                out = self.out
                out += self.link_resp_tmpl
                _pack_seq(out, len(out) - len(self.link_resp_tmpl) + 12, p.sequence_number)
            elif isinstance(p, pdu.BindTransceiverResp):
                self.bind_ok = p.command_status == 0
                if not self.bind_ok:
                    self.error(f"bind_transceiver_resp status 0x{p.command_status:08X}")
            elif isinstance(p, pdu.UnbindResp):
                self.unbound = True
            elif isinstance(p, pdu.Unbind):
                self.out += pdu.encode(pdu.UnbindResp(sequence_number=p.sequence_number))
                self.unbound = True
            elif isinstance(p, pdu.PduError):
                self.error(f"undecodable PDU: {p}")
                if isinstance(p, pdu.FramingError):
                    self.unbound = True
            else:
                self.error(f"unexpected {type(p).__name__}")

    def settled(self) -> bool:
        """No response outstanding and no receipt still owed for a measured submit."""
        return self.outstanding == 0 and (not self.expect_receipts or not self.owed)


def _submit_template() -> bytes:
    return _template(
        pdu.SubmitSm(
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr="447700900123",
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr="447700900456",
            registered_delivery=1,
            short_message=b"Benchmark message 0123456789",
        )
    )


def _bind_pdu(args: argparse.Namespace) -> pdu.BindTransceiver:
    return pdu.BindTransceiver(
        system_id=args.system_id, password=args.password, interface_version=0x34
    )


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _wait_until_wall(wall: float) -> None:
    delay = wall - time.time()
    if delay > 0:
        time.sleep(delay)


class Run:
    """The phases shared by both I/O loops: bind, warm up, measure, drain, unbind."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        submit = _submit_template()
        self.owed: dict[str, float] = {}
        self.early: dict[str, float] = {}
        receipts = not args.no_receipts
        self.conns = [
            Conn(args.window, args.count, submit, receipts, self.owed, self.early)
            for _ in range(args.binds)
        ]
        self.phase = "bind"
        self.cpu0 = self.cpu1 = 0.0
        self.t0 = self.t1 = 0.0
        self.drain_end = 0.0

    def start_binds(self) -> None:
        for c in self.conns:
            c.bind_seq = c.request(_bind_pdu(self.args))

    def bound(self) -> bool:
        return all(c.bind_ok or c.errors for c in self.conns)

    def start_load(self, now: float) -> None:
        a = self.args
        self.t0 = now + a.warmup
        self.t1 = self.t0 + a.duration
        for c in self.conns:
            c.t0, c.t1 = self.t0, self.t1
            c.submitting = c.bind_ok
            c.fill(now)
        self.phase = "warmup"

    def tick(self, now: float) -> bool:
        """Advance the phases by the clock; False when the run is over."""
        a = self.args
        if self.phase == "warmup" and now >= self.t0:
            self.cpu0 = _cpu()
            self.phase = "measure"
        if self.phase == "measure":
            counted = a.count and all(c.count_done_at or not c.bind_ok for c in self.conns)
            if now >= self.t1 or counted:
                if counted and now < self.t1:
                    # The window closes at the last counted response; later ones don't count.
                    self.t1 = max(c.count_done_at for c in self.conns)
                    for c in self.conns:
                        c.t1 = self.t1
                self.cpu1 = _cpu()
                for c in self.conns:
                    c.submitting = False
                self.phase = "drain"
                self.drain_end = now + a.drain
        if self.phase == "drain" and (
            now >= self.drain_end or all(c.settled() for c in self.conns)
        ):
            for c in self.conns:
                if not c.unbound:
                    c.unbind_seq = c.request(pdu.Unbind())
            self.phase = "unbind"
            self.drain_end = now + 2.0
        if self.phase == "unbind":
            return not (now >= self.drain_end or all(c.unbound for c in self.conns))
        return True

    def report(self, io: str) -> dict[str, Any]:
        elapsed = self.t1 - self.t0
        cpu = self.cpu1 - self.cpu0
        errors: dict[str, int] = {}
        for c in self.conns:
            for k, v in c.errors.items():
                errors[k] = errors.get(k, 0) + v
        return {
            "io": io,
            "binds": len(self.conns),
            "bound": sum(c.bind_ok for c in self.conns),
            "elapsed": elapsed,
            "cpu_seconds": cpu,
            "submitted": sum(c.measured_sent for c in self.conns),
            "resps_in_window": sum(c.resps_in_window for c in self.conns),
            "receipts_in_window": sum(c.receipts_in_window for c in self.conns),
            "resp_ok": sum(c.resp_ok for c in self.conns),
            "receipts_total": sum(c.receipts_total for c in self.conns),
            # Left for the caller to match across processes (perf_counter is CLOCK_MONOTONIC,
            # one clock for the whole machine).
            "owed_us": [[m, round(t * 1e6)] for m, t in self.owed.items()],
            "early_us": [[m, round(t * 1e6)] for m, t in self.early.items()],
            "receipts_unknown": sum(c.receipts_unknown for c in self.conns),
            "clean_unbind": all(c.unbound for c in self.conns),
            "errors": errors,
            # Microseconds as integers keep the JSON small for 10^5-10^6 samples.
            "resp_lat_us": [round(x * 1e6) for c in self.conns for x in c.resp_lat],
            "receipt_lat_us": [round(x * 1e6) for c in self.conns for x in c.receipt_lat],
        }


def run_selectors(args: argparse.Namespace) -> dict[str, Any]:
    run = Run(args)
    sel = selectors.DefaultSelector()
    socks: list[socket.socket] = []
    try:
        for c in run.conns:
            s = socket.create_connection((args.host, args.port), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(False)
            socks.append(s)
            sel.register(s, selectors.EVENT_READ, c)
        run.start_binds()
        perf = time.perf_counter
        left = _flush(socks, run.conns)
        deadline = perf() + 10
        while not run.bound() and perf() < deadline:
            _poll(sel, 0.5)
            left = _flush(socks, run.conns)
        if not run.bound():
            raise SystemExit("bind_transceiver_resp not received within 10 s")
        _wait_until_wall(args.start_at)
        run.start_load(perf())
        left = _flush(socks, run.conns)
        while run.tick(perf()):
            # With output left over, poll briefly and retry rather than block on writability.
            if _poll(sel, 0.001 if left else 0.05):
                return run.report("selectors") | {"disconnected": True}
            left = _flush(socks, run.conns)
        return run.report("selectors")
    finally:
        sel.close()
        for s in socks:
            s.close()


def _poll(sel: selectors.BaseSelector, timeout: float) -> bool:
    """Read whatever is ready; True if a peer closed the connection."""
    closed = False
    for key, _ev in sel.select(timeout):
        s: socket.socket = key.fileobj  # type: ignore[assignment]
        c: Conn = key.data
        try:
            data = s.recv(_RECV)
        except BlockingIOError:
            continue
        except ConnectionError:
            data = b""
        if not data:
            sel.unregister(s)
            c.unbound = True
            closed = closed or c.submitting
            continue
        c.feed(data, time.perf_counter())
    return closed


def _flush(socks: list[socket.socket], conns: list[Conn]) -> bool:
    """Write what each bind has queued; True if some is left (kernel buffer full)."""
    left = False
    for s, c in zip(socks, conns, strict=True):
        out = c.out
        if not out:
            continue
        try:
            n = s.send(out)
        except BlockingIOError:
            n = 0
        except ConnectionError:
            n = len(out)
        del out[:n]
        left = left or bool(out)
    return left


class _Proto(asyncio.Protocol):
    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.transport: asyncio.Transport | None = None
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        c = self.conn
        c.feed(data, time.perf_counter())
        self.flush()

    def flush(self) -> None:
        c = self.conn
        if c.out and self.transport is not None:
            self.transport.write(bytes(c.out))
            c.out.clear()

    def connection_lost(self, exc: Exception | None) -> None:
        self.conn.unbound = True
        if not self.lost.done():
            self.lost.set_result(None)


def _factory(conn: Conn) -> Callable[[], _Proto]:
    return lambda: _Proto(conn)


async def _run_asyncio(args: argparse.Namespace) -> dict[str, Any]:
    run = Run(args)
    loop = asyncio.get_running_loop()
    protos: list[_Proto] = []
    try:
        for c in run.conns:
            _t, p = await loop.create_connection(_factory(c), args.host, args.port)
            protos.append(p)
        run.start_binds()
        for p in protos:
            p.flush()
        deadline = time.perf_counter() + 10
        while not run.bound() and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        if not run.bound():
            raise SystemExit("bind_transceiver_resp not received within 10 s")
        await asyncio.sleep(max(0.0, args.start_at - time.time()))
        run.start_load(time.perf_counter())
        for p in protos:
            p.flush()
        # Responses drive the load from data_received; this loop only moves the phases.
        while run.tick(time.perf_counter()):
            for p in protos:
                p.flush()
            await asyncio.sleep(0.05)
        return run.report("asyncio")
    finally:
        for p in protos:
            if p.transport is not None:
                p.transport.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--binds", type=int, default=1, help="transceiver binds in this process")
    ap.add_argument("--window", type=int, default=10, help="submit_sm outstanding per bind")
    ap.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    ap.add_argument("--count", type=int, default=0, help="stop after N responses per bind")
    ap.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first")
    ap.add_argument("--drain", type=float, default=3.0, help="max wait for late receipts")
    ap.add_argument("--no-receipts", action="store_true", help="the server sends none")
    ap.add_argument("--system-id", default="bench")
    ap.add_argument("--password", default="bench")
    ap.add_argument("--io", choices=("selectors", "asyncio"), default="selectors")
    ap.add_argument("--cpu", type=int, default=-1, help="pin this process to one CPU")
    ap.add_argument(
        "--start-at",
        type=float,
        default=0.0,
        help="wall-clock time (time.time()) to start the load: aligns several processes",
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    result = asyncio.run(_run_asyncio(args)) if args.io == "asyncio" else run_selectors(args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

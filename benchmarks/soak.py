"""Soak: many binds held while a few of them submit at a high rate; the server's RSS over time.

A script (also imported by ``tests/reliability/test_soak.py`` for a short run). Starts
``python -m smsc serve`` on a free port on 127.0.0.1 (SQLite store in a temporary data dir
by default, receipts on), opens ``--binds`` bind_transceiver sessions, of which ``--active``
keep ``--window`` submit_sm (registered_delivery=1) outstanding and every bind answers
deliver_sm and enquire_link at once. The server's VmRSS is sampled every ``--sample``
seconds. After ``--minutes`` the load stops, every socket is closed and the server is
stopped by its PID (SIGTERM, then SIGKILL). Prints one JSON object::

    .venv/bin/python benchmarks/soak.py --binds 1000 --minutes 10

With the SQLite store each sample also holds the store's size on disk (the database file and
its WAL), to see retention level it off: ``--config`` passes a config file (``[retention]``)
to the server.

Everything is bounded: the run ends after its duration plus ``--drain`` seconds whatever
the server does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdu  # noqa: E402
from smsc.serve_process import start_serve  # noqa: E402

_HEADER = struct.Struct(">IIII")
BINDS_PER_SYSTEM_ID = 50


def rss_kib(pid: int) -> int:
    m = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) if m else 0


@dataclass
class Conn:
    sock: socket.socket
    active: bool
    framer: pdu.Framer = field(default_factory=pdu.Framer)
    out: bytearray = field(default_factory=bytearray)
    bound: bool = False
    seq: int = 1
    outstanding: int = 0


@dataclass
class Totals:
    submitted: int = 0  # submit_sm_resp ESME_ROK
    refused: int = 0  # submit_sm_resp with any other status
    receipts: int = 0
    enquire_links: int = 0
    closed_by_server: int = 0


def start_server(args: argparse.Namespace, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    argv = ["--receipt-delay", str(args.receipt_delay), "--log-level", "warning"]
    if args.store == "memory":
        argv += ["--store", "memory"]
    else:
        argv += ["--data-dir", str(workdir / "data")]
    if args.config:
        argv += ["--config", str(Path(args.config).resolve())]
    server, listening = start_serve(
        argv, workdir, workdir / "smsc.out", env={"PYTHONPATH": str(ROOT)}
    )
    return server, listening.smpp[1]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, every thread) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def store_bytes(data_dir: Path) -> int:
    """The SQLite store's size on disk: the database and its write-ahead log."""
    return sum(p.stat().st_size for p in data_dir.glob("smsc.sqlite3*") if p.is_file())


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


class Load:
    def __init__(self, port: int, binds: int, active: int, window: int) -> None:
        self.sel = selectors.DefaultSelector()
        self.window = window
        self.totals = Totals()
        self.conns: list[Conn] = []
        self.submitting = True
        # One encoded submit_sm; only its sequence_number is patched per send.
        self.submit = bytearray(
            pdu.encode(
                pdu.SubmitSm(
                    sequence_number=1,
                    source_addr="1234",
                    destination_addr="447700900123",
                    short_message=b"soak test message",
                    registered_delivery=1,
                )
            )
        )
        for i in range(binds):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.setblocking(False)
            c = Conn(sock, active=i < active)
            bind = pdu.BindTransceiver(
                sequence_number=1,
                system_id=f"soak{i // BINDS_PER_SYSTEM_ID}",
                password="pw",
                interface_version=0x34,
            )
            c.out += pdu.encode(bind)
            self.conns.append(c)
            self.sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    def bound(self) -> int:
        return sum(c.bound for c in self.conns)

    def run(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        active = [c for c in self.conns if c.active]
        while (remaining := deadline - time.monotonic()) > 0:
            if self.submitting:
                for c in active:
                    if c.bound and c.active and c.outstanding < self.window:
                        self._fill(c)
                        self._write(c)
            for key, events in self.sel.select(min(remaining, 0.2)):
                c: Conn = key.data
                if events & selectors.EVENT_READ:
                    self._read(c)
                self._write(c)

    def _fill(self, c: Conn) -> None:
        while c.outstanding < self.window:
            c.seq = c.seq + 1 if c.seq < 0x7FFFFFFF else 2
            struct.pack_into(">I", self.submit, 12, c.seq)
            c.out += self.submit
            c.outstanding += 1

    def _write(self, c: Conn) -> None:
        if c.out:
            try:
                n = c.sock.send(c.out)
            except BlockingIOError:
                n = 0
            except OSError:
                self._lost(c)
                return
            del c.out[:n]
        want = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.out else 0)
        key = self.sel.get_key(c.sock)
        if key.events != want:
            self.sel.modify(c.sock, want, c)

    def _lost(self, c: Conn) -> None:
        self.totals.closed_by_server += 1
        self.sel.unregister(c.sock)
        c.sock.close()
        c.bound = False
        c.active = False

    def _read(self, c: Conn) -> None:
        try:
            data = c.sock.recv(262144)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lost(c)
            return
        for frame in c.framer.feed(data):
            _, cid, status, seq = _HEADER.unpack_from(frame)
            if cid == pdu.CommandId.submit_sm_resp:
                c.outstanding -= 1
                if status == 0:
                    self.totals.submitted += 1
                else:
                    self.totals.refused += 1
            elif cid == pdu.CommandId.deliver_sm:
                self.totals.receipts += 1
                c.out += _HEADER.pack(17, pdu.CommandId.deliver_sm_resp, 0, seq) + b"\0"
            elif cid == pdu.CommandId.enquire_link:
                self.totals.enquire_links += 1
                c.out += _HEADER.pack(16, pdu.CommandId.enquire_link_resp, 0, seq)
            elif cid == pdu.CommandId.bind_transceiver_resp and status == 0:
                c.bound = True

    def close(self) -> None:
        for c in self.conns:
            if c.sock.fileno() >= 0:
                self.sel.unregister(c.sock)
                c.sock.close()
        self.sel.close()


def soak(
    binds: int,
    seconds: float,
    *,
    active: int = 4,
    window: int = 50,
    sample: float = 10.0,
    warmup: float = 30.0,
    store: str = "sqlite",
    receipt_delay: float = 0.05,
    drain: float = 5.0,
    config: str | None = None,
) -> dict[str, Any]:
    """Run a soak and return its measurements (RSS in KiB, rates per second, store bytes)."""
    args = argparse.Namespace(store=store, receipt_delay=receipt_delay, config=config)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < binds + 64:  # the server inherits the raised limit
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(binds + 64, hard), hard))
    with tempfile.TemporaryDirectory(prefix="smsc-soak-") as tmp:
        server, port = start_server(args, Path(tmp))
        load: Load | None = None
        try:
            rss_idle = rss_kib(server.pid)
            load = Load(port, binds, min(active, binds), window)
            load.submitting = False
            bind_deadline = time.monotonic() + 60.0
            while load.bound() < binds and time.monotonic() < bind_deadline:
                load.run(0.2)
            bound = load.bound()
            rss_bound = rss_kib(server.pid)
            load.submitting = True
            # (seconds into the load, RSS, submits, store bytes)
            samples: list[tuple[float, int, int, int]] = []
            data_dir = Path(tmp) / "data"

            def take(at: float) -> None:
                at = round(at, 1)
                rss = rss_kib(server.pid)
                samples.append((at, rss, load.totals.submitted, store_bytes(data_dir)))

            cpu_start = cpu_seconds(server.pid)
            start = time.monotonic()
            while (elapsed := time.monotonic() - start) < seconds:
                take(elapsed)
                load.run(min(sample, seconds - elapsed))
            take(seconds)
            cpu_load = cpu_seconds(server.pid) - cpu_start
            load.submitting = False
            load.run(drain)  # answers and receipts still on their way
            after = [s for s in samples if s[0] >= warmup] or samples[-1:]
            t = load.totals
            return {
                "binds": binds,
                "bound": bound,
                "active": min(active, binds),
                "window": window,
                "store": store,
                "seconds": seconds,
                "rss_idle_kib": rss_idle,
                "rss_bound_kib": rss_bound,
                "rss_after_warmup_kib": after[0][1],
                "rss_end_kib": samples[-1][1],
                "rss_max_kib": max(s[1] for s in samples),
                "store_bytes_end": samples[-1][3],
                "store_bytes_max": max(s[3] for s in samples),
                "submit_per_s": round(t.submitted / seconds, 1),
                # The server's CPU per message under load: less swayed by other work on the
                # machine than the rate is (the two compare runs on a noisy box).
                "server_cpu_us_per_submit": round(1e6 * cpu_load / max(1, t.submitted), 1),
                "receipts_per_s": round(t.receipts / seconds, 1),
                "submitted": t.submitted,
                "refused": t.refused,
                "receipts": t.receipts,
                "enquire_links_answered": t.enquire_links,
                "closed_by_server": t.closed_by_server,
                "server_alive": server.poll() is None,
                "samples": samples,
            }
        finally:
            if load is not None:
                load.close()
            stop_server(server)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binds", type=int, default=1000, help="sessions held (default 1000)")
    ap.add_argument("--minutes", type=float, default=10.0, help="load duration (default 10)")
    ap.add_argument("--active", type=int, default=4, help="binds that submit (default 4)")
    ap.add_argument("--window", type=int, default=50, help="submits outstanding per active bind")
    ap.add_argument("--sample", type=float, default=10.0, help="RSS sample interval, seconds")
    ap.add_argument("--warmup", type=float, default=30.0, help="seconds before the RSS baseline")
    ap.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    ap.add_argument("--receipt-delay", type=float, default=0.05)
    ap.add_argument("--config", metavar="FILE", help="config file for the server")
    args = ap.parse_args()
    result = soak(
        args.binds,
        args.minutes * 60,
        active=args.active,
        window=args.window,
        sample=args.sample,
        warmup=args.warmup,
        store=args.store,
        receipt_delay=args.receipt_delay,
        config=args.config,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

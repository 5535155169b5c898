"""The SMSC core's own cost per message, in process: no sockets, no reactor, no load client.

A script, not a test. Four transceiver binds submit_sm at a window of 100 each and answer
every deliver_sm receipt; time moves in steps of 10 ms, so each receipt (delay 50 ms) comes a
few steps after its submit. The ESME side is a few struct calls on pre-encoded frames, so
nearly all the work measured is the core's: session framing and decoding, checks, the outcome
model, receipts, queues, the store.

Run it from the checkout to measure (``python -m`` style imports come from the working
directory), e.g. before and after a change::

    .venv/bin/python benchmarks/core_bench.py                       # memory store
    .venv/bin/python benchmarks/core_bench.py --store sqlite        # durable, SQLite file
    cd /tmp/before && /path/to/.venv/bin/python /path/to/benchmarks/core_bench.py

CPU time is noisy on a shared box; instruction counts are not. Under valgrind the same run
counts instructions, repeatably whatever else the machine does::

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python benchmarks/core_bench.py --messages 5000 --rounds 1
    callgrind_annotate /tmp/cg.out | head -30   # the total is on the "PROGRAM TOTALS" line
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the checkout being measured, not this script's

import pdu
from smsc.config import ServerConfig, StoreKind, Timers
from smsc.core import Smsc
from smsc.store import MemoryStore, SqliteStore

HEADER = struct.Struct(">IIII")
DELIVER_SM = 0x00000005
DELIVER_SM_RESP = 0x80000005
SUBMIT_SM_RESP = 0x80000004
T0 = 1_700_000_000.0
STEP = 0.01


class Esme:
    """One bind on the core's side, answered by hand: frames in, frames out."""

    def __init__(self, core: Any, now: float, n: int) -> None:
        self.core = core
        self.conn = core.connect("127.0.0.1", now)
        bind = pdu.BindTransceiver(
            system_id=f"bench{n}", password="pw", interface_version=0x34, sequence_number=1
        )
        core.receive(self.conn, pdu.encode(bind), now)
        self.seq = 1
        template = pdu.encode(
            pdu.SubmitSm(
                source_addr="12345",
                destination_addr="447700900001",
                short_message=b"hello from the core benchmark",
                registered_delivery=1,
                sequence_number=0,
            )
        )
        self.head, self.body = template[:12], template[16:]
        self.outstanding = 0
        self.buf = b""
        self.resps = 0
        self.receipts = 0

    def submits(self, n: int) -> bytes:
        out = []
        for _ in range(n):
            self.seq += 1
            out.append(self.head + self.seq.to_bytes(4, "big") + self.body)
        self.outstanding += n
        return b"".join(out)

    def read(self, data: bytes) -> bytes:
        """Frames from the core; returns the deliver_sm_resps to send back."""
        buf = self.buf + data
        answers = []
        i = 0
        while len(buf) - i >= 16:
            length, cid, _, seq = HEADER.unpack_from(buf, i)
            if len(buf) - i < length:
                break
            if cid == SUBMIT_SM_RESP:
                self.resps += 1
                self.outstanding -= 1
            elif cid == DELIVER_SM:
                self.receipts += 1
                answers.append(HEADER.pack(17, DELIVER_SM_RESP, 0, seq) + b"\0")
            i += length
        self.buf = buf[i:]
        return b"".join(answers)


def run(
    messages: int, store_kind: str, window: int, binds: int, checks: str = "default"
) -> dict[str, float]:
    tmp = tempfile.TemporaryDirectory(prefix="core_bench-")
    config = ServerConfig(
        store=StoreKind.MEMORY if store_kind == "memory" else StoreKind.SQLITE,
        seed=1,
        timers=Timers(receipt_delay=0.05),
    )
    durable = store_kind == "sqlite"
    store: Any = (
        SqliteStore(Path(tmp.name) / "bench.sqlite3")
        if durable
        else MemoryStore(share_records=True)
    )
    now = T0
    options: dict[str, Any] = {}
    if checks == "off":  # the app checker switched off (a checkout that has one)
        from smsc.checks import ChecksConfig  # noqa: PLC0415

        options["checks"] = ChecksConfig(enabled=False)
    core = Smsc(config, store=store, durable=durable, now=now, **options)
    esmes = [Esme(core, now, i) for i in range(binds)]
    by_id = {e.conn.id: e for e in esmes}

    def flush() -> None:
        for _ in range(10):
            answered = False
            for conn in core.take_output():
                esme = by_id[conn.id]
                back = esme.read(conn.session.data_to_send())
                if back:
                    core.receive(esme.conn, back, now)
                    answered = True
            held = core.take_batch()
            if held is not None:
                store.apply(held.batch)
                core.batch_done(held, now)
                answered = True
            if not answered:
                return

    flush()
    target = messages // binds
    gc.collect()
    start = time.process_time()
    while any(e.seq - 1 < target or e.receipts < target for e in esmes):
        for e in esmes:
            room = min(window - e.outstanding, target - (e.seq - 1))
            if room > 0:
                core.receive(e.conn, e.submits(room), now)
        flush()
        now += STEP
        core.tick(now)
        flush()
    elapsed = time.process_time() - start
    store.close()
    tmp.cleanup()
    total = sum(e.receipts for e in esmes)
    return {"messages": total, "cpu_s": elapsed, "us_per_message": 1e6 * elapsed / total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=40_000)
    ap.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--binds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--checks",
        choices=("default", "off"),
        default="default",
        help="off: [checks] enabled = false (the app checker out of the hot path)",
    )
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # "development mode" and the like: not what is measured
    results = [
        run(args.messages, args.store, args.window, args.binds, args.checks)
        for _ in range(args.rounds)
    ]
    per = [r["us_per_message"] for r in results]
    summary = {
        "checkout": os.getcwd(),
        "store": args.store,
        "checks": args.checks,
        "messages": args.messages,
        "rounds": per,
        "median_us_per_message": statistics.median(per),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{summary['checkout']}: {args.store}, {args.messages} messages x {args.rounds}: "
            f"median {summary['median_us_per_message']:.2f} us CPU per message "
            f"(submit_sm, its response, its receipt and the receipt's response)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

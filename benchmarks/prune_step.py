"""What one retention step costs the SQLite store's writer thread, next to a batch of inserts.

Fills a store in a temporary dir with ``--messages`` final messages (two history rows each,
as a submit and its receipt make), then times ``prune`` steps of each ``--steps`` size and
``apply`` of a batch of 1,000 new messages, each ``--repeat`` times; prints medians::

    .venv/bin/python benchmarks/prune_step.py --messages 100000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pdu.enums import MessageState  # noqa: E402
from smsc.model import Direction, Message, StateChange  # noqa: E402
from smsc.store import Batch, Retention, SqliteStore  # noqa: E402

BATCH = 1000


def message(message_id: str, n: int, t: float, state: MessageState) -> Message:
    return Message(
        message_id=message_id,
        direction=Direction.MT,
        account="bench",
        source_addr_ton=1,
        source_addr_npi=1,
        source_addr="12345",
        dest_addr_ton=1,
        dest_addr_npi=1,
        destination_addr=f"4477009{n % 100_000:05}",
        esm_class=0,
        data_coding=0,
        registered_delivery=1,
        short_message=b"a load test message of a usual length",
        submit_time=t,
        state=state,
        text="a load test message of a usual length",
    )


def fill(store: SqliteStore, count: int, prefix: str, start: float) -> None:
    for b in range(count // BATCH):
        ms = [
            message(f"{prefix}{b}-{i}", b * BATCH + i, start + b + i / BATCH, MessageState.ENROUTE)
            for i in range(BATCH)
        ]
        store.apply(Batch(messages=ms))
        done = [StateChange(m.message_id, MessageState.DELIVERED, m.submit_time + 1) for m in ms]
        store.apply(Batch(state_changes=done))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--steps", default="100,250,1000", help="step sizes, comma-separated")
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    with tempfile.TemporaryDirectory(prefix="smsc-prune-") as tmp:
        store = SqliteStore(Path(tmp) / "s.db")
        fill(store, args.messages, "m", 1000.0)
        keep = Retention(max_messages=1, max_age=None)  # everything final is prunable
        result: dict[str, object] = {"messages": args.messages}
        for step in steps:
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                assert store.prune(keep, 0.0, step) == step
                times.append(time.perf_counter() - t0)
            median = statistics.median(times)
            result[f"prune_{step}_ms"] = round(median * 1e3, 2)
            result[f"prune_{step}_us_per_message"] = round(median / step * 1e6, 1)
        times = []
        for r in range(args.repeat):
            ms = [
                message(f"new{r}-{i}", i, 9e9 + r + i / BATCH, MessageState.ENROUTE)
                for i in range(BATCH)
            ]
            t0 = time.perf_counter()
            store.apply(Batch(messages=ms))
            times.append(time.perf_counter() - t0)
        result["apply_1000_new_ms"] = round(statistics.median(times) * 1e3, 2)
        store.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

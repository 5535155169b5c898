"""Prometheus metrics: counters the core keeps, and the text exposition format (0.0.4).

Written by hand: a few families, no client library needed. Pure: the adapter passes in the
counts and the core; nothing here reads a clock.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pdu import CommandId, CommandStatus

if TYPE_CHECKING:
    from .core import Smsc

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; an ESME answering a deliver_sm in a few ms is normal, 30 s is the time-out.
RATIO_WINDOW = 3600.0  # seconds behind the reply and opt-out ratios
LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

_HEADER = struct.Struct(">IIII")


class Histogram:
    """Cumulative-bucket histogram as Prometheus wants it: counts per upper bound."""

    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last is +Inf
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value
        self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        running = 0
        for bound, n in zip((*map(_number, self.bounds), "+Inf"), self.counts, strict=True):
            running += n
            out.append((bound, running))
        return out


def count_frames(data: bytes, counts: dict[tuple[int, int], int]) -> None:
    """Count the PDUs in ``data`` (whole frames, as a session writes them) by
    (command_id, command_status). Stops at anything that is not a whole frame."""
    offset, end = 0, len(data)
    while end - offset >= 16:
        length, command_id, status, _ = _HEADER.unpack_from(data, offset)
        if length < 16 or offset + length > end:
            return
        key = (command_id, status)
        counts[key] = counts.get(key, 0) + 1
        offset += length


@dataclass
class Family:
    name: str
    kind: str  # counter, gauge or histogram
    help: str
    samples: list[tuple[str, Mapping[str, str], float]] = field(default_factory=list)

    def add(self, value: float, suffix: str = "", **labels: str) -> None:
        self.samples.append((suffix, labels, value))


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def exposition(families: Iterable[Family]) -> str:
    lines: list[str] = []
    for f in families:
        lines.append(f"# HELP {f.name} {f.help}")
        lines.append(f"# TYPE {f.name} {f.kind}")
        for suffix, labels, value in f.samples:
            label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            braces = f"{{{label_text}}}" if label_text else ""
            lines.append(f"{f.name}{suffix}{braces} {_number(value)}")
    return "\n".join(lines) + "\n"


def _command(command_id: int) -> str:
    try:
        return CommandId(command_id).name
    except ValueError:
        return f"0x{command_id:08X}"


def _status(status: int) -> str:
    try:
        return CommandStatus(status).name
    except ValueError:
        return f"0x{status:08X}"


def collect(
    core: Smsc,
    sent: Mapping[tuple[int, int], int],
    pruned: int = 0,
    *,
    now: float,
    pruned_broadcasts: int = 0,
) -> list[Family]:
    """Every family from the core's state and counters, the PDUs the adapter wrote and the
    messages and broadcasts its retention steps pruned."""
    binds = Family("smsc_binds", "gauge", "Bound SMPP sessions by system_id and bind type.")
    per_bind: dict[tuple[str, str], int] = {}
    for conn in core.binds():
        key = (conn.system_id, conn.session.state.value)
        per_bind[key] = per_bind.get(key, 0) + 1
    for (system_id, state), n in sorted(per_bind.items()):
        binds.add(n, system_id=system_id, state=state)

    pdus_sent = Family(
        "smsc_pdus_sent_total", "counter", "PDUs the SMSC wrote, by command and command_status."
    )
    for (cid, st), n in sorted(sent.items()):
        pdus_sent.add(n, command=_command(cid), status=_status(st))
    responses = Family(
        "smsc_responses_received_total",
        "counter",
        "Responses from ESMEs to the SMSC's requests, by command and command_status.",
    )
    for (cid, st), n in sorted(core.responses_received.items()):
        responses.add(n, command=_command(cid), status=_status(st))

    counters = core.counters
    events = [
        Family("smsc_submitted_total", "counter", "Messages accepted from ESMEs (per part)."),
        Family("smsc_receipts_total", "counter", "Delivery receipts queued for ESMEs."),
        Family("smsc_mo_total", "counter", "Mobile-originated messages injected (per part)."),
        Family(
            "smsc_delivered_to_esme_total",
            "counter",
            "deliver_sm/data_sm answered ESME_ROK by an ESME (receipts and MO).",
        ),
        Family("smsc_throttled_total", "counter", "Submissions refused with ESME_RTHROTTLED."),
    ]
    for f, name in zip(
        events, ("submitted", "receipts", "mo", "delivered_to_esme", "throttled"), strict=True
    ):
        f.add(counters[name])

    queues = Family("smsc_queue_depth", "gauge", "Work waiting inside the SMSC, by queue.")
    for queue, n in core.queue_depths().items():
        queues.add(n, queue=queue)

    latency = Family(
        "smsc_delivery_response_seconds",
        "histogram",
        "Time from a deliver_sm/data_sm sent to the ESME's response.",
    )
    h = core.delivery_latency
    for bound, n in h.cumulative():
        latency.add(n, "_bucket", le=bound)
    latency.add(h.sum, "_sum")
    latency.add(h.count, "_count")
    pruned_family = Family(
        "smsc_messages_pruned_total",
        "counter",
        "Final messages removed with their state history by [retention] (max_messages, max_age).",
    )
    pruned_family.add(pruned)
    pruned_broadcasts_family = Family(
        "smsc_broadcasts_pruned_total",
        "counter",
        "Final SMPP 5.0 broadcasts removed by [retention] (max_messages, max_age).",
    )
    pruned_broadcasts_family.add(pruned_broadcasts)
    return [
        binds,
        pdus_sent,
        responses,
        *events,
        queues,
        latency,
        pruned_family,
        pruned_broadcasts_family,
        _findings(core),
        *_conversations(core, now),
    ]


def _findings(core: Smsc) -> Family:
    found = Family("smsc_findings_total", "counter", "App checker findings, by code and severity.")
    if core.checks is not None:
        for (code, severity), n in sorted(core.checks.findings.counts.items(), key=str):
            found.add(n, code=code, severity=severity.value)
    return found


def _conversations(core: Smsc, now: float) -> list[Family]:
    """Two-way traffic per (account, number), and per number over the last hour the shares
    of handsets that replied and that opted out (GET /api/v1/metrics/conversations has
    any window)."""
    mt = Family("smsc_conversation_mt_total", "counter", "MT the app sent (a long one once).")
    mo = Family("smsc_conversation_mo_total", "counter", "MO handsets sent (a long one once).")
    stops = Family("smsc_conversation_opt_outs_total", "counter", "STOPs handsets sent.")
    unanswered = Family(
        "smsc_conversation_mo_unanswered",
        "gauge",
        "MO forwarded to the app that it has not answered with an MT to the handset.",
    )
    response = Family(
        "smsc_app_response_seconds",
        "histogram",
        "From an MO delivered to the app (deliver_sm_resp ESME_ROK) to the app's next MT to "
        "that handset from that number.",
    )
    for t in core.conversation_totals():
        labels = {"account": t.account, "number": t.number}
        mt.add(t.mt, **labels)
        mo.add(t.mo, **labels)
        stops.add(t.opt_outs, **labels)
        unanswered.add(t.mo_unanswered, **labels)
        for bound, n in t.responses.cumulative():
            response.add(n, "_bucket", **labels, le=bound)
        response.add(t.responses.sum, "_sum", **labels)
        response.add(t.responses.count, "_count", **labels)
    reply = Family(
        "smsc_conversation_reply_ratio",
        "gauge",
        "Of the handsets a number messaged in the last hour, the share that replied.",
    )
    opt_out = Family(
        "smsc_conversation_opt_out_ratio",
        "gauge",
        "Of the handsets a number messaged in the last hour, the share that sent STOP.",
    )
    numbers, _ = core.conversations(now, RATIO_WINDOW)
    for number, stats in sorted(numbers.items()):
        if stats.reply_rate is not None and stats.opt_out_rate is not None:
            reply.add(stats.reply_rate, number=number)
            opt_out.add(stats.opt_out_rate, number=number)
    return [mt, mo, stops, unanswered, response, reply, opt_out]

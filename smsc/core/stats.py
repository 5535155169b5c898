"""What the core counts for /metrics and the shutdown line; plain numbers, no logic."""

from __future__ import annotations

from ..metrics import Histogram

__all__ = ["Stats"]


class Stats:
    __slots__ = ("counters", "delivery_latency", "responses_received")

    def __init__(self) -> None:
        self.counters: dict[str, int] = {
            "submitted": 0,
            "receipts": 0,
            "mo": 0,
            "delivered_to_esme": 0,
            "throttled": 0,
        }
        # deliver_sm/data_sm sent -> the ESME's response, in seconds (the ESME's speed).
        self.delivery_latency = Histogram()
        self.responses_received: dict[tuple[int, int], int] = {}  # (command_id, status) -> n

"""Message ids: unique, one canonical string per message, decimal or hex per account.

The counter starts above both the highest id already stored and a clock-derived floor, so
ids stay unique across restarts without a round trip to the store per message.
"""

from __future__ import annotations


class MessageIdAllocator:
    __slots__ = ("_next",)

    # 1,000 ids per millisecond of wall time before the counter could overtake the floor a
    # later restart computes: far above what one process submits.
    IDS_PER_MS = 1000

    def __init__(self, now: float, floor: int = 0) -> None:
        self._next = max(int(now * 1000) * self.IDS_PER_MS, floor + 1)

    def next(self) -> int:
        n = self._next
        self._next = n + 1
        return n

    @property
    def last(self) -> int:
        """The highest id handed out so far (the store keeps it as the next run's floor)."""
        return self._next - 1


def format_id(n: int, hex_ids: bool) -> str:
    return f"{n:x}" if hex_ids else str(n)


# A submit_multi gives the ESME one message_id; each destination is stored as a message of
# its own, "<message_id>/<n>". Receipts and refusals speak of the id the ESME was given.
def part_id(message_id: str, index: int) -> str:
    return f"{message_id}/{index}"


def submitted_id(stored_id: str) -> str:
    """The message_id the ESME was given for a stored message (see ``part_id``)."""
    return stored_id.split("/", 1)[0] if "/" in stored_id else stored_id

"""The window of outstanding requests: sequence_number -> (request, context, deadline).

Shared by the server (deliver_sm towards ESMEs) and the load-test client (submit_sm towards
the server). Every request gets the same timeout, so insertion order is deadline order and a
plain dict (insertion-ordered) is both the index and the deadline queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pdu import Pdu


class WindowFull(Exception):  # noqa: N818 - a condition, not a failure of the code
    """No room for another outstanding request; wait for a response first."""


@dataclass(slots=True)
class Pending:
    request: Pdu
    context: object
    sent: float
    deadline: float


class Window:
    __slots__ = ("_pending", "size", "timeout")

    def __init__(self, size: int, timeout: float) -> None:
        if size < 1:
            raise ValueError("window size must be at least 1")
        self.size = size
        self.timeout = timeout
        self._pending: dict[int, Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def __contains__(self, sequence_number: int) -> bool:
        return sequence_number in self._pending

    def __iter__(self) -> Iterator[Pending]:
        return iter(self._pending.values())

    @property
    def full(self) -> bool:
        return len(self._pending) >= self.size

    def add(self, request: Pdu, context: object, now: float) -> Pending:
        if len(self._pending) >= self.size:
            raise WindowFull(f"{len(self._pending)} requests outstanding (window {self.size})")
        seq = request.sequence_number
        if seq in self._pending:
            raise ValueError(f"sequence_number {seq} is already outstanding")
        pending = Pending(request, context, now, now + self.timeout)
        self._pending[seq] = pending
        return pending

    def pop(self, sequence_number: int) -> Pending | None:
        return self._pending.pop(sequence_number, None)

    def expired(self, now: float) -> list[Pending]:
        """Remove and return the requests whose deadline has passed, oldest first."""
        out: list[Pending] = []
        pending = self._pending
        for p in pending.values():
            if p.deadline > now:
                break
            out.append(p)
        for p in out:
            del pending[p.request.sequence_number]
        return out

    def next_deadline(self) -> float | None:
        for p in self._pending.values():
            return p.deadline
        return None

    def drain(self) -> list[Pending]:
        """Remove and return everything outstanding (the connection is gone)."""
        out = list(self._pending.values())
        self._pending.clear()
        return out

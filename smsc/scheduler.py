"""A timer queue for the core: (due time, payload), earliest first. Pure: ``now`` comes in."""

from __future__ import annotations

import heapq
from itertools import count
from typing import Generic, TypeVar

T = TypeVar("T")


class Scheduler(Generic[T]):
    __slots__ = ("_heap", "_tie")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, T]] = []
        self._tie = count()  # keeps FIFO order among equal due times

    def __len__(self) -> int:
        return len(self._heap)

    def at(self, due: float, item: T) -> None:
        heapq.heappush(self._heap, (due, next(self._tie), item))

    def next_deadline(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: float) -> list[T]:
        heap = self._heap
        out: list[T] = []
        while heap and heap[0][0] <= now:
            out.append(heapq.heappop(heap)[2])
        return out

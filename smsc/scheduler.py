"""A timer queue for the core: (due time, payload), earliest first. Pure: ``now`` comes in.

Most timers are set in the order they fall due (every message of an account gets the same
receipt delay), so those go to a FIFO lane (a deque: O(1) in and out); only a timer due
before the lane's last one goes to a heap. ``pop_due`` merges the two in (due, insertion)
order.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from itertools import count
from typing import Generic, TypeVar

T = TypeVar("T")


class Scheduler(Generic[T]):
    __slots__ = ("_heap", "_lane", "_tie")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, T]] = []
        self._lane: deque[tuple[float, int, T]] = deque()  # due times never decrease
        self._tie = count()  # keeps FIFO order among equal due times

    def __len__(self) -> int:
        return len(self._heap) + len(self._lane)

    def at(self, due: float, item: T) -> None:
        lane = self._lane
        if not lane or due >= lane[-1][0]:
            lane.append((due, next(self._tie), item))
        else:
            heapq.heappush(self._heap, (due, next(self._tie), item))

    def next_deadline(self) -> float | None:
        lane, heap = self._lane, self._heap
        if lane:
            first = lane[0][0]
            return heap[0][0] if heap and heap[0][0] < first else first
        return heap[0][0] if heap else None

    def pop_due(self, now: float) -> list[T]:
        lane, heap = self._lane, self._heap
        out: list[T] = []
        while True:
            if lane and lane[0][0] <= now:
                # (due, tie) decides; the tie numbers are unique, so items are never compared.
                if heap and heap[0][:2] < lane[0][:2]:
                    out.append(heapq.heappop(heap)[2])
                else:
                    out.append(lane.popleft()[2])
            elif heap and heap[0][0] <= now:
                out.append(heapq.heappop(heap)[2])
            else:
                return out

    def keep(self, wanted: Callable[[T], bool]) -> None:
        """Drop every timer whose item is not ``wanted``; the rest keep their order."""
        self._lane = deque(entry for entry in self._lane if wanted(entry[2]))
        self._heap = [entry for entry in self._heap if wanted(entry[2])]
        heapq.heapify(self._heap)

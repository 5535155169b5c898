"""Drawing one of several choices by relative weight, from the seeded Random passed in.

Shared by a carrier's final states and a handset's replies. A weight of 0 is never drawn:
``bisect_right`` over the running totals skips an entry whose total equals the previous one.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

__all__ = ["Weights"]


class Weights:
    """Relative weights (any scale, at least one above 0); ``draw`` gives an index."""

    __slots__ = ("_cumulative", "_total")

    def __init__(self, weights: Sequence[float]) -> None:
        if not weights or any(w < 0 for w in weights) or not any(w > 0 for w in weights):
            raise ValueError(f"weights must be 0 or more with one above 0, got {list(weights)}")
        self._cumulative = list(itertools.accumulate(weights))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> int:
        """One index, drawn with one ``rng.random()`` (also when there is one choice)."""
        x = rng.random() * self._total
        return min(bisect.bisect_right(self._cumulative, x), len(self._cumulative) - 1)

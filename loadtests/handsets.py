"""The load tests' own handsets: 447999000000-447999099999 (+44 7999 0xxxxx).

Well apart from the 07700 900xxx numbers the README, the docs and the tests use (447700900123
and its neighbours), so a load run never lands in the conversation of a number someone is
trying by hand, and the inbox shows load traffic under numbers that say so. Each scenario
cycles through a block of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

LOAD_TEST_HANDSETS = range(447_999_000_000, 447_999_100_000)
BLOCK = 10_000

# Blocks by scenario (loadtests/scenarios/*.py).
MT_BURST, MIXED_LONG, TWO_WAY, THROTTLED, MANY_BINDS, CONVERSATIONS = range(6)


def handsets(block: int) -> Iterator[str]:
    """The block's 10,000 numbers, round and round."""
    if not 0 <= block < len(LOAD_TEST_HANDSETS) // BLOCK:
        raise ValueError(f"no handset block {block}")
    start = LOAD_TEST_HANDSETS.start + block * BLOCK
    return itertools.cycle([str(n) for n in range(start, start + BLOCK)])

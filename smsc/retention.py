"""How long the stores keep final messages and broadcasts: the ``[retention]`` settings.

Its own module, with no imports of ours, because both the config and the stores read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_MAX_AGE", "DEFAULT_MAX_MESSAGES", "Retention"]

# A long load test (11k submits/s) writes about 500 bytes a message to SQLite and 1 KB of
# memory: these keep a laptop's disk and memory safe (docs/performance.md, "Retention").
DEFAULT_MAX_MESSAGES: Final = 500_000
DEFAULT_MAX_AGE: Final = 7 * 86_400.0


@dataclass(frozen=True, slots=True)
class Retention:
    """How many final messages a store keeps. Past ``max_messages`` (counted from the
    newest) or older than ``max_age`` seconds (by submit_time), a final message is pruned
    with its state history, oldest first; None switches that limit off.

    Final SMPP 5.0 broadcasts (EXPIRED, DELETED) are pruned by the same two limits, counted
    apart: up to ``max_messages`` final broadcasts are kept besides the messages, so that a
    message load test never evicts the broadcasts under test, nor the reverse."""

    max_messages: int | None = DEFAULT_MAX_MESSAGES
    max_age: float | None = DEFAULT_MAX_AGE

    def __post_init__(self) -> None:
        if self.max_messages is not None and self.max_messages < 1:
            raise ValueError(f"max_messages must be >= 1 or None, got {self.max_messages}")
        if self.max_age is not None and not self.max_age > 0:
            raise ValueError(f"max_age must be > 0 seconds or None, got {self.max_age}")

    @property
    def enabled(self) -> bool:
        return self.max_messages is not None or self.max_age is not None

    def age_cutoff(self, now: float) -> float | None:
        """Final records submitted before this time are pruned; None: no age limit."""
        return None if self.max_age is None else now - self.max_age

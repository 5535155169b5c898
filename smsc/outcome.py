"""What happens to an MT message on the simulated network: the pluggable outcome model.

The carriers package plugs richer models in (per-prefix carriers, latency distributions,
absent handsets); the default here delivers everything after a fixed delay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from pdu.enums import MessageState

from .model import Message


@dataclass(frozen=True, slots=True)
class Outcome:
    state: MessageState  # the final state the message reaches
    error_code: int  # network error code (receipt err:, network_error_code TLV)
    delay: float  # seconds from the (scheduled) delivery attempt to the final state
    # Refuse at submit time with this command_status instead (e.g. unknown number).
    reject_status: int = 0


class OutcomeModel(Protocol):
    def outcome(self, message: Message, now: float, rng: random.Random) -> Outcome: ...


@dataclass(frozen=True, slots=True)
class DeliverAfter:
    """Every message is DELIVERED ``delay`` seconds after submission."""

    delay: float = 1.0

    def outcome(self, message: Message, now: float, rng: random.Random) -> Outcome:
        return _delivered(self.delay)


@lru_cache(maxsize=64)
def _delivered(delay: float) -> Outcome:
    return Outcome(MessageState.DELIVERED, 0, delay)  # immutable: one per delay will do

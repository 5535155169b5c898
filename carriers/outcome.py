"""What happens to an MT message on the simulated network: the pluggable outcome model.

The core asks its ``OutcomeModel`` (``carriers.Network`` unless a test plugs in another),
once per accepted part, for the final state, the err code and the delay until that state, or
for a command_status that refuses the submission.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol

from pdu.enums import MessageState

__all__ = ["MtMessage", "Outcome", "OutcomeModel"]


@dataclass(frozen=True, slots=True)
class Outcome:
    state: MessageState  # the final state the message reaches
    error_code: int  # network error code (receipt err:, network_error_code TLV)
    delay: float  # seconds from the (scheduled) delivery attempt to the final state
    # Refuse at submit time with this command_status instead (e.g. unknown number).
    reject_status: int = 0
    # The handset was absent at the first attempt: a DELIVERED state is the retry that found
    # it reachable again (where an alert_notification is owed, see smsc.core.alerts).
    absent: bool = False


class MtMessage(Protocol):
    """What an outcome model reads of an MT (the server's ``smsc.model.Message`` is one)."""

    @property
    def source_addr(self) -> str: ...
    @property
    def destination_addr(self) -> str: ...
    @property
    def schedule_time(self) -> float | None: ...
    @property
    def expiry_time(self) -> float | None: ...


class OutcomeModel(Protocol):
    def outcome(self, message: MtMessage, now: float, rng: random.Random) -> Outcome: ...

"""Failed binds counted per peer address, so that no one can guess passwords at line rate.

After ``max_failures`` failed binds (unknown system_id or wrong password) from one address
within ``window`` seconds, every bind from that address is refused with ESME_RBINDFAIL for
``cooldown`` seconds, before any password is compared: during the cool-down a right guess
looks exactly like a wrong one. Sans-I/O: the caller passes ``now``. Memory is bounded: at
most ``max_peers`` addresses are tracked, the least recently failing forgotten first.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

__all__ = ["BindGuard"]


@dataclass
class _Peer:
    failures: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0


class BindGuard:
    def __init__(
        self,
        max_failures: int = 5,
        window: float = 60.0,
        cooldown: float = 60.0,
        max_peers: int = 10_000,
    ) -> None:
        if max_failures < 1 or window <= 0 or cooldown < 0 or max_peers < 1:
            raise ValueError("max_failures, window and max_peers must be positive")
        self.max_failures = max_failures
        self.window = window
        self.cooldown = cooldown
        self.max_peers = max_peers
        self._peers: OrderedDict[str, _Peer] = OrderedDict()

    def blocked(self, peer: str, now: float) -> bool:
        """True while ``peer`` is cooling down after too many failed binds."""
        state = self._peers.get(peer)
        return state is not None and now < state.blocked_until

    def failed(self, peer: str, now: float) -> None:
        """Count a failed bind from ``peer``."""
        state = self._peers.pop(peer, None) or _Peer()
        self._peers[peer] = state  # most recent last
        failures = state.failures
        failures.append(now)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if len(failures) >= self.max_failures:
            state.blocked_until = now + self.cooldown
            failures.clear()  # a fresh count after the cool-down
        while len(self._peers) > self.max_peers:
            self._peers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._peers)

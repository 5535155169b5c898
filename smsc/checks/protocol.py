"""Protocol habits carriers punish.

``protocol.duplicate_submit``: the same text from the same sender to the same handset within
``duplicate_window`` of the previous one; a burst of resends is one finding (the first
repeat), a new one starts after a quiet window. ``protocol.slow_resp`` / ``protocol.no_resp``:
a deliver_sm answered after ``slow_response`` or never (at most one finding per bind per
minute: a slow app is slow for every message). ``protocol.enquire_link_storm``: ten or more
enquire_link on one bind within a minute (30 to 60 s apart is usual), once per bind.
``protocol.rebind_loop``: three or more binds of one system_id, each within 10 s of a bind
of it that dropped (closed without unbind, not by a fault) less than a minute after
binding, within five minutes; at most one finding per system_id per five minutes.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .emitter import Emitter

__all__ = ["ProtocolChecks"]

RESPONSE_TIMES = 10_000  # the latest deliver_sm response times kept for the report
COOLDOWN = 60.0  # seconds between slow_resp (and no_resp) findings of one bind
STORM_COUNT, STORM_SPAN = 10, 60.0
SHORT_BIND, REBIND_GAP, LOOP_COUNT, LOOP_SPAN = 60.0, 10.0, 3, 300.0


@dataclass(slots=True)
class _Duplicate:
    last: float
    message_id: str
    reported: bool = False


@dataclass(slots=True)
class _Bind:
    system_id: str
    bound_at: float
    unbinding: bool = False
    enquire_links: deque[float] = field(default_factory=lambda: deque(maxlen=STORM_COUNT))
    storm_reported: bool = False
    quiet_until: dict[str, float] = field(default_factory=dict)  # code -> no finding before


class ProtocolChecks:
    __slots__ = (
        "_binds",
        "_drops",
        "_emit",
        "_loop_reported",
        "_loops",
        "_prune_at",
        "_recent",
        "response_times",
        "slow",
    )

    def __init__(self, emit: Emitter) -> None:
        self._emit = emit
        # (account, sender, handset, text) -> the last such MT, in order of last time
        self._recent: dict[tuple[str, str, str, object], _Duplicate] = {}
        self._binds: dict[int, _Bind] = {}
        self._drops: dict[str, float] = {}  # system_id -> when a short bind of it dropped
        self._loops: dict[str, deque[float]] = {}  # system_id -> rebinds after a drop
        self._loop_reported: dict[str, float] = {}
        self.response_times: deque[float] = deque(maxlen=RESPONSE_TIMES)
        # Latency above which a response is slow; infinite when the check is off.
        self.slow = emit.config.slow_response if emit.on("protocol.slow_resp") else float("inf")
        self._prune_at = float("inf")  # when the oldest recent text leaves the window

    # -- duplicates ---------------------------------------------------------------------

    def duplicate(
        self, account: str, sender: str, handset: str, body: object, message_id: str, now: float
    ) -> None:
        recent = self._recent
        window = self._emit.config.duplicate_window
        if now > self._prune_at:
            while recent:
                oldest = next(iter(recent.values()))
                if now - oldest.last <= window:
                    break
                del recent[next(iter(recent))]
            self._prune_at = next(iter(recent.values())).last + window if recent else float("inf")
        key = (account, sender, handset, body)
        seen = recent.pop(key, None)
        if seen is None:
            recent[key] = _Duplicate(now, message_id)
            if self._prune_at == float("inf"):
                self._prune_at = now + window
            return
        gap = now - seen.last
        seen.last = now
        recent[key] = seen  # to the end: the dict stays in order of last time
        if seen.reported:
            return
        seen.reported = True
        self._emit.emit(
            "protocol.duplicate_submit",
            now,
            account,
            f"the same text from {sender} to {handset} again {gap:.1f} s after message"
            f" {seen.message_id}: a resend or retry bug? retry only what was refused, and"
            " not a submission that was answered",
            message_id=message_id,
            handset=handset,
            sender=sender,
        )

    # -- deliver_sm responses -----------------------------------------------------------

    def _quiet(self, conn: int, code: str, now: float) -> bool:
        """Whether a finding of ``code`` on ``conn`` is held back (one a minute)."""
        bind = self._binds.get(conn)
        if bind is None:
            return False
        if bind.quiet_until.get(code, 0.0) > now:
            return True
        bind.quiet_until[code] = now + COOLDOWN
        return False

    def slow_response(self, conn: int, account: str, latency: float, now: float) -> None:
        """A deliver_sm answered after ``latency`` > ``slow`` (the checker compares first)."""
        limit = self._emit.config.slow_response
        if self._quiet(conn, "protocol.slow_resp", now):
            return
        self._emit.emit(
            "protocol.slow_resp",
            now,
            account,
            f"deliver_sm answered after {latency:.2f} s (more than {limit:g} s): answer"
            " deliver_sm at once and do the work afterwards, or the SMSC retries and"
            " throttles you",
        )

    def timed_out(self, conn: int, account: str, now: float) -> None:
        if not self._emit.on("protocol.no_resp") or self._quiet(conn, "protocol.no_resp", now):
            return
        self._emit.emit(
            "protocol.no_resp",
            now,
            account,
            "a deliver_sm got no response within the response timeout: the SMSC sends it"
            " again later; answer every deliver_sm (ESME_ROK, or an error status)",
        )

    # -- binds and keep-alives ----------------------------------------------------------

    def bind_opened(self, conn: int, system_id: str, now: float) -> None:
        self._binds[conn] = _Bind(system_id, now)
        dropped = self._drops.pop(system_id, None)
        if (
            dropped is None
            or now - dropped > REBIND_GAP
            or not self._emit.on("protocol.rebind_loop")
        ):
            return
        loops = self._loops.setdefault(system_id, deque())
        loops.append(now)
        while loops and now - loops[0] > LOOP_SPAN:
            loops.popleft()
        if (
            len(loops) < LOOP_COUNT
            or self._loop_reported.get(system_id, -LOOP_SPAN) > now - LOOP_SPAN
        ):
            return
        self._loop_reported[system_id] = now
        self._emit.emit(
            "protocol.rebind_loop",
            now,
            system_id,
            f"{len(loops)} binds in {now - loops[0]:.0f} s, each right after a bind that"
            " dropped within a minute: find why the session drops (errors before it) and"
            " back off before binding again",
        )

    def unbinding(self, conn: int) -> None:
        bind = self._binds.get(conn)
        if bind is not None:
            bind.unbinding = True

    def bind_closed(self, conn: int, by_fault: bool, now: float) -> None:
        bind = self._binds.pop(conn, None)
        if bind is None or bind.unbinding or by_fault:
            return
        if now - bind.bound_at < SHORT_BIND:
            self._drops[bind.system_id] = now

    def enquire_link(self, conn: int, now: float) -> None:
        bind = self._binds.get(conn)
        if bind is None or bind.storm_reported:
            return
        times = bind.enquire_links
        times.append(now)
        if len(times) < STORM_COUNT or now - times[0] > STORM_SPAN:
            return
        if not self._emit.on("protocol.enquire_link_storm"):
            return
        bind.storm_reported = True
        self._emit.emit(
            "protocol.enquire_link_storm",
            now,
            bind.system_id,
            f"{STORM_COUNT} enquire_link in {now - times[0]:.1f} s on one bind: send one only"
            " after 30-60 s without traffic",
        )

    def reset(self) -> None:
        self._recent.clear()
        self.response_times.clear()

"""``conversation.unanswered``: an MO delivered to the app (deliver_sm_resp ESME_ROK) that got
no MT back to that handset within ``reply_sla``. Any MT to the handset answers every MO it
is waiting on; one that comes after the finding still closes it (and counts as late).

MOs the network answers itself (STOP, START, HELP and the like) wait for nothing. The last
MO time per handset also tells the quiet-hours check which MT are replies.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from carriers import Compliance
from carriers.numbers import words

from .emitter import Emitter

__all__ = ["Awaiting", "Conversations"]

MAX_HANDSETS = 200_000  # handsets whose last MO time is kept, oldest dropped
REPLY_TIMES = 10_000  # the latest reply times kept for the report


@dataclass(slots=True)
class Awaiting:
    account: str
    number: str  # the app's number the handset wrote to
    message_id: str  # the first MO not answered yet
    since: float
    deadline: float
    late: bool = False  # the SLA passed (the finding is made)


class Conversations:
    __slots__ = ("_compliance", "_emit", "answered", "awaiting", "last_mo", "mo", "reply_times")

    def __init__(self, emit: Emitter, compliance: Compliance) -> None:
        self._emit = emit
        self._compliance = compliance
        self.awaiting: dict[str, Awaiting] = {}  # handset -> the oldest unanswered MO
        self.last_mo: dict[str, float] = {}  # handset -> its last MO delivered to the app
        self.reply_times: deque[float] = deque(maxlen=REPLY_TIMES)
        self.mo = 0  # MO delivered to the app (that wanted an answer)
        self.answered = 0  # ... answered within the SLA

    def mo_delivered(
        self, account: str, handset: str, number: str, text: str | None, message_id: str, now: float
    ) -> Awaiting | None:
        """An MO reached the app; the wait it opened (None if it needs no answer or the
        handset is waiting already)."""
        last = self.last_mo
        last.pop(handset, None)
        last[handset] = now
        if len(last) > MAX_HANDSETS:
            del last[next(iter(last))]
        if text is not None and self._network_answers(number, text):
            return None
        if handset in self.awaiting:
            return None
        self.mo += 1
        wait = Awaiting(account, number, message_id, now, now + self._emit.config.reply_sla)
        self.awaiting[handset] = wait
        return wait

    def _network_answers(self, number: str, text: str) -> bool:
        w = words(text)
        if len(w) != 1:
            return False
        cfg = self._compliance.numbers.compliance_for(number)
        return w[0] in (*cfg.stop_keywords, *cfg.start_keywords, *cfg.help_keywords)

    def mt(self, handset: str, now: float) -> None:
        """An MT to ``handset`` answers what it waits on."""
        wait = self.awaiting.pop(handset, None)
        if wait is None:
            return
        self.reply_times.append(now - wait.since)
        if not wait.late:
            self.answered += 1

    def due(self, handset: str, now: float) -> None:
        wait = self.awaiting.get(handset)
        if wait is None or wait.late or wait.deadline > now:
            return
        if self._compliance.opt_outs.contains(handset.removeprefix("+"), wait.number):
            del self.awaiting[handset]  # it said STOP since: no MT may answer it now
            return
        wait.late = True
        self._emit.emit(
            "conversation.unanswered",
            now,
            wait.account,
            f"the MO from {handset} to {wait.number} got no answer within"
            f" {self._emit.config.reply_sla:g} s: answer customers within the reply SLA",
            message_id=wait.message_id,
            handset=handset,
            sender=wait.number,
        )

    def reset(self) -> None:
        self.awaiting.clear()
        self.last_mo.clear()
        self.reply_times.clear()
        self.mo = self.answered = 0

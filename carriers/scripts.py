"""Conversation scripts: simulated handsets that remember where a conversation is.

A ``HandsetScript`` (``[[handset_scripts]]``) is a persona as a small state machine. Each
(handset, number) pair it covers gets a run of its own, created by the first MT from that
number to that handset and starting in the script's first state. Each MT is matched against
the rules of the run's current state, first match winning:

* no rule matches: the handset ignores the MT (the state stays);
* one matches: the state's ``quiet`` share goes quiet for good, then its ``stop`` share
  answers STOP (the script's ``stop_text``) and ends the run; otherwise, with the rule's
  ``probability``, the handset answers one of the rule's replies by weight after the rule's
  (or the script's) delay, and the run moves to the rule's ``next`` state. A state without
  rules ends the run: nothing more is answered.

Runs are kept for the API and the inbox (``Scripts.runs``), the most recently active last,
at most ``max_runs`` (the oldest is forgotten first). Pure: time comes in as ``now``,
randomness from the ``random.Random`` passed in.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import Enum

from .config import HandsetScript, ScriptState, normalize_number
from .weighted import Weights

__all__ = ["MAX_RUNS", "MAX_STEPS", "ScriptAnswer", "ScriptRun", "Scripts", "Status", "Step"]

MAX_RUNS = 100_000  # runs kept; a load test over more handsets forgets the oldest
MAX_STEPS = 50  # steps kept per run, the latest
MAX_SHOWN = 160  # characters of an MT kept in a step


class Status(Enum):
    ACTIVE = "active"  # answers what its state's rules match
    FINISHED = "finished"  # reached a state without rules
    QUIET = "quiet"  # went quiet: never answers again
    STOPPED = "stopped"  # answered STOP


class Event(Enum):
    REPLIED = "replied"
    SILENT = "silent"  # matched, but lost the rule's probability draw: not this time
    UNMATCHED = "unmatched"  # no rule of the state matched the MT
    QUIET = "quiet"
    STOP = "stop"
    IGNORED = "ignored"  # the run is over (finished, quiet or stopped)


@dataclass(frozen=True, slots=True)
class Step:
    """One MT that reached the handset during a run, and what the handset made of it."""

    time: float
    mt: str  # the app's text (its first MAX_SHOWN characters)
    state: str  # the state the MT found
    event: Event
    reply: str | None = None  # what the handset answers (STOP for Event.STOP)
    next_state: str | None = None  # the state after it


@dataclass(slots=True)
class ScriptRun:
    script: str
    handset: str
    number: str
    state: str
    started: float
    updated: float
    status: Status = Status.ACTIVE
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ScriptAnswer:
    """What a scripted handset sends back: ``text`` after ``delay`` seconds, or nothing."""

    script: str
    text: str | None
    delay: float = 0.0


class _Compiled:
    """A script with its states by name, and per state the weights of each rule's replies."""

    __slots__ = ("config", "states", "weights")

    def __init__(self, config: HandsetScript) -> None:
        self.config = config
        self.states: dict[str, ScriptState] = {s.name: s for s in config.states}
        unknown = {r.next for s in config.states for r in s.rules} - {None, *self.states}
        if not config.states or unknown:
            raise ValueError(f"script {config.name!r}: no states, or unknown next {unknown}")
        self.weights: dict[str, list[Weights | None]] = {
            s.name: [
                Weights([c.weight for c in r.replies]) if len(r.replies) > 1 else None
                for r in s.rules
            ]
            for s in config.states
        }

    def draw(self, state: ScriptState, i: int, rng: random.Random) -> str:
        """A reply of ``state.rules[i]`` by weight (one reply: no draw)."""
        weights = self.weights[state.name][i]
        return state.rules[i].replies[0 if weights is None else weights.draw(rng)].text


class Scripts:
    def __init__(self, scripts: tuple[HandsetScript, ...] = (), max_runs: int = MAX_RUNS) -> None:
        self._scripts = {s.name: _Compiled(s) for s in scripts}
        self._max = max_runs
        self._runs: OrderedDict[tuple[str, str], ScriptRun] = OrderedDict()

    def __bool__(self) -> bool:
        return bool(self._scripts)

    def on_mt(
        self, number: str, handset: str, text: str, now: float, rng: random.Random
    ) -> ScriptAnswer | None:
        """The handset's answer to an MT from ``number``; None when no script covers the
        pair (the handset rules decide then)."""
        handset, number = normalize_number(handset), normalize_number(number)
        key = (handset, number)
        run = self._runs.get(key)
        if run is None:
            found = next(
                (s for s in self._scripts.values() if s.config.covers(handset, number)), None
            )
            if found is None:
                return None
            first = found.config.states[0].name
            run = self._runs[key] = ScriptRun(found.config.name, handset, number, first, now, now)
            if len(self._runs) > self._max:
                self._runs.popitem(last=False)
        else:
            self._runs.move_to_end(key)
        run.updated = now
        return self._step(self._scripts[run.script], run, text, now, rng)

    def _step(
        self, script: _Compiled, run: ScriptRun, text: str, now: float, rng: random.Random
    ) -> ScriptAnswer:
        config = script.config
        state = script.states[run.state]

        def record(event: Event, reply: str | None = None, delay: float = 0.0) -> ScriptAnswer:
            run.steps.append(Step(now, text[:MAX_SHOWN], state.name, event, reply, run.state))
            del run.steps[:-MAX_STEPS]
            return ScriptAnswer(config.name, reply, delay)

        if run.status is not Status.ACTIVE:
            return record(Event.IGNORED)
        i = next((i for i, r in enumerate(state.rules) if r.matches(text)), None)
        if i is None:
            return record(Event.UNMATCHED)
        rule = state.rules[i]
        # Shares of 0 draw nothing: a state without them leaves the other draws alone.
        if state.quiet and rng.random() < state.quiet:
            run.status = Status.QUIET
            return record(Event.QUIET)
        delay = rule.delay or config.delay
        if state.stop and rng.random() < state.stop:
            run.status = Status.STOPPED
            return record(Event.STOP, config.stop_text, delay.sample(rng))
        if rule.probability < 1.0 and rng.random() >= rule.probability:
            return record(Event.SILENT)
        reply = script.draw(state, i, rng)
        if rule.next is not None:
            run.state = rule.next
            if not script.states[rule.next].rules:
                run.status = Status.FINISHED
        return record(Event.REPLIED, reply, delay.sample(rng))

    def get(self, handset: str, number: str) -> ScriptRun | None:
        return self._runs.get((normalize_number(handset), normalize_number(number)))

    def runs(
        self,
        *,
        handset: str | None = None,
        number: str | None = None,
        script: str | None = None,
    ) -> list[ScriptRun]:
        """The runs, least recently active first, filtered by what is given."""
        h = normalize_number(handset) if handset is not None else None
        n = normalize_number(number) if number is not None else None
        return [
            r
            for r in self._runs.values()
            if (h is None or r.handset == h)
            and (n is None or r.number == n)
            and (script is None or r.script == script)
        ]

    def reset(self) -> None:
        """Forget every run (between tests): the next MT starts afresh."""
        self._runs.clear()

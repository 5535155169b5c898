"""Conversation scripts: one run per (handset, number) that remembers its state, answers by
the rules of that state, and goes quiet or sends STOP as people do."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from carriers.config import (
    CarriersConfig,
    FixedLatency,
    HandsetRule,
    HandsetScript,
    ScriptRule,
    ScriptState,
    WeightedReply,
)
from carriers.handsets import HandsetSimulator
from carriers.scripts import Event, Scripts, Status
from tests.stats import chi_square

NOW = 1_700_000_000.0
HANDSET = "447700900123"
CLINIC = "12345"

REMINDER = "Your appointment is on Tue 10:00. Reply 1 to confirm, 2 to reschedule"
OFFER = "We can do A) Wed 14:00 or B) Thu 09:30. Reply A or B"
BOOKED = "You are booked for Thu 09:30. See you then!"


def replies(*texts: str | tuple[str, float]) -> tuple[WeightedReply, ...]:
    return tuple(WeightedReply(*t) if isinstance(t, tuple) else WeightedReply(t) for t in texts)


def reschedule(**reminded: float) -> HandsetScript:
    """The appointment-reschedule persona of docs/carriers.md."""
    return HandsetScript(
        name="reschedule",
        handsets=("4477009001*",),
        numbers=(CLINIC,),
        delay=FixedLatency(4.0),
        states=(
            ScriptState(
                "reminded",
                (ScriptRule(replies("2"), substring="2 to reschedule", next="offered"),),
                **reminded,
            ),
            ScriptState(
                "offered",
                (
                    ScriptRule(
                        replies(("B", 3), ("A", 1)),
                        regex=re.compile(r"\bA\).*\bB\)"),
                        next="booked",
                        delay=FixedLatency(30.0),
                    ),
                ),
            ),
            ScriptState(
                "booked", (ScriptRule(replies("thanks"), substring="see you", next="done"),)
            ),
            ScriptState("done"),
        ),
    )


def simulator(*scripts: HandsetScript, rules: tuple[HandsetRule, ...] = ()) -> HandsetSimulator:
    return HandsetSimulator(CarriersConfig(handset_scripts=scripts, handset_rules=rules))


def test_an_appointment_is_rescheduled_in_three_steps() -> None:
    sim = simulator(reschedule())
    rng = random.Random(7)
    (first,) = sim.on_mt(CLINIC, HANDSET, REMINDER, NOW, rng)
    assert (first.text, first.due, first.script) == ("2", NOW + 4.0, "reschedule")
    assert (first.source_addr, first.destination_addr) == (HANDSET, CLINIC)
    (second,) = sim.on_mt(CLINIC, HANDSET, OFFER, NOW + 60, rng)
    assert second.text in {"A", "B"}
    assert second.due == NOW + 90  # the rule's own delay
    (third,) = sim.on_mt(CLINIC, HANDSET, BOOKED, NOW + 120, rng)
    assert third.text == "thanks"
    run = sim.scripts.get(HANDSET, CLINIC)
    assert run is not None
    assert (run.state, run.status) == ("done", Status.FINISHED)
    assert [(s.state, s.event, s.reply, s.next_state) for s in run.steps] == [
        ("reminded", Event.REPLIED, "2", "offered"),
        ("offered", Event.REPLIED, second.text, "booked"),
        ("booked", Event.REPLIED, "thanks", "done"),
    ]
    # over: a fourth message is not answered
    assert sim.on_mt(CLINIC, HANDSET, REMINDER, NOW + 200, rng) == []
    assert run.steps[-1].event is Event.IGNORED


def test_a_message_the_state_does_not_expect_is_ignored_and_the_state_stays() -> None:
    sim = simulator(reschedule())
    rng = random.Random(1)
    assert sim.on_mt(CLINIC, HANDSET, OFFER, NOW, rng) == []  # an offer before the reminder
    run = sim.scripts.get(HANDSET, CLINIC)
    assert run is not None
    assert (run.state, run.steps[-1].event) == ("reminded", Event.UNMATCHED)
    assert sim.on_mt(CLINIC, HANDSET, REMINDER, NOW + 1, rng)[0].text == "2"


def test_one_run_per_handset_and_number() -> None:
    both = reschedule()
    sim = simulator(HandsetScript(both.name, both.states, handsets=("4477009001*",)))
    rng = random.Random(1)
    other_handset = "447700900199"
    sim.on_mt(CLINIC, HANDSET, REMINDER, NOW, rng)
    # the same handset writing with another number starts at the beginning there
    assert sim.on_mt("54321", HANDSET, OFFER, NOW, rng) == []
    assert sim.on_mt("54321", HANDSET, REMINDER, NOW, rng)[0].text == "2"
    assert sim.on_mt(CLINIC, other_handset, REMINDER, NOW, rng)[0].text == "2"
    states = {(r.handset, r.number): r.state for r in sim.scripts.runs()}
    assert states == {
        (HANDSET, CLINIC): "offered",
        (HANDSET, "54321"): "offered",
        (other_handset, CLINIC): "offered",
    }
    assert [r.number for r in sim.scripts.runs(handset="+" + HANDSET)] == [CLINIC, "54321"]


def test_handsets_and_numbers_a_script_does_not_cover_follow_the_rules() -> None:
    rule = HandsetRule("anyone", replies("1"), substring="reply 1")
    sim = simulator(reschedule(), rules=(rule,))
    rng = random.Random(1)
    assert sim.on_mt(CLINIC, "447700900299", REMINDER, NOW, rng)[0].rule == "anyone"
    assert sim.on_mt("99999", HANDSET, REMINDER, NOW, rng)[0].rule == "anyone"
    # covered: the script answers, and the rule does not (the reply is the script's "2")
    (scripted,) = sim.on_mt(CLINIC, HANDSET, REMINDER, NOW, rng)
    assert (scripted.text, scripted.rule, scripted.script) == ("2", None, "reschedule")
    assert sim.scripts.get("447700900299", CLINIC) is None


def test_a_state_can_go_quiet_for_good() -> None:
    sim = simulator(reschedule(quiet=1.0))
    rng = random.Random(1)
    assert sim.on_mt(CLINIC, HANDSET, REMINDER, NOW, rng) == []
    assert sim.on_mt(CLINIC, HANDSET, REMINDER, NOW + 3600, rng) == []
    run = sim.scripts.get(HANDSET, CLINIC)
    assert run is not None
    assert run.status is Status.QUIET
    assert [s.event for s in run.steps] == [Event.QUIET, Event.IGNORED]


def test_a_state_can_answer_stop_halfway() -> None:
    sim = simulator(reschedule(stop=1.0))
    (stop,) = sim.on_mt(CLINIC, HANDSET, REMINDER, NOW, random.Random(1))
    assert (stop.text, stop.due) == ("STOP", NOW + 4.0)
    run = sim.scripts.get(HANDSET, CLINIC)
    assert run is not None
    assert (run.status, run.state, run.steps[-1].event) == (Status.STOPPED, "reminded", Event.STOP)


def test_quiet_and_stop_shares_over_many_handsets() -> None:
    """10% go quiet, then 5% of all answer STOP, the rest answer: chi-square, alpha 0.01."""
    sim = simulator(reschedule(quiet=0.1, stop=0.05 / 0.9))
    rng = random.Random(42)
    got = Counter[str]()
    for i in range(1000):
        answer = sim.on_mt(CLINIC, f"4477009001{i:04d}", REMINDER, NOW, rng)
        got[answer[0].text if answer else "quiet"] += 1
    _, _, p = chi_square([got["quiet"], got["STOP"], got["2"]], [100.0, 50.0, 850.0])
    assert p > 0.01, got


def test_a_rule_that_loses_its_probability_draw_answers_a_later_reminder() -> None:
    base = reschedule()
    first = base.states[0]
    shy = ScriptState(
        first.name,
        (ScriptRule(replies("2"), substring="2 to reschedule", next="offered", probability=0.5),),
    )
    sim = simulator(HandsetScript(base.name, (shy, *base.states[1:]), handsets=base.handsets))
    rng = random.Random(3)
    events = []
    for i in range(20):
        answer = sim.on_mt(CLINIC, HANDSET, REMINDER, NOW + i, rng)
        run = sim.scripts.get(HANDSET, CLINIC)
        assert run is not None
        events.append(run.steps[-1].event)
        if answer:
            break
    assert events[-1] is Event.REPLIED
    assert set(events[:-1]) <= {Event.SILENT}
    assert run.state == "offered"


def test_weighted_choice_in_a_script_follows_its_weights() -> None:
    sim = simulator(reschedule())
    rng = random.Random(9)
    got = Counter[str]()
    for i in range(400):
        handset = f"4477009001{i:04d}"
        sim.on_mt(CLINIC, handset, REMINDER, NOW, rng)
        got[sim.on_mt(CLINIC, handset, OFFER, NOW, rng)[0].text] += 1
    total = sum(got.values())
    _, _, p = chi_square([got["B"], got["A"]], [total * 0.75, total * 0.25])
    assert p > 0.01, got


def test_runs_are_bounded_and_the_least_recent_is_forgotten() -> None:
    scripts = Scripts((reschedule(),), max_runs=2)
    rng = random.Random(1)
    for i, handset in enumerate(("447700900101", "447700900102", "447700900101", "447700900103")):
        scripts.on_mt(CLINIC, handset, REMINDER, NOW + i, rng)
    assert [r.handset for r in scripts.runs()] == ["447700900101", "447700900103"]
    scripts.reset()
    assert scripts.runs() == []


def test_a_script_naming_an_unknown_state_is_refused() -> None:
    bad = HandsetScript(
        "bad", (ScriptState("a", (ScriptRule(replies("x"), substring="x", next="b"),)),)
    )
    with pytest.raises(ValueError, match="unknown next"):
        Scripts((bad,))


def test_same_seed_same_conversation() -> None:
    def run(seed: int) -> list[str | None]:
        sim = simulator(reschedule(quiet=0.2, stop=0.1))
        rng = random.Random(seed)
        out: list[str | None] = []
        for i in range(100):
            handset = f"4477009001{i:02d}"
            for text in (REMINDER, OFFER, BOOKED):
                answer = sim.on_mt(CLINIC, handset, text, NOW, rng)
                out.append(answer[0].text if answer else None)
        return out

    assert run(5) == run(5)
    assert run(5) != run(6)

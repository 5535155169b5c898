"""The two-way keys of the carrier tables: weighted replies and fallthrough, number types and
caps, conversation scripts; what they read into, and errors naming the key."""

from __future__ import annotations

import pytest

from carriers.config import (
    FixedLatency,
    NumberType,
    OverThroughput,
    UniformLatency,
    WeightedReply,
)
from tests.test_carriers.test_carriers_config import error, parse

SCRIPT = """
[[handset_scripts]]
name = "reschedule"
handsets = ["4477009001*"]
numbers = ["12345"]
delay = { kind = "uniform", min = 5, max = 60 }

[[handset_scripts.states]]
name = "reminded"
quiet = 0.1
stop = 0.02
[[handset_scripts.states.rules]]
match = "2 to reschedule"
reply = "2"
next = "offered"

[[handset_scripts.states]]
name = "offered"
[[handset_scripts.states.rules]]
regex = 'A\\).*B\\)'
replies = [{ text = "B", weight = 3 }, { text = "A", weight = 1 }]
next = "done"
probability = 0.9
delay = { kind = "fixed", seconds = 30 }

[[handset_scripts.states]]
name = "done"
"""


def test_a_rule_with_weighted_replies_and_fallthrough() -> None:
    (rule,) = parse(
        """
[[handset_rules]]
name = "nps"
match = "recommend"
probability = 0.7
fallthrough = true
[[handset_rules.replies]]
text = "10"
weight = 3
[[handset_rules.replies]]
text = "0"
weight = 0
"""
    ).handset_rules
    assert rule.replies == (WeightedReply("10", 3.0), WeightedReply("0", 0.0))
    assert (rule.probability, rule.fallthrough) == (0.7, True)
    (plain,) = parse("[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreply = 'y'").handset_rules
    assert (plain.replies, plain.fallthrough) == ((WeightedReply("y"),), False)


def test_number_types_and_their_own_caps() -> None:
    config = parse(
        """
[[numbers]]
number = "447700100200"
account = "acme"
type = "long_code"
[[numbers]]
number = "55555"
account = "acme"
type = "short_code"
throughput = 30
over_throughput = "throttle"
[[numbers]]
number = "18005550100"
account = "care"
throughput = 2.5
"""
    )
    long_code, short_code, toll_free = config.numbers
    assert (long_code.type, long_code.cap) == (NumberType.LONG_CODE, (1.0, OverThroughput.QUEUE))
    assert short_code.cap == (30, OverThroughput.THROTTLE)
    assert (toll_free.type, toll_free.cap) == (None, (2.5, OverThroughput.QUEUE))


def test_a_conversation_script() -> None:
    (script,) = parse(SCRIPT).handset_scripts
    assert (script.name, script.handsets, script.numbers) == (
        "reschedule",
        ("4477009001*",),
        ("12345",),
    )
    assert script.delay == UniformLatency(5.0, 60.0)
    assert script.stop_text == "STOP"
    reminded, offered, done = script.states
    assert (reminded.quiet, reminded.stop, reminded.rules[0].next) == (0.1, 0.02, "offered")
    (offer,) = offered.rules
    assert offer.replies == (WeightedReply("B", 3), WeightedReply("A", 1))
    assert (offer.probability, offer.delay) == (0.9, FixedLatency(30.0))
    assert offer.matches("Reply A) Wed or B) Thu")
    assert reminded.rules[0].delay is None  # the script's
    assert done.rules == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'",
            'c.toml: handset_rules[0].reply: exactly one of "reply" (one answer) or "replies"',
        ),
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreply = 'a'\n"
            "replies = [{ text = 'b', weight = 1 }]",
            'c.toml: handset_rules[0].reply: exactly one of "reply"',
        ),
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreplies = [{ text = 'b', weight = 0 }]",
            "c.toml: handset_rules[0].replies: at least one weight must be above 0",
        ),
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreplies = []",
            "c.toml: handset_rules[0].replies: must list at least one reply",
        ),
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreplies = [{ text = 'b', weight = -1 }]",
            "c.toml: handset_rules[0].replies[0].weight: must be a number, 0 or more, got -1",
        ),
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreplies = [{ txt = 'b', weight = 1 }]",
            "c.toml: handset_rules[0].replies[0].text: is required",
        ),
        (
            "[[handset_rules]]\nname = 'r'\nmatch = 'x'\nreply = 'a'\nfallthrough = 'yes'",
            'c.toml: handset_rules[0].fallthrough: must be true or false, got "yes"',
        ),
        (
            "[[numbers]]\nnumber = '1'\naccount = 'a'\ntype = 'vanity'",
            'c.toml: numbers[0].type: must be one of "short_code", "long_code", "toll_free",'
            ' got "vanity"',
        ),
        (
            "[[numbers]]\nnumber = '1'\naccount = 'a'\nthroughput = 0",
            "c.toml: numbers[0].throughput: must be a positive number",
        ),
        (
            "[[numbers]]\nnumber = '1'\naccount = 'a'\nover_throughput = 'drop'",
            'c.toml: numbers[0].over_throughput: must be one of "queue", "throttle"',
        ),
        (
            SCRIPT.replace('next = "done"', 'next = "booked"'),
            "c.toml: handset_scripts[0].states[1].rules[0].next: must name a state of this"
            " script (reminded, offered, done), got 'booked'",
        ),
        (
            SCRIPT.replace('name = "done"', 'name = "offered"'),
            "c.toml: handset_scripts[0].states[2].name: duplicate of"
            ' handset_scripts[0].states[1].name "offered"',
        ),
        (
            "[[handset_scripts]]\nname = 's'",
            "c.toml: handset_scripts[0].states: must list at least one state",
        ),
        (
            SCRIPT + SCRIPT[SCRIPT.index("[[handset_scripts]]") :],
            'c.toml: handset_scripts[1].name: duplicate of handset_scripts[0].name "reschedule"',
        ),
        (
            SCRIPT.replace("quiet = 0.1", "quiet = 10"),
            "c.toml: handset_scripts[0].states[0].quiet: must be a number from 0 to 1, got 10",
        ),
        (
            SCRIPT.replace('match = "2 to reschedule"\n', ""),
            'c.toml: handset_scripts[0].states[0].rules[0].match: exactly one of "match"',
        ),
        (
            SCRIPT.replace("stop = 0.02", "stopp = 0.02"),
            "c.toml: handset_scripts[0].states[0].stopp: unknown key",
        ),
    ],
)
def test_errors_name_the_key(text: str, message: str) -> None:
    problems = error(text).splitlines()
    assert any(line.startswith(message) for line in problems), problems


def test_every_problem_of_a_script_is_reported_at_once() -> None:
    bad = SCRIPT.replace("quiet = 0.1", "quiet = 10").replace(
        'numbers = ["12345"]', 'numbers = ["12345"]\nstop_text = ""'
    )
    assert error(bad).splitlines() == [
        'c.toml: handset_scripts[0].stop_text: must be a non-empty string, got ""',
        "c.toml: handset_scripts[0].states[0].quiet: must be a number from 0 to 1, got 10",
    ]

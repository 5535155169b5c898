"""Carrier config: the built-in default, every table parsed, and errors naming the key path."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from carriers.config import (
    AbsentMode,
    CarriersConfig,
    ComplianceConfig,
    FixedLatency,
    LognormalLatency,
    OptedOutMode,
    OptInMode,
    OutageMode,
    OverThroughput,
    UniformLatency,
    UnknownMode,
)
from pdu.enums import CommandStatus, MessageState
from pdu.segment import SegmentMethod
from smsc.config import ConfigError, carriers_from_dict, load_document, read_document


def parse(text: str) -> CarriersConfig:
    return carriers_from_dict(tomllib.loads(text), "c.toml")


def error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse(text)
    return str(info.value)


def test_no_tables_is_the_builtin_default() -> None:
    config = parse("")
    assert config == CarriersConfig()
    assert config.carriers == ()
    assert config.numbers == ()
    assert config.compliance.stop_keywords == (
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
    )
    assert config.compliance.help_keywords == ("HELP", "INFO")


def test_server_keys_and_carrier_tables_share_one_document() -> None:
    doc = tomllib.loads(
        'smpp_port = 2776\n[[accounts]]\nsystem_id = "a"\npassword = "p"\n'
        '[[carriers]]\nname = "x"\nprefixes = ["44"]\n'
    )
    settings = read_document(doc)
    assert settings.server.smpp_port == 2776
    assert settings.carriers.carriers[0].name == "x"
    assert carriers_from_dict(doc).carriers[0].name == "x"


def test_a_full_carrier() -> None:
    c = parse(
        """
[[carriers]]
name = "Vodafone UK"
country = "GB"
mcc = "234"
mnc = "15"
prefixes = ["+447700", "447701"]
throughput = 25
over_throughput = "throttle"
mo_segmentation = "sar"
latency = { kind = "lognormal", median = 2.0, sigma = 0.5, max = 60 }
[[carriers.outcomes]]
state = "DELIVRD"
weight = 90
[[carriers.outcomes]]
state = "UNDELIV"
weight = 10
err = [1, 34]
[carriers.absent]
numbers = ["4477009001*", "447700900200"]
share = 0.01
mode = "expire"
[carriers.unknown]
numbers = ["4477009009*"]
mode = "undeliverable"
err = 1
[carriers.outage]
down = true
mode = "reject"
reject_status = "ESME_RSYSERR"
"""
    ).carriers[0]
    assert c.prefixes == ("447700", "447701")
    assert (c.country, c.mcc, c.mnc) == ("GB", "234", "15")
    assert c.throughput == 25.0
    assert c.over_throughput is OverThroughput.THROTTLE
    assert c.mo_segmentation is SegmentMethod.SAR
    assert c.latency == LognormalLatency(2.0, 0.5, 60.0)
    assert [(o.state, o.weight, o.error_codes) for o in c.outcomes] == [
        (MessageState.DELIVERED, 90.0, (0,)),
        (MessageState.UNDELIVERABLE, 10.0, (1, 34)),
    ]
    assert c.absent.numbers == ("4477009001*", "447700900200")
    assert c.absent.mode is AbsentMode.EXPIRE
    assert c.unknown.mode is UnknownMode.UNDELIVERABLE
    assert c.outage.down
    assert c.outage.mode is OutageMode.REJECT
    assert c.outage.reject_status is CommandStatus.ESME_RSYSERR


def test_latency_kinds() -> None:
    assert parse('[[carriers]]\nname = "a"\n').carriers[0].latency == FixedLatency(1.0)
    fixed = parse('[[carriers]]\nname = "a"\nlatency = { kind = "fixed", seconds = 3 }\n')
    assert fixed.carriers[0].latency == FixedLatency(3.0)
    uniform = parse('[[carriers]]\nname = "a"\nlatency = { kind = "uniform", min = 1, max = 4 }\n')
    assert uniform.carriers[0].latency == UniformLatency(1.0, 4.0)


def test_numbers_keywords_and_compliance_overrides() -> None:
    config = parse(
        """
[compliance]
help_reply = "Global help"
opted_out = "reject"
opted_out_status = "ESME_RINVDSTADR"

[[numbers]]
number = "12345"
account = "acme"
[numbers.compliance]
help_reply = "Acme help"
opt_in = "double"
require_opt_in = true

[[numbers]]
number = "55555"
account = "fallback"
unknown_reply = "Unknown keyword"
[[numbers.keywords]]
keyword = "repair  bath"
account = "plumbco"
reply = "A plumber will call"
[[numbers.keywords]]
keyword = "PIZZA"
account = "pizzaco"
"""
    )
    acme, shared = config.numbers
    assert acme.account == "acme"
    assert not acme.shared
    assert acme.compliance.help_reply == "Acme help"
    assert acme.compliance.opt_in is OptInMode.DOUBLE
    # what the number does not override comes from [compliance]
    assert acme.compliance.opted_out is OptedOutMode.REJECT
    assert acme.compliance.opted_out_status is CommandStatus.ESME_RINVDSTADR
    assert config.compliance.help_reply == "Global help"
    assert shared.shared
    assert [(k.keyword, k.account, k.reply) for k in shared.keywords] == [
        ("REPAIR BATH", "plumbco", "A plumber will call"),
        ("PIZZA", "pizzaco", None),
    ]
    assert shared.unknown_reply == "Unknown keyword"
    assert config.accounts() == {"acme", "fallback", "plumbco", "pizzaco"}


def test_handset_rules() -> None:
    config = parse(
        """
[handsets]
missing_part = 0.1
out_of_order = 0.2

[[handset_rules]]
name = "confirm"
match = "Reply 1 to confirm"
reply = "1"
probability = 0.7
delay = { kind = "uniform", min = 2, max = 30 }

[[handset_rules]]
name = "pin"
regex = 'PIN \\d{4}'
reply = "thanks"
handsets = ["4477*"]
"""
    )
    confirm, pin = config.handset_rules
    assert confirm.probability == 0.7
    assert confirm.delay == UniformLatency(2.0, 30.0)
    assert confirm.matches("447700900123", "Your visit is at 10. REPLY 1 TO CONFIRM")
    assert pin.regex is not None
    assert pin.matches("447700900123", "Your PIN 1234")
    assert not pin.matches("33612345678", "Your PIN 1234")  # outside its handsets
    assert config.handsets.missing_part == 0.1
    assert config.handsets.out_of_order == 0.2
    assert config.handsets.duplicate_part == 0.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("carriers = 1", "c.toml: carriers: must be an array of tables ([[carriers]]), got 1"),
        ("[[carriers]]\nprefixes = ['44']", "c.toml: carriers[0].name: is required"),
        (
            "[[carriers]]\nname = 'a'\nprefixes = ['44']\ncolour = 'red'",
            "c.toml: carriers[0].colour: unknown key",
        ),
        (
            "[[carriers]]\nname = 'a'\nprefixes = ['4x']",
            "c.toml: carriers[0].prefixes[0]: must be digits (E.164, an optional leading '+'),"
            ' got "4x"',
        ),
        (
            "[[carriers]]\nname = 'a'\n[[carriers]]\nname = 'b'",
            "c.toml: carriers[1].prefixes: is required: carriers[0] is already the catch-all"
            " (no prefixes)",
        ),
        (
            "[[carriers]]\nname = 'a'\nprefixes = ['44']\n[[carriers]]\nname = 'a'\n",
            'c.toml: carriers[1].name: duplicate of carriers[0].name "a"',
        ),
        (
            "[[carriers]]\nname = 'a'\nprefixes = ['44']\n[[carriers]]\nname = 'b'\n"
            "prefixes = ['33', '44']",
            "c.toml: carriers[1].prefixes[1]: 44 already belongs to carriers[0]",
        ),
        (
            "[[carriers]]\nname = 'a'\n[[carriers.outcomes]]\nstate = 'DELIVERED'\nweight = 1",
            "c.toml: carriers[0].outcomes[0].state: must be one of",
        ),
        (
            "[[carriers]]\nname = 'a'\n[[carriers.outcomes]]\nstate = 'DELIVRD'\nweight = -1",
            "c.toml: carriers[0].outcomes[0].weight: must be a number, 0 or more, got -1",
        ),
        (
            "[[carriers]]\nname = 'a'\n[[carriers.outcomes]]\nstate = 'DELIVRD'\nweight = 0",
            "c.toml: carriers[0].outcomes: at least one weight must be above 0",
        ),
        (
            "[[carriers]]\nname = 'a'\n[[carriers.outcomes]]\nstate = 'UNDELIV'\nweight = 1\n"
            "err = [1, 300]",
            "c.toml: carriers[0].outcomes[0].err[1]: must be an integer 0-255, got 300",
        ),
        (
            "[[carriers]]\nname = 'a'\n[[carriers.outcomes]]\nstate = 'DELIVRD'\nweight = 1\n"
            "[[carriers.outcomes]]\nstate = 'DELIVRD'\nweight = 2",
            "c.toml: carriers[0].outcomes[1].state: duplicate of carriers[0].outcomes[0].state",
        ),
        (
            "[[carriers]]\nname = 'a'\nlatency = { kind = 'uniform', min = 5, max = 1 }",
            "c.toml: carriers[0].latency.max: must not be below carriers[0].latency.min (5), got 1",
        ),
        (
            "[[carriers]]\nname = 'a'\nlatency = { kind = 'gamma' }",
            'c.toml: carriers[0].latency.kind: must be one of "fixed", "uniform", "lognormal",'
            ' got "gamma"',
        ),
        (
            "[[carriers]]\nname = 'a'\nlatency = { kind = 'lognormal', median = 1 }",
            "c.toml: carriers[0].latency.sigma: is required",
        ),
        (
            "[[carriers]]\nname = 'a'\nthroughput = 0",
            "c.toml: carriers[0].throughput: must be a positive number, got 0",
        ),
        (
            "[[carriers]]\nname = 'a'\n[carriers.absent]\nshare = 1.5",
            "c.toml: carriers[0].absent.share: must be a number from 0 to 1, got 1.5",
        ),
        (
            "[[carriers]]\nname = 'a'\n[carriers.unknown]\nnumbers = ['44*7']",
            "c.toml: carriers[0].unknown.numbers[0]: '*' is only allowed at the end",
        ),
        (
            "[[carriers]]\nname = 'a'\n[carriers.unknown]\nreject_status = 'ESME_ROK'",
            "c.toml: carriers[0].unknown.reject_status: must be the name of an error",
        ),
        (
            "[[carriers]]\nname = 'a'\nmcc = '23'",
            'c.toml: carriers[0].mcc: must be a string of 3 digits, got "23"',
        ),
        ("[[numbers]]\nnumber = '12345'", "c.toml: numbers[0].account: is required"),
        (
            "[[numbers]]\nnumber = '123'\naccount = 'a'\n[[numbers]]\nnumber = '123'\n"
            "account = 'b'",
            "c.toml: numbers[1].number: duplicate of numbers[0].number 123",
        ),
        (
            "[[numbers]]\nnumber = '123'\naccount = 'a'\nunknown_reply = 'x'",
            "c.toml: numbers[0].unknown_reply: only applies to a number with",
        ),
        (
            "[[numbers]]\nnumber = '123'\n[[numbers.keywords]]\nkeyword = 'A-B'\naccount = 'x'",
            "c.toml: numbers[0].keywords[0].keyword: must be one or more words of letters and"
            ' digits, got "A-B"',
        ),
        (
            "[[numbers]]\nnumber = '123'\n[[numbers.keywords]]\nkeyword = 'a'\naccount = 'x'\n"
            "[[numbers.keywords]]\nkeyword = 'A'\naccount = 'y'",
            "c.toml: numbers[0].keywords[1].keyword: duplicate of numbers[0].keywords[0].keyword",
        ),
        (
            "[[numbers]]\nnumber = '123'\naccount = 'a'\n[numbers.compliance]\nstop_reply = ''",
            'c.toml: numbers[0].compliance.stop_reply: must be a non-empty string, got ""',
        ),
        (
            "[compliance]\nstart_keywords = ['START', 'STOP']",
            "c.toml: compliance.start_keywords: STOP is also in compliance.stop_keywords",
        ),
        (
            "[compliance]\nrequire_opt_in = true",
            'c.toml: compliance.require_opt_in: needs opt_in = "single" or "double"',
        ),
        (
            "[compliance]\nhelp_keywords = ['NEED HELP']",
            'c.toml: compliance.help_keywords[0]: must be a single word, got "NEED HELP"',
        ),
        (
            "[[handset_rules]]\nname = 'r'\nreply = '1'",
            'c.toml: handset_rules[0].match: exactly one of "match" (a substring) or "regex"',
        ),
        (
            "[[handset_rules]]\nname = 'r'\nreply = '1'\nregex = '('",
            "c.toml: handset_rules[0].regex: must be a valid regular expression",
        ),
        (
            "[[handset_rules]]\nname = 'r'\nreply = '1'\nmatch = 'x'\nprobability = 2",
            "c.toml: handset_rules[0].probability: must be a number from 0 to 1, got 2",
        ),
        ("[handsets]\nlost = 0.1", "c.toml: handsets.lost: unknown key"),
    ],
)
def test_errors_name_the_key(text: str, message: str) -> None:
    assert error(text).startswith(message)


def test_load_document_reports_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[carriers]\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_document(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_document(tmp_path / "missing.toml")


def test_compliance_default_is_the_documented_texts() -> None:
    d = ComplianceConfig()
    assert "START" in d.stop_reply
    assert d.opted_out is OptedOutMode.REJECTD

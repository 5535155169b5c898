"""The config's value parsers: each kind of value accepted up to its edges and refused past
them, with the same rule wherever the kind appears (server, carriers, faults, API)."""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.config import pattern_matches
from pdu.enums import CommandStatus
from smsc.config import values as v

refused = pytest.raises(v.InvalidValueError)

# Anything TOML or JSON can hold, to throw at a parser.
RAW = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@given(RAW)
def test_every_parser_gives_its_type_or_its_own_error(raw: object) -> None:
    # Never a TypeError or ValueError from deep inside: a bad value is always named.
    for parse in (
        v.port,
        v.host,
        v.boolean,
        v.system_id,
        v.password,
        v.secret,
        v.e164,
        v.number_pattern,
        v.address_pattern,
        v.command_status,
        v.error_status,
        v.keyword,
        v.word,
        v.network,
        v.seconds,
        v.share,
        v.rate,
        v.text(),
        v.integer(1, 10),
        v.array(v.e164),
    ):
        try:
            parse(raw)
        except v.InvalidValueError as exc:
            assert exc.items and all(problem for _, problem in exc.items)


# -- ports and integers ------------------------------------------------------------------------


@given(st.integers())
def test_port_accepts_exactly_0_to_65535(n: int) -> None:
    if 0 <= n <= 65535:
        assert v.port(n) == n
    else:
        with refused:
            v.port(n)


@pytest.mark.parametrize("raw", [True, False, 2775.0, "2775", None])
def test_port_refuses_what_is_not_an_integer(raw: object) -> None:
    with refused:
        v.port(raw)


@given(st.integers(-5, 20))
def test_integer_bounds_are_inclusive(n: int) -> None:
    parse = v.integer(1, 10)
    if 1 <= n <= 10:
        assert parse(n) == n
    else:
        with pytest.raises(v.InvalidValueError, match="must be an integer from 1 to 10"):
            parse(n)


def test_integer_wording_follows_its_bounds() -> None:
    for parse, raw, words in [
        (v.integer(1), 0, "must be a positive integer, got 0"),
        (v.integer(5), 0, "must be an integer of at least 5, got 0"),
        (v.integer(), 0.5, "must be an integer, got 0.5"),
        (v.integer(), True, "must be an integer, got true"),
    ]:
        with pytest.raises(v.InvalidValueError, match=words):
            parse(raw)


# -- numbers -----------------------------------------------------------------------------------


def test_seconds_positive_share_and_rate_edges() -> None:
    assert v.seconds(0) == 0.0 and v.seconds(2.5) == 2.5
    assert v.positive(1e-9) == 1e-9
    assert v.share(0) == 0.0 and v.share(1) == 1.0
    assert v.rate(v.MAX_RATE) == v.MAX_RATE
    for parse, raw, words in [
        (v.seconds, -0.001, "must be a number, 0 or more"),
        (v.positive, 0, "must be a positive number, got 0"),
        (v.share, 1.000001, "must be a number from 0 to 1"),
        (v.share, -0.1, "must be a number from 0 to 1"),
        (v.rate, v.MAX_RATE + 1, "must be at most 100000"),
        (v.rate, 0, "must be a positive number"),
    ]:
        with pytest.raises(v.InvalidValueError, match=words):
            parse(raw)


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf, 10**400, True, "1", None, [1]])
def test_numbers_must_be_finite_numbers(raw: object) -> None:
    for parse in (v.seconds, v.positive, v.share, v.rate):
        with refused:
            parse(raw)


# -- identifiers and secrets -------------------------------------------------------------------


@given(st.text(max_size=20))
def test_system_id_is_1_to_15_printable_ascii_without_spaces(raw: str) -> None:
    ok = 1 <= len(raw) <= 15 and all(c in string.printable and not c.isspace() for c in raw)
    if ok:
        assert v.system_id(raw) == raw
    else:
        with refused:
            v.system_id(raw)


def test_system_id_messages() -> None:
    with pytest.raises(v.InvalidValueError, match="at most 15 characters"):
        v.system_id("x" * 16)
    with pytest.raises(v.InvalidValueError, match=r"non-empty string \(1-15 characters\)"):
        v.system_id("")
    with pytest.raises(v.InvalidValueError, match="without spaces"):
        v.system_id("a b")


@pytest.mark.parametrize(
    ("parse", "raw"),
    [
        (v.password, "toolongpw"),
        (v.password, "pässwörd"),
        (v.password, 12345678),
        (v.secret, "has space"),
        (v.secret, "tökén"),
    ],
)
def test_password_and_token_refusals_never_show_the_value(
    parse: v.Parser[str], raw: object
) -> None:
    with refused as info:
        parse(raw)
    assert str(raw) not in str(info.value.items)


def test_password_may_be_empty_and_up_to_8() -> None:
    assert v.password("") == ""
    assert v.password("12345678") == "12345678"
    with pytest.raises(v.InvalidValueError, match="got 9 characters"):
        v.password("123456789")


# -- command_status ---------------------------------------------------------------------------


@given(st.sampled_from(list(CommandStatus)))
def test_command_status_by_name_or_number_is_the_same(status: CommandStatus) -> None:
    assert v.command_status(status.name) is status
    assert v.command_status(int(status)) is status


@given(st.integers(0, 0xFFFFFFFF))
def test_any_32_bit_command_status_number_is_kept(n: int) -> None:
    assert int(v.command_status(n)) == n


@pytest.mark.parametrize("raw", [-1, 0x1_0000_0000, True, "ESME_RFAST", "esme_rok", 8.0, None])
def test_command_status_refusals(raw: object) -> None:
    with pytest.raises(v.InvalidValueError, match="command_status name"):
        v.command_status(raw)
    with pytest.raises(v.InvalidValueError, match="command_status name"):
        v.error_status(raw)


@pytest.mark.parametrize("raw", ["ESME_ROK", 0])
def test_error_status_refuses_esme_rok_by_name_and_number(raw: object) -> None:
    with pytest.raises(v.InvalidValueError, match="not ESME_ROK"):
        v.error_status(raw)
    assert v.command_status(raw) is CommandStatus.ESME_ROK


def test_error_status_keeps_vendor_codes() -> None:
    assert int(v.error_status(0x400)) == 0x400
    assert v.error_status("ESME_RTHROTTLED") is CommandStatus.ESME_RTHROTTLED


# -- numbers, patterns, keywords --------------------------------------------------------------


@given(st.text(string.digits, min_size=1, max_size=15), st.booleans(), st.booleans())
def test_number_pattern_accepts_digits_with_optional_plus_and_star(
    digits: str, plus: bool, star: bool
) -> None:
    raw = ("+" if plus else "") + digits + ("*" if star else "")
    assert v.number_pattern(raw) == digits + ("*" if star else "")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("44*7", "'*' is only allowed at the end"),
        ("**", "'*' is only allowed at the end"),
        ("4x*", "must be digits"),
        ("1" * 16, "at most 15 digits"),
        ("", "must be digits"),
        (447, "must be a string"),
    ],
)
def test_number_pattern_refusals(raw: object, words: str) -> None:
    with pytest.raises(v.InvalidValueError, match=words):
        v.number_pattern(raw)


def test_address_pattern_takes_alphanumeric_senders() -> None:
    assert v.address_pattern("ACME") == "ACME"
    assert v.address_pattern("ACME*") == "ACME*"
    assert v.address_pattern("*") == "*"
    for raw in ("", "AC*ME", "é", "x" * 65):
        with refused:
            v.address_pattern(raw)


@given(st.text(string.digits, max_size=6), st.text(string.digits, max_size=6))
def test_one_matcher_for_every_pattern(prefix: str, rest: str) -> None:
    assert pattern_matches(prefix + "*", prefix + rest)
    assert pattern_matches(prefix + rest, prefix + rest)
    assert pattern_matches("*", rest)
    assert pattern_matches(prefix, prefix + rest) == (rest == "")


def test_keywords_and_words() -> None:
    assert v.keyword(" repair   bath ") == "REPAIR BATH"
    assert v.word("stop") == "STOP"
    with pytest.raises(v.InvalidValueError, match="must be a single word"):
        v.word("NEED HELP")
    with pytest.raises(v.InvalidValueError, match="letters and digits"):
        v.keyword("A-B")


# -- texts, enums, arrays ----------------------------------------------------------------------


def test_text_is_not_blank_and_bounded() -> None:
    assert v.text(2)("GB") == "GB"
    for raw in ("", "   ", None):
        with pytest.raises(v.InvalidValueError, match="must be a non-empty string"):
            v.text()(raw)
    with pytest.raises(v.InvalidValueError, match="at most 2 characters"):
        v.text(2)("GBR")


def test_choice_compares_type_as_well_as_value() -> None:
    digits = v.choice({10: 10, 12: 12}, "must be 10 or 12")
    assert digits(12) == 12
    for raw in (12.0, True, "12"):
        with pytest.raises(v.InvalidValueError, match="must be 10 or 12"):
            digits(raw)


def test_array_reports_every_bad_item_at_its_index() -> None:
    with pytest.raises(v.InvalidValueError) as info:
        v.array(v.e164)(["44", "4x", 7, "33"])
    assert [suffix for suffix, _ in info.value.items] == ["[1]", "[2]"]
    with pytest.raises(v.InvalidValueError, match="must list one"):
        v.array(v.e164, empty="must list one")([])
    assert v.array(v.e164)(["+44"]) == ("44",)

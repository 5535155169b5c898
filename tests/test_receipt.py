"""Delivery receipt text (facts 6.2, 6.3): golden strings, exact inverse, variants, errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdu import receipt
from pdu.receipt import Receipt, ReceiptError

FACTS_EXAMPLE = (
    "id:1234567890 sub:001 dlvrd:001 submit date:2401151030 done date:2401151031"
    " stat:DELIVRD err:000 text:Hello world"
)
FACTS_RECEIPT = Receipt(
    id="1234567890",
    sub=1,
    dlvrd=1,
    submit_date=datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
    done_date=datetime(2024, 1, 15, 10, 31, tzinfo=UTC),
    stat="DELIVRD",
    err="000",
    text="Hello world",
)


def make(**changes: Any) -> Receipt:
    return replace(FACTS_RECEIPT, **changes)


# --- golden strings --------------------------------------------------------------------------


def test_facts_example_parses() -> None:
    assert receipt.parse(FACTS_EXAMPLE) == FACTS_RECEIPT


def test_facts_example_formats() -> None:
    assert receipt.format(FACTS_RECEIPT) == FACTS_EXAMPLE


FORMAT_GOLDEN = [
    (FACTS_RECEIPT, 10, FACTS_EXAMPLE),
    (
        make(
            id="a1b2",
            dlvrd=0,
            stat="UNDELIV",
            err="1",
            text="",
            submit_date=datetime(2024, 1, 15, 10, 30, 59, tzinfo=UTC),
            done_date=datetime(2024, 1, 15, 10, 31, 5, tzinfo=UTC),
        ),
        12,
        "id:a1b2 sub:001 dlvrd:000 submit date:240115103059 done date:240115103105"
        " stat:UNDELIV err:001 text:",
    ),
    (
        make(stat="EXPIRED", dlvrd=0, err="E", text="x" * 30),
        14,
        "id:1234567890 sub:001 dlvrd:000 submit date:20240115103000"
        " done date:20240115103100 stat:EXPIRED err:E text:" + "x" * 20,
    ),
    (
        # dates in another zone are written in UTC
        make(
            submit_date=datetime(2024, 1, 15, 11, 30, tzinfo=timezone(timedelta(hours=1))),
            sub=12,
            dlvrd=7,
            err="0x0",
        ),
        10,
        "id:1234567890 sub:012 dlvrd:007 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:0x0 text:Hello world",
    ),
]


@pytest.mark.parametrize(("r", "digits", "expected"), FORMAT_GOLDEN)
def test_format_golden(r: Receipt, digits: int, expected: str) -> None:
    assert receipt.format(r, digits) == expected


def test_format_truncates_text_to_20() -> None:
    r = make(text="0123456789abcdefghijKLMNOP")
    assert receipt.format(r).endswith(" text:0123456789abcdefghij")


@pytest.mark.parametrize(
    ("err", "written"), [("0", "000"), ("12", "012"), ("000", "000"), ("1234", "1234")]
)
def test_format_pads_numeric_err(err: str, written: str) -> None:
    assert f" err:{written} " in receipt.format(make(err=err))


def test_format_10_digits_drops_seconds() -> None:
    r = make(submit_date=datetime(2024, 1, 15, 10, 30, 59, tzinfo=UTC))
    assert receipt.parse(receipt.format(r)).submit_date == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


# --- exact inverse ---------------------------------------------------------------------------

ids = st.one_of(
    st.sampled_from(["İİ", "a:b", "text:", "TEXT:x", "x\ty", "0" * 64]),  # known traps
    st.text(st.characters(blacklist_characters=" "), min_size=1, max_size=64),
)
counts = st.integers(0, 999)
stats = st.sampled_from(sorted(receipt.STAT_TO_STATE))
errs = st.one_of(
    st.sampled_from(["000", "001", "255", "999", "1234", "E", "0x0", "-1"]),
    st.text(st.characters(blacklist_characters=" "), min_size=1, max_size=5).filter(
        lambda e: not (e.isascii() and e.isdigit() and len(e) < 3)
    ),
)
texts = st.text(max_size=20)
# The same shapes in ASCII only, drawn as such: filtering the above for ASCII throws away so
# many examples that hypothesis gives up (filter_too_much) on some seeds.
ASCII = st.characters(max_codepoint=127)
ASCII_NO_SPACE = st.characters(max_codepoint=127, blacklist_characters=" ")
ascii_ids = st.one_of(
    st.sampled_from(["a:b", "text:", "TEXT:x", "x\ty", "0" * 64]),
    st.text(ASCII_NO_SPACE, min_size=1, max_size=64),
)
ascii_errs = st.one_of(
    st.sampled_from(["000", "001", "255", "999", "1234", "E", "0x0", "-1"]),
    st.text(ASCII_NO_SPACE, min_size=1, max_size=5).filter(
        lambda e: not (e.isdigit() and len(e) < 3)
    ),
)
ascii_texts = st.text(ASCII, max_size=20)
zones = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def dates(resolution: str, last_year: int = 2099) -> st.SearchStrategy[datetime]:
    # Bounds keep the UTC year within 2000-last_year whatever the zone.
    d = st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(last_year, 12, 30), timezones=zones
    )
    if resolution == "minute":
        return d.map(lambda x: x.replace(second=0, microsecond=0))
    return d.map(lambda x: x.replace(microsecond=0))


def receipts(resolution: str, *, ascii_only: bool = False) -> st.SearchStrategy[Receipt]:
    return st.builds(
        Receipt,
        id=ascii_ids if ascii_only else ids,
        sub=counts,
        dlvrd=counts,
        submit_date=dates(resolution),
        done_date=dates(resolution),
        stat=stats,
        err=ascii_errs if ascii_only else errs,
        text=ascii_texts if ascii_only else texts,
    )


@given(receipts("minute"))
def test_parse_inverts_format_10_digits(r: Receipt) -> None:
    assert receipt.parse(receipt.format(r)) == r


@given(receipts("second"))
def test_parse_inverts_format_12_digits(r: Receipt) -> None:
    assert receipt.parse(receipt.format(r, 12)) == r


@given(receipts("second"))
def test_parse_inverts_format_14_digits(r: Receipt) -> None:
    assert receipt.parse(receipt.format(r, 14)) == r


@given(receipts("second"))
def test_format_inverts_parse(r: Receipt) -> None:
    s = receipt.format(r, 12)
    assert receipt.format(receipt.parse(s), 12) == s


# Every variant an account can ask for (facts 6.3): dates, padded counts, the text field,
# upper-case labels. Without a text field the text is lost, as a carrier that sends none.
styles = st.builds(
    receipt.Style,
    date_digits=st.sampled_from([10, 12, 14]),
    padded_counts=st.booleans(),
    text_field=st.booleans(),
    upper_labels=st.booleans(),
)


@given(receipts("minute"), styles)
def test_parse_inverts_format_in_every_style(r: Receipt, style: receipt.Style) -> None:
    expected = r if style.text_field else replace(r, text="")
    assert receipt.parse(receipt.format(r, style)) == expected


@given(receipts("minute"), styles)
def test_format_inverts_parse_in_every_style(r: Receipt, style: receipt.Style) -> None:
    s = receipt.format(r, style)
    assert receipt.format(receipt.parse(s), style) == s


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (receipt.Style(), FACTS_EXAMPLE),
        (
            receipt.Style(padded_counts=False, text_field=False),
            "id:1234567890 sub:1 dlvrd:1 submit date:2401151030 done date:2401151031"
            " stat:DELIVRD err:000",
        ),
        (
            receipt.Style(upper_labels=True, date_digits=12),
            "ID:1234567890 SUB:001 DLVRD:001 SUBMIT DATE:240115103000 DONE DATE:240115103100"
            " STAT:DELIVRD ERR:000 TEXT:Hello world",
        ),
    ],
)
def test_format_golden_styles(style: receipt.Style, expected: str) -> None:
    assert receipt.format(FACTS_RECEIPT, style) == expected


@given(receipts("minute"))
def test_parsed_dates_are_utc(r: Receipt) -> None:
    got = receipt.parse(receipt.format(r))
    assert got.submit_date.tzinfo is UTC and got.done_date.tzinfo is UTC


# --- variants real SMSCs send ----------------------------------------------------------------

HEAD = "id:1234567890 sub:001 dlvrd:001 submit date:2401151030 done date:2401151031"
VARIANTS = [
    # text label case
    (HEAD + " stat:DELIVRD err:000 Text:Hello world", {}),
    (HEAD + " stat:DELIVRD err:000 TEXT:Hello world", {}),
    # every label in another case
    (
        "ID:1234567890 SUB:001 DLVRD:001 Submit Date:2401151030 DONE DATE:2401151031"
        " Stat:DELIVRD ERR:000 Text:Hello world",
        {},
    ),
    # underscore spelling of the date labels
    (
        "id:1234567890 sub:001 dlvrd:001 submit_date:2401151030 done_date:2401151031"
        " stat:DELIVRD err:000 text:Hello world",
        {},
    ),
    # 12- and 14-digit dates
    (
        "id:1234567890 sub:001 dlvrd:001 submit date:240115103007 done date:240115103159"
        " stat:DELIVRD err:000 text:Hello world",
        {
            "submit_date": datetime(2024, 1, 15, 10, 30, 7, tzinfo=UTC),
            "done_date": datetime(2024, 1, 15, 10, 31, 59, tzinfo=UTC),
        },
    ),
    (
        "id:1234567890 sub:001 dlvrd:001 submit date:20240115103007 done date:19991231235959"
        " stat:DELIVRD err:000 text:Hello world",
        {
            "submit_date": datetime(2024, 1, 15, 10, 30, 7, tzinfo=UTC),
            "done_date": datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        },
    ),
    # missing sub: one message submitted
    (
        "id:1234567890 dlvrd:001 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:000 text:Hello world",
        {},
    ),
    # missing dlvrd: 1 if delivered, else 0
    (
        "id:1234567890 sub:001 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:000 text:Hello world",
        {},
    ),
    (
        "id:1234567890 sub:001 submit date:2401151030 done date:2401151031"
        " stat:UNDELIV err:000 text:Hello world",
        {"stat": "UNDELIV", "dlvrd": 0},
    ),
    # missing text
    (HEAD + " stat:DELIVRD err:000", {"text": ""}),
    (HEAD + " stat:DELIVRD err:000 ", {"text": ""}),
    (HEAD + " stat:DELIVRD err:000 text:", {"text": ""}),
    # extra unknown fields, anywhere before text
    (
        "id:1234567890 imsi:001010123456789 sub:001 dlvrd:001 submit date:2401151030"
        " done date:2401151031 stat:DELIVRD err:000 mccmnc:00101 text:Hello world",
        {},
    ),
    # text with spaces and colons, even ones that look like fields
    (
        HEAD + " stat:DELIVRD err:000 text:stat:UNDELIV err:999 id:x  a",
        {"text": "stat:UNDELIV err:999 id:x  a"},
    ),
    (HEAD + " stat:DELIVRD err:000 text: leading space", {"text": " leading space"}),
    # err as a single digit, and vendor forms kept as text
    (HEAD + " stat:DELIVRD err:0 text:Hello world", {}),
    (HEAD + " stat:DELIVRD err:0x0 text:Hello world", {"err": "0x0"}),
    # stat words in any case, and spelled out
    (HEAD + " stat:delivrd err:000 text:Hello world", {}),
    (HEAD + " stat:Delivrd err:000 text:Hello world", {}),
    (HEAD + " stat:DELIVERED err:000 text:Hello world", {}),
    (HEAD + " stat:undeliverable err:000 text:Hello world", {"stat": "UNDELIV"}),
    # doubled spaces between fields
    (
        "id:1234567890  sub:001 dlvrd:001 submit  date:2401151030 done date:2401151031"
        " stat:DELIVRD  err:000 text:Hello world",
        {},
    ),
    # unpadded counts and long ids with colons
    (
        "id:msg:0001:ab sub:1 dlvrd:1 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:000 text:Hello world",
        {"id": "msg:0001:ab"},
    ),
    # non-ASCII whose lower() is longer ("İ" -> "i̇") must not shift the text field
    (
        "id:İİİ sub:001 dlvrd:001 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:000 text:Hello world",
        {"id": "İİİ"},
    ),
    (HEAD + " stat:DELIVRD err:000 text:İ Hello", {"text": "İ Hello"}),
    # an id label as the id value is fine
    (
        "id:text:1 sub:001 dlvrd:001 submit date:2401151030 done date:2401151031"
        " stat:DELIVRD err:000 text:Hello world",
        {"id": "text:1"},
    ),
]


@pytest.mark.parametrize(("text", "changes"), VARIANTS)
def test_variants(text: str, changes: dict[str, Any]) -> None:
    assert receipt.parse(text) == make(**changes)


@given(
    st.permutations(
        [
            "id:1234567890",
            "sub:001",
            "dlvrd:001",
            "submit date:2401151030",
            "done date:2401151031",
            "stat:DELIVRD",
            "err:000",
            "vendor:x",
        ]
    )
)
def test_fields_before_text_in_any_order(fields: list[str]) -> None:
    assert receipt.parse(" ".join([*fields, "text:Hello world"])) == FACTS_RECEIPT


# --- bytes -----------------------------------------------------------------------------------


@given(receipts("minute", ascii_only=True))
def test_parse_bytes_inverts_ascii_format(r: Receipt) -> None:
    assert receipt.parse_bytes(receipt.format(r).encode("ascii")) == r


def test_parse_bytes_keeps_gsm7_octets_as_latin1() -> None:
    # GSM 03.38 unpacked: 0x00 is '@', 0x11 is '_'; the labels read the same as ASCII.
    data = FACTS_EXAMPLE.encode("ascii") + b"\x00\x11\xe9"
    got = receipt.parse_bytes(data)
    assert got.text == "Hello world\x00\x11\xe9"
    assert got.text.encode("latin-1") == b"Hello world\x00\x11\xe9"
    assert replace(got, text="Hello world") == FACTS_RECEIPT


def check_accepted_or_our_error(parse: Callable[[], Receipt]) -> None:
    """Nothing but a Receipt or a ReceiptError; what parses re-formats and re-parses the same."""
    try:
        got = parse()
    except ReceiptError:
        return
    got = replace(got, text=got.text[:20])
    assert receipt.parse(receipt.format(got, 14)) == got


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_our_error(data: bytes) -> None:
    check_accepted_or_our_error(lambda: receipt.parse_bytes(data))


@given(st.text(max_size=300))
def test_any_text_parse_or_raise_our_error(s: str) -> None:
    check_accepted_or_our_error(lambda: receipt.parse(s))


@given(
    st.lists(
        st.sampled_from(
            [
                "id:1",
                "id:",
                "sub:001",
                "sub:x",
                "dlvrd:1",
                "submit",
                "date:2401151030",
                "submit date:2401151030",
                "done date:2401151031",
                "done date:2413151031",
                "stat:DELIVRD",
                "stat:nope",
                "err:0",
                "err:",
                "text:hi",
                "x:y",
                "",
            ]
        ),
        max_size=12,
    )
)
def test_shuffled_fields_parse_or_raise_our_error(parts: list[str]) -> None:
    check_accepted_or_our_error(lambda: receipt.parse(" ".join(parts)))


# --- errors: each names the problem ----------------------------------------------------------

ERRORS = [
    ("", "missing or empty 'id'"),
    ("hello", "expected 'label:value', got 'hello'"),
    ("text:" + FACTS_EXAMPLE, "missing or empty 'id'"),
    (FACTS_EXAMPLE.replace("id:1234567890", "id:"), "missing or empty 'id'"),
    (FACTS_EXAMPLE.replace("id:1234567890 ", ""), "missing or empty 'id'"),
    (FACTS_EXAMPLE.replace(" submit date:2401151030", ""), "missing 'submit date'"),
    (FACTS_EXAMPLE.replace(" done date:2401151031", ""), "missing 'done date'"),
    (FACTS_EXAMPLE.replace(" stat:DELIVRD", ""), "missing or empty 'stat'"),
    (FACTS_EXAMPLE.replace("stat:DELIVRD", "stat:"), "missing or empty 'stat'"),
    (FACTS_EXAMPLE.replace(" err:000", ""), "missing or empty 'err'"),
    (FACTS_EXAMPLE.replace("err:000", "err:"), "missing or empty 'err'"),
    (FACTS_EXAMPLE.replace("DELIVRD", "FAILED"), "unknown stat word 'FAILED'"),
    # case folding is ASCII only: a dotless ı does not upper-case into DELIVRD
    (FACTS_EXAMPLE.replace("DELIVRD", "delıvrd"), "unknown stat word 'delıvrd'"),
    # a Cyrillic е makes "tеxt:" an unknown field, not the text label
    (FACTS_EXAMPLE.replace("text:", "tеxt:"), "expected 'label:value', got 'world'"),
    (FACTS_EXAMPLE.replace("sub:001", "sub:abc"), "sub must be digits, got 'abc'"),
    (FACTS_EXAMPLE.replace("dlvrd:001", "dlvrd:"), "dlvrd must be digits, got ''"),
    (FACTS_EXAMPLE.replace("sub:001", "sub:1000"), "sub and dlvrd must be 0-999"),
    (
        FACTS_EXAMPLE.replace("2401151030", "24011510"),
        "submit date must be 10, 12 or 14 digits, got '24011510'",
    ),
    (
        FACTS_EXAMPLE.replace("2401151031", "240115103x"),
        "done date must be 10, 12 or 14 digits, got '240115103x'",
    ),
    (FACTS_EXAMPLE.replace("2401151030", "2413151030"), "submit date is not a valid date"),
    (FACTS_EXAMPLE.replace("2401151031", "2302291031"), "done date is not a valid date"),
    (FACTS_EXAMPLE.replace("2401151031", "2401152531"), "done date is not a valid date"),
    (FACTS_EXAMPLE.replace("sub:001", "sub:001 sub:001"), "field 'sub' appears twice"),
    (
        FACTS_EXAMPLE.replace("submit date:2401151030", "submit date:2401151030 submit_date:1"),
        "field 'submit_date' appears twice",
    ),
    (FACTS_EXAMPLE.replace("sub:001", "sub:001 stray"), "expected 'label:value', got 'stray'"),
    (FACTS_EXAMPLE.replace("done date", "done"), "missing 'done date'"),
    (FACTS_EXAMPLE.replace("done date:", "done "), "expected 'label:value', got 'done'"),
    (FACTS_EXAMPLE.replace("done date:", "done x:"), "expected 'label:value', got 'done'"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ReceiptError, match=re.escape(message)):
        receipt.parse(text)


def test_receipt_error_is_a_value_error() -> None:
    assert issubclass(ReceiptError, ValueError)


INVALID = [
    ({"id": ""}, "id must be non-empty"),
    ({"id": "a b"}, "id must be non-empty without spaces"),
    ({"sub": 1000}, "sub and dlvrd must be 0-999"),
    ({"dlvrd": -1}, "sub and dlvrd must be 0-999"),
    ({"done_date": datetime(2024, 1, 15)}, "timezone-aware"),
    ({"stat": "DELIVERED"}, "7-character stat word"),
    ({"stat": "delivrd"}, "7-character stat word"),
    ({"err": ""}, "err must be non-empty"),
    ({"err": "0 0"}, "err must be non-empty without spaces"),
]


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_invalid_receipts_rejected(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ReceiptError, match=re.escape(message)):
        make(**changes)


def test_format_errors() -> None:
    with pytest.raises(ValueError, match=re.escape("date_digits must be 10, 12 or 14, got 11")):
        receipt.format(FACTS_RECEIPT, 11)
    old = make(submit_date=datetime(1999, 12, 31, tzinfo=UTC))
    with pytest.raises(ReceiptError, match="year 1999"):
        receipt.format(old)
    with pytest.raises(ReceiptError, match="year 1999"):
        receipt.format(old, 12)
    assert " submit date:19991231000000 " in receipt.format(old, 14)


# --- stat words and message_state -----------------------------------------------------------


def test_stat_words_map_to_message_state() -> None:
    expected = {
        "ENROUTE": 1,
        "DELIVRD": 2,
        "EXPIRED": 3,
        "DELETED": 4,
        "UNDELIV": 5,
        "ACCEPTD": 6,
        "UNKNOWN": 7,
        "REJECTD": 8,
    }
    for word, state in expected.items():
        assert receipt.STAT_TO_STATE[word] == state
        assert receipt.STATE_TO_STAT[state] == word
    assert all(len(word) == 7 for word in receipt.STAT_TO_STATE)
    assert {receipt.STATE_TO_STAT[s]: s for s in receipt.STATE_TO_STAT} == receipt.STAT_TO_STATE


FINAL = {0: False, 1: False, 2: True, 3: True, 4: True, 5: True, 6: True, 7: True, 8: True}
FINAL |= {9: True, 10: False, 255: False}  # 0 and 9 are SMPP 5.0; 10 and up are not states


@pytest.mark.parametrize(("state", "final"), FINAL.items())
def test_is_final(state: int, final: bool) -> None:
    assert receipt.is_final(state) is final


def test_stat_to_state() -> None:
    assert receipt.stat_to_state("DELIVRD") == 2
    assert receipt.stat_to_state("delivered") == 2
    assert receipt.stat_to_state("Rejected") == 8
    assert receipt.stat_to_state("FAILED") is None
    assert receipt.stat_to_state("delıvrd") is None


def test_receipt_state_property() -> None:
    assert FACTS_RECEIPT.state == 2
    assert make(stat="REJECTD").state == 8


# --- differential: aiosmpplib's receipt parser -----------------------------------------------


@given(
    st.builds(
        Receipt,
        id=st.text("0123456789abcdefABCDEF", min_size=1, max_size=64),
        sub=counts,
        dlvrd=counts,
        # aiosmpplib reads YY with strptime, which puts 69-99 in the 1900s
        submit_date=dates("minute", last_year=2068),
        done_date=dates("minute", last_year=2068),
        stat=stats,
        err=st.integers(0, 999).map("{:03d}".format),
        text=texts,
    )
)
def test_agrees_with_aiosmpplib(r: Receipt) -> None:
    from aiosmpplib.protocol import DeliverSm

    s = receipt.format(r)
    theirs = DeliverSm(short_message=s, esm_class=0x04).parse_receipt()
    ours = receipt.parse(s)
    assert theirs == {
        "id": ours.id,
        "sub": ours.sub,
        "dlvrd": ours.dlvrd,
        "submit date": ours.submit_date.replace(tzinfo=None),
        "done date": ours.done_date.replace(tzinfo=None),
        "stat": ours.stat,
        "err": int(ours.err),
        "text": ours.text,
    }

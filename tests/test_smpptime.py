"""SMPP 3.4 time strings (facts 5.8): golden examples, round trips, every error."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdu import smpptime
from pdu.smpptime import RelativeTime, SmppTimeError

NOW = datetime(2024, 1, 31, 12, 0, 0, tzinfo=UTC)


# --- golden cases: (string, now, expected UTC datetime) -------------------------------------

GOLDEN = [
    # facts 5.8: 10:30 local at UTC+01:00 is 09:30 UTC
    ("240115103000004+", NOW, datetime(2024, 1, 15, 9, 30, tzinfo=UTC)),
    # facts 5.8: relative, one day; two and a half hours
    ("000001000000000R", NOW, NOW + timedelta(days=1)),
    ("000000023000000R", NOW, NOW + timedelta(hours=2, minutes=30)),
    # behind UTC: local 10:30 at UTC-05:00 is 15:30 UTC
    ("240115103000020-", NOW, datetime(2024, 1, 15, 15, 30, tzinfo=UTC)),
    # tenths of a second
    ("240115103000700+", NOW, datetime(2024, 1, 15, 10, 30, 0, 700_000, tzinfo=UTC)),
    # the largest offset, 12 hours, crossing midnight backwards
    ("240101050000048+", NOW, datetime(2023, 12, 31, 17, 0, tzinfo=UTC)),
    # "-" with offset 0 is UTC too
    ("991231235959900-", NOW, datetime(2099, 12, 31, 23, 59, 59, 900_000, tzinfo=UTC)),
    ("000101000000000+", NOW, datetime(2000, 1, 1, tzinfo=UTC)),
    # leap day
    ("240229120000000+", NOW, datetime(2024, 2, 29, 12, tzinfo=UTC)),
    # relative months clamp to the month's length: Jan 31 + 1 month = Feb 29 (leap year)
    ("000100000000000R", NOW, datetime(2024, 2, 29, 12, tzinfo=UTC)),
    # relative years from a leap day land on Feb 28
    (
        "010000000000000R",
        datetime(2024, 2, 29, tzinfo=UTC),
        datetime(2025, 2, 28, tzinfo=UTC),
    ),
    # months carry into years: Nov + 14 months = Jan two years on
    (
        "001400000000000R",
        datetime(2024, 11, 30, tzinfo=UTC),
        datetime(2026, 1, 30, tzinfo=UTC),
    ),
    # every field at once, all applied: calendar part first, then the duration
    (
        "010203040506000R",
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2025, 3, 4, 4, 5, 6, tzinfo=UTC),
    ),
    # relative fields may exceed their clock range (99 hours)
    ("000000990000000R", NOW, NOW + timedelta(hours=99)),
    ("", NOW, None),
]


@pytest.mark.parametrize(("value", "now", "expected"), GOLDEN)
def test_golden(value: str, now: datetime, expected: datetime | None) -> None:
    got = smpptime.parse(value, now)
    assert got == expected
    if got is not None:
        assert got.tzinfo is UTC


def test_relative_now_in_another_zone_gives_utc() -> None:
    now = datetime(2024, 1, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    got = smpptime.parse("000100000000000R", now)
    # now is Feb 1 01:30 UTC; the calendar month is counted in UTC
    assert got == datetime(2024, 3, 1, 1, 30, tzinfo=UTC)
    assert got is not None and got.tzinfo is UTC


def test_format_absolute_golden() -> None:
    dt = datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
    assert smpptime.format_absolute(dt, 4) == "240115103000004+"
    assert smpptime.format_absolute(dt) == "240115093000000+"
    assert smpptime.format_absolute(dt, -20) == "240115043000020-"
    tenths = datetime(2024, 1, 15, 9, 30, 1, 999_999, tzinfo=UTC)
    assert smpptime.format_absolute(tenths) == "240115093001900+"


def test_format_relative_golden() -> None:
    assert smpptime.format_relative(RelativeTime(days=1)) == "000001000000000R"
    assert smpptime.format_relative(RelativeTime(hours=2, minutes=30)) == "000000023000000R"
    assert smpptime.parse_relative("000000023000000R") == RelativeTime(hours=2, minutes=30)


# --- properties -----------------------------------------------------------------------------

aware_utc = st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 100_000 * 100_000))
quarter_hours = st.integers(-48, 48)
relatives = st.builds(
    RelativeTime,
    years=st.integers(0, 99),
    months=st.integers(0, 99),
    days=st.integers(0, 99),
    hours=st.integers(0, 99),
    minutes=st.integers(0, 99),
    seconds=st.integers(0, 99),
)
fixed_zones = st.integers(-18 * 60 + 1, 18 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
nows = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=fixed_zones
)


@given(aware_utc, quarter_hours)
def test_absolute_round_trip(dt: datetime, q: int) -> None:
    text = smpptime.format_absolute(dt, q)
    assert len(text) == 16
    assert smpptime.parse(text, NOW) == dt


valid_absolute_strings = st.builds(
    "{:02d}{:02d}{:02d}{:02d}{:02d}{:02d}{}{:02d}{}".format,
    st.integers(0, 99),  # YY
    st.integers(1, 12),  # MM
    st.integers(1, 28),  # DD, valid in every month
    st.integers(0, 23),  # hh
    st.integers(0, 59),  # mm
    st.integers(0, 59),  # ss
    st.integers(0, 9),  # t
    st.integers(1, 48),  # nn; 00 has two spellings ("+" and "-") and formats as "+"
    st.sampled_from("+-"),  # p
)


@given(valid_absolute_strings)
def test_absolute_string_round_trip(text: str) -> None:
    nn = int(text[13:15])
    dt = smpptime.parse(text, NOW)
    assert dt is not None
    assert smpptime.format_absolute(dt, nn if text[15] == "+" else -nn) == text


@given(relatives, nows)
def test_relative_round_trip(rel: RelativeTime, now: datetime) -> None:
    text = smpptime.format_relative(rel)
    assert smpptime.parse_relative(text) == rel
    got = smpptime.parse(text, now)
    assert got == smpptime.add_relative(now, rel)
    assert got is not None and got.tzinfo is UTC and got >= now


@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), nows)
def test_relative_duration_part_is_exact(
    days: int, hours: int, minutes: int, seconds: int, now: datetime
) -> None:
    rel = RelativeTime(days=days, hours=hours, minutes=minutes, seconds=seconds)
    delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    assert smpptime.add_relative(now, rel) == now + delta


@given(st.integers(0, 99), st.integers(0, 99), nows)
def test_relative_months_keep_or_clamp_the_day(years: int, months: int, now: datetime) -> None:
    got = smpptime.add_relative(now, RelativeTime(years=years, months=months))
    base = now.astimezone(UTC)
    assert (got.year * 12 + got.month) - (base.year * 12 + base.month) == years * 12 + months
    assert got.day == base.day or (got.day < base.day and (got + timedelta(days=1)).day == 1)
    assert got.time() == base.time()


@given(st.text(min_size=16, max_size=16))
def test_any_16_chars_parse_or_raise_our_error(value: str) -> None:
    try:
        got = smpptime.parse(value, NOW)
    except SmppTimeError:
        return
    assert got is not None and got.tzinfo is UTC


@given(st.text(alphabet="0123456789+-R", min_size=16, max_size=16))
def test_near_valid_strings_parse_or_raise_our_error(value: str) -> None:
    try:
        got = smpptime.parse(value, NOW)
    except SmppTimeError:
        return
    assert got is not None and got.tzinfo is UTC


# --- errors: each names the problem ----------------------------------------------------------

ERRORS = [
    ("24011510300000+", "16 characters, got 15"),
    ("240115103000004+0", "16 characters, got 17"),
    ("2401151030000004+", "16 characters, got 17"),
    ("24011510300x004+", "digits"),
    ("24011510300 004+", "digits"),
    ("²40115103000004+", "digits"),  # a Unicode digit is not an ASCII digit
    ("241315103000004+", "month must be 01-12, got 13"),
    ("240015103000004+", "month must be 01-12, got 00"),
    ("240100103000004+", "day must be 01-31"),
    ("240132103000004+", "day must be 01-31"),
    ("230229103000004+", "day must be 01-28 in 2023-02, got 29"),
    ("240230103000004+", "day must be 01-29 in 2024-02, got 30"),
    ("240115243000004+", "time of day"),
    ("240115106000004+", "time of day"),
    ("240115103060004+", "time of day"),
    ("240115103000049+", "00-48 quarter hours, got 49"),
    ("240115103000099-", "00-48 quarter hours, got 99"),
    ("240115103000004X", "'+', '-' or 'R'"),
    ("240115103000004r", "'+', '-' or 'R'"),
    ("240115103000004 ", "'+', '-' or 'R'"),
    ("000001000000100R", "tenths 0, got 1"),
    ("000001000000004R", "UTC offset 00, got 04"),
]


@pytest.mark.parametrize(("value", "message"), ERRORS)
def test_errors(value: str, message: str) -> None:
    with pytest.raises(SmppTimeError, match=re.escape(message)):
        smpptime.parse(value, NOW)


def test_error_is_a_value_error() -> None:
    assert issubclass(SmppTimeError, ValueError)


def test_parse_relative_rejects_absolute() -> None:
    with pytest.raises(SmppTimeError, match="must end in 'R'"):
        smpptime.parse_relative("240115103000004+")


def test_relative_fields_are_bounded() -> None:
    with pytest.raises(SmppTimeError, match="relative days must be 0-99, got 100"):
        RelativeTime(days=100)
    with pytest.raises(SmppTimeError, match="relative hours must be 0-99, got -1"):
        RelativeTime(hours=-1)


def test_naive_now_is_a_caller_bug_not_a_peer_error() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware") as info:
        smpptime.parse("000001000000000R", datetime(2024, 1, 1))
    assert not isinstance(info.value, SmppTimeError)


def test_format_absolute_errors() -> None:
    dt = datetime(2024, 1, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        smpptime.format_absolute(datetime(2024, 1, 15))
    with pytest.raises(SmppTimeError, match=re.escape("-48..48")):
        smpptime.format_absolute(dt, 49)
    with pytest.raises(SmppTimeError, match="year 1999"):
        smpptime.format_absolute(datetime(1999, 12, 31, tzinfo=UTC))
    with pytest.raises(SmppTimeError, match="year 2100"):
        smpptime.format_absolute(datetime(2099, 12, 31, 23, tzinfo=UTC), 8)


# --- differential: smpp.pdu3's smpp_time ------------------------------------------------------


@given(aware_utc.filter(lambda d: d.year < 2069), st.integers(-48, 48))
def test_absolute_agrees_with_smpp_pdu3(dt: datetime, q: int) -> None:
    from smpp.pdu import smpp_time

    text = smpptime.format_absolute(dt, q)
    theirs = smpp_time.parse(text)
    if theirs.tzinfo is None:  # smpp.pdu3 leaves offset 0 naive
        theirs = theirs.replace(tzinfo=UTC)
    assert theirs == smpptime.parse(text, NOW)


@given(relatives)
def test_relative_agrees_with_smpp_pdu3(rel: RelativeTime) -> None:
    from smpp.pdu import smpp_time

    theirs = smpp_time.parse(smpptime.format_relative(rel))
    assert (
        theirs.years,
        theirs.months,
        theirs.days,
        theirs.hours,
        theirs.minutes,
        theirs.seconds,
    ) == (rel.years, rel.months, rel.days, rel.hours, rel.minutes, rel.seconds)

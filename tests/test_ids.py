"""Message id formats: spellings, widths, UUIDs, and reading a number back from its id."""

from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smsc.ids import MessageIdAllocator, MessageIdFormat, MessageIdFormatError, convert

NUMBERS = st.integers(0, 2**62 - 1)
FORMATS = st.sampled_from(
    [
        MessageIdFormat.DECIMAL,
        MessageIdFormat.HEX,
        MessageIdFormat.UUID,
        MessageIdFormat.parse("decimal:10"),
        MessageIdFormat.parse("decimal:24"),
        MessageIdFormat.parse("hex:8"),
        MessageIdFormat.parse("hex:20"),
    ]
)


@pytest.mark.parametrize(
    ("spelling", "n", "expected"),
    [
        ("decimal", 1_764_000_000_000_042, "1764000000000042"),
        ("hex", 255, "ff"),
        ("decimal:20", 42, "00000000000000000042"),
        ("hex:10", 255, "00000000ff"),
        # A number wider than the width keeps its last digits: a fixed-width counter wraps.
        ("decimal:10", 1_764_000_000_000_042, "0000000042"),
        ("hex:8", 0x1_2345_6789, "23456789"),
    ],
)
def test_formats(spelling: str, n: int, expected: str) -> None:
    fmt = MessageIdFormat.parse(spelling)
    assert fmt.format(n) == expected
    assert str(fmt) == spelling


@pytest.mark.parametrize(
    ("spelling", "problem"),
    [
        ("octal", '"decimal:W"'),
        ("Decimal", '"decimal:W"'),
        ("decimal:", '"decimal:W"'),
        ("decimal:9", "decimal width must be 10-64"),
        ("hex:7", "hex width must be 8-64"),
        ("hex:65", "hex width must be 8-64"),
        ("uuid:36", "a uuid has no width"),
    ],
)
def test_bad_spellings_say_what_is_allowed(spelling: str, problem: str) -> None:
    with pytest.raises(MessageIdFormatError, match=re.escape(problem)):
        MessageIdFormat.parse(spelling)


@given(NUMBERS)
def test_uuids_are_canonical_version_4(n: int) -> None:
    s = MessageIdFormat.UUID.format(n)
    u = uuid.UUID(s)
    assert str(u) == s  # lower case, 8-4-4-4-12
    assert u.version == 4 and u.variant == uuid.RFC_4122


@given(st.lists(NUMBERS, min_size=2, max_size=50, unique=True))
def test_distinct_numbers_give_distinct_uuids(ns: list[int]) -> None:
    assert len({MessageIdFormat.UUID.format(n) for n in ns}) == len(ns)


def test_consecutive_numbers_give_uuids_that_look_unrelated() -> None:
    a, b = (MessageIdFormat.UUID.format(n) for n in (1_764_000_000_000_000, 1_764_000_000_000_001))
    # no long shared prefix or suffix, as a counter printed in hex would have
    assert a[:4] != b[:4] and a[-4:] != b[-4:]


@given(NUMBERS, FORMATS)
def test_number_reads_back_what_format_wrote(n: int, fmt: MessageIdFormat) -> None:
    written = fmt.format(n)
    if fmt.width:
        base = 10 if fmt.kind.value == "decimal" else 16
        assert fmt.number(written) == n % base**fmt.width
    else:
        assert fmt.number(written) == n


@given(NUMBERS, FORMATS, FORMATS)
def test_convert_writes_the_same_number_in_the_other_format(
    n: int, source: MessageIdFormat, target: MessageIdFormat
) -> None:
    written = source.format(n)
    converted = convert(written, source, target)
    assert converted == target.format(source.number(written))
    if source.width == 0 and target.width == 0:
        assert convert(converted, target, source) == written  # and back


def test_convert_leaves_an_id_the_source_format_did_not_write_alone() -> None:
    assert convert("not-a-uuid", MessageIdFormat.UUID, MessageIdFormat.DECIMAL) == "not-a-uuid"
    assert convert("12/3", MessageIdFormat.DECIMAL, MessageIdFormat.HEX) == "12/3"


def test_ids_continue_above_the_stored_floor_else_above_the_clock() -> None:
    assert MessageIdAllocator(1_700_000_000.0, floor=41).next() == 42
    fresh = MessageIdAllocator(1_700_000_000.0)
    assert fresh.next() == 1_700_000_000_000 * MessageIdAllocator.IDS_PER_MS

"""The load tests' handsets stay in a range of their own, apart from every number the README,
the docs and the tests use by hand (447700900123 and the like)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loadtests.handsets import BLOCK, LOAD_TEST_HANDSETS, handsets

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "loadtests" / "scenarios").glob("*.py"))
# A UK mobile number as the project writes them: 447..., +447..., 07...
NUMBER = re.compile(r"\+?(?:44|0)7\d{9}")


def numbers_in(path: Path) -> set[int]:
    found = set()
    for n in NUMBER.findall(path.read_text(encoding="utf-8")):
        digits = n.lstrip("+")
        found.add(int("44" + digits[1:] if digits.startswith("0") else digits))
    return found


def test_no_number_written_in_the_docs_or_tests_is_a_load_test_handset() -> None:
    written = [
        REPO / "README.md",
        # load-testing.md names the range itself
        *(p for p in (REPO / "docs").glob("*.md") if p.name != "load-testing.md"),
        *(REPO / "docs").glob("*.toml"),
        *(p for p in (REPO / "tests").rglob("*.py") if p.name != "test_handsets.py"),
    ]
    clashes = {str(p.relative_to(REPO)): n for p in written for n in numbers_in(p)}
    clashes = {p: n for p, n in clashes.items() if n in LOAD_TEST_HANDSETS}
    assert clashes == {}
    assert 447700900123 in numbers_in(REPO / "README.md")  # the example number is read
    assert 447700900123 not in LOAD_TEST_HANDSETS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_scenarios_take_their_handsets_from_the_load_test_range(scenario: Path) -> None:
    # No number of its own: each takes a block from loadtests.handsets.
    assert numbers_in(scenario) == set()


def test_each_block_cycles_through_10000_numbers_of_the_range() -> None:
    blocks = [handsets(b) for b in range(len(LOAD_TEST_HANDSETS) // BLOCK)]
    seen = [{int(next(numbers)) for _ in range(BLOCK)} for numbers in blocks]
    assert all(len(s) == BLOCK and s <= set(LOAD_TEST_HANDSETS) for s in seen)
    assert len(set().union(*seen)) == len(LOAD_TEST_HANDSETS)  # blocks do not overlap
    first = blocks[0]
    assert next(first) == str(LOAD_TEST_HANDSETS.start)  # round again
    with pytest.raises(ValueError, match="no handset block 10"):
        handsets(10)

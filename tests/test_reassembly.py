"""concat_info and the Reassembler: order, duplicates, conflicts, expiry, memory bound."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdu.reassembly import (
    ConcatError,
    ConcatInfo,
    DropReason,
    Incomplete,
    Reassembler,
    concat_info,
)
from pdu.segment import CounterReferenceAllocator, SegmentMethod, segment
from pdu.udh import InformationElement, UdhError

KEY = ("12345", "67890")
UDHI = 0x40
ESME_RINVMSGLEN = 0x01
ESME_RMISSINGOPTPARAM = 0xC3
ESME_RINVOPTPARAMVAL = 0xC4

# --- concat_info ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("esm_class", "short_message", "sar", "expected"),
    [
        (0x40, "050003420302" "6869", (None, None, None),
         ConcatInfo(0x42, 3, 2, b"hi", 8)),
        (0x43, "06080412340303" "6869", (None, None, None),
         ConcatInfo(0x1234, 3, 3, b"hi", 16)),
        (0x00, "6869", (0xBEEF, 4, 1), ConcatInfo(0xBEEF, 4, 1, b"hi", 16)),
        # port addressing beside the concat IE is kept for the caller
        (0x40, "0B05040B8423F0000342030148", (None, None, None),
         ConcatInfo(0x42, 3, 1, b"\x48", 8, (InformationElement(5, bytes.fromhex("0B8423F0")),))),
        # a port-only UDH with SAR TLVs: SAR places it, the UDH is still taken off
        (0x40, "0604040B8423F0" "6869", (7, 2, 2),
         ConcatInfo(7, 2, 2, b"hi", 16, (InformationElement(4, bytes.fromhex("0B8423F0")),))),
    ],
)  # fmt: skip
def test_concat_info_reads_udh_and_sar(
    esm_class: int,
    short_message: str,
    sar: tuple[int | None, int | None, int | None],
    expected: ConcatInfo,
) -> None:
    assert concat_info(esm_class, bytes.fromhex(short_message), *sar) == expected


def test_concat_info_ignores_udh_bytes_without_udhi() -> None:
    # The same octets as an 8-bit concat header, but esm_class says there is no UDH.
    assert concat_info(0x00, bytes.fromhex("0500034203026869"), None, None, None) is None


def test_concat_info_is_none_for_a_udh_without_concat_ie() -> None:
    assert concat_info(UDHI, bytes.fromhex("0604040B8423F06869"), None, None, None) is None


@pytest.mark.parametrize(
    ("esm_class", "short_message", "sar", "status"),
    [
        (0x00, "68", (1, 2, None), ESME_RMISSINGOPTPARAM),
        (0x00, "68", (None, None, 1), ESME_RMISSINGOPTPARAM),
        (0x00, "68", (1, 0, 1), ESME_RINVOPTPARAMVAL),
        (0x00, "68", (1, 256, 1), ESME_RINVOPTPARAMVAL),
        (0x00, "68", (1, 3, 0), ESME_RINVOPTPARAMVAL),
        (0x00, "68", (1, 3, 4), ESME_RINVOPTPARAMVAL),
        (0x00, "68", (65536, 3, 1), ESME_RINVOPTPARAMVAL),
        (0x40, "05000342000168", (None, None, None), ESME_RINVMSGLEN),  # total 0
        (0x40, "05000342030068", (None, None, None), ESME_RINVMSGLEN),  # seqnum 0
        (0x40, "05000342030468", (None, None, None), ESME_RINVMSGLEN),  # seqnum > total
        (0x40, "05000342030168", (1, 3, 1), ESME_RINVOPTPARAMVAL),  # UDH and SAR both
    ],
)
def test_concat_info_refuses_bad_values_with_a_status(
    esm_class: int, short_message: str, sar: tuple[int | None, ...], status: int
) -> None:
    with pytest.raises(ConcatError) as caught:
        concat_info(esm_class, bytes.fromhex(short_message), sar[0], sar[1], sar[2])
    assert caught.value.command_status == status


@pytest.mark.parametrize("short_message", ["", "0500034203", "050003420301"[:8]])
def test_concat_info_with_malformed_udh_is_udh_error(short_message: str) -> None:
    with pytest.raises(UdhError):
        concat_info(UDHI, bytes.fromhex(short_message), None, None, None)


# --- Reassembler basics --------------------------------------------------------------------


def test_parts_in_order_complete_on_the_last() -> None:
    r: Reassembler[tuple[str, str]] = Reassembler(timeout=60)
    assert r.add(KEY, 7, 3, 1, b"aa", now=0) is None
    assert r.add(KEY, 7, 3, 2, b"bb", now=1) is None
    assert len(r) == 1
    assert r.add(KEY, 7, 3, 3, b"cc", now=2) == b"aabbcc"
    assert len(r) == 0
    assert r.next_deadline() is None


def test_single_part_message_is_returned_at_once() -> None:
    r: Reassembler[str] = Reassembler(timeout=60)
    assert r.add("k", 0, 1, 1, b"whole", now=0) == b"whole"
    assert len(r) == 0


def test_same_content_duplicate_is_ignored() -> None:
    r: Reassembler[str] = Reassembler(timeout=60)
    assert r.add("k", 1, 2, 1, b"one", now=0) is None
    assert r.add("k", 1, 2, 1, b"one", now=1) is None
    assert r.add("k", 1, 2, 2, b"two", now=2) == b"onetwo"
    assert r.take_dropped() == []


def test_duplicate_with_other_content_means_the_reference_was_reused() -> None:
    r: Reassembler[str] = Reassembler(timeout=60)
    r.add("k", 1, 3, 1, b"old1", now=0)
    r.add("k", 1, 3, 2, b"old2", now=1)
    assert r.add("k", 1, 3, 1, b"new1", now=5) is None
    assert r.take_dropped() == [Incomplete("k", 1, 3, (1, 2), (3,), 0, DropReason.REFERENCE_REUSED)]
    assert r.take_dropped() == []
    assert r.add("k", 1, 3, 3, b"new3", now=6) is None  # old2 went with the old message
    assert r.add("k", 1, 3, 2, b"new2", now=7) == b"new1new2new3"
    assert r.next_deadline() is None


def test_conflicting_total_is_another_message_and_spoils_neither() -> None:
    r: Reassembler[str] = Reassembler(timeout=60)
    assert r.add("k", 9, 2, 1, b"a1", now=0) is None
    assert r.add("k", 9, 3, 1, b"b1", now=0) is None
    assert r.add("k", 9, 3, 2, b"b2", now=0) is None
    assert r.add("k", 9, 2, 2, b"a2", now=0) == b"a1a2"
    assert r.add("k", 9, 3, 3, b"b3", now=0) == b"b1b2b3"


def test_keys_and_references_keep_messages_apart() -> None:
    r: Reassembler[str] = Reassembler(timeout=60)
    assert r.add("alice", 1, 2, 1, b"A", now=0) is None
    assert r.add("bob", 1, 2, 1, b"B", now=0) is None
    assert r.add("alice", 2, 2, 1, b"C", now=0) is None
    assert r.add("bob", 1, 2, 2, b"b", now=0) == b"Bb"
    assert r.add("alice", 2, 2, 2, b"c", now=0) == b"Cc"
    assert r.add("alice", 1, 2, 2, b"a", now=0) == b"Aa"


@pytest.mark.parametrize(
    ("reference", "total", "seqnum"), [(-1, 2, 1), (65536, 2, 1), (1, 0, 1), (1, 256, 1),
                                       (1, 2, 0), (1, 2, 3)]
)  # fmt: skip
def test_add_refuses_out_of_range_values(reference: int, total: int, seqnum: int) -> None:
    r: Reassembler[str] = Reassembler(timeout=60)
    with pytest.raises(ConcatError):
        r.add("k", reference, total, seqnum, b"x", now=0)
    assert len(r) == 0


@pytest.mark.parametrize(("timeout", "max_pending"), [(0, 10), (-1, 10), (5, 0)])
def test_constructor_refuses_nonsense(timeout: float, max_pending: int) -> None:
    with pytest.raises(ValueError):
        Reassembler[str](timeout=timeout, max_pending=max_pending)


# --- time ----------------------------------------------------------------------------------


def test_expiry_reports_what_was_missing_at_the_deadline_of_the_first_part() -> None:
    r: Reassembler[str] = Reassembler(timeout=10)
    r.add("k", 4, 4, 2, b"x", now=100.0)
    r.add("k", 4, 4, 4, b"y", now=105.0)  # later parts do not move the deadline
    assert r.next_deadline() == 110.0
    assert r.expire(109.999) == []
    assert r.expire(110.0) == [Incomplete("k", 4, 4, (2, 4), (1, 3), 100.0, DropReason.TIMEOUT)]
    assert len(r) == 0
    assert r.next_deadline() is None
    assert r.expire(1000.0) == []


def test_expire_takes_only_the_old_messages_and_the_deadline_moves_on() -> None:
    r: Reassembler[int] = Reassembler(timeout=10)
    for i in range(5):
        r.add(i, 0, 2, 1, b"p", now=float(i))
    expired = r.expire(12.0)
    assert [(m.key, m.reason) for m in expired] == [(0, DropReason.TIMEOUT),
                                                    (1, DropReason.TIMEOUT),
                                                    (2, DropReason.TIMEOUT)]  # fmt: skip
    assert r.next_deadline() == 13.0
    assert len(r) == 2
    assert r.add(3, 0, 2, 2, b"q", now=12.5) == b"pq"
    assert r.next_deadline() == 14.0


def test_expire_at_next_deadline_always_fires() -> None:
    r: Reassembler[str] = Reassembler(timeout=0.1)
    r.add("k", 0, 2, 1, b"p", now=0.7)
    deadline = r.next_deadline()
    assert deadline is not None
    assert len(r.expire(deadline)) == 1


# --- memory bound --------------------------------------------------------------------------


def test_oldest_incomplete_message_is_evicted_and_reported() -> None:
    r: Reassembler[str] = Reassembler(timeout=60, max_pending=2)
    r.add("a", 1, 2, 1, b"a1", now=0)
    r.add("b", 1, 3, 2, b"b2", now=1)
    assert r.take_dropped() == []
    r.add("c", 1, 2, 1, b"c1", now=2)
    assert len(r) == 2
    assert r.take_dropped() == [Incomplete("a", 1, 2, (1,), (2,), 0, DropReason.EVICTED)]
    # "a" is gone: its last part starts a new message rather than completing.
    assert r.add("a", 1, 2, 2, b"a2", now=3) is None
    assert [m.key for m in r.take_dropped()] == ["b"]
    assert r.add("c", 1, 2, 2, b"c2", now=4) == b"c1c2"


def test_pending_never_exceeds_max_pending() -> None:
    r: Reassembler[int] = Reassembler(timeout=60, max_pending=50)
    for i in range(1000):
        r.add(i, i % 256, 3, 1, b"x", now=float(i))
        assert len(r) <= 50
    dropped = r.take_dropped()
    assert len(dropped) == 950
    assert [m.key for m in dropped] == list(range(950))  # oldest first


# --- properties ----------------------------------------------------------------------------


@st.composite
def parts_in_some_order(draw: st.DrawFn) -> tuple[list[bytes], list[int]]:
    """Payloads of 1..12 parts and an arrival order with some duplicates mixed in."""
    chunks = draw(st.lists(st.binary(max_size=8), min_size=1, max_size=12))
    order = draw(st.permutations(range(1, len(chunks) + 1)))
    dupes = draw(st.lists(st.sampled_from(order), max_size=5))
    arrival = list(order)
    for seqnum in dupes:
        # A duplicate may come any time after the original (retransmission).
        first = arrival.index(seqnum)
        at = draw(st.integers(first + 1, len(arrival)))
        arrival.insert(at, seqnum)
    return chunks, arrival


@given(parts_in_some_order())
def test_any_arrival_order_with_duplicates_completes_exactly_once(
    case: tuple[list[bytes], list[int]],
) -> None:
    chunks, arrival = case
    total = len(chunks)
    r: Reassembler[str] = Reassembler(timeout=60)
    results = [r.add("k", 5, total, s, chunks[s - 1], now=0.0) for s in arrival]
    seen: set[int] = set()
    completed_at = None
    for i, seqnum in enumerate(arrival):
        seen.add(seqnum)
        if len(seen) == total:
            completed_at = i
            break
    assert completed_at is not None
    assert results[completed_at] == b"".join(chunks)
    assert all(res is None for i, res in enumerate(results) if i < completed_at)
    assert r.take_dropped() == []


@given(st.lists(st.lists(st.binary(min_size=1, max_size=6), min_size=2, max_size=6),
                min_size=1, max_size=8), st.randoms(use_true_random=False))  # fmt: skip
def test_interleaved_messages_each_complete_with_their_own_content(
    messages: list[list[bytes]], rng: random.Random
) -> None:
    arrivals = [(m, s) for m, chunks in enumerate(messages) for s in range(1, len(chunks) + 1)]
    rng.shuffle(arrivals)
    r: Reassembler[int] = Reassembler(timeout=60)
    done: dict[int, bytes] = {}
    for m, s in arrivals:
        whole = r.add(m, m, len(messages[m]), s, messages[m][s - 1], now=0.0)
        if whole is not None:
            assert m not in done
            done[m] = whole
    assert done == {m: b"".join(chunks) for m, chunks in enumerate(messages)}
    assert len(r) == 0


gsm_text = st.lists(
    st.one_of(
        st.integers(0x20, 0x7E).map(lambda c: bytes((c,))),
        st.sampled_from([b"\x1b\x65", b"\x1b\x28", b"\x1b\x14"]),
    ),
    max_size=600,
).map(b"".join)


@given(
    gsm_text,
    st.sampled_from([SegmentMethod.UDH_8BIT_REF, SegmentMethod.UDH_16BIT_REF, SegmentMethod.SAR]),
    st.randoms(use_true_random=False),
)
def test_segment_then_reassemble_in_any_order_round_trips(
    payload: bytes, method: SegmentMethod, rng: random.Random
) -> None:
    parts = segment(payload, 0x00, method, allocator=CounterReferenceAllocator(start=77))
    rng.shuffle(parts)
    r: Reassembler[tuple[str, str]] = Reassembler(timeout=60)
    results: list[bytes | None] = []
    for i, part in enumerate(parts):
        info = concat_info(
            UDHI if part.udhi else 0,
            part.short_message,
            part.sar_msg_ref_num,
            part.sar_total_segments,
            part.sar_segment_seqnum,
        )
        if info is None:  # fitted in one SMS
            assert len(parts) == 1
            results.append(part.short_message)
            continue
        assert info.reference == 77
        results.append(
            r.add(KEY, info.reference, info.total, info.seqnum, info.payload, now=float(i))
        )
    assert results[-1] == payload
    assert all(res is None for res in results[:-1])
    assert len(r) == 0

"""encoding.* and segment.* findings, each triggered and not, through the core."""

from __future__ import annotations

from checks_harness import CheckHarness, udh_part

from pdu import text as pdu_text
from pdu.segment import CounterReferenceAllocator, SegmentMethod, segment
from smsc.checks import ChecksConfig

NOTICE = " Reply STOP to opt out"  # keeps compliance.no_opt_out_notice out of these tests


def gsm(text: str) -> bytes:
    return pdu_text.encode(text + NOTICE, pdu_text.GSM7)


def ucs2(text: str) -> bytes:
    return (text + NOTICE).encode("utf-16-be")


# -- encoding.ucs2_not_needed ---------------------------------------------------------------


def test_ucs2_for_gsm7_text_is_a_finding_with_the_cost() -> None:
    h = CheckHarness()
    esme = h.client()
    resp = esme.submit(short_message=ucs2("Your code is 1234"), data_coding=8)
    assert resp is not None and resp.command_status == 0
    (f,) = h.found
    assert f.code == "encoding.ucs2_not_needed"
    assert f.message_id == resp.message_id  # type: ignore[attr-defined]
    assert "data_coding 0" in f.text


def test_ucs2_for_text_gsm7_lacks_or_gsm7_itself_is_fine() -> None:
    h = CheckHarness()
    esme = h.client()
    esme.submit(short_message=ucs2("Привет"), data_coding=8, destination_addr="447700900010")
    esme.submit(short_message=gsm("Hello"), data_coding=0, destination_addr="447700900011")
    # c cedilla: GSM-7 carries it only as capital C cedilla, so UCS-2 is right.
    esme.submit(short_message=ucs2("ça va"), data_coding=8, destination_addr="447700900012")
    assert h.codes == []


# -- encoding.invalid -----------------------------------------------------------------------


def test_invalid_octets_are_findings_that_say_what_the_handset_shows() -> None:
    h = CheckHarness()
    esme = h.client()
    cases = [
        (gsm("Price 5") + b"\x80", 0, "above 0x7F"),
        (gsm("Hello") + b"\x1b", 0, "lone escape"),
        (b"A\x1bA" + gsm(""), 0, "no extension"),
        (ucs2("Hi") + b"\x00", 8, "odd number"),
        (ucs2("Hi") + b"\xd8\x3d", 8, "high surrogate"),
        (b"\xde\x00" + ucs2("Hi"), 8, "low surrogate"),
    ]
    for i, (payload, dc, _) in enumerate(cases):
        esme.submit(short_message=payload, data_coding=dc, destination_addr=f"4477009000{i:02d}")
    found = h.of("encoding.invalid")
    assert len(found) == len(cases)
    for f, (_, _, words) in zip(found, cases, strict=True):
        assert words in f.text


def test_valid_escapes_and_surrogate_pairs_are_not_invalid() -> None:
    h = CheckHarness()
    esme = h.client()
    esme.submit(short_message=gsm("Only 5€ {today}"), data_coding=0)
    esme.submit(short_message=ucs2("Party 🎉"), data_coding=8, destination_addr="447700900099")
    assert h.codes == []


# -- segment.split_escape / split_surrogate -------------------------------------------------


def test_an_escape_cut_at_a_parts_end_is_split_escape_not_invalid() -> None:
    h = CheckHarness()
    esme = h.client()
    first = b"a" * 152 + b"\x1b"  # 153 septets: the euro's escape ends part 1
    second = b"\x65" + gsm(" off today")
    esme.submit(data_coding=0, **udh_part(7, 2, 1, first))
    esme.submit(data_coding=0, **udh_part(7, 2, 2, second))
    (f,) = h.found
    assert f.code == "segment.split_escape"
    assert "part 1 of 2" in f.text


def test_parts_split_as_the_codec_splits_them_are_fine() -> None:
    h = CheckHarness()
    esme = h.client()
    refs = CounterReferenceAllocator()
    gsm_text = "a" * 152 + "€ off" + NOTICE
    emoji_text = "b" * 66 + "🎉 party" + NOTICE
    for text, dc, dest in ((gsm_text, 0, "447700900020"), (emoji_text, 8, "447700900021")):
        payload = pdu_text.encode(text, dc)
        parts = segment(payload, dc, SegmentMethod.UDH_8BIT_REF, allocator=refs)
        assert len(parts) >= 2
        for part in parts:
            esme.submit(esm_class=0x40, short_message=part.short_message, data_coding=dc,
                        destination_addr=dest)  # fmt: skip
    assert h.codes == []


def test_a_surrogate_pair_cut_at_a_parts_end_is_split_surrogate() -> None:
    h = CheckHarness()
    esme = h.client()
    emoji = "🎉".encode("utf-16-be")
    first = ("c" * 66).encode("utf-16-be") + emoji[:2]
    second = emoji[2:] + ucs2(" party")
    esme.submit(data_coding=8, **udh_part(9, 2, 1, first))
    esme.submit(data_coding=8, **udh_part(9, 2, 2, second))
    assert h.codes == ["segment.split_surrogate"]


# -- segment.inconsistent / incomplete / too_many -------------------------------------------


def test_parts_that_disagree_or_repeat_are_inconsistent_once_per_message() -> None:
    h = CheckHarness()
    esme = h.client()
    esme.submit(data_coding=0, **udh_part(1, 3, 1, b"a" * 153))
    esme.submit(data_coding=0, **udh_part(1, 2, 2, b"b" * 10))  # says 2 parts
    esme.submit(data_coding=0, **udh_part(2, 2, 1, b"a" * 153))
    esme.submit(data_coding=0, **udh_part(2, 2, 1, b"a" * 153))  # part 1 again
    esme.submit(data_coding=0, source_addr="999", **udh_part(3, 2, 1, b"a" * 153))
    esme.submit(data_coding=0, source_addr="998", **udh_part(3, 2, 2, gsm("x")))
    found = h.of("segment.inconsistent")
    assert [f.text.split(": ", 1)[1].split(";")[0] for f in found] == [
        "part 2 says 2 parts, part 1 said 3",
        "part 1 of 2 sent twice",
        "part 2 is from '998', part 1 from '999'",
    ]


def test_missing_parts_are_incomplete_after_the_timeout_only() -> None:
    h = CheckHarness(ChecksConfig(segment_timeout=60))
    esme = h.client()
    esme.submit(data_coding=0, **udh_part(5, 3, 1, b"a" * 153))
    esme.submit(data_coding=0, **udh_part(5, 3, 3, gsm("end")))
    h.advance(59)
    assert h.codes == []
    h.advance(2)
    (f,) = h.found
    assert f.code == "segment.incomplete"
    assert "part(s) 2 of 3" in f.text


def test_a_message_completed_in_time_is_not_incomplete() -> None:
    h = CheckHarness(ChecksConfig(segment_timeout=60))
    esme = h.client()
    esme.submit(data_coding=0, **udh_part(5, 2, 2, gsm("end")))  # out of order is fine
    h.advance(30)
    esme.submit(data_coding=0, **udh_part(5, 2, 1, b"a" * 153))
    h.advance(120)
    assert h.codes == []


def test_more_parts_than_max_parts_is_too_many_once() -> None:
    h = CheckHarness(ChecksConfig(max_parts=3))
    esme = h.client()
    for seq in range(1, 5):
        esme.submit(data_coding=0, **udh_part(6, 4, seq, gsm(f"part {seq}")))
    for seq in range(1, 4):
        esme.submit(data_coding=0, destination_addr="447700900050",
                    **udh_part(6, 3, seq, gsm(f"part {seq}")))  # fmt: skip
    assert h.codes == ["segment.too_many"]
    assert "4 parts, more than the 3" in h.found[0].text


def test_a_long_message_payload_counts_the_parts_the_smsc_makes() -> None:
    h = CheckHarness(ChecksConfig(max_parts=2))
    esme = h.client()
    esme.submit(short_message=b"", message_payload=gsm("x" * 400))  # 3 parts
    esme.submit(short_message=b"", message_payload=gsm("y" * 200), destination_addr="4471")
    assert h.codes == ["segment.too_many"]

"""compliance.* and conversation.unanswered findings, each triggered and not."""

from __future__ import annotations

from checks_harness import DEST, SOURCE, CheckHarness, at_utc

from carriers import CarriersConfig
from carriers.config import (
    CarrierConfig,
    ComplianceConfig,
    NumberConfig,
    OptedOutMode,
    OptInMode,
)
from pdu import CommandStatus as S
from smsc.checks import ChecksConfig, QuietHours

OK = b"Your order shipped. Reply STOP to opt out"
UK = CarriersConfig(carriers=(CarrierConfig(name="uk", prefixes=("44",), country="GB"),))


# -- compliance.opted_out ---------------------------------------------------------------------


def test_mt_to_an_opted_out_handset_is_a_finding_with_its_message() -> None:
    h = CheckHarness()
    esme = h.client()
    h.core.opt_out(DEST, SOURCE)
    resp = esme.submit(short_message=OK)
    assert resp is not None and resp.command_status == 0  # accepted, then REJECTD
    (f,) = h.found
    assert (f.code, f.handset, f.sender) == ("compliance.opted_out", DEST, SOURCE)
    assert f.message_id == resp.message_id  # type: ignore[attr-defined]


def test_a_refused_submission_to_an_opted_out_handset_is_a_finding_too() -> None:
    number = NumberConfig(
        SOURCE, "esme", compliance=ComplianceConfig(opted_out=OptedOutMode.REJECT)
    )
    h = CheckHarness(carriers=CarriersConfig(numbers=(number,)))
    esme = h.client()
    h.core.opt_out(DEST, SOURCE)
    resp = esme.submit(short_message=OK)
    assert resp is not None and resp.command_status == S.ESME_RSUBMITFAIL
    (f,) = h.found
    assert f.code == "compliance.opted_out" and f.message_id is None
    assert "refused" in f.text


def test_mt_to_a_handset_that_opted_out_of_another_sender_is_fine() -> None:
    h = CheckHarness()
    esme = h.client()
    h.core.opt_out(DEST, "99999")
    esme.submit(short_message=OK)
    assert h.codes == []


# -- compliance.not_opted_in ------------------------------------------------------------------


def _opt_in_number() -> CarriersConfig:
    cfg = ComplianceConfig(opt_in=OptInMode.SINGLE, require_opt_in=True)
    return CarriersConfig(numbers=(NumberConfig(SOURCE, "esme", compliance=cfg),))


def test_mt_to_a_handset_that_never_joined_is_not_opted_in() -> None:
    h = CheckHarness(carriers=_opt_in_number())
    esme = h.client()
    esme.submit(short_message=OK)
    assert h.codes == ["compliance.not_opted_in"]
    assert "never joined" in h.found[0].text


def test_mt_after_join_is_fine() -> None:
    h = CheckHarness(carriers=_opt_in_number())
    esme = h.client()
    h.core.inject_mo_text(DEST, SOURCE, "JOIN", h.now)
    h.flush()
    esme.submit(short_message=OK)
    assert h.codes == []


# -- compliance.no_opt_out_notice -------------------------------------------------------------


def test_a_first_mt_without_stop_is_a_finding_and_only_the_first_counts() -> None:
    h = CheckHarness()
    esme = h.client()
    resp = esme.submit(short_message=b"Your code is 1234")
    esme.submit(short_message=b"Your code is 5678")
    (f,) = h.found
    assert f.code == "compliance.no_opt_out_notice"
    assert f.message_id == resp.message_id  # type: ignore[union-attr]
    assert "Reply STOP" in f.text


def test_a_first_mt_naming_stop_is_fine_whatever_the_case() -> None:
    h = CheckHarness()
    esme = h.client()
    esme.submit(short_message=b"Hi! Text stop to unsubscribe.")
    esme.submit(short_message=b"Your code is 5678")
    assert h.codes == []


def test_a_long_first_mt_is_judged_whole() -> None:
    from checks_harness import udh_part

    h = CheckHarness()
    esme = h.client()
    esme.submit(**udh_part(4, 2, 1, b"a" * 153))
    assert h.codes == []  # not whole yet
    esme.submit(**udh_part(4, 2, 2, b" Reply STOP to opt out"))
    assert h.codes == []


# -- compliance.quiet_hours -------------------------------------------------------------------


def test_proactive_mt_at_night_in_the_handsets_country_is_a_finding() -> None:
    h = CheckHarness(carriers=UK, now=at_utc(22, 30))  # 22:30 in London in November
    esme = h.client()
    esme.submit(short_message=OK)
    (f,) = h.found
    assert f.code == "compliance.quiet_hours"
    assert "22:30 local time in GB" in f.text


def test_daytime_other_zones_and_unknown_countries_are_fine() -> None:
    h = CheckHarness(carriers=UK, now=at_utc(12))
    esme = h.client()
    esme.submit(short_message=OK)
    # 22:30 UTC is 17:30 in New York; a handset of no carrier with a country is not checked.
    us = CarriersConfig(carriers=(CarrierConfig(name="us", prefixes=("1",), country="US"),))
    h2 = CheckHarness(carriers=us, now=at_utc(22, 30))
    e2 = h2.client()
    e2.submit(short_message=OK, destination_addr="12125550100")
    e2.submit(short_message=OK, destination_addr="447700900001")
    assert h.codes == [] and h2.codes == []


def test_a_reply_to_the_handsets_mo_may_go_at_night() -> None:
    h = CheckHarness(carriers=UK, now=at_utc(23))
    esme = h.client()
    h.core.inject_mo_text(DEST, SOURCE, "Is my order on its way?", h.now)
    h.flush()  # delivered to the app and answered
    h.advance(600)
    esme.submit(short_message=OK)
    assert "compliance.quiet_hours" not in h.codes


def test_the_default_country_and_quiet_hours_are_configurable() -> None:
    cfg = ChecksConfig(country="GB", quiet_hours=QuietHours(12 * 60, 13 * 60))
    h = CheckHarness(cfg, now=at_utc(12, 15))
    h.client().submit(short_message=OK)
    assert h.codes == ["compliance.quiet_hours"]
    h2 = CheckHarness(ChecksConfig(country="GB"), now=at_utc(12, 15))
    h2.client().submit(short_message=OK)
    assert h2.codes == []


# -- conversation.unanswered ------------------------------------------------------------------


def test_an_mo_left_unanswered_past_the_sla_is_a_finding() -> None:
    h = CheckHarness(ChecksConfig(reply_sla=300))
    h.client()
    (mo,) = h.core.inject_mo_text(DEST, SOURCE, "Where is my parcel?", h.now)
    h.flush()
    h.advance(299)
    assert h.codes == []
    h.advance(2)
    (f,) = h.found
    assert (f.code, f.message_id, f.handset) == ("conversation.unanswered", mo.message_id, DEST)


def test_an_mo_answered_in_time_or_a_stop_needs_no_finding() -> None:
    h = CheckHarness(ChecksConfig(reply_sla=300))
    esme = h.client()
    h.core.inject_mo_text(DEST, SOURCE, "Where is my parcel?", h.now)
    h.core.inject_mo_text("447700900002", SOURCE, "STOP", h.now)
    h.flush()
    h.advance(100)
    esme.submit(short_message=OK)
    h.advance(1000)
    assert h.codes == []
    checks = h.core.checks
    assert checks is not None
    assert checks.conversations.answered == 1
    assert list(checks.conversations.reply_times) == [100.0]


def test_an_mo_the_app_never_took_is_not_the_apps_to_answer() -> None:
    h = CheckHarness(ChecksConfig(reply_sla=300))
    h.client(ack=None)  # never answers the deliver_sm
    h.core.inject_mo_text(DEST, SOURCE, "Hello?", h.now)
    h.flush()
    h.advance(20)  # before the response timeout: not delivered
    h.advance(301)
    assert "conversation.unanswered" not in h.codes


def test_submit_multi_and_data_sm_are_checked_like_submit_sm() -> None:
    import pdu

    number = NumberConfig(
        SOURCE, "esme", compliance=ComplianceConfig(opted_out=OptedOutMode.REJECT)
    )
    h = CheckHarness(carriers=CarriersConfig(numbers=(number,)))
    esme = h.client()
    h.core.opt_out("447700900031", SOURCE)
    resp = esme.request(
        pdu.SubmitMulti(
            source_addr=SOURCE,
            dest_address=[
                pdu.SmeAddress(1, 1, "447700900031"),  # opted out: refused
                pdu.SmeAddress(1, 1, "447700900032"),
            ],
            short_message=OK,
        )
    )
    assert resp is not None and resp.command_status == 0
    assert h.codes == ["compliance.opted_out"]
    assert h.found[0].handset == "447700900031"
    esme.request(
        pdu.DataSm(
            source_addr=SOURCE,
            destination_addr="447700900033",
            data_coding=8,
            message_payload="Hi. Reply STOP to opt out".encode("utf-16-be"),
        )
    )
    assert h.codes[1:] == ["encoding.ucs2_not_needed"]

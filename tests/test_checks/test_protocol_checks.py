"""protocol.* findings, each triggered and not; the settings that switch checks off."""

from __future__ import annotations

from checks_harness import DEST, SOURCE, CheckHarness, Client

import pdu
from smsc.checks import ChecksConfig, Severity
from smsc.faults import Fault, FaultKind

OK = b"Your order shipped. Reply STOP to opt out"


# -- protocol.duplicate_submit ----------------------------------------------------------------


def test_the_same_mt_again_within_the_window_is_one_finding_per_burst() -> None:
    h = CheckHarness(ChecksConfig(duplicate_window=10))
    esme = h.client()
    first = esme.submit(short_message=OK)
    h.advance(0.5)
    second = esme.submit(short_message=OK)
    h.advance(0.5)
    esme.submit(short_message=OK)  # the same burst: no second finding
    (f,) = h.found
    assert f.code == "protocol.duplicate_submit"
    assert f.message_id == second.message_id  # type: ignore[union-attr]
    assert first.message_id in f.text  # type: ignore[union-attr]


def test_other_texts_other_handsets_and_later_resends_are_not_duplicates() -> None:
    h = CheckHarness(ChecksConfig(duplicate_window=10))
    esme = h.client()
    esme.submit(short_message=OK)
    esme.submit(short_message=OK + b"!")
    esme.submit(short_message=OK, destination_addr="447700900077")
    h.advance(11)
    esme.submit(short_message=OK)
    assert h.codes == []


# -- protocol.slow_resp / no_resp -------------------------------------------------------------


def _mo_to(h: CheckHarness, esme: Client) -> pdu.DeliverSm:
    h.core.inject_mo_text(DEST, SOURCE, "STOP", h.now)  # a STOP wants no answer from the app
    h.flush()
    (deliver,) = [p for p in esme.received if isinstance(p, pdu.DeliverSm)]
    return deliver


def test_a_deliver_sm_answered_late_is_slow_once_a_minute_per_bind() -> None:
    h = CheckHarness(ChecksConfig(slow_response=1.0))
    esme = h.client(ack=None)
    for _ in range(2):
        esme.received.clear()
        deliver = _mo_to(h, esme)
        h.advance(2.5)
        esme.answer(deliver)
        h.flush()
    (f,) = h.found
    assert f.code == "protocol.slow_resp" and f.account == "esme"
    assert "2.50 s" in f.text


def test_a_deliver_sm_answered_at_once_is_fine() -> None:
    h = CheckHarness(ChecksConfig(slow_response=1.0))
    h.client()
    h.core.inject_mo_text(DEST, SOURCE, "STOP", h.now)
    h.flush()
    h.advance(60)
    assert h.codes == []
    checks = h.core.checks
    assert checks is not None and list(checks.protocol.response_times) == [0.0]


def test_a_deliver_sm_never_answered_is_no_resp() -> None:
    h = CheckHarness()
    esme = h.client(ack=None)
    _mo_to(h, esme)
    h.advance(h.config.timers.response_timeout + 1)
    h.core.session_timer(esme.conn, h.now)  # the adapter's per-connection timer
    h.flush()
    assert h.codes == ["protocol.no_resp"]


# -- protocol.enquire_link_storm --------------------------------------------------------------


def test_ten_enquire_links_in_a_minute_on_one_bind_is_a_storm_reported_once() -> None:
    h = CheckHarness()
    esme = h.client()
    for _ in range(25):
        esme.send(pdu.EnquireLink())
        h.advance(1)
    assert h.codes == ["protocol.enquire_link_storm"]


def test_one_enquire_link_every_thirty_seconds_is_fine() -> None:
    h = CheckHarness()
    esme = h.client()
    for _ in range(12):
        esme.send(pdu.EnquireLink())
        h.advance(30)
    assert h.codes == []


# -- protocol.rebind_loop ---------------------------------------------------------------------


def _drop_and_rebind(h: CheckHarness, times: int, *, unbind: bool = False) -> None:
    for _ in range(times):
        esme = h.client()
        h.advance(2)
        if unbind:
            esme.send(pdu.Unbind())
        esme.lose()
        h.advance(1)
    h.client()


def test_binds_that_drop_and_come_back_in_a_loop_are_one_finding() -> None:
    h = CheckHarness()
    _drop_and_rebind(h, 5)
    assert h.codes == ["protocol.rebind_loop"]


def test_binds_that_unbind_or_drop_by_a_fault_are_not_a_loop() -> None:
    h = CheckHarness()
    _drop_and_rebind(h, 5, unbind=True)
    h2 = CheckHarness()
    h2.core.add_fault(Fault(FaultKind.DROP_SESSION, after=1))
    for i in range(5):
        esme = h2.client()
        esme.submit(short_message=OK, destination_addr=f"4477009001{i}")  # then it closes
        assert esme.conn.closed
        h2.advance(1)
    assert h.codes == [] and h2.codes == []


# -- settings ---------------------------------------------------------------------------------


def test_disabled_codes_make_no_findings_and_severity_is_overridden() -> None:
    cfg = ChecksConfig(
        disabled=frozenset({"compliance.no_opt_out_notice"}),
        severity={"protocol.duplicate_submit": Severity.ERROR},
    )
    h = CheckHarness(cfg)
    esme = h.client()
    esme.submit(short_message=b"no notice")
    esme.submit(short_message=b"no notice")
    (f,) = h.found
    assert (f.code, f.severity) == ("protocol.duplicate_submit", Severity.ERROR)


def test_checks_switched_off_observe_nothing() -> None:
    h = CheckHarness(ChecksConfig(enabled=False))
    h.client().submit(short_message=b"no notice", data_coding=8)
    assert h.core.checks is None


def test_reset_forgets_findings_and_what_was_waiting() -> None:
    h = CheckHarness(ChecksConfig(reply_sla=10))
    esme = h.client()
    esme.submit(short_message=b"no notice")
    h.core.inject_mo_text(DEST, SOURCE, "Hello?", h.now)
    h.flush()
    h.core.reset(h.now)
    h.advance(20)
    assert h.codes == []
    esme.submit(short_message=b"no notice")  # a first contact again after a reset
    assert h.codes == ["compliance.no_opt_out_notice"]


def test_reset_starts_the_reports_counts_afresh() -> None:
    h = CheckHarness(ChecksConfig(reply_sla=10))
    h.client()
    h.core.inject_mo_text(DEST, SOURCE, "Hello?", h.now)
    h.flush()
    checks = h.core.checks
    assert checks is not None and checks.conversations.mo == 1
    h.core.reset(h.now)
    assert checks.conversations.mo == 0 and not checks.protocol.response_times
    assert checks.counts.mt_messages == 0

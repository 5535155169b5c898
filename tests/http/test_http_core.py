"""What the API stands on, without HTTP: the core's reset and text MO, the request parsers,
the metrics exposition. In-process, with the core test harness (time as numbers)."""

from __future__ import annotations

import pytest
from test_core import DELAY, DEST, SOURCE, Harness

import pdu
from carriers import CarriersConfig
from carriers.config import CarrierConfig, LognormalLatency
from carriers.network import Carrier
from pdu import MessageState
from pdu.segment import SegmentMethod
from smsc.config import ConfigError, ServerConfig, apply_overrides, config_from_dict
from smsc.core import MoError, Smsc
from smsc.http import payloads
from smsc.metrics import Family, Histogram, count_frames, exposition
from smsc.model import Direction

HANDSET = "447700900123"


def deliver_sms(h: Harness) -> list[pdu.DeliverSm]:
    return [
        p
        for c in h.clients.values()
        for p in c.received
        if isinstance(p, pdu.DeliverSm) and not p.esm_class & 0x04
    ]


# -- core: text MO ----------------------------------------------------------------------


def test_text_mo_is_delivered_as_one_deliver_sm_in_gsm7() -> None:
    h = Harness()
    h.client()
    (msg,) = h.core.inject_mo_text(HANDSET, "12345", "YES", h.now)
    h.flush()
    (dsm,) = deliver_sms(h)
    assert (dsm.data_coding, dsm.short_message, dsm.esm_class) == (0, b"YES", 0)
    assert (msg.direction, msg.text) == (Direction.MO, "YES")


@pytest.mark.parametrize(
    ("method", "check"),
    [
        (SegmentMethod.UDH_8BIT_REF, lambda p: p.esm_class & 0x40 and p.short_message[:3]),
        (SegmentMethod.SAR, lambda p: p.sar_total_segments == 2 and not p.esm_class & 0x40),
    ],
)
def test_long_text_mo_is_split_as_a_handset_would(method: SegmentMethod, check: object) -> None:
    h = Harness()
    h.client()
    text = "x" * 200
    parts = h.core.inject_mo_text(HANDSET, "12345", text, h.now, method=method)
    h.flush()
    sent = deliver_sms(h)
    assert len(parts) == len(sent) == 2
    assert all(check(p) for p in sent)  # type: ignore[operator]
    assert [m.part_number for m in parts] == [1, 2]
    assert "".join(m.text or "" for m in parts) == text


def test_long_text_mo_is_split_as_the_handsets_carrier_does_unless_told() -> None:
    sar = CarrierConfig(name="sar-net", prefixes=("4477",), mo_segmentation=SegmentMethod.SAR)
    h = Harness()
    h.core = Smsc(
        h.config, store=h.store, durable=False, now=h.now, carriers=CarriersConfig((sar,))
    )
    h.client()
    h.core.inject_mo_text(HANDSET, "12345", "z" * 200, h.now)  # 4477...: the SAR carrier
    h.core.inject_mo_text("33612345678", "12345", "z" * 200, h.now)  # the built-in carrier
    h.core.inject_mo_text(HANDSET, "12345", "z" * 200, h.now, method=SegmentMethod.UDH_8BIT_REF)
    h.flush()
    sent = deliver_sms(h)
    assert [p.sar_total_segments for p in sent[:2]] == [2, 2]
    assert not any(p.esm_class & 0x40 for p in sent[:2])
    assert all(p.esm_class & 0x40 and p.sar_total_segments is None for p in sent[2:])
    assert len(sent) == 6


def test_long_text_mo_as_one_message_payload() -> None:
    h = Harness()
    h.client()
    text = "y" * 200
    (msg,) = h.core.inject_mo_text(
        HANDSET, "12345", text, h.now, method=SegmentMethod.MESSAGE_PAYLOAD
    )
    h.flush()
    (dsm,) = deliver_sms(h)
    assert (dsm.short_message, dsm.message_payload) == (b"", text.encode())
    assert msg.text == text


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("", "1", "x"), "from is empty"),
        (("1", "", "x"), "to is empty"),
        (("1", "2", ""), "text is empty"),
        (("1", "2" * 21, "x"), "to must be"),
        (("1\n", "2", "x"), "from must be"),
    ],
)
def test_bad_text_mo_is_refused_and_nothing_is_injected(
    args: tuple[str, str, str], says: str
) -> None:
    h = Harness()
    with pytest.raises(MoError, match=says):
        h.core.inject_mo_text(*args, now=h.now)
    assert h.core.counters["mo"] == 0


def test_text_the_data_coding_cannot_carry_is_refused() -> None:
    h = Harness()
    with pytest.raises(MoError, match="data_coding 1"):
        h.core.inject_mo_text("1", "2", "€ only", h.now, data_coding=1)  # IA5: no euro
    with pytest.raises(MoError, match="data_coding 4"):
        h.core.inject_mo_text("1", "2", "binary", h.now, data_coding=4)


# -- core: reset ------------------------------------------------------------------------


def test_reset_forgets_open_messages_and_owed_receipts() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=1)
    assert resp is not None and resp.command_status == 0
    h.core.reset(h.now)
    h.store.delete_all()
    h.advance(DELAY + 1)
    assert esme.receipts() == []  # the receipt due after the delay was forgotten
    assert h.core.open_messages == {}
    assert h.store.find_messages() == []
    # The bind survives and works as before.
    resp = esme.submit(registered_delivery=1)
    assert resp is not None and resp.command_status == 0
    h.advance(DELAY + 1)
    assert len(esme.receipts()) == 1


def test_reset_drops_queued_mo_and_releases_held_responses() -> None:
    h = Harness(durable=True)
    esme = h.client()
    h.core.inject_mo("1", "2", b"queued", h.now)  # not committed yet: no deliver_sm
    seq = esme.send(pdu.SubmitSm(source_addr=SOURCE, destination_addr=DEST, short_message=b"held"))
    assert seq not in esme.answers  # held until its batch is durable
    h.core.reset(h.now)
    h.flush()
    assert esme.answers[seq].command_status == 0
    h.commit()
    h.advance(DELAY + 1)
    assert deliver_sms(h) == []
    assert h.store.find_messages() == []


def test_reset_keeps_a_delivery_in_flight_from_coming_back_by_retry() -> None:
    h = Harness()
    esme = h.client(ack=None)  # leaves deliver_sm unanswered
    h.core.inject_mo("1", "2", b"in flight", h.now)
    h.flush()
    assert len(deliver_sms(h)) == 1
    h.core.reset(h.now)
    esme.lose()  # unanswered deliveries of a lost session would go back to the queue
    again = h.client()
    h.advance(h.config.timers.retry_max + 1)
    assert [p for p in again.received if isinstance(p, pdu.DeliverSm)] == []


# -- core: counters for metrics ---------------------------------------------------------


def test_delivery_responses_are_counted_with_their_latency() -> None:
    h = Harness()
    h.client()
    h.core.inject_mo("1", "2", b"hi", h.now)
    h.flush()
    key = (pdu.CommandId.deliver_sm_resp, 0)
    assert h.core.responses_received[key] == 1
    assert h.core.delivery_latency.count == 1


# -- metrics text -----------------------------------------------------------------------


def test_count_frames_counts_whole_pdus_by_command_and_status() -> None:
    data = pdu.encode(pdu.SubmitSmResp(message_id="1", sequence_number=1)) + pdu.encode(
        pdu.GenericNack(sequence_number=2, command_status=pdu.CommandStatus.ESME_RINVCMDID)
    )
    counts: dict[tuple[int, int], int] = {}
    count_frames(data + data[:10], counts)  # a torn tail is not counted
    assert counts == {
        (pdu.CommandId.submit_sm_resp, 0): 1,
        (pdu.CommandId.generic_nack, pdu.CommandStatus.ESME_RINVCMDID): 1,
    }


def test_histogram_buckets_are_cumulative_with_inf() -> None:
    hist = Histogram((0.1, 1.0))
    for v in (0.05, 0.1, 0.5, 7.0):
        hist.observe(v)
    assert hist.cumulative() == [("0.1", 2), ("1", 3), ("+Inf", 4)]
    assert (hist.count, hist.sum) == (4, pytest.approx(7.65))


def test_exposition_format_escapes_labels() -> None:
    f = Family("x_total", "counter", "An x.")
    f.add(3, system_id='a"b\\c')
    assert exposition([f]) == (
        '# HELP x_total An x.\n# TYPE x_total counter\nx_total{system_id="a\\"b\\\\c"} 3\n'
    )


# -- API parsing ------------------------------------------------------------------------


def test_query_parsing_maps_names_to_store_filters() -> None:
    q, limit, offset = payloads.parse_list_args(
        {
            "direction": ["mo"],
            "from": ["1"],
            "state": ["delivered"],
            "since": ["2024-01-01T00:00:00Z"],
            "limit": ["5"],
        }
    )
    assert (q.direction, q.source_addr, q.state, limit, offset) == (
        Direction.MO,
        "1",
        MessageState.DELIVERED,
        5,
        0,
    )
    assert q.since == 1704067200.0


def test_wait_timeout_is_bounded() -> None:
    with pytest.raises(payloads.ApiError, match="timeout must be between"):
        payloads.parse_wait_args({"timeout": ["1e9"]})


def test_mo_body_defaults() -> None:
    mo = payloads.parse_mo(b'{"from": "1", "to": "2", "text": "x", "segmentation": "sar"}')
    assert (mo.data_coding, mo.method, mo.account) == (None, SegmentMethod.SAR, None)
    mo = payloads.parse_mo(b'{"from": "1", "to": "2", "text": "x"}')
    assert mo.method is None  # the handset's carrier decides


# -- config -----------------------------------------------------------------------------


def test_api_token_from_toml_and_command_line_never_shown() -> None:
    c = config_from_dict({"api_token": "t0ken"})
    assert c.api_token == "t0ken"
    assert "t0ken" not in repr(c)
    assert apply_overrides(ServerConfig(), api_token="other").api_token == "other"
    with pytest.raises(ConfigError, match="api_token") as e:
        config_from_dict({"api_token": "has space"})
    assert "has space" not in str(e.value)


# -- core: opt-outs set by the harness --------------------------------------------------


def test_opt_out_refuses_mt_from_that_sender_only_and_sends_no_text() -> None:
    h = Harness()
    esme = h.client()
    h.core.opt_out("+" + HANDSET, SOURCE)  # '+' dropped, as a STOP's numbers are
    assert h.core.compliance.opt_outs.list() == [(HANDSET, SOURCE)]
    assert h.core.compliance.mt_allowed(SOURCE, HANDSET) is False
    assert h.core.compliance.mt_allowed("55555", HANDSET) is True
    h.flush()
    assert deliver_sms(h) == [] and esme.receipts() == []  # no stop reply, no MO


def test_opt_out_ends_a_subscription_as_stop_does() -> None:
    h = Harness()
    h.core.compliance.subscriptions.add(HANDSET, SOURCE)
    h.core.opt_out(HANDSET, SOURCE)
    assert not h.core.compliance.subscriptions.contains(HANDSET, SOURCE)


def test_opt_in_says_whether_the_pair_was_listed_and_clear_counts() -> None:
    h = Harness()
    h.core.opt_out(HANDSET, SOURCE)
    h.core.opt_out("447700900999", SOURCE)
    assert h.core.opt_in("+" + HANDSET, SOURCE) is True
    assert h.core.opt_in(HANDSET, SOURCE) is False
    assert h.core.compliance.mt_allowed(SOURCE, HANDSET) is True
    assert h.core.clear_opt_outs() == 1
    assert h.core.clear_opt_outs() == 0
    assert h.core.compliance.opt_outs.list() == []


def test_carrier_json_names_latency_as_the_config_does() -> None:
    c = Carrier(CarrierConfig(name="x", prefixes=("44",), latency=LognormalLatency(2.0, 0.5)))
    view = payloads.carrier_json(c, down=True)
    assert view["latency"] == {"kind": "lognormal", "median": 2.0, "sigma": 0.5, "max": None}
    assert (view["prefixes"], view["down"], view["throughput"]) == (["44"], True, None)

"""The server's receipt text (cached dates, no Receipt object) equals pdu.receipt.format."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from test_receipt import styles

from pdu import MessageState
from pdu import receipt as receipt_text
from smsc.model import Direction, Message
from smsc.receipts import build_receipt, receipt_text_for

TIMES = st.floats(min_value=946_684_800, max_value=4_102_444_799, allow_nan=False)
STYLES = styles  # every style an account can ask for
STATES = st.sampled_from([s for s in MessageState if s not in (MessageState.SCHEDULED,)])


def message(submit: float, text: str, error_code: int) -> Message:
    return Message(
        message_id="4711",
        direction=Direction.MT,
        account="a",
        source_addr_ton=1,
        source_addr_npi=1,
        source_addr="123",
        dest_addr_ton=1,
        dest_addr_npi=1,
        destination_addr="456",
        esm_class=0,
        data_coding=0,
        registered_delivery=1,
        short_message=b"",
        submit_time=submit,
        error_code=error_code,
        text=text,
    )


@given(
    TIMES,
    TIMES,
    STATES,
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    st.integers(0, 999),
    STYLES,
)
def test_server_receipt_text_is_the_codec_format(
    submit: float, done: float, state: MessageState, text: str, err: int, style: receipt_text.Style
) -> None:
    expected = receipt_text.format(
        receipt_text.Receipt(
            id="4711",
            sub=1,
            dlvrd=1 if state is MessageState.DELIVERED else 0,
            submit_date=datetime.fromtimestamp(submit, UTC),
            done_date=datetime.fromtimestamp(done, UTC),
            stat=receipt_text.STATE_TO_STAT[int(state)],
            err=f"{err:03d}",
            text=text,
        ),
        style,
    )
    got = receipt_text_for(message(submit, text, err), state, done, style)
    assert got == expected
    assert receipt_text.parse(got).id == "4711"


def test_a_date_a_hair_before_the_next_second_is_that_next_second() -> None:
    # Regression (hypothesis): the memoised date keyed x.9999995 under second x while
    # datetime.fromtimestamp rounds it up to x+1.
    receipt_text.epoch_date(4_102_444_798.0, 12)
    assert receipt_text.epoch_date(4_102_444_798.9999995, 12) == "991231235959"


# Offsets that land on and around minute and second edges, where a memo keyed too loosely
# would hand out the previous date.
EDGE_OFFSETS = st.sampled_from(
    [0.0, 1e-7, 5e-7, 9.999e-7, 1e-6, 0.5, 0.9999995, 0.999999, 59.9999995]
)


@given(
    base=st.integers(946_684_810, 4_102_444_000),
    steps=st.lists(st.tuples(st.integers(-3, 130), EDGE_OFFSETS), min_size=1, max_size=30),
    digits=st.sampled_from([10, 12, 14]),
)
def test_memoised_dates_equal_datetime_for_times_close_together(
    base: int, steps: list[tuple[int, float]], digits: int
) -> None:
    for whole, frac in steps:
        t = base + whole + frac
        expected = datetime.fromtimestamp(t, UTC)
        if digits == 14:
            want = expected.strftime("%Y%m%d%H%M%S")
        else:
            want = expected.strftime("%y%m%d%H%M%S" if digits == 12 else "%y%m%d%H%M")
        assert receipt_text.epoch_date(t, digits) == want, t


def test_receipt_pdu_swaps_addresses_with_their_ton_and_npi() -> None:
    m = message(1_800_000_000.0, "hi", 0)
    m.source_addr_ton, m.source_addr_npi, m.source_addr = 5, 0, "ACME"
    m.dest_addr_ton, m.dest_addr_npi, m.destination_addr = 1, 1, "447700900123"
    m.message_id = "4711/2"  # a part of a submit_multi: receipts carry the id given
    r = build_receipt(m, MessageState.DELIVERED, 1_800_000_060.0)
    assert (r.source_addr_ton, r.source_addr_npi, r.source_addr) == (1, 1, "447700900123")
    assert (r.dest_addr_ton, r.dest_addr_npi, r.destination_addr) == (5, 0, "ACME")
    assert (r.esm_class, r.registered_delivery, r.data_coding) == (0x04, 0, 0)  # type: ignore[union-attr]
    assert (r.service_type, r.protocol_id, r.priority_flag) == ("", 0, 0)
    assert r.receipted_message_id == "4711" and r.message_state == MessageState.DELIVERED
    assert receipt_text.parse_bytes(r.short_message).id == "4711"  # type: ignore[union-attr]
    intermediate = build_receipt(m, MessageState.ENROUTE, 1_800_000_001.0, intermediate=True)
    assert intermediate.esm_class == 0x20

"""The server's receipt text (cached dates, no Receipt object) equals pdu.receipt.format."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from pdu import MessageState
from pdu import receipt as receipt_text
from smsc.model import Direction, Message
from smsc.receipts import receipt_text_for

TIMES = st.floats(min_value=946_684_800, max_value=4_102_444_799, allow_nan=False)
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
    st.sampled_from([10, 12, 14]),
)
def test_server_receipt_text_is_the_codec_format(
    submit: float, done: float, state: MessageState, text: str, err: int, digits: int
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
        digits,
    )
    got = receipt_text_for(message(submit, text, err), state, done, digits)
    assert got == expected
    assert receipt_text.parse(got).id == "4711"


def test_a_date_a_hair_before_the_next_second_is_that_next_second() -> None:
    # Regression (hypothesis): the memoised date keyed x.9999995 under second x while
    # datetime.fromtimestamp rounds it up to x+1.
    receipt_text.epoch_date(4_102_444_798.0, 12)
    assert receipt_text.epoch_date(4_102_444_798.9999995, 12) == "991231235959"

"""Coverage-guided fuzz target (atheris / libFuzzer) for ``pdu.Framer`` and ``pdu.decode``.

The input's first two octets choose the framer's ``max_command_length`` (16..4096) and the
size of the chunks the rest is fed in (1..256 octets); the rest is the TCP byte stream. A crash
is any exception other than ``PduError``, a framer holding more than ``max_command_length``
octets, or ``feed_pdus`` disagreeing with ``feed`` + ``decode`` on the same stream.

Brief run (CI does this through tests/reliability/test_fuzz.py)::

    .venv/bin/python fuzz/fuzz_framer.py -runs=20000 -max_len=4096

Long run (see docs/reliability.md for the last result)::

    .venv/bin/python fuzz/fuzz_framer.py --seed-corpus /tmp/smsc-fuzz-corpus
    .venv/bin/python fuzz/fuzz_framer.py -max_total_time=600 -rss_limit_mb=1024 -max_len=4096 \
        /tmp/smsc-fuzz-corpus

``--seed-corpus DIR`` writes one seed per PDU type (valid encodings) into DIR and exits.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import pdu
    from pdu import Pdu, PduError


def _params(data: bytes) -> tuple[int, int, bytes]:
    max_len = 16 + (data[0] * 16 if len(data) > 0 else 0)
    chunk = 1 + (data[1] if len(data) > 1 else 255)
    return max_len, chunk, data[2:]


def _same(a: Pdu | PduError, b: Pdu | PduError) -> bool:
    # A PduError's equality ignores its message text; a Pdu compares by fields.
    return type(a) is type(b) and a == b


def test_one_input(data: bytes) -> None:
    max_len, size, stream = _params(data)
    chunks = [stream[i : i + size] for i in range(0, len(stream), size)]

    framer = pdu.Framer(max_len)
    items: list[Pdu | PduError] = []
    for c in chunks:
        got = framer.feed_pdus(c)
        items.extend(got)
        if framer.buffered > max_len:
            raise AssertionError(f"framer holds {framer.buffered} > {max_len} octets")
        if got and isinstance(got[-1], pdu.FramingError):
            break

    # The same stream through feed() and decode() frame by frame must agree.
    plain = pdu.Framer(max_len)
    expected: list[Pdu | PduError] = []
    for c in chunks:
        try:
            frames = plain.feed(c)
        except pdu.FramingError as e:
            frames = e.frames  # type: ignore[attr-defined]
            expected.extend(_decoded(frames))
            expected.append(e)
            break
        expected.extend(_decoded(frames))
    if len(items) != len(expected) or not all(map(_same, items, expected)):
        raise AssertionError(f"feed_pdus {items!r} != feed+decode {expected!r}")

    with contextlib.suppress(PduError):  # anything else propagates: a crash
        pdu.decode(stream)


def _decoded(frames: list[bytes]) -> list[Pdu | PduError]:
    out: list[Pdu | PduError] = []
    for f in frames:
        try:
            out.append(pdu.decode(f))
        except PduError as e:
            out.append(e)
    return out


def write_seeds(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    seeds = [
        pdu.BindTransceiver(system_id="esme", password="pw", interface_version=0x34),
        pdu.BindTransceiverResp(system_id="smsc", sc_interface_version=0x34),
        pdu.SubmitSm(
            source_addr="1234",
            destination_addr="447700900001",
            short_message=b"hello",
            sar_msg_ref_num=1,
            sar_total_segments=2,
            sar_segment_seqnum=1,
        ),
        pdu.DeliverSm(
            source_addr="1",
            destination_addr="2",
            esm_class=4,
            short_message=b"id:1 stat:DELIVRD",
            receipted_message_id="1",
            message_state=2,
        ),
        pdu.SubmitMulti(dest_address=[pdu.SmeAddress(1, 1, "2"), pdu.DistributionList("dl")]),
        pdu.DataSm(source_addr="1", destination_addr="2", message_payload=b"x" * 40),
        pdu.QuerySm(message_id="1", source_addr="1"),
        pdu.ReplaceSm(message_id="1", source_addr="1", short_message=b"new"),
        pdu.CancelSm(message_id="1", source_addr="1", destination_addr="2"),
        pdu.EnquireLink(),
        pdu.GenericNack(command_status=3),
    ]
    for i, p in enumerate(seeds):
        p.sequence_number = i + 1
        # max_command_length 4096, 7-octet chunks, then two copies of the PDU.
        (directory / f"seed-{i:02d}").write_bytes(b"\xff\x06" + pdu.encode(p) * 2)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--seed-corpus":
        write_seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

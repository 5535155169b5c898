"""aiosmpplib (asyncio ESME) against ``smsc serve``: bind, submit, the receipt correlated to
the submit by aiosmpplib itself (through the message id), enquire_link, unbind."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from pdu import CommandStatus as S

from .conftest import (
    IO_TIMEOUT,
    RawClient,
    ServerFactory,
    ServerProcess,
    receipt_fields,
    unique_system_id,
)

aiosmpplib = pytest.importorskip("aiosmpplib")
from aiosmpplib import (  # noqa: E402  (after the importorskip guard)
    ESME,
    AbstractHook,
    BindMode,
    DeliverSm,
    EnquireLinkResp,
    PhoneNumber,
    SmppMessage,
    SubmitSm,
    SubmitSmResp,
)

pytestmark = pytest.mark.interop

ESME_ADDR = "1234"
HANDSET = "447700900001"


class Recorder(AbstractHook):
    """Keeps every message aiosmpplib received or failed to send, and lets a test wait."""

    def __init__(self) -> None:
        self.messages: list[SmppMessage | None] = []
        self.errors: list[tuple[SmppMessage, Exception]] = []
        self.changed = asyncio.Event()

    async def sending(self, smpp_message: SmppMessage, pdu: bytes, client_id: str) -> None:
        return None

    async def received(  # type: ignore[override]
        self, smpp_message: SmppMessage | None, pdu: bytes, client_id: str
    ) -> None:
        self.messages.append(smpp_message)
        self.changed.set()

    async def send_error(self, smpp_message: SmppMessage, error: Exception, client_id: str) -> None:
        if error is not None:
            self.errors.append((smpp_message, error))
            self.changed.set()

    async def wait_for(
        self, pred: Callable[[Any], bool], timeout: float = IO_TIMEOUT, what: str = "message"
    ) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            for m in self.messages:
                if m is not None and pred(m):
                    return m
            assert not self.errors, f"aiosmpplib failed to send: {self.errors}"
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {what} within {timeout}s; got {self.messages}")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                continue


def run(
    server: ServerProcess,
    scenario: Callable[[ESME, Recorder], Awaitable[None]],
    *,
    bind_mode: BindMode = BindMode.TRANSCEIVER,
    enquire_link_interval: float = 55.0,
    system_id: str | None = None,
) -> Recorder:
    """Start an ESME, wait for its bind, run ``scenario``, stop it; all within timeouts."""

    async def main() -> Recorder:
        hook = Recorder()
        esme = ESME(
            smsc_host=server.host,
            smsc_port=server.port,
            system_id=system_id or unique_system_id(),
            password="pw",
            bind_mode=bind_mode,
            enquire_link_interval=enquire_link_interval,
            socket_timeout=IO_TIMEOUT,
            hook=hook,
            log_level=logging.WARNING,
        )
        task = asyncio.create_task(esme.start())
        try:
            await hook.wait_for(
                lambda m: (
                    type(m).__name__.startswith("Bind") and m.smpp_command.name.endswith("_RESP")
                ),
                what="bind response",
            )
            await scenario(esme, hook)
        finally:
            await asyncio.wait_for(esme.stop(), IO_TIMEOUT)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return hook

    return asyncio.run(asyncio.wait_for(main(), 4 * IO_TIMEOUT))


def submit_sm(text: str, log_id: str, **kwargs: Any) -> SubmitSm:
    return SubmitSm(
        short_message=text,
        source=PhoneNumber(ESME_ADDR),
        destination=PhoneNumber(HANDSET),
        log_id=log_id,
        **kwargs,
    )


def test_submit_and_receipt_correlated_by_message_id(memory_server: ServerProcess) -> None:
    async def scenario(esme: ESME, hook: Recorder) -> None:
        await esme.broker.enqueue(submit_sm("hello from asyncio", "L-1", registered_delivery=1))
        resp = await hook.wait_for(
            lambda m: isinstance(m, SubmitSmResp) and m.log_id == "L-1", what="submit_sm_resp"
        )
        assert resp.command_status.value == 0
        assert resp.message_id
        receipt = await hook.wait_for(
            lambda m: isinstance(m, DeliverSm) and m.is_receipt(), what="receipt"
        )
        # aiosmpplib found the submit by the receipt's message id and copied its log_id.
        assert receipt.log_id == "L-1"
        parsed = receipt.parse_receipt()
        assert parsed["id"] == resp.message_id
        assert parsed["stat"] == "DELIVRD"
        fields = receipt_fields(receipt.short_message.encode("ascii"))
        assert fields["text"] == "hello from asyncio"

    run(memory_server, scenario)


def test_several_receipts_each_matched_to_its_submit(memory_server: ServerProcess) -> None:
    n = 5

    async def scenario(esme: ESME, hook: Recorder) -> None:
        for i in range(n):
            await esme.broker.enqueue(submit_sm(f"message {i}", f"L-{i}", registered_delivery=1))
        resps = {}
        for i in range(n):
            resps[f"L-{i}"] = await hook.wait_for(
                lambda m, i=i: isinstance(m, SubmitSmResp) and m.log_id == f"L-{i}"
            )
        for i in range(n):
            receipt = await hook.wait_for(
                lambda m, i=i: isinstance(m, DeliverSm) and m.log_id == f"L-{i}",
                what=f"receipt of L-{i}",
            )
            assert receipt.parse_receipt()["id"] == resps[f"L-{i}"].message_id
            assert receipt_fields(receipt.short_message.encode())["text"] == f"message {i}"
        receipts = [m for m in hook.messages if isinstance(m, DeliverSm)]
        assert len(receipts) == n

    run(memory_server, scenario)


def test_ucs2_with_emoji(memory_server: ServerProcess) -> None:
    text = "\U0001f600 smile \u4f60\u597d"

    async def scenario(esme: ESME, hook: Recorder) -> None:
        await esme.broker.enqueue(submit_sm(text, "L-ucs2", registered_delivery=1, encoding="ucs2"))
        receipt = await hook.wait_for(
            lambda m: isinstance(m, DeliverSm) and m.log_id == "L-ucs2", what="receipt"
        )
        # One space for the emoji (one character, two UTF-16 code units), two for the Han.
        assert receipt_fields(receipt.short_message.encode())["text"] == "  smile   "

    run(memory_server, scenario)


def test_long_text_in_message_payload(memory_server: ServerProcess) -> None:
    text = "".join(f"part{i:03d} " for i in range(60))  # 480 characters: message_payload

    async def scenario(esme: ESME, hook: Recorder) -> None:
        await esme.broker.enqueue(submit_sm(text, "L-long", registered_delivery=1))
        resp = await hook.wait_for(lambda m: isinstance(m, SubmitSmResp) and m.log_id == "L-long")
        assert resp.command_status.value == 0
        receipt = await hook.wait_for(
            lambda m: isinstance(m, DeliverSm) and m.log_id == "L-long", what="receipt"
        )
        assert receipt_fields(receipt.short_message.encode())["text"] == text[:20]

    run(memory_server, scenario)


def test_enquire_link_is_answered(memory_server: ServerProcess) -> None:
    async def scenario(esme: ESME, hook: Recorder) -> None:
        # aiosmpplib sends enquire_link after the interval without traffic.
        await hook.wait_for(lambda m: isinstance(m, EnquireLinkResp), what="enquire_link_resp")

    run(memory_server, scenario, enquire_link_interval=0.2)


def test_stop_unbinds_and_frees_the_bind(smsc_server: ServerFactory) -> None:
    # aiosmpplib sends unbind and half-closes at once, without waiting for unbind_resp
    # (facts, practice). The server must still free the bind: with max_binds = 1 the
    # same system_id binds again afterwards.
    server = smsc_server(
        "--store",
        "memory",
        config='[[accounts]]\nsystem_id = "solo"\npassword = "pw"\nmax_binds = 1\n',
    )

    async def scenario(esme: ESME, hook: Recorder) -> None:
        with RawClient(server.address) as raw:
            assert raw.bind(system_id="solo").command_status == S.ESME_RBINDFAIL

    run(server, scenario, system_id="solo")
    with RawClient(server.address) as raw:
        deadline = time.monotonic() + IO_TIMEOUT
        while (status := raw.bind(system_id="solo").command_status) != 0:
            assert status == S.ESME_RBINDFAIL
            assert time.monotonic() < deadline, "the stopped ESME's bind was never freed"
            time.sleep(0.05)


@pytest.mark.parametrize(
    ("bind_mode", "resp_name"),
    [
        (BindMode.TRANSMITTER, "BIND_TRANSMITTER_RESP"),
        (BindMode.RECEIVER, "BIND_RECEIVER_RESP"),
        (BindMode.TRANSCEIVER, "BIND_TRANSCEIVER_RESP"),
    ],
)
def test_each_bind_mode_is_accepted(
    memory_server: ServerProcess, bind_mode: BindMode, resp_name: str
) -> None:
    async def scenario(esme: ESME, hook: Recorder) -> None:
        bound = [m for m in hook.messages if m is not None]
        assert bound[0].smpp_command.name == resp_name
        assert bound[0].command_status.value == 0
        assert bound[0].system_id == "smsc"

    run(memory_server, scenario, bind_mode=bind_mode)

"""SIGTERM shuts the server down gracefully: bound sessions get unbind, the store is flushed
and the process exits 0; a restart on the same data dir still knows every message."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess

import pytest

import pdu

from .conftest import RawClient, ServerFactory

pytestmark = pytest.mark.interop

EXIT_WAIT = 30.0  # bound on the graceful exit after SIGTERM


def test_sigterm_unbinds_sessions_flushes_the_store_and_exits_zero(
    smsc_server: ServerFactory,
) -> None:
    server = smsc_server("--data-dir", "data", "--receipt-delay", "30")
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="graceful").command_status == 0
        ids = []
        for i in range(20):
            resp = raw.request(
                pdu.SubmitSm(
                    source_addr="12345",
                    destination_addr=f"4477009{i:05d}",
                    short_message=b"before shutdown",
                    registered_delivery=1,
                )
            )
            assert resp.command_status == 0
            ids.append(resp.message_id)
        os.kill(server.proc.pid, signal.SIGTERM)
        raw.wait_for(lambda p: isinstance(p, pdu.Unbind), what="unbind")  # RawClient answers
        # The server closes the session once its unbind is answered (not a time-out).
        with pytest.raises(ConnectionError):
            raw.read(timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):  # the assertion below says it
            server.proc.wait(timeout=EXIT_WAIT)
    assert server.proc.returncode == 0, server.output()

    restarted = smsc_server("--data-dir", "data", "--receipt-delay", "30")
    with RawClient(restarted.address) as raw:
        assert raw.bind(system_id="graceful").command_status == 0
        for message_id in ids:
            resp = raw.request(pdu.QuerySm(message_id=message_id, source_addr="12345"))
            assert resp.command_status == 0, message_id
            assert resp.message_state == pdu.MessageState.ENROUTE

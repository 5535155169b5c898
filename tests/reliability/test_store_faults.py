"""Durable mode when the store cannot write: a full store (``store_max_bytes``, the way a
full disk behaves) answers submit_sm ESME_RMSGQFUL, a database another process holds locked
answers ESME_RSYSERR, never a silent drop; the server keeps serving meanwhile and accepts
again once the condition ends."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

import pdu
from pdu import CommandStatus as S
from smsc.config import ConfigError, config_from_dict
from smsc.server import DB_NAME

from .conftest import RawClient, ServerFactory

LOCK_WAIT = 20.0  # bound for a response while the database is locked (busy_timeout is 5 s)
MAX_SUBMITS = 3000  # far more than 256 KiB of store holds


def submit(n: int, registered_delivery: int = 0) -> pdu.SubmitSm:
    return pdu.SubmitSm(
        source_addr="1234",
        destination_addr=f"4477009{n:05d}",
        short_message=f"message {n} ".encode().ljust(140, b"x"),
        registered_delivery=registered_delivery,
    )


def stored_destinations(base: str) -> list[str]:
    """destination_addr of every message the server holds, through its HTTP API."""
    with urllib.request.urlopen(f"{base}/api/v1/messages?limit=1000", timeout=5) as resp:
        return [m["to"] for m in json.loads(resp.read())["messages"]]


def test_store_max_bytes_is_read_from_config_and_validated() -> None:
    assert config_from_dict({"store_max_bytes": 1 << 20}).store_max_bytes == 1 << 20
    assert config_from_dict({}).store_max_bytes is None
    for bad in (1000, "1M", True, -1):
        with pytest.raises(ConfigError, match="store_max_bytes: must be an integer of at least"):
            config_from_dict({"store_max_bytes": bad})


def test_a_full_store_answers_msgqful_and_recovers_when_space_is_freed(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    server = smsc_server(
        "--data-dir",
        str(tmp_path / "data"),
        "--receipt-delay",
        "0",
        config="store_max_bytes = 262144\n",
    )
    accepted: list[str] = []
    refused = 0
    with RawClient(server.address) as esme:
        assert esme.bind().command_status == 0
        for n in range(MAX_SUBMITS):
            resp = esme.request(submit(n))
            if resp.command_status == S.ESME_ROK:
                accepted.append(resp.message_id)
            else:
                # Answered, with the status a full queue gets; the session goes on.
                assert resp.command_status == S.ESME_RMSGQFUL
                refused += 1
                if refused == 3:
                    break
        assert refused == 3, f"{len(accepted)} submits accepted into a 256 KiB store"
        assert accepted, "the store was full before the first message"
        assert esme.request(pdu.EnquireLink()).command_status == S.ESME_ROK
        # Everything acknowledged is stored: query_sm finds the last ones accepted.
        for message_id in accepted[-5:]:
            assert (
                esme.request(pdu.QuerySm(message_id=message_id, source_addr="1234")).command_status
                == S.ESME_ROK
            )
        assert "store write failed" in server.output()
        # ... and nothing refused was stored: no receipt can come for it later.
        stored = stored_destinations(server.http_url)
        assert len(stored) == len(accepted)
        assert submit(len(accepted)).destination_addr not in stored

        # Space is freed (the harness's reset empties the store); submits are accepted again.
        req = urllib.request.Request(server.http_url + "/api/v1/messages", method="DELETE")
        with urllib.request.urlopen(req, timeout=5):
            pass
        resp = esme.request(submit(MAX_SUBMITS, registered_delivery=1))
        assert resp.command_status == S.ESME_ROK
        receipt = esme.wait_for(
            lambda p: isinstance(p, pdu.DeliverSm) and p.receipted_message_id == resp.message_id,
            what="receipt after recovery",
        )
        assert receipt.esm_class & 0x3C == 0x04


LOCKER = textwrap.dedent(
    """
    import select, sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    select.select([sys.stdin], [], [], 60)  # until told to release, at most 60 s
    db.execute("ROLLBACK")
    """
)


def test_a_locked_database_answers_syserr_and_recovers_when_the_lock_is_released(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = smsc_server("--data-dir", str(data_dir), "--receipt-delay", "0")
    with RawClient(server.address) as esme:
        assert esme.bind().command_status == 0
        assert esme.request(submit(1)).command_status == S.ESME_ROK

        locker = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(data_dir / DB_NAME)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert locker.stdout is not None and locker.stdout.readline() == "locked\n"
            seq = esme.send(submit(2))
            # The reactor is not stuck behind the store: enquire_link is answered while the
            # submit waits for the lock.
            assert esme.request(pdu.EnquireLink()).command_status == S.ESME_ROK
            assert seq not in esme.responses
            resp = esme.response(seq, timeout=LOCK_WAIT)
            assert resp.command_status == S.ESME_RSYSERR
        finally:
            assert locker.stdin is not None
            locker.stdin.write("\n")
            locker.stdin.close()
            locker.wait(timeout=10)
        assert locker.returncode == 0
        assert "store write failed" in server.output()

        resp = esme.request(submit(3, registered_delivery=1), timeout=LOCK_WAIT)
        assert resp.command_status == S.ESME_ROK
        receipt = esme.wait_for(
            lambda p: isinstance(p, pdu.DeliverSm) and p.receipted_message_id == resp.message_id,
            what="receipt after the lock",
        )
        assert receipt.esm_class & 0x3C == 0x04
        # The submit refused while locked was not stored after all once the lock went.
        destinations = stored_destinations(server.http_url)
        assert sorted(destinations) == [submit(1).destination_addr, submit(3).destination_addr]

"""Faults on demand end to end: a real ``smsc serve`` with faults in its config file and
faults added and cleared through the REST API, ESMEs over loopback (our raw client and
smpplib). Outcomes are checked by order (a faulted response or receipt comes after an
unfaulted one sent later), never by timing. Every wait is bounded."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

import pdu
from pdu import CommandStatus as S
from smsc.client import ApiClient, ApiError
from smsc.pytest_plugin import Simulator

from .conftest import RawClient, ServerFactory, SmpplibEsme, bound_raw, receipts, simulator

pytestmark = pytest.mark.interop

CONFIG = """
seed = 7

[[faults]]
kind = "reject"
account = "rejecter"
probability = 0.5
status = "ESME_RSYSERR"

[[faults]]
kind = "bind_refused"
account = "nobind"
"""


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with simulator(tmp_path_factory.mktemp("faults"), CONFIG, ["--receipt-delay", "0.1"]) as s:
        yield s


@pytest.fixture
def smsc(sim: Simulator) -> Iterator[Simulator]:
    """The module's simulator; faults a test adds through the API are gone after it."""
    try:
        yield sim
    finally:
        sim._forget_added_faults()


def submit_sm(dest: str, *, receipt: bool = False) -> pdu.SubmitSm:
    return pdu.SubmitSm(
        source_addr="12345",
        destination_addr=dest,
        short_message=b"hello",
        registered_delivery=1 if receipt else 0,
    )


def send_together(client: RawClient, *requests: pdu.Pdu) -> list[int]:
    """Send the requests in one write, so the server takes them in at one moment: which
    answer comes first then depends on the faults alone, not on how fast either side runs."""
    for p in requests:
        p.sequence_number = client.next_seq()
    client.send_bytes(b"".join(pdu.encode(p) for p in requests))
    return [p.sequence_number for p in requests]


def receipt_ids(client: RawClient) -> list[str]:
    return [r.receipted_message_id for r in receipts(client.received)]  # type: ignore[attr-defined]


# -- set in the config file -------------------------------------------------------------------


def test_config_rejects_a_share_with_the_status(smsc: Simulator) -> None:
    with bound_raw(smsc, "rejecter") as esme:
        seqs = [esme.send(submit_sm("447700900001")) for _ in range(200)]
        statuses = [esme.response(seq).command_status for seq in seqs]
    assert set(statuses) == {0, S.ESME_RSYSERR}
    # probability 0.5 of 200: mean 100, sd ~7; a fixed seed, so this is also reproducible.
    assert 70 <= statuses.count(S.ESME_RSYSERR) <= 130


def test_config_refuses_binds_of_one_account(smsc: Simulator) -> None:
    with RawClient(smsc.smpp_address) as client:
        assert client.bind(system_id="nobind").command_status == S.ESME_RBINDFAIL
    with bound_raw(smsc, "other"):
        pass
    kinds = [(f["kind"], f.get("account")) for f in smsc.faults()]
    assert ("reject", "rejecter") in kinds and ("bind_refused", "nobind") in kinds


# -- set through the API -----------------------------------------------------------------------


def test_api_bind_refused_then_cleared(smsc: Simulator) -> None:
    fault_id = smsc.add_fault("bind_refused", account="flaky", status="ESME_RINVPASWD")
    with RawClient(smsc.smpp_address) as client:
        assert client.bind(system_id="flaky").command_status == S.ESME_RINVPASWD
    smsc.remove_fault(fault_id)
    with bound_raw(smsc, "flaky"):
        pass


def test_api_reject_scoped_to_a_prefix_with_smpplib(smsc: Simulator) -> None:
    smsc.add_fault("reject", prefix="3361", status=0x45)
    with SmpplibEsme(smsc.smpp_address) as esme:
        esme.bind(system_id="prefixed")
        assert esme.submit(destination_addr="33610000000").status == S.ESME_RSUBMITFAIL
        assert esme.submit(destination_addr="447700900001").status == 0


def test_api_throttle_above_the_rate(smsc: Simulator) -> None:
    smsc.add_fault("throttle", account="throttled", rate=5)
    with bound_raw(smsc, "throttled") as esme:
        seqs = [esme.send(submit_sm("447700900001")) for _ in range(20)]
        statuses = [esme.response(seq).command_status for seq in seqs]
    assert statuses[:5] == [0] * 5
    assert S.ESME_RTHROTTLED in statuses
    assert set(statuses) == {0, S.ESME_RTHROTTLED}


def test_api_slow_response_arrives_after_a_later_one(smsc: Simulator) -> None:
    smsc.add_fault("slow_response", prefix="111", delay=1.0)
    with bound_raw(smsc, "slow") as esme:
        slow, fast = send_together(esme, submit_sm("1110000"), submit_sm("447700900001"))
        esme.response(fast)
        assert slow not in esme.responses
        assert esme.response(slow).command_status == 0


def test_api_missing_response_never_comes(smsc: Simulator) -> None:
    smsc.add_fault("no_response", prefix="222")
    with bound_raw(smsc, "mute") as esme:
        lost = esme.send(submit_sm("2220000"))
        later = esme.send(submit_sm("447700900001"))
        assert esme.response(later).command_status == 0
        esme.collect(1.0)
        assert lost not in esme.responses


def test_api_receipt_delayed_comes_after_a_later_one(smsc: Simulator) -> None:
    smsc.add_fault("receipt_delay", prefix="333", delay=1.0)
    with bound_raw(smsc, "late") as esme:
        seqs = send_together(
            esme, submit_sm("3330000", receipt=True), submit_sm("447700900001", receipt=True)
        )
        late, prompt = (esme.response(seq).message_id for seq in seqs)  # type: ignore[attr-defined]
        esme.wait_for(lambda p: prompt in receipt_ids(esme), what="the prompt receipt")
        assert late not in receipt_ids(esme)
        esme.wait_for(lambda p: late in receipt_ids(esme), what="the delayed receipt")
        assert receipt_ids(esme) == [prompt, late]


def test_api_receipt_lost_but_message_delivered(smsc: Simulator) -> None:
    smsc.add_fault("receipt_lost", prefix="444")
    with bound_raw(smsc, "lossy") as esme:
        lost = esme.request(submit_sm("4440000", receipt=True)).message_id  # type: ignore[attr-defined]
        kept = esme.request(submit_sm("447700900001", receipt=True)).message_id  # type: ignore[attr-defined]
        esme.wait_for(lambda p: kept in receipt_ids(esme), what="the kept receipt")
        esme.collect(0.5)
        assert receipt_ids(esme) == [kept]
    assert smsc.message(lost)["state"] == "DELIVERED"


def test_api_duplicate_receipts_and_mo(smsc: Simulator) -> None:
    smsc.add_fault("duplicate_delivery", account="dups", copies=1)
    with bound_raw(smsc, "dups") as esme:
        message_id = esme.request(submit_sm("447700900001", receipt=True)).message_id  # type: ignore[attr-defined]
        esme.wait_for(lambda p: receipt_ids(esme).count(message_id) == 2, what="two receipts")
        smsc.send_mo("447700900123", "12345", "YES", account="dups")

        def mos() -> list[pdu.Pdu]:
            return [p for p in esme.received if isinstance(p, pdu.DeliverSm) and not p.esm_class]

        esme.wait_for(lambda p: len(mos()) == 2, what="two MO copies")
        assert [p.short_message for p in mos()] == [b"YES", b"YES"]  # type: ignore[attr-defined]


def test_api_session_dropped_after_n_pdus(smsc: Simulator) -> None:
    smsc.add_fault("drop_session", account="dropped", after=2)
    with bound_raw(smsc, "dropped") as esme:
        assert esme.request(submit_sm("447700900001")).command_status == 0
        assert esme.request(submit_sm("447700900001")).command_status == 0
        with pytest.raises(ConnectionError):
            esme.collect(5.0)
    with bound_raw(smsc, "other2") as esme:  # another account is not dropped
        for _ in range(3):
            assert esme.request(submit_sm("447700900001")).command_status == 0


def test_api_cleared_faults_stop(smsc: Simulator) -> None:
    smsc.add_fault("reject", account="cleared", status="ESME_RSYSERR")
    with bound_raw(smsc, "cleared") as esme:
        assert esme.request(submit_sm("447700900001")).command_status == S.ESME_RSYSERR
        cleared = smsc.clear_faults()
        assert cleared >= 3  # ours and the two of the config file
        assert smsc.faults() == []
        assert esme.request(submit_sm("447700900001")).command_status == 0


def test_api_refuses_bad_faults_and_unknown_ids(smsc: Simulator) -> None:
    with pytest.raises(ApiError) as e:
        smsc.add_fault("throttle")
    assert e.value.status == 422 and "rate" in str(e.value)
    with pytest.raises(ApiError) as e:
        smsc.add_fault("explode")
    assert e.value.status == 422
    with pytest.raises(ApiError) as e:
        smsc.remove_fault(999_999)
    assert e.value.status == 404


def test_cli_adds_lists_and_removes_a_fault(smsc: Simulator) -> None:
    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "smsc", "faults", *args, "--api", smsc.http_url],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return done.stdout

    fault_id = int(cli("add", "reject", "status=ESME_RSYSERR", "probability=0.5", "prefix=999"))
    listed = [json.loads(line) for line in cli().splitlines()]
    assert {"id": fault_id, "kind": "reject", "prefix": "999", "probability": 0.5,
            "status": "ESME_RSYSERR"} in listed  # fmt: skip
    cli("remove", str(fault_id))
    assert fault_id not in [f["id"] for f in smsc.faults()]


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_a_reset_still_answers_a_submit_a_slow_response_fault_holds(
    smsc_server: ServerFactory, store: str
) -> None:
    server = smsc_server("--store", store, "--data-dir", str(smsc_server.workdir / store))
    api = ApiClient(server.http_url)
    api.add_fault("slow_response", delay=1.5)
    with RawClient(server.address) as esme:
        assert esme.bind(system_id="patient").command_status == 0
        seq = esme.send(pdu.SubmitSm(source_addr="1234", destination_addr="447700900321"))
        # Stored (so the server holds its response late), and only then the reset.
        api.wait_for_message(to="447700900321")
        api.reset()
        resp = esme.response(seq, timeout=30.0)
        assert (resp.command_id, resp.command_status) == (pdu.CommandId.submit_sm_resp, 0)
        assert resp.message_id

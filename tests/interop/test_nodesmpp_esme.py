"""node-smpp (npm ``smpp``), an ESME that binds at SMPP 5.0 by default, against ``smsc serve``:
bound at 0x50 it gets sc_interface_version 0x50 and ESME_ROK for broadcast_sm,
query_broadcast_sm and cancel_broadcast_sm; each shipped carrier profile with a receipt; an
alert_notification for a 5.0 submit_sm with set_dpf to an absent handset.

node-smpp is installed with npm on first use (tests/nodesmpp.py, pinned version, in a cache
directory outside version control); the tests skip, saying why, when node or npm is not
installed. The ESME is tests/node/node_smpp_esme.js, one process per scenario, reporting
JSON lines; every run is bounded by a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from nodesmpp import NodeUnavailableError, install

from pdu import MessageState
from pdu import receipt as receipt_text
from smsc.pytest_plugin import Simulator

from . import profiles as P  # noqa: N812
from .conftest import simulator

pytestmark = pytest.mark.interop

ESME_JS = Path(__file__).resolve().parent.parent / "node" / "node_smpp_esme.js"
RUN_TIMEOUT = 30.0  # seconds for one node process, start-up included


@pytest.fixture(scope="module")
def node_modules() -> Path:
    try:
        return install()
    except NodeUnavailableError as e:
        pytest.skip(f"node-smpp interop needs node and npm: {e}")


def run_esme(modules: Path, sim: Simulator, script: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the node ESME once; its events in order (fails with its output on an error)."""
    script = {"timeout_ms": 10_000, "password": "pw", **script}
    done = subprocess.run(
        ["node", str(ESME_JS), sim.smpp_host, str(sim.smpp_port), json.dumps(script)],
        env={**os.environ, "NODE_PATH": str(modules)},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert events and events[-1]["event"] == "done", (done.stdout, done.stderr)
    return events


def of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == kind]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    config = (
        P.config()
        + """
[[accounts]]
system_id = "cbc"
password = "pw"

[[accounts]]
system_id = "dpf"
password = "pw"
"""
        + P.ABSENT_CARRIER
    )
    with simulator(tmp_path_factory.mktemp("node"), config, ["--receipt-delay", "0.1"]) as s:
        yield s


def test_bound_at_50_broadcast_query_and_cancel_are_answered_rok(
    node_modules: Path, sim: Simulator
) -> None:
    area = {"format": 0, "data": "North"}
    events = run_esme(
        node_modules,
        sim,
        {
            "system_id": "cbc",
            "requests": [
                {
                    "command": "broadcast_sm",
                    "fields": {
                        "source_addr": "ALERTS",
                        "broadcast_area_identifier": [area],
                        "broadcast_content_type": {"network": 1, "content_type": 1},
                        "broadcast_rep_num": 2,
                        "broadcast_frequency_interval": {"unit": 0x0A, "interval": 1},
                        "message_payload": "Flood warning",
                    },
                },
                {
                    "command": "query_broadcast_sm",
                    "fields": {"message_id": "$last_message_id", "source_addr": "ALERTS"},
                },
                {
                    "command": "cancel_broadcast_sm",
                    "fields": {"message_id": "$last_message_id", "source_addr": "ALERTS"},
                },
                {
                    "command": "query_broadcast_sm",
                    "fields": {"message_id": "$last_message_id", "source_addr": "ALERTS"},
                },
            ],
        },
    )
    (bind,) = of(events, "bind_resp")
    assert (bind["command_status"], bind["sc_interface_version"]) == (0, 0x50)
    bsm, query, cancel, after = of(events, "response")
    assert [r["command"] for r in (bsm, query, cancel, after)] == [
        "broadcast_sm_resp",
        "query_broadcast_sm_resp",
        "cancel_broadcast_sm_resp",
        "query_broadcast_sm_resp",
    ]
    assert [r["command_status"] for r in (bsm, query, cancel, after)] == [0, 0, 0, 0]
    assert bsm["message_id"] and query["message_id"] == bsm["message_id"]
    assert query["fields"]["message_state"] == MessageState.ENROUTE
    assert after["fields"]["message_state"] == MessageState.DELETED
    # congestion_state in the responses of a 5.0 session (an idle server: low)
    assert 0 <= query["fields"]["congestion_state"] <= 29


@pytest.mark.parametrize("profile", P.PROFILES)
def test_profile_with_node_smpp(node_modules: Path, sim: Simulator, profile: str) -> None:
    submits = [
        {
            "source_addr": P.ESME_ADDR,
            "destination_addr": P.HANDSET,
            "short_message": f"profile {i}",
            "registered_delivery": 1,
        }
        for i in range(3)
    ]
    events = run_esme(
        node_modules,
        sim,
        {"system_id": P.system_id(profile, "node"), "submits": submits, "receipts": 3},
    )
    (bind,) = of(events, "bind_resp")
    assert bind["command_status"] == 0
    receipts = [e for e in of(events, "deliver_sm") if e["receipt"]]
    by_id = {receipt_text.parse(r["text"]).id: r for r in receipts}
    for resp in of(events, "submit_sm_resp"):
        assert resp["command_status"] == 0
        want = P.EXPECTED[profile].receipt_id(resp["message_id"])
        r = by_id[want]
        P.check(profile, resp["message_id"], r["receipted_message_id"], r["text"].encode())


def test_alert_notification_for_a_50_submit_sm_with_set_dpf(
    node_modules: Path, sim: Simulator
) -> None:
    events = run_esme(
        node_modules,
        sim,
        {
            "system_id": "dpf",
            "submits": [
                {
                    "source_addr": "1234",
                    "destination_addr": "447700900555",
                    "short_message": "are you there?",
                    "registered_delivery": 1,
                    "set_dpf": 1,
                }
            ],
            "receipts": 1,
            "alerts": 1,
        },
    )
    (alert,) = of(events, "alert_notification")
    assert (alert["source_addr"], alert["esme_addr"]) == ("447700900555", "1234")
    assert alert["ms_availability_status"] == 0
    kinds = [e["event"] for e in events if e["event"] in ("alert_notification", "deliver_sm")]
    assert kinds == ["alert_notification", "deliver_sm"]  # the alert, then the receipt

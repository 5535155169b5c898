"""The OpenAPI document holds: schemathesis, with all its checks, against a running server.

schemathesis (an independent implementation of the OpenAPI rules) reads the server's own
/api/v1/openapi.json, generates requests the document allows and requests it forbids, and
checks every answer against the document: status, content type, headers, body schema, that
what the document allows is accepted and what it forbids is refused, that a server with an
api_token refuses a request without it. Bounded: a fixed seed and a few cases per operation,
about a minute on a busy machine. A failure shows schemathesis' report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smsc.pytest_plugin import Simulator

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
TOKEN = "contract-test-token"

# What a schema cannot say, told to schemathesis (each also in the document's descriptions):
CONFIG = """
# wait answers 408 when nothing matches in time: a normal answer, and the shortest timeout
# keeps a case from holding the run for up to 300 s.
[[operations]]
include-path = "/api/v1/messages/wait"
parameters = { timeout = 0 }
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "404", "408"]

# An MO the schema allows may still be one the network cannot carry: text its data_coding
# cannot encode, an account that is not configured (422, with the reason).
[[operations]]
include-path = "/api/v1/mo"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "404", "422"]
"""


def run_schemathesis(sim: Simulator, tmp_path: Path, examples: int, *headers: str) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    argv = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{sim.http_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--seed",
        "20261203",
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",  # stateful off: its links would cost more than it finds
        # An event stream never ends: no response to check (test_http_api tests it).
        "--exclude-path",
        "/api/v1/events",
        "--request-timeout",
        "20",
        # Hypothesis' health checks time the generation: on a busy machine they would fail
        # the run for the machine, not for the API.
        "--suppress-health-check",
        "all",
        "--output-truncate",
        "false",
        *(arg for h in headers for arg in ("--header", h)),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
    done = subprocess.run(
        argv, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"schemathesis found mismatches:\n{done.stdout}\n{done.stderr}")


@pytest.mark.slow
def test_the_document_holds_for_a_server_without_a_token(tmp_path: Path) -> None:
    sim = Simulator.start(tmp_path / "smsc")
    try:
        run_schemathesis(sim, tmp_path, 25)
    finally:
        sim.stop()


@pytest.mark.slow
def test_the_document_holds_for_a_server_with_a_token(tmp_path: Path) -> None:
    sim = Simulator.start(tmp_path / "smsc", ["--api-token", TOKEN])
    try:
        run_schemathesis(sim, tmp_path, 8, f"Authorization: Bearer {TOKEN}")
    finally:
        sim.stop()

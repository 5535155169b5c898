"""Many binds: hundreds of users, each with a bind of its own, each sending a little.

    .venv/bin/locust -f loadtests/scenarios/many_binds.py --headless -u 500 -r 100 -t 30s \\
        --host smpp://127.0.0.1:2775

What it shows: ``bind_transceiver`` time while binds pile up, and submit/receipt latency with
hundreds of sessions open at once (each user submits about one message per second). Receipts
go to any bind of the system_id; all users of a process share one, so they still match.
"""

from __future__ import annotations

from locust import between, task

from loadtests.handsets import MANY_BINDS, handsets
from loadtests.user import SmppUser

_numbers = handsets(MANY_BINDS)


class ManyBinds(SmppUser):
    window = 1
    wait_time = between(0.5, 1.5)

    @task
    def submit(self) -> None:
        self.submit_sm(next(_numbers), b"One of many binds")

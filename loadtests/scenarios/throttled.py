"""A throughput-limited account: submits beyond its limit fail with ESME_RTHROTTLED.

    .venv/bin/python -m smsc serve --store memory --receipt-delay 0.05 \\
        --config loadtests/scenarios/throttled.toml
    .venv/bin/locust -f loadtests/scenarios/throttled.py --headless -u 4 -r 4 -t 20s \\
        --host smpp://127.0.0.1:2775

The account allows 100 messages/s; four users offer about 400/s, so about three submits in
four fail, reported by Locust as ``SmppError('ESME_RTHROTTLED')`` (Locust exits 1 because
there were failures: here they are the point). Accepted submits still get receipts.
"""

from __future__ import annotations

from locust import constant_throughput, task

from loadtests.handsets import THROTTLED, handsets
from loadtests.user import SmppUser

_numbers = handsets(THROTTLED)


class Throttled(SmppUser):
    system_id = "throttled"
    password = "pw"
    window = 10
    wait_time = constant_throughput(100)  # task runs per second per user

    @task
    def submit(self) -> None:
        self.submit_sm(next(_numbers), b"Throttled account load test")

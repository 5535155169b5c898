"""MT burst: short GSM-7 submit_sm as fast as the window allows, a receipt for each.

    .venv/bin/locust -f loadtests/scenarios/mt_burst.py --headless -u 1 -r 1 -t 30s \\
        --host smpp://127.0.0.1:2775 --smpp-window 100

Each user is one transceiver bind keeping ``--smpp-window`` submits outstanding (default 100);
the task queues a window's worth and writes them in one go.
"""

from __future__ import annotations

from locust import constant, task

from loadtests.handsets import MT_BURST, handsets
from loadtests.user import SmppUser

_numbers = handsets(MT_BURST)


class MtBurst(SmppUser):
    window = 100
    wait_time = constant(0)

    @task
    def burst(self) -> None:
        for _ in range(self.window):
            self.submit_sm(
                next(_numbers),
                b"Load test: short GSM-7 MT",
                registered_delivery=self.registered_delivery,
                flush=False,
            )
        self.flush()

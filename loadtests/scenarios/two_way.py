"""Two-way conversation: an MT asks for a reply, the simulated handset answers with an MO.

    .venv/bin/python -m smsc serve --store memory --receipt-delay 0.05 \\
        --config loadtests/scenarios/two_way.toml
    .venv/bin/locust -f loadtests/scenarios/two_way.py --headless -u 20 -r 20 -t 30s \\
        --host smpp://127.0.0.1:2775

The handset's answer comes from the server's handset rules (``[[handset_rules]]``, the
carriers issue); two_way.toml has one that answers every MT containing "Reply YES to confirm"
with "YES" after 0.5 s. ``mo_reply`` is the time from the MT's submit_sm to that MO, matched by
addresses (the handset replies from the number the MT went to, to the number it came from).
Without such a rule on the server no MO arrives and ``mo_reply`` stays empty.
"""

from __future__ import annotations

from locust import between, task

from loadtests.handsets import TWO_WAY, handsets
from loadtests.user import SmppUser

_handsets = handsets(TWO_WAY)


class TwoWay(SmppUser):
    window = 10
    wait_time = between(0.05, 0.15)

    @task
    def ask(self) -> None:
        self.submit_sm(
            next(_handsets),
            b"Your appointment is on Tuesday at 10:00. Reply YES to confirm",
            expect_reply=True,
        )

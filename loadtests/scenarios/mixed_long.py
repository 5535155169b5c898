"""Mixed long messages: multi-part GSM-7 and UCS-2 text, split by ``pdu.segment``.

    .venv/bin/locust -f loadtests/scenarios/mixed_long.py --headless -u 10 -r 10 -t 30s \\
        --host smpp://127.0.0.1:2775

Every part is its own submit_sm (and its own receipt, the default ``receipt_per = "part"``).
Locust names say what was sent: ``submit_sm gsm7 udh``, ``submit_sm ucs2 udh``,
``submit_sm gsm7 sar``; receipts are counted together as ``receipt``.
"""

from __future__ import annotations

from locust import constant, task

from loadtests.handsets import MIXED_LONG, handsets
from loadtests.user import SmppUser
from pdu.segment import SegmentMethod

# 3 parts in GSM-7 (with extension characters, which take two septets and never split).
GSM7 = ("Your order [1234] ships today; total {EUR} 49.99 ~ thanks! " * 6).strip()
# 3 parts in UCS-2: Cyrillic and an emoji (a surrogate pair, never split).
UCS2 = ("Ваш заказ отправлен сегодня 📦 спасибо! " * 4).strip()

_numbers = handsets(MIXED_LONG)


class MixedLong(SmppUser):
    window = 20
    wait_time = constant(0)

    @task(3)
    def gsm7_udh(self) -> None:
        self.submit_text(next(_numbers), GSM7, name="submit_sm gsm7 udh")

    @task(2)
    def ucs2_udh(self) -> None:
        self.submit_text(next(_numbers), UCS2, name="submit_sm ucs2 udh")

    @task(1)
    def gsm7_sar(self) -> None:
        self.submit_text(next(_numbers), GSM7, method=SegmentMethod.SAR, name="submit_sm gsm7 sar")

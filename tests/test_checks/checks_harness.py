"""The core driven directly with the app checker on: the test_core harness, with carriers and
a ``[checks]`` record, and the findings' codes at hand."""

from __future__ import annotations

from datetime import UTC, datetime

from test_core import DEST, SOURCE, T0, Client, Harness

from carriers import CarriersConfig
from pdu.udh import concat_udh
from smsc.checks import ChecksConfig, Finding
from smsc.core import Smsc

__all__ = ["DEST", "SOURCE", "T0", "CheckHarness", "Client", "at_utc", "udh_part"]


def at_utc(hour: int, minute: int = 0) -> float:
    """An epoch time on 2023-11-15 (no DST in Europe) at the given UTC time."""
    return datetime(2023, 11, 15, hour, minute, tzinfo=UTC).timestamp()


def udh_part(ref: int, total: int, seq: int, payload: bytes) -> dict[str, object]:
    """submit_sm fields of one UDH part."""
    return {"esm_class": 0x40, "short_message": concat_udh(ref, total, seq) + payload}


class CheckHarness(Harness):
    def __init__(
        self,
        checks: ChecksConfig | None = None,
        *,
        carriers: CarriersConfig | None = None,
        now: float = T0,
    ) -> None:
        super().__init__(now=now)
        self.core = Smsc(
            self.config,
            store=self.store,
            durable=False,
            now=now,
            carriers=carriers,
            checks=checks or ChecksConfig(),
        )

    @property
    def found(self) -> list[Finding]:
        """Findings, oldest first."""
        checks = self.core.checks
        assert checks is not None
        return list(checks.findings)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.found]

    def of(self, code: str) -> list[Finding]:
        return [f for f in self.found if f.code == code]

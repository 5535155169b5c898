"""What every family of checks shares: the settings and the way a finding is made."""

from __future__ import annotations

from .finding import Findings
from .registry import CODES, Severity
from .settings import ChecksConfig

__all__ = ["Emitter"]


class Emitter:
    __slots__ = ("_findings", "_severity", "config")

    def __init__(self, config: ChecksConfig, findings: Findings) -> None:
        self.config = config
        self._findings = findings
        # Resolved once: a disabled code is None, and its check skips its work entirely.
        self._severity: dict[str, Severity | None] = {c: config.severity_of(c) for c in CODES}

    def on(self, code: str) -> bool:
        return self._severity[code] is not None

    def emit(
        self,
        code: str,
        now: float,
        account: str,
        text: str,
        *,
        message_id: str | None = None,
        handset: str | None = None,
        sender: str | None = None,
    ) -> None:
        severity = self._severity[code]
        if severity is not None:
            self._findings.add(code, severity, now, account, text, message_id, handset, sender)

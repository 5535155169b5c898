"""Every check the app checker runs: its code (the interface: kept as spelled), its default
severity and what it is about, in one table that the API, the docs and the config share."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["CHECKS", "CODES", "Check", "Severity"]


class Severity(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: Severity  # the default; [checks.severity] overrides it per code
    about: str  # one line: what the check finds


_E, _W = Severity.ERROR, Severity.WARNING

CHECKS: tuple[Check, ...] = (
    Check("encoding.ucs2_not_needed", _W, "UCS-2 for text that GSM-7 carries"),
    Check("encoding.invalid", _E, "octets that are not valid in the declared data_coding"),
    Check("segment.split_escape", _E, "a GSM-7 escape pair split across two parts"),
    Check("segment.split_surrogate", _E, "a UTF-16 surrogate pair split across two parts"),
    Check("segment.inconsistent", _E, "parts of one reference that disagree or repeat"),
    Check("segment.incomplete", _E, "parts of a long message still missing"),
    Check("segment.too_many", _W, "more parts than carriers accept"),
    Check("compliance.opted_out", _E, "MT to a handset that opted out from that sender"),
    Check("compliance.no_opt_out_notice", _W, "a first MT that does not say how to opt out"),
    Check("compliance.quiet_hours", _W, "proactive MT during the handset's quiet hours"),
    Check("compliance.not_opted_in", _E, "MT to a handset that never joined an opt-in number"),
    Check("conversation.unanswered", _W, "an MO the app did not answer within the reply SLA"),
    Check("protocol.duplicate_submit", _W, "the same text to the same handset again at once"),
    Check("protocol.slow_resp", _W, "deliver_sm answered slowly"),
    Check("protocol.no_resp", _E, "deliver_sm never answered"),
    Check("protocol.enquire_link_storm", _W, "enquire_link far more often than needed"),
    Check("protocol.rebind_loop", _W, "binds that drop and come back in a loop"),
)

CODES: dict[str, Check] = {c.code: c for c in CHECKS}

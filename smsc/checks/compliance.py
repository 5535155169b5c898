"""Compliance checks: what the rules of two-way SMS platforms say an app must do.

``compliance.opted_out`` / ``compliance.not_opted_in``: an MT the number's compliance
refused (asked only when the network refused or rejected it, so a delivered MT costs
nothing here). ``compliance.no_opt_out_notice``: the first MT from a sender to a handset
names no STOP keyword of the sender's compliance settings. ``compliance.quiet_hours``: a
proactive MT (no MO from that handset within ``reply_window``) during quiet hours in the
handset's local time, from its carrier's country (or ``country``).
"""

from __future__ import annotations

from carriers import Compliance, Network
from carriers.config import OptedOutMode, normalize_number
from carriers.numbers import words

from ..model import Message
from .emitter import Emitter
from .localtime import LocalClock

__all__ = ["ComplianceChecks"]

MAX_REMEMBERED = 200_000  # (sender, handset) pairs and handsets' countries kept, oldest dropped


class ComplianceChecks:
    __slots__ = ("_clock", "_compliance", "_countries", "_emit", "_network", "contacted", "quiet")

    def __init__(self, emit: Emitter, compliance: Compliance, network: Network) -> None:
        self._emit = emit
        self._compliance = compliance
        self._network = network
        self._clock = LocalClock()
        self.contacted: dict[tuple[str, str], None] = {}  # (sender, handset), in first order
        self._countries: dict[str, str] = {}  # handset -> its country ("" for none)
        cfg = emit.config
        # Quiet hours need a local time: skipped outright when no handset can have one.
        # ``contacted`` and ``quiet`` are read by the checker before it calls in.
        self.quiet = (
            cfg.quiet_hours is not None
            and emit.on("compliance.quiet_hours")
            and (bool(cfg.country) or any(c.config.country for c in network.carriers.values()))
        )

    # -- refused by compliance ----------------------------------------------------------

    def refused(
        self,
        account: str,
        sender: str,
        handset: str,
        now: float,
        *,
        status: int = 0,
        message_id: str | None = None,
    ) -> bool:
        """An MT the network refused (``status``) or rejected: whether compliance did it
        (and the finding that says why is made)."""
        compliance = self._compliance
        if compliance.mt_allowed(sender, handset):
            return False
        cfg = compliance.numbers.compliance_for(sender)
        if status and (cfg.opted_out is not OptedOutMode.REJECT or status != cfg.opted_out_status):
            return False  # refused for another reason first
        n_sender, n_handset = normalize_number(sender), normalize_number(handset)
        how = "refused with the submit_sm_resp" if status else "rejected (REJECTD receipt)"
        if compliance.opt_outs.contains(n_handset, n_sender):
            self._emit.emit(
                "compliance.opted_out",
                now,
                account,
                f"{handset} opted out of {sender} (STOP): the MT was {how}; keep an opt-out"
                " list from STOP replies and do not send to it",
                message_id=message_id,
                handset=handset,
                sender=sender,
            )
        else:
            self._emit.emit(
                "compliance.not_opted_in",
                now,
                account,
                f"{handset} never joined {sender}, whose compliance requires opt-in: the MT"
                f" was {how}; send only to handsets that joined (JOIN, then YES if double"
                " opt-in)",
                message_id=message_id,
                handset=handset,
                sender=sender,
            )
        return True

    # -- what a delivered MT must do ----------------------------------------------------

    def first_contact(self, msg: Message, text: str | None, message_id: str, now: float) -> None:
        key = (msg.source_addr, msg.destination_addr)
        contacted = self.contacted
        if key in contacted:
            return
        contacted[key] = None
        if len(contacted) > MAX_REMEMBERED:
            del contacted[next(iter(contacted))]
        if text is None or not self._emit.on("compliance.no_opt_out_notice"):
            return
        cfg = self._compliance.numbers.compliance_for(msg.source_addr)
        if cfg.stop_keywords and not set(words(text)).intersection(cfg.stop_keywords):
            self._emit.emit(
                "compliance.no_opt_out_notice",
                now,
                msg.account,
                f"the first MT from {msg.source_addr} to {msg.destination_addr} does not say"
                f" how to opt out: add e.g. 'Reply {cfg.stop_keywords[0]} to opt out'",
                message_id=message_id,
                handset=msg.destination_addr,
                sender=msg.source_addr,
            )

    def quiet_hours(self, msg: Message, message_id: str, last_mo: float | None, now: float) -> None:
        if not self.quiet:
            return
        cfg = self._emit.config
        quiet = cfg.quiet_hours
        assert quiet is not None
        if last_mo is not None and now - last_mo <= cfg.reply_window:
            return  # a reply to the handset's own message: allowed at any hour
        handset = msg.destination_addr
        country = self._countries.get(handset)
        if country is None:
            country = self._network.carrier_for(handset).config.country.upper() or cfg.country
            self._countries[handset] = country
            if len(self._countries) > MAX_REMEMBERED:
                del self._countries[next(iter(self._countries))]
        if not country:
            return
        minute = self._clock.minute(country, now)
        if minute is None or not quiet.contains(minute):
            return
        self._emit.emit(
            "compliance.quiet_hours",
            now,
            msg.account,
            f"proactive MT at {minute // 60:02d}:{minute % 60:02d} local time in {country}"
            f" (quiet hours {quiet}): send it outside quiet hours, or only as a reply to the"
            " handset",
            message_id=message_id,
            handset=handset,
            sender=msg.source_addr,
        )

    def contacts(self) -> tuple[int, int]:
        """(sender, handset) pairs the app messaged, and how many of them opted out since."""
        opt_outs = self._compliance.opt_outs
        opted = sum(
            1
            for sender, handset in self.contacted
            if opt_outs.contains(normalize_number(handset), normalize_number(sender))
        )
        return len(self.contacted), opted

    def reset(self) -> None:
        self.contacted.clear()

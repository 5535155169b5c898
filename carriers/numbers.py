"""The number plan: which account owns a short code or long number, and where an MO goes.

A dedicated number (short code or long number) belongs to one account. A shared short code
is routed by the first word(s) of the MO, case-insensitive, the longest keyword winning
(``REPAIR BATH`` before ``REPAIR``); an MO with no known keyword goes to the number's default
account, if it has one, and gets its ``unknown_reply``. A number nobody configured is
development routing: it exists, and its MO goes to any receiver bind (``Route.number`` is
None; the core passes ``account=None`` to ``inject_mo``).

Pure: lookups over the frozen config, nothing else.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass

from .config import (
    CarriersConfig,
    ComplianceConfig,
    KeywordRoute,
    NumberConfig,
    normalize_number,
)

__all__ = ["KeywordTable", "Numbers", "Route", "words"]

# Trimmed from each word so that "Stop." and "pizza!" still match.
_PUNCTUATION = string.punctuation + "\u00a1\u00bf\u2019\u201c\u201d"


def words(text: str) -> list[str]:
    """Upper-case words of an MO, surrounding punctuation dropped, empty words skipped."""
    stripped = (w.strip(_PUNCTUATION) for w in text.upper().split())
    return [w for w in stripped if w]


class KeywordTable:
    """Keywords of one shared number; ``match`` finds the longest one the text starts with."""

    __slots__ = ("_by_keyword", "_longest")

    def __init__(self, routes: Iterable[KeywordRoute]) -> None:
        self._by_keyword = {r.keyword: r for r in routes}
        self._longest = max((len(k.split()) for k in self._by_keyword), default=0)

    def match(self, text: str) -> KeywordRoute | None:
        first = words(text)[: self._longest]
        for n in range(len(first), 0, -1):
            route = self._by_keyword.get(" ".join(first[:n]))
            if route is not None:
                return route
        return None


@dataclass(frozen=True, slots=True)
class Route:
    """Where an MO goes.

    ``number`` None: not a configured number (development routing, any receiver bind).
    ``account`` None with a ``number``: a shared code without a default route; the MO is not
    delivered (``auto_reply`` may still answer the handset).
    """

    account: str | None
    keyword: str | None = None  # the matched keyword, normalised ("REPAIR BATH")
    auto_reply: str | None = None
    number: NumberConfig | None = None

    @property
    def delivered(self) -> bool:
        return self.number is None or self.account is not None


class Numbers:
    def __init__(self, config: CarriersConfig | None = None) -> None:
        self.config = config or CarriersConfig()
        self._numbers = {n.number: n for n in self.config.numbers}
        self._tables = {n.number: KeywordTable(n.keywords) for n in self.config.numbers}

    def get(self, number: str) -> NumberConfig | None:
        return self._numbers.get(normalize_number(number))

    def owner_of(self, number: str) -> str | None:
        """The account a dedicated number belongs to; for a shared code its default route.

        For loopback (an MT addressed to one of our numbers) use ``route_mo`` with the MT's
        text: on a shared code the keyword decides the account.
        """
        n = self.get(number)
        return None if n is None else n.account

    def compliance_for(self, number: str) -> ComplianceConfig:
        n = self.get(number)
        return self.config.compliance if n is None else n.compliance

    def route_mo(self, destination: str, text: str) -> Route:
        n = self.get(destination)
        if n is None:
            return Route(None)
        if not n.shared:
            return Route(n.account, number=n)
        route = self._tables[n.number].match(text)
        if route is None:
            return Route(n.account, None, n.unknown_reply, n)
        return Route(route.account, route.keyword, route.reply, n)

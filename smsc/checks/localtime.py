"""A handset's local time of day from its country, for quiet hours.

One representative zone per ISO 3166 country: the zone most of the country's people live in
(for the United States, Eastern time; Russia, Moscow; Brazil, Sao Paulo; Australia,
Sydney; Canada, Toronto). A country spanning zones is checked in that one zone, which is
what a sender scheduling "by country" gets wrong too; docs/checks.md says so. A country not
in the table has no local time here: its handsets' quiet hours are not checked.

Offsets come from ``zoneinfo`` (the system's tz database), asked once per zone per quarter
of an hour: UTC offsets change only at transitions, which fall on a quarter hour.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ZONES", "LocalClock"]

ZONES: dict[str, str] = {
    "AE": "Asia/Dubai", "AR": "America/Argentina/Buenos_Aires", "AT": "Europe/Vienna",
    "AU": "Australia/Sydney", "BD": "Asia/Dhaka", "BE": "Europe/Brussels", "BG": "Europe/Sofia",
    "BR": "America/Sao_Paulo", "CA": "America/Toronto", "CH": "Europe/Zurich",
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "CO": "America/Bogota",
    "CZ": "Europe/Prague", "DE": "Europe/Berlin", "DK": "Europe/Copenhagen",
    "DZ": "Africa/Algiers", "EE": "Europe/Tallinn", "EG": "Africa/Cairo", "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki", "FR": "Europe/Paris", "GB": "Europe/London", "GH": "Africa/Accra",
    "GR": "Europe/Athens", "HK": "Asia/Hong_Kong", "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest", "ID": "Asia/Jakarta", "IE": "Europe/Dublin", "IL": "Asia/Jerusalem",
    "IN": "Asia/Kolkata", "IS": "Atlantic/Reykjavik", "IT": "Europe/Rome", "JP": "Asia/Tokyo",
    "KE": "Africa/Nairobi", "KR": "Asia/Seoul", "KZ": "Asia/Almaty", "LT": "Europe/Vilnius",
    "LU": "Europe/Luxembourg", "LV": "Europe/Riga", "MA": "Africa/Casablanca",
    "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur", "NG": "Africa/Lagos",
    "NL": "Europe/Amsterdam", "NO": "Europe/Oslo", "NZ": "Pacific/Auckland", "PE": "America/Lima",
    "PH": "Asia/Manila", "PK": "Asia/Karachi", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest", "RS": "Europe/Belgrade", "RU": "Europe/Moscow",
    "SA": "Asia/Riyadh", "SE": "Europe/Stockholm", "SG": "Asia/Singapore",
    "SI": "Europe/Ljubljana", "SK": "Europe/Bratislava", "TH": "Asia/Bangkok",
    "TR": "Europe/Istanbul", "TW": "Asia/Taipei", "UA": "Europe/Kyiv", "US": "America/New_York",
    "VE": "America/Caracas", "VN": "Asia/Ho_Chi_Minh", "ZA": "Africa/Johannesburg",
}  # fmt: skip

_QUARTER = 900.0


class LocalClock:
    """Minute of the local day in a country's zone at ``now`` (UTC epoch seconds)."""

    __slots__ = ("_offsets", "_zones")

    def __init__(self) -> None:
        self._zones: dict[str, ZoneInfo | None] = {}
        # country -> (valid from, valid until, UTC offset in seconds)
        self._offsets: dict[str, tuple[float, float, float]] = {}

    def zone(self, country: str) -> ZoneInfo | None:
        country = country.upper()
        try:
            return self._zones[country]
        except KeyError:
            pass
        name = ZONES.get(country)
        zone = None
        if name is not None:
            try:
                zone = ZoneInfo(name)
            except ZoneInfoNotFoundError:  # no tz database on this machine
                zone = None
        self._zones[country] = zone
        return zone

    def minute(self, country: str, now: float) -> int | None:
        """Minutes since local midnight, or None for a country without a zone."""
        cached = self._offsets.get(country)
        if cached is None or not cached[0] <= now < cached[1]:
            zone = self.zone(country)
            if zone is None:
                return None
            start = now - now % _QUARTER
            offset = datetime.fromtimestamp(start, UTC).astimezone(zone).utcoffset()
            assert offset is not None
            cached = (start, start + _QUARTER, offset.total_seconds())
            self._offsets[country] = cached
        return int((now + cached[2]) % 86_400 // 60)

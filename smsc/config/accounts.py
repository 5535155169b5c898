"""``[[accounts]]`` and ``[[profiles]]``: the ESME accounts, and the carrier profiles that
give an account a named bundle of behaviour.

An account is read key by key over its profile's values: ``profile = "legacy-hex"`` takes
every setting that profile makes, and any key the account gives itself wins. A profile is a
table of the same keys, less those that name a customer (``system_id``, ``password``,
``allowed_source_addresses``, ``allowed_ips``), with a ``name`` and a ``description``; it may
start from another profile (``profile = "..."``) shipped or written earlier in the file.
The shipped ones are in ``SHIPPED_PROFILES`` (docs/profiles.md says what each imitates) and
are read by the same functions as a user's, so a bad shipped profile fails every start.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache

from carriers.config import pattern_matches
from pdu import receipt as receipt_text
from pdu.enums import CommandStatus

from ..ids import MessageIdFormat, MessageIdFormatError
from .tables import Reader, Table
from .values import (
    InvalidValueError,
    IPNetwork,
    Parser,
    address_pattern,
    array,
    boolean,
    choice,
    command_status,
    enum,
    error_status,
    integer,
    mapping,
    network,
    password,
    rate,
    refuse,
    share,
    shown,
    system_id,
    text,
)

__all__ = [
    "SHIPPED_PROFILES",
    "AccountConfig",
    "BindType",
    "Profile",
    "ReceiptCounts",
    "ReceiptLabels",
    "ReceiptPdu",
    "ReceiptPer",
    "describe",
    "read_account",
    "read_profile",
    "shipped_profiles",
]


class BindType(Enum):
    TRANSMITTER = "transmitter"
    RECEIVER = "receiver"
    TRANSCEIVER = "transceiver"


class ReceiptPdu(Enum):
    """Which PDU carries delivery receipts to the ESME."""

    DELIVER_SM = "deliver_sm"
    DATA_SM = "data_sm"


class ReceiptPer(Enum):
    """For a message submitted in parts: one receipt per part, or one for the whole message."""

    PART = "part"
    MESSAGE = "message"


class ReceiptCounts(Enum):
    """How receipt text writes sub: and dlvrd:."""

    PADDED = "padded"  # sub:001 dlvrd:001, as Appendix B
    PLAIN = "plain"  # sub:1 dlvrd:1


class ReceiptLabels(Enum):
    """The case of receipt text labels."""

    LOWER = "lower"  # id: sub: ... stat: err: text:, as Appendix B
    UPPER = "upper"  # ID: SUB: ... STAT: ERR: TEXT:


ALL_BIND_TYPES = frozenset(BindType)
OUTSTANDING_STATUSES = (CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RTHROTTLED)


@dataclass(frozen=True, slots=True, repr=False)
class AccountConfig:
    """One ESME account. Limits apply to the account as a whole unless they say "per bind"."""

    system_id: str
    password: str
    allowed_bind_types: frozenset[BindType] = ALL_BIND_TYPES
    max_binds: int | None = None  # concurrent binds of this system_id; None = unlimited
    # Patterns for submit_sm/submit_multi/data_sm source_addr: exact, or a prefix ending in
    # '*'. None = any source. The core answers a mismatch with ESME_RINVSRCADR.
    allowed_source_addresses: tuple[str, ...] | None = None
    allowed_ips: tuple[IPNetwork, ...] | None = None  # peers allowed to bind; None = any
    throughput: float | None = None  # messages per second, shared by all binds; None = no limit
    max_outstanding: int = 1000  # per bind: requests received and not yet answered
    outstanding_status: CommandStatus = CommandStatus.ESME_RMSGQFUL  # answer beyond that cap
    # per bind: deliver_sm/data_sm we send before waiting for resps. Receipts flow at most at
    # window_size per round trip, so this must not be far below the ESME's own submit window.
    window_size: int = 100
    message_id_format: MessageIdFormat = MessageIdFormat.DECIMAL
    receipt_pdu: ReceiptPdu = ReceiptPdu.DELIVER_SM
    receipt_per: ReceiptPer = ReceiptPer.PART
    receipt_date_digits: int = 10  # YYMMDDhhmm as in the spec; 12 adds seconds
    # The receipt's id: the same number in another format (None: as in submit_sm_resp).
    receipt_id_format: MessageIdFormat | None = None
    receipt_counts: ReceiptCounts = ReceiptCounts.PADDED
    receipt_labels: ReceiptLabels = ReceiptLabels.LOWER
    receipt_text_field: bool = True  # the trailing text: field
    receipt_before_response: float = 0.0  # share of receipts sent before the submit_sm_resp
    receipt_twice: float = 0.0  # share of receipts sent twice
    # A carrier's own statuses for our refusals of submit_sm, data_sm and submit_multi, as
    # (ours, theirs) pairs: a carrier that answers throttling with ESME_RMSGQFUL.
    status_map: tuple[tuple[int, int], ...] = ()
    profile: str | None = None  # the carrier profile the account's defaults came from
    # The newest SMPP this account's carrier speaks: a bind at a newer interface_version is
    # answered, and served, at this one (0x33: no TLVs at all; 0x34; 0x50, the server's).
    interface_version: int = 0x50

    @property
    def receipt_style(self) -> receipt_text.Style:
        return receipt_text.Style(
            date_digits=self.receipt_date_digits,
            padded_counts=self.receipt_counts is ReceiptCounts.PADDED,
            text_field=self.receipt_text_field,
            upper_labels=self.receipt_labels is ReceiptLabels.UPPER,
        )

    def source_addr_allowed(self, source_addr: str) -> bool:
        if self.allowed_source_addresses is None:
            return True
        return any(pattern_matches(p, source_addr) for p in self.allowed_source_addresses)

    def ip_allowed(self, peer_ip: str) -> bool:
        """Whether ``peer_ip`` may bind; an IPv4-mapped IPv6 peer counts as its IPv4 address."""
        if self.allowed_ips is None:
            return True
        try:
            addr = ipaddress.ip_address(peer_ip)
        except ValueError:
            return False
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        return any(addr in net for net in self.allowed_ips)

    def __repr__(self) -> str:
        # Spelled out so the password can never reach a log line through repr or str.
        parts = [f"system_id={self.system_id!r}", "password=<hidden>"]
        for f in dataclasses.fields(self)[2:]:
            parts.append(f"{f.name}={getattr(self, f.name)!r}")
        return f"AccountConfig({', '.join(parts)})"

    __str__ = __repr__


# -- carrier profiles ------------------------------------------------------------------------

#: Keys that name a customer, not a carrier's way: an account's own, never a profile's.
CUSTOMER_KEYS = ("system_id", "password", "allowed_source_addresses", "allowed_ips")


@dataclass(frozen=True, slots=True)
class Profile:
    """A named bundle of account settings. ``settings`` holds them on an AccountConfig whose
    customer keys are placeholders; ``keys`` are the keys the profile (or the one it starts
    from) sets, for ``smsc profiles``."""

    name: str
    description: str
    settings: AccountConfig
    keys: tuple[str, ...] = ()
    shipped: bool = False


#: The profiles that ship with the project, in the config file's own spelling (docs/profiles.md
#: says what real-world behaviour each imitates). Read by ``read_profile`` like a user's.
SHIPPED_PROFILES: tuple[Mapping[str, object], ...] = (
    {
        "name": "legacy-hex",
        "description": (
            "an older SMSC that speaks SMPP 3.3 (no TLVs, so receipts carry their id in the "
            "text only): 8-digit hex ids in submit_sm_resp, the same number in decimal in "
            "receipts, receipt text without text: and with sub:1 dlvrd:1, two binds, a "
            "window of 10"
        ),
        "interface_version": "3.3",
        "message_id_format": "hex:8",
        "receipt_id_format": "decimal",
        "receipt_text_field": False,
        "receipt_counts": "plain",
        "max_binds": 2,
        "window_size": 10,
    },
    {
        "name": "uuid-gateway",
        "description": (
            "an aggregator's SMPP front: UUID ids, one receipt for a long message, receipt "
            "dates with seconds, 2% of receipts sent twice, 100 messages/s with throttling "
            "answered ESME_RMSGQFUL"
        ),
        "message_id_format": "uuid",
        "receipt_per": "message",
        "receipt_date_digits": 12,
        "receipt_twice": 0.02,
        "throughput": 100,
        "window_size": 50,
        "status_map": {"ESME_RTHROTTLED": "ESME_RMSGQFUL"},
    },
    {
        "name": "racy-receipts",
        "description": (
            "a fast SMSC whose receipts race its responses: 20-digit zero-padded ids, a "
            "quarter of receipts before their submit_sm_resp, 5% sent twice, upper-case labels "
            "(ID: SUB: ... STAT:)"
        ),
        "message_id_format": "decimal:20",
        "receipt_before_response": 0.25,
        "receipt_twice": 0.05,
        "receipt_labels": "upper",
    },
    {
        "name": "strict-contract",
        "description": (
            "a carrier that holds an ESME to its contract: one transceiver bind, 10 requests "
            "in flight and 10 messages/s (ESME_RTHROTTLED beyond either), address refusals "
            "answered ESME_RSUBMITFAIL"
        ),
        "allowed_bind_types": ["transceiver"],
        "max_binds": 1,
        "max_outstanding": 10,
        "outstanding_status": "ESME_RTHROTTLED",
        "throughput": 10,
        "window_size": 10,
        "status_map": {
            "ESME_RINVDSTADR": "ESME_RSUBMITFAIL",
            "ESME_RINVSRCADR": "ESME_RSUBMITFAIL",
        },
    },
)

_PLACEHOLDER = AccountConfig(system_id="", password="")


@cache
def shipped_profiles() -> dict[str, Profile]:
    """The shipped profiles by name (read once; a problem in one is a bug, raised here)."""
    profiles: dict[str, Profile] = {}
    for i, raw in enumerate(SHIPPED_PROFILES):
        profile = Reader("shipped profiles", raw, f"profiles[{i}]").read(
            lambda t: read_profile(t, profiles)
        )
        profiles[profile.name] = dataclasses.replace(profile, shipped=True)
    return profiles


def read_profile(t: Table, known: Mapping[str, Profile]) -> Profile:
    """A ``[[profiles]]`` table; ``known`` are the profiles it may start from."""
    name = t.require("name", profile_name, "")
    description = t.get("description", text(400), "")
    base = _PLACEHOLDER
    keys: tuple[str, ...] = ()
    if t.has("profile"):
        parent = t.get("profile", _profile_name(known), None)
        if parent is not None:
            base, keys = parent.settings, parent.keys
    settings = read_settings(t, base)
    for key in CUSTOMER_KEYS:
        if t.has(key):
            t.problem(key, "belongs to an account, not to a profile")
    own = tuple(k for k in SETTINGS_KEYS if t.has(k) and k not in keys)
    return Profile(name, description, settings, keys + own)


def describe(profile: Profile) -> list[str]:
    """``profile`` as ``smsc profiles`` shows it: the keys it sets, in the file's spelling."""
    lines = []
    for key in profile.keys:
        value = getattr(profile.settings, key)
        if key == "interface_version":
            lines.append(f'{key} = "{value >> 4}.{value & 0xF}"')
        else:
            lines.append(f"{key} = {_spelled(value)}")
    return lines


def _spelled(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, CommandStatus):
        return f'"{value.name}"'
    if isinstance(value, Enum):
        return _spelled(value.value)
    if isinstance(value, MessageIdFormat | str):
        return f'"{value}"'
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(_spelled(v) for v in value)) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):  # status_map
        names = ", ".join(f"{_status(a)} = {_status(b, quoted=True)}" for a, b in value)
        return "{ " + names + " }"
    return str(value)


def _status(n: int, *, quoted: bool = False) -> str:
    name = CommandStatus(n).name
    if name.startswith("ESME_"):
        return f'"{name}"' if quoted else name
    return f"0x{n:X}"  # a vendor status has no name


def _profile_name(known: Mapping[str, Profile]) -> Parser[Profile]:
    wanted = "must be the name of a profile: " + ", ".join(shown(n) for n in known)
    return choice(dict(known), wanted)


def profile_name(value: object) -> str:
    """A profile's name: letters, digits, '-' and '_', 1-40 characters."""
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= 40
        or not all(c.isascii() and (c.isalnum() or c in "-_") for c in value)
    ):
        raise refuse("must be 1-40 letters, digits, '-' or '_'", value)
    return value


def read_account(t: Table, profiles: Mapping[str, Profile]) -> AccountConfig:
    """An ``[[accounts]]`` table over the values of its ``profile``, if it names one."""
    base = _PLACEHOLDER
    profile = None
    if t.has("profile"):
        chosen = t.get("profile", _profile_name(profiles), None)
        if chosen is not None:
            base, profile = chosen.settings, chosen.name
    settings = read_settings(t, base)
    return dataclasses.replace(
        settings,
        system_id=t.require("system_id", system_id, ""),
        password=t.require("password", password, ""),
        allowed_source_addresses=t.get("allowed_source_addresses", array(address_pattern), None),
        allowed_ips=t.get("allowed_ips", array(network), None),
        profile=profile,
    )


# -- the settings an account and a profile share -----------------------------------------------


def _outstanding_status(value: object) -> CommandStatus:
    wanted = "must be one of " + ", ".join(shown(s.name) for s in OUTSTANDING_STATUSES)
    try:
        status = command_status(value)
    except InvalidValueError:
        raise refuse(wanted, value) from None
    if status not in OUTSTANDING_STATUSES:
        raise refuse(wanted, value)
    return status


def message_id_format(value: object) -> MessageIdFormat:
    """``"decimal"``, ``"hex"``, ``"uuid"``, ``"decimal:W"`` or ``"hex:W"`` (smsc.ids)."""
    if not isinstance(value, str):
        raise refuse('must be a string such as "decimal", "hex:8" or "uuid"', value)
    try:
        return MessageIdFormat.parse(value)
    except MessageIdFormatError as exc:
        raise refuse(str(exc), value) from None


#: Our refusal status -> the carrier's (names, or numbers for vendor codes 0x400-0x4FF):
#: ``{ ESME_RTHROTTLED = "ESME_RMSGQFUL" }``.
status_map = mapping(
    error_status,
    error_status,
    wanted='must be a table such as { ESME_RTHROTTLED = "ESME_RMSGQFUL" }',
)


#: "3.3", "3.4", "5.0", or the interface_version octet itself (0x33, 0x34, 0x50).
interface_version = choice(
    {"3.3": 0x33, "3.4": 0x34, "5.0": 0x50, 0x33: 0x33, 0x34: 0x34, 0x50: 0x50},
    'must be "3.3", "3.4" or "5.0" (or 0x33, 0x34, 0x50)',
)
positive_int = integer(1)
bind_types = array(enum(BindType), empty="must list at least one bind type")
receipt_date_digits = choice({10: 10, 12: 12, 14: 14}, "must be 10, 12 or 14")

#: Every key ``read_settings`` reads (the keys a profile may set).
SETTINGS_KEYS = (
    "allowed_bind_types",
    "max_binds",
    "throughput",
    "max_outstanding",
    "outstanding_status",
    "window_size",
    "message_id_format",
    "receipt_id_format",
    "receipt_pdu",
    "receipt_per",
    "receipt_date_digits",
    "receipt_counts",
    "receipt_labels",
    "receipt_text_field",
    "receipt_before_response",
    "receipt_twice",
    "status_map",
    "interface_version",
)


def read_settings(t: Table, d: AccountConfig) -> AccountConfig:
    """The keys an account shares with profiles, over the values of ``d``."""
    settings = _read_settings(t, d)
    fmt = settings.message_id_format
    if (
        settings.interface_version <= SMPP_3_3
        and fmt != THREE_THREE_IDS
        and t.valid("interface_version", "message_id_format")
    ):
        # SMPP 5.0 section 2.11.2: no message_id longer than 8 octets towards a 3.3 ESME.
        key = "message_id_format" if t.has("message_id_format") else "interface_version"
        t.problem(
            key,
            f"an SMPP 3.3 carrier gives ids of at most 8 characters: message_id_format must be "
            f'"{THREE_THREE_IDS}" with interface_version "3.3", got "{fmt}"',
        )
    return settings


SMPP_3_3 = 0x33
THREE_THREE_IDS = MessageIdFormat.parse("hex:8")  # the one format of at most 8 characters


def _read_settings(t: Table, d: AccountConfig) -> AccountConfig:
    return dataclasses.replace(
        d,
        allowed_bind_types=frozenset(
            t.get("allowed_bind_types", bind_types, tuple(d.allowed_bind_types))
        ),
        max_binds=t.get("max_binds", positive_int, d.max_binds),
        throughput=t.get("throughput", rate, d.throughput),
        max_outstanding=t.get("max_outstanding", positive_int, d.max_outstanding),
        outstanding_status=t.get("outstanding_status", _outstanding_status, d.outstanding_status),
        window_size=t.get("window_size", positive_int, d.window_size),
        message_id_format=t.get("message_id_format", message_id_format, d.message_id_format),
        receipt_id_format=t.get("receipt_id_format", message_id_format, d.receipt_id_format),
        receipt_pdu=t.get("receipt_pdu", enum(ReceiptPdu), d.receipt_pdu),
        receipt_per=t.get("receipt_per", enum(ReceiptPer), d.receipt_per),
        receipt_date_digits=t.get(
            "receipt_date_digits", receipt_date_digits, d.receipt_date_digits
        ),
        receipt_counts=t.get("receipt_counts", enum(ReceiptCounts), d.receipt_counts),
        receipt_labels=t.get("receipt_labels", enum(ReceiptLabels), d.receipt_labels),
        receipt_text_field=t.get("receipt_text_field", boolean, d.receipt_text_field),
        receipt_before_response=t.get("receipt_before_response", share, d.receipt_before_response),
        receipt_twice=t.get("receipt_twice", share, d.receipt_twice),
        status_map=t.get("status_map", status_map, d.status_map),
        interface_version=t.get("interface_version", interface_version, d.interface_version),
    )

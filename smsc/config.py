"""Server configuration: typed, frozen, validated once at start-up.

``ServerConfig()`` with no arguments is development mode: SMPP on 127.0.0.1:2775, HTTP on
127.0.0.1:8025, SQLite under ``./smsc-data``, no accounts (so any credentials bind).
``load_config(path)`` reads a TOML file (see ``docs/example-config.toml``) and rejects unknown
keys, wrong types, out-of-range values and duplicate system_ids with a ``ConfigError`` that names
the file and the key path, e.g. ``smsc.toml: accounts[2].throughput: must be a positive number,
got "fast"``. Array indices in key paths count from 0. ``apply_overrides`` layers command-line
options on top.

This module reads the config file and nothing else: no sockets, no clock, no randomness.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pdu import DEFAULT_MAX_COMMAND_LENGTH
from pdu.enums import CommandStatus

from .faults import Fault, FaultError, fault_from_dict
from .retention import Retention

__all__ = [
    "DEFAULT_HTTP_PORT",
    "DEFAULT_SMPP_PORT",
    "AccountConfig",
    "BindType",
    "ConfigError",
    "IPNetwork",
    "MessageIdFormat",
    "ReceiptPdu",
    "ReceiptPer",
    "ServerConfig",
    "StoreKind",
    "Timers",
    "apply_overrides",
    "check_tls",
    "load_config",
    "source_pattern_matches",
]

DEFAULT_SMPP_PORT = 2775  # IANA "smpp"
DEFAULT_HTTP_PORT = 8025  # free of common dev servers (8000/8080); easy to remember next to 2775

# C-Octet String maxima from the bind PDU, minus the NUL (facts section 9).
MAX_SYSTEM_ID = 15
MAX_PASSWORD = 8
MAX_SOURCE_PATTERN = 64  # data_sm source_addr is C(65); submit_sm's C(21) is stricter anyway
MAX_THROUGHPUT = 100_000.0  # the limiter keeps one entry per accepted message in its window
MIN_MAX_COMMAND_LENGTH = 1024  # below this even a full bind or submit_sm may not fit
MAX_MAX_COMMAND_LENGTH = 16 * 1024 * 1024
MIN_STORE_MAX_BYTES = 128 * 1024  # the empty schema alone takes 64 KiB (16 pages)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(ValueError):
    """A config value is unusable. ``str(err)`` is one line: ``source: key.path: problem``."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source  # file name, or "command line"
        self.key = key  # key path such as "accounts[2].throughput"; "" for the whole file
        self.problem = problem
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


class StoreKind(Enum):
    SQLITE = "sqlite"
    MEMORY = "memory"


class BindType(Enum):
    TRANSMITTER = "transmitter"
    RECEIVER = "receiver"
    TRANSCEIVER = "transceiver"


class MessageIdFormat(Enum):
    DECIMAL = "decimal"
    HEX = "hex"


class ReceiptPdu(Enum):
    """Which PDU carries delivery receipts to the ESME."""

    DELIVER_SM = "deliver_sm"
    DATA_SM = "data_sm"


class ReceiptPer(Enum):
    """For a message submitted in parts: one receipt per part, or one for the whole message."""

    PART = "part"
    MESSAGE = "message"


ALL_BIND_TYPES = frozenset(BindType)
OUTSTANDING_STATUSES = (CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RTHROTTLED)


def source_pattern_matches(pattern: str, source_addr: str) -> bool:
    """``"4477*"`` matches any address starting with 4477; anything else must match exactly."""
    if pattern.endswith("*"):
        return source_addr.startswith(pattern[:-1])
    return source_addr == pattern


@dataclass(frozen=True, slots=True, repr=False)
class AccountConfig:
    """One ESME account. Limits apply to the account as a whole unless they say "per bind"."""

    system_id: str
    password: str
    allowed_bind_types: frozenset[BindType] = ALL_BIND_TYPES
    max_binds: int | None = None  # concurrent binds of this system_id; None = unlimited
    # Patterns for submit_sm/submit_multi/data_sm source_addr: exact, or a prefix ending in
    # '*'. None = any source. The session answers a mismatch with ESME_RINVSRCADR.
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

    def source_addr_allowed(self, source_addr: str) -> bool:
        if self.allowed_source_addresses is None:
            return True
        return any(source_pattern_matches(p, source_addr) for p in self.allowed_source_addresses)

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


@dataclass(frozen=True, slots=True)
class Timers:
    """Session timers and delivery scheduling, in seconds."""

    session_init_timeout: float = 30.0  # a bind must arrive this soon after connect
    enquire_link_interval: float = 30.0  # we send enquire_link after this long idle
    inactivity_timeout: float = 300.0  # close after this long without any PDU from the peer
    response_timeout: float = 30.0  # an unanswered deliver_sm/data_sm is retried after this
    unbind_timeout: float = 10.0  # give up waiting for unbind_resp
    retry_base: float = 5.0  # first delivery retry delay; doubles per attempt ...
    retry_max: float = 300.0  # ... up to this
    receipt_delay: float = 1.0  # default outcome: DELIVRD this long after submit (0 = at once)
    default_validity: float = 172_800.0  # validity_period NULL: expire after 48 h

    def retry_delay(self, attempt: int) -> float:
        """Delay before delivery attempt ``attempt + 1`` (attempt counts from 1)."""
        if attempt < 1:
            raise ValueError(f"attempt counts from 1, got {attempt}")
        # Capping the exponent keeps 2**n finite for absurd attempt counts.
        return min(self.retry_max, self.retry_base * 2.0 ** min(attempt - 1, 64))


@dataclass(frozen=True, slots=True)
class ServerConfig:
    smpp_host: str = "127.0.0.1"
    smpp_port: int = DEFAULT_SMPP_PORT  # 0 = any free port (tests)
    http_host: str = "127.0.0.1"
    http_port: int = DEFAULT_HTTP_PORT
    data_dir: Path = Path("smsc-data")
    store: StoreKind = StoreKind.SQLITE
    # SQLite store only: refuse writes past this file size, as a full disk would (submit_sm
    # is then answered ESME_RMSGQFUL); None = no cap but the disk's own.
    store_max_bytes: int | None = None
    retention: Retention = field(default_factory=Retention)  # [retention]: messages kept
    system_id: str = "smsc"  # ours, sent in bind_*_resp
    max_command_length: int = DEFAULT_MAX_COMMAND_LENGTH
    timers: Timers = field(default_factory=Timers)
    accounts: tuple[AccountConfig, ...] = ()  # empty = development mode: any credentials bind
    seed: int | None = None  # for message ids and simulated outcomes; None = seed from the OS
    # HTTP API: when set, every request but /metrics needs "Authorization: Bearer <token>".
    api_token: str | None = field(default=None, repr=False)
    faults: tuple[Fault, ...] = ()  # active from the start ([[faults]]; see smsc.faults)
    # SMPP over TLS on a port of its own (smsc.tls): a certificate and key, or a self-signed
    # pair made in data_dir. None = no TLS port. check_tls says which combinations are valid.
    tls_port: int | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_self_signed: bool = False

    @property
    def development_mode(self) -> bool:
        return not self.accounts


# -- TOML loading -----------------------------------------------------------------------------

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


def shown(value: object) -> str:
    """A value as the user wrote it in TOML, for 'got ...' in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


class _Table:
    """One TOML table being read: every key must be taken exactly once, unknown keys fail."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self._data = data
        self._path = path
        self._source = source
        self._taken: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def error(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self._source, self.key(name), problem)

    def get(self, name: str, default: T, parse: Callable[[str, object], T]) -> T:
        self._taken.add(name)
        if name not in self._data:
            return default
        return parse(self.key(name), self._data[name])

    def has(self, name: str) -> bool:
        return name in self._data

    def raw(self, name: str) -> object:
        self._taken.add(name)
        return self._data.get(name)

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._taken)
        if unknown:
            raise self.error(unknown[0], "unknown key")


class _Parsers:
    """Value parsers; each takes (key path, raw TOML value) and raises ConfigError."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str, value: object) -> ConfigError:
        return ConfigError(self.source, key, f"{problem}, got {shown(value)}")

    def boolean(self, key: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false", value)
        return value

    def port(self, key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
            raise self.fail(key, "must be a port number 0-65535", value)
        return value

    def host(self, key: str, value: object) -> str:
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise self.fail(key, "must be a host name or IP address", value)
        return value

    def positive_int(self, key: str, value: object, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, "must be a positive integer", value)
        if maximum is not None and value > maximum:
            raise self.fail(key, f"must be at most {maximum}", value)
        return value

    def positive_number(self, key: str, value: object, maximum: float | None = None) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise self.fail(key, "must be a positive number", value)
        if maximum is not None and value > maximum:
            raise self.fail(key, f"must be at most {maximum:g}", value)
        return float(value)

    def non_negative_number(self, key: str, value: object) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise self.fail(key, "must be a number of seconds, 0 or more", value)
        return float(value)

    def smpp_id(self, key: str, value: object) -> str:
        """A system_id: printable ASCII without spaces, 1..15 characters."""
        if not isinstance(value, str) or not value:
            raise self.fail(key, "must be a non-empty string", value)
        if not value.isascii() or not value.isprintable() or " " in value:
            raise self.fail(key, "must be printable ASCII without spaces", value)
        if len(value) > MAX_SYSTEM_ID:
            raise self.fail(key, f"must be at most {MAX_SYSTEM_ID} characters", value)
        return value

    def api_token(self, key: str, value: object) -> str:
        # Like a password, never echoed. Printable ASCII without spaces: it goes in a header.
        if not isinstance(value, str) or not value:
            raise ConfigError(self.source, key, "must be a non-empty string")
        if not value.isascii() or not value.isprintable() or " " in value:
            raise ConfigError(self.source, key, "must be printable ASCII without spaces")
        return value

    def password(self, key: str, value: object) -> str:
        # Never echo the value: a typo in a password line would otherwise print the password.
        if not isinstance(value, str):
            raise ConfigError(self.source, key, "must be a string")
        if not value.isascii() or not value.isprintable():
            raise ConfigError(self.source, key, "must be printable ASCII")
        if len(value) > MAX_PASSWORD:
            raise ConfigError(
                self.source,
                key,
                f"must be at most {MAX_PASSWORD} characters (SMPP 3.4 password is C(9)), "
                f"got {len(value)} characters",
            )
        return value

    def enum(self, cls: type[E]) -> Callable[[str, object], E]:
        def parse(key: str, value: object) -> E:
            for member in cls:
                if member.value == value:
                    return member
            allowed = ", ".join(json.dumps(m.value) for m in cls)
            raise self.fail(key, f"must be one of {allowed}", value)

        return parse

    def str_list(self, key: str, value: object) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(key, "must be an array of strings", value)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.fail(f"{key}[{i}]", "must be a string", item)
        return value

    def bind_types(self, key: str, value: object) -> frozenset[BindType]:
        items = self.str_list(key, value)
        if not items:
            raise self.fail(key, "must list at least one bind type", value)
        parse = self.enum(BindType)
        return frozenset(parse(f"{key}[{i}]", item) for i, item in enumerate(items))

    def source_patterns(self, key: str, value: object) -> tuple[str, ...]:
        items = self.str_list(key, value)
        for i, item in enumerate(items):
            body = item.removesuffix("*")
            if "*" in body:
                raise self.fail(f"{key}[{i}]", "'*' is only allowed at the end", item)
            if not item or not item.isascii() or not item.isprintable():
                raise self.fail(f"{key}[{i}]", "must be a non-empty ASCII address", item)
            if len(item) > MAX_SOURCE_PATTERN:
                raise self.fail(
                    f"{key}[{i}]", f"must be at most {MAX_SOURCE_PATTERN} characters", item
                )
        return tuple(items)

    def networks(self, key: str, value: object) -> tuple[IPNetwork, ...]:
        items = self.str_list(key, value)
        nets: list[IPNetwork] = []
        for i, item in enumerate(items):
            try:
                nets.append(ipaddress.ip_network(item, strict=True))
            except ValueError as exc:
                raise self.fail(
                    f"{key}[{i}]", f"must be an IP address or network ({exc})", item
                ) from None
        return tuple(nets)

    def outstanding_status(self, key: str, value: object) -> CommandStatus:
        for status in OUTSTANDING_STATUSES:
            if status.name == value:
                return status
        allowed = ", ".join(json.dumps(s.name) for s in OUTSTANDING_STATUSES)
        raise self.fail(key, f"must be one of {allowed}", value)

    def receipt_date_digits(self, key: str, value: object) -> int:
        if isinstance(value, bool) or value not in (10, 12):
            raise self.fail(key, "must be 10 or 12", value)
        assert isinstance(value, int)
        return value

    def seed(self, key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be an integer", value)
        return value

    def data_dir(self, base: Path) -> Callable[[str, object], Path]:
        def parse(key: str, value: object) -> Path:
            if not isinstance(value, str) or not value:
                raise self.fail(key, "must be a non-empty path", value)
            path = Path(value).expanduser()
            # Relative to the config file, so the file means the same from any working directory.
            return path if path.is_absolute() else base / path

        return parse

    def store_max_bytes(self, key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < MIN_STORE_MAX_BYTES:
            raise self.fail(key, f"must be an integer of at least {MIN_STORE_MAX_BYTES}", value)
        return value

    def max_command_length(self, key: str, value: object) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not MIN_MAX_COMMAND_LENGTH <= value <= MAX_MAX_COMMAND_LENGTH
        ):
            raise self.fail(
                key,
                f"must be an integer {MIN_MAX_COMMAND_LENGTH}-{MAX_MAX_COMMAND_LENGTH}",
                value,
            )
        return value


def _table(p: _Parsers, key: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise p.fail(key, "must be a table", value)
    return value


def _read_timers(p: _Parsers, raw: Mapping[str, Any], path: str) -> Timers:
    t = _Table(raw, path, p.source)
    d = Timers()
    num = p.positive_number
    timers = Timers(
        session_init_timeout=t.get("session_init_timeout", d.session_init_timeout, num),
        enquire_link_interval=t.get("enquire_link_interval", d.enquire_link_interval, num),
        inactivity_timeout=t.get("inactivity_timeout", d.inactivity_timeout, num),
        response_timeout=t.get("response_timeout", d.response_timeout, num),
        unbind_timeout=t.get("unbind_timeout", d.unbind_timeout, num),
        retry_base=t.get("retry_base", d.retry_base, num),
        retry_max=t.get("retry_max", d.retry_max, num),
        receipt_delay=t.get("receipt_delay", d.receipt_delay, p.non_negative_number),
        default_validity=t.get("default_validity", d.default_validity, num),
    )
    t.finish()
    if timers.enquire_link_interval >= timers.inactivity_timeout:
        # Otherwise an idle but healthy link is closed before it is ever probed.
        raise t.error(
            "enquire_link_interval",
            f"must be less than {t.key('inactivity_timeout')} "
            f"({timers.inactivity_timeout:g}), got {timers.enquire_link_interval:g}",
        )
    if timers.retry_base > timers.retry_max:
        raise t.error(
            "retry_base",
            f"must not exceed {t.key('retry_max')} ({timers.retry_max:g}), "
            f"got {timers.retry_base:g}",
        )
    return timers


def _read_account(p: _Parsers, raw: Mapping[str, Any], path: str) -> AccountConfig:
    t = _Table(raw, path, p.source)
    for required in ("system_id", "password"):
        if not t.has(required):
            raise t.error(required, "is required")
    d = AccountConfig(system_id="-", password="")

    def opt_positive_int(key: str, value: object) -> int | None:
        return p.positive_int(key, value)

    def opt_throughput(key: str, value: object) -> float | None:
        return p.positive_number(key, value, MAX_THROUGHPUT)

    def opt_patterns(key: str, value: object) -> tuple[str, ...] | None:
        return p.source_patterns(key, value)

    def opt_networks(key: str, value: object) -> tuple[IPNetwork, ...] | None:
        return p.networks(key, value)

    account = AccountConfig(
        system_id=t.get("system_id", "", p.smpp_id),
        password=t.get("password", "", p.password),
        allowed_bind_types=t.get("allowed_bind_types", d.allowed_bind_types, p.bind_types),
        max_binds=t.get("max_binds", d.max_binds, opt_positive_int),
        allowed_source_addresses=t.get(
            "allowed_source_addresses", d.allowed_source_addresses, opt_patterns
        ),
        allowed_ips=t.get("allowed_ips", d.allowed_ips, opt_networks),
        throughput=t.get("throughput", d.throughput, opt_throughput),
        max_outstanding=t.get("max_outstanding", d.max_outstanding, p.positive_int),
        outstanding_status=t.get("outstanding_status", d.outstanding_status, p.outstanding_status),
        window_size=t.get("window_size", d.window_size, p.positive_int),
        message_id_format=t.get("message_id_format", d.message_id_format, p.enum(MessageIdFormat)),
        receipt_pdu=t.get("receipt_pdu", d.receipt_pdu, p.enum(ReceiptPdu)),
        receipt_per=t.get("receipt_per", d.receipt_per, p.enum(ReceiptPer)),
        receipt_date_digits=t.get(
            "receipt_date_digits", d.receipt_date_digits, p.receipt_date_digits
        ),
    )
    t.finish()
    return account


def config_from_dict(
    data: Mapping[str, Any], source: str = "<config>", base_dir: Path | None = None
) -> ServerConfig:
    """Validate an already parsed TOML document; relative paths resolve against ``base_dir``."""
    p = _Parsers(source)
    t = _Table(data, "", source)
    d = ServerConfig()
    base = base_dir if base_dir is not None else Path()

    timers_raw = t.raw("timers")
    timers = (
        d.timers
        if timers_raw is None
        else _read_timers(p, _table(p, "timers", timers_raw), "timers")
    )

    accounts_raw = t.raw("accounts")
    accounts: list[AccountConfig] = []
    if accounts_raw is not None:
        if not isinstance(accounts_raw, list):
            raise p.fail("accounts", "must be an array of tables ([[accounts]])", accounts_raw)
        first_index: dict[str, int] = {}
        for i, item in enumerate(accounts_raw):
            key = f"accounts[{i}]"
            account = _read_account(p, _table(p, key, item), key)
            if account.system_id in first_index:
                raise ConfigError(
                    source,
                    f"{key}.system_id",
                    f"duplicate of accounts[{first_index[account.system_id]}].system_id "
                    f"{shown(account.system_id)}",
                )
            first_index[account.system_id] = i
            accounts.append(account)

    faults_raw = t.raw("faults")
    faults: list[Fault] = []
    if faults_raw is not None:
        if not isinstance(faults_raw, list):
            raise p.fail("faults", "must be an array of tables ([[faults]])", faults_raw)
        for i, item in enumerate(faults_raw):
            key = f"faults[{i}]"
            try:
                faults.append(fault_from_dict(_table(p, key, item), key))
            except FaultError as exc:
                raise ConfigError(source, exc.key, exc.problem) from None

    def opt_seed(key: str, value: object) -> int | None:
        return p.seed(key, value)

    def opt_token(key: str, value: object) -> str | None:
        return p.api_token(key, value)

    def opt_store_max_bytes(key: str, value: object) -> int | None:
        return p.store_max_bytes(key, value)

    def opt_port(key: str, value: object) -> int | None:
        return p.port(key, value)

    def opt_path(key: str, value: object) -> Path | None:
        return p.data_dir(base)(key, value)

    config = ServerConfig(
        smpp_host=t.get("smpp_host", d.smpp_host, p.host),
        smpp_port=t.get("smpp_port", d.smpp_port, p.port),
        http_host=t.get("http_host", d.http_host, p.host),
        http_port=t.get("http_port", d.http_port, p.port),
        data_dir=t.get("data_dir", base / d.data_dir, p.data_dir(base)),
        store=t.get("store", d.store, p.enum(StoreKind)),
        store_max_bytes=t.get("store_max_bytes", d.store_max_bytes, opt_store_max_bytes),
        system_id=t.get("system_id", d.system_id, p.smpp_id),
        max_command_length=t.get("max_command_length", d.max_command_length, p.max_command_length),
        timers=timers,
        accounts=tuple(accounts),
        seed=t.get("seed", d.seed, opt_seed),
        api_token=t.get("api_token", d.api_token, opt_token),
        faults=tuple(faults),
        tls_port=t.get("tls_port", d.tls_port, opt_port),
        tls_cert=t.get("tls_cert", d.tls_cert, opt_path),
        tls_key=t.get("tls_key", d.tls_key, opt_path),
        tls_self_signed=t.get("tls_self_signed", d.tls_self_signed, p.boolean),
    )
    t.finish()
    check_tls(
        source,
        config.tls_port,
        config.tls_cert,
        config.tls_key,
        config.tls_self_signed,
        names={k: k for k in TLS_KEYS},
    )
    return config


TLS_KEYS = ("tls_port", "tls_cert", "tls_key", "tls_self_signed")


def check_tls(
    source: str,
    port: int | None,
    cert: object,
    key: object,
    self_signed: bool,
    names: Mapping[str, str],
) -> None:
    """The TLS settings' one rule, for the file and the command line alike: a port, and either
    a certificate with its key or a self-signed pair. ``names`` maps each of TLS_KEYS to how
    the user spelled it (``--tls-port`` on the command line); the error's key is the TLS_KEYS
    name."""
    n = names
    if port is None:
        if cert or key or self_signed:
            raise ConfigError(
                source,
                "tls_port",
                f"{n['tls_cert']}/{n['tls_key']}/{n['tls_self_signed']} need {n['tls_port']}",
            )
        return
    if self_signed:
        if cert or key:
            raise ConfigError(
                source,
                "tls_cert" if cert else "tls_key",
                f"give either {n['tls_self_signed']} or {n['tls_cert']}/{n['tls_key']}",
            )
        return
    if cert and not key:
        raise ConfigError(source, "tls_key", f"{n['tls_cert']} needs {n['tls_key']}")
    if key and not cert:
        raise ConfigError(source, "tls_cert", f"{n['tls_key']} needs {n['tls_cert']}")
    if not cert:
        raise ConfigError(
            source,
            "tls_cert",
            f"{n['tls_port']} needs {n['tls_cert']} and {n['tls_key']}, or {n['tls_self_signed']}",
        )


#: Top-level tables of a config file that describe the simulated networks; the carriers
#: package reads them (carriers.config), so the server's own validation leaves them alone.
CARRIER_TABLES = frozenset({"carriers", "numbers", "compliance", "handset_rules", "handsets"})


def read_toml(path: str | Path) -> dict[str, Any]:
    """A parsed TOML file; a missing or unreadable file or bad TOML is a ConfigError."""
    source = str(path)
    try:
        with Path(path).open("rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise ConfigError(source, "", f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}") from None


def load_config(path: str | Path) -> ServerConfig:
    """Read and validate a TOML config file; every problem is a ConfigError naming the file.

    The carrier tables (CARRIER_TABLES) in the same file are not the server's: see
    ``carriers.load_carriers``."""
    path = Path(path)
    data = {k: v for k, v in read_toml(path).items() if k not in CARRIER_TABLES}
    return config_from_dict(data, str(path), path.parent)


def apply_overrides(
    config: ServerConfig,
    *,
    smpp_host: str | None = None,
    smpp_port: int | None = None,
    http_host: str | None = None,
    http_port: int | None = None,
    data_dir: str | Path | None = None,
    store: str | StoreKind | None = None,
    api_token: str | None = None,
) -> ServerConfig:
    """Command-line options over a loaded config; None leaves a value alone.

    Errors name the option as a key path without the dashes (``smpp_port``), source
    "command line". A relative ``data_dir`` stays relative to the working directory.
    """
    p = _Parsers("command line")
    changes: dict[str, Any] = {}
    if smpp_host is not None:
        changes["smpp_host"] = p.host("smpp_host", smpp_host)
    if smpp_port is not None:
        changes["smpp_port"] = p.port("smpp_port", smpp_port)
    if http_host is not None:
        changes["http_host"] = p.host("http_host", http_host)
    if http_port is not None:
        changes["http_port"] = p.port("http_port", http_port)
    if data_dir is not None:
        changes["data_dir"] = p.data_dir(Path())("data_dir", str(data_dir))
    if store is not None:
        changes["store"] = (
            store if isinstance(store, StoreKind) else p.enum(StoreKind)("store", store)
        )
    if api_token is not None:
        changes["api_token"] = p.api_token("api_token", api_token)
    return dataclasses.replace(config, **changes)

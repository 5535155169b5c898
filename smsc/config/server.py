"""The server's own settings: the top-level keys, ``[timers]`` and ``[[accounts]]`` (their
records and read functions), the TLS rule, and the command-line overrides.

``ServerConfig()`` with no arguments is development mode: SMPP on 127.0.0.1:2775, HTTP on
127.0.0.1:8025, SQLite under ``./smsc-data``, no accounts (so any credentials bind).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TypeVar

from carriers.config import DEFAULT_VALIDITY, pattern_matches
from pdu import DEFAULT_MAX_COMMAND_LENGTH
from pdu.enums import CommandStatus

from ..faults import Fault
from ..retention import Retention
from .errors import ConfigError
from .faults import read_fault
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
    host,
    integer,
    network,
    password,
    path,
    port,
    positive,
    rate,
    refuse,
    seconds,
    secret,
    shown,
    system_id,
)

__all__ = [
    "DEFAULT_HTTP_PORT",
    "DEFAULT_SMPP_PORT",
    "TLS_KEYS",
    "AccountConfig",
    "BindType",
    "MessageIdFormat",
    "ReceiptPdu",
    "ReceiptPer",
    "ServerConfig",
    "StoreKind",
    "Timers",
    "apply_overrides",
    "check_tls",
    "read_server",
]

DEFAULT_SMPP_PORT = 2775  # IANA "smpp"
DEFAULT_HTTP_PORT = 8025  # free of common dev servers (8000/8080); easy to remember next to 2775

MIN_MAX_COMMAND_LENGTH = 1024  # below this even a full bind or submit_sm may not fit
MAX_MAX_COMMAND_LENGTH = 16 * 1024 * 1024
MIN_STORE_MAX_BYTES = 128 * 1024  # the empty schema alone takes 64 KiB (16 pages)


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
    default_validity: float = DEFAULT_VALIDITY  # validity_period NULL: expire after 48 h

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


# -- reading ---------------------------------------------------------------------------------


def _outstanding_status(value: object) -> CommandStatus:
    wanted = "must be one of " + ", ".join(shown(s.name) for s in OUTSTANDING_STATUSES)
    try:
        status = command_status(value)
    except InvalidValueError:
        raise refuse(wanted, value) from None
    if status not in OUTSTANDING_STATUSES:
        raise refuse(wanted, value)
    return status


positive_int = integer(1)
bind_types = array(enum(BindType), empty="must list at least one bind type")
receipt_date_digits = choice({10: 10, 12: 12}, "must be 10 or 12")
max_command_length = integer(MIN_MAX_COMMAND_LENGTH, MAX_MAX_COMMAND_LENGTH)


def read_timers(t: Table) -> Timers:
    d = Timers()
    timers = Timers(
        session_init_timeout=t.get("session_init_timeout", positive, d.session_init_timeout),
        enquire_link_interval=t.get("enquire_link_interval", positive, d.enquire_link_interval),
        inactivity_timeout=t.get("inactivity_timeout", positive, d.inactivity_timeout),
        response_timeout=t.get("response_timeout", positive, d.response_timeout),
        unbind_timeout=t.get("unbind_timeout", positive, d.unbind_timeout),
        retry_base=t.get("retry_base", positive, d.retry_base),
        retry_max=t.get("retry_max", positive, d.retry_max),
        receipt_delay=t.get("receipt_delay", seconds, d.receipt_delay),
        default_validity=t.get("default_validity", positive, d.default_validity),
    )
    if (
        t.valid("enquire_link_interval", "inactivity_timeout")
        and timers.enquire_link_interval >= timers.inactivity_timeout
    ):
        # Otherwise an idle but healthy link is closed before it is ever probed.
        t.problem(
            "enquire_link_interval",
            f"must be less than {t.key('inactivity_timeout')} "
            f"({timers.inactivity_timeout:g}), got {timers.enquire_link_interval:g}",
        )
    if t.valid("retry_base", "retry_max") and timers.retry_base > timers.retry_max:
        t.problem(
            "retry_base",
            f"must not exceed {t.key('retry_max')} ({timers.retry_max:g}), "
            f"got {timers.retry_base:g}",
        )
    return timers


def read_account(t: Table) -> AccountConfig:
    d = AccountConfig(system_id="", password="")
    return AccountConfig(
        system_id=t.require("system_id", system_id, ""),
        password=t.require("password", password, ""),
        allowed_bind_types=frozenset(
            t.get("allowed_bind_types", bind_types, tuple(d.allowed_bind_types))
        ),
        max_binds=t.get("max_binds", positive_int, d.max_binds),
        allowed_source_addresses=t.get(
            "allowed_source_addresses", array(address_pattern), d.allowed_source_addresses
        ),
        allowed_ips=t.get("allowed_ips", array(network), d.allowed_ips),
        throughput=t.get("throughput", rate, d.throughput),
        max_outstanding=t.get("max_outstanding", positive_int, d.max_outstanding),
        outstanding_status=t.get("outstanding_status", _outstanding_status, d.outstanding_status),
        window_size=t.get("window_size", positive_int, d.window_size),
        message_id_format=t.get("message_id_format", enum(MessageIdFormat), d.message_id_format),
        receipt_pdu=t.get("receipt_pdu", enum(ReceiptPdu), d.receipt_pdu),
        receipt_per=t.get("receipt_per", enum(ReceiptPer), d.receipt_per),
        receipt_date_digits=t.get(
            "receipt_date_digits", receipt_date_digits, d.receipt_date_digits
        ),
    )


T = TypeVar("T")


def _or_off(parse: Parser[T], wanted: str) -> Parser[T | None]:
    """``parse``, or ``false`` for "no limit" (TOML has no null)."""

    def parse_or_off(value: object) -> T | None:
        if value is False:
            return None
        try:
            return parse(value)
        except InvalidValueError:
            raise refuse(wanted, value) from None

    return parse_or_off


retention_messages = _or_off(integer(1), "must be a positive integer, or false for no limit")
retention_age = _or_off(positive, "must be a positive number of seconds, or false for no limit")


def read_retention(t: Table) -> Retention:
    """[retention]: how many final messages the store keeps, and for how long."""
    d = Retention()
    return Retention(
        max_messages=t.get("max_messages", retention_messages, d.max_messages),
        max_age=t.get("max_age", retention_age, d.max_age),
    )


def read_server(t: Table, base_dir: Path) -> ServerConfig:
    """The server's keys of the document's top-level table ``t``; relative paths resolve
    against ``base_dir``."""
    d = ServerConfig()
    accounts = t.array("accounts", read_account)
    t.unique("accounts", accounts, "system_id", lambda a: a.system_id)
    file_path = path(base_dir)
    config = ServerConfig(
        smpp_host=t.get("smpp_host", host, d.smpp_host),
        smpp_port=t.get("smpp_port", port, d.smpp_port),
        http_host=t.get("http_host", host, d.http_host),
        http_port=t.get("http_port", port, d.http_port),
        data_dir=t.get("data_dir", file_path, base_dir / d.data_dir),
        store=t.get("store", enum(StoreKind), d.store),
        store_max_bytes=t.get("store_max_bytes", integer(MIN_STORE_MAX_BYTES), d.store_max_bytes),
        system_id=t.get("system_id", system_id, d.system_id),
        max_command_length=t.get("max_command_length", max_command_length, d.max_command_length),
        timers=t.table("timers", read_timers, d.timers),
        retention=t.table("retention", read_retention, d.retention),
        accounts=tuple(accounts.values()),
        seed=t.get("seed", integer(), d.seed),
        api_token=t.get("api_token", secret, d.api_token),
        faults=tuple(t.array("faults", read_fault).values()),
        tls_port=t.get("tls_port", port, d.tls_port),
        tls_cert=t.get("tls_cert", file_path, d.tls_cert),
        tls_key=t.get("tls_key", file_path, d.tls_key),
        tls_self_signed=t.get("tls_self_signed", boolean, d.tls_self_signed),
    )
    if t.valid(*TLS_KEYS):
        wrong = tls_problem(
            config.tls_port,
            config.tls_cert,
            config.tls_key,
            config.tls_self_signed,
            names={k: k for k in TLS_KEYS},
        )
        if wrong is not None:
            t.problem(*wrong)
    return config


TLS_KEYS = ("tls_port", "tls_cert", "tls_key", "tls_self_signed")


def tls_problem(
    port: int | None, cert: object, key: object, self_signed: bool, names: Mapping[str, str]
) -> tuple[str, str] | None:
    """The TLS settings' one rule, for the file and the command line alike: a port, and either
    a certificate with its key or a self-signed pair. ``names`` maps each of TLS_KEYS to how
    the user spelled it (``--tls-port`` on the command line). Returns (key, problem), the key
    a TLS_KEYS name, or None when the settings are usable."""
    n = names
    if port is None:
        if cert or key or self_signed:
            return "tls_port", (
                f"{n['tls_cert']}/{n['tls_key']}/{n['tls_self_signed']} need {n['tls_port']}"
            )
        return None
    if self_signed:
        if cert or key:
            return "tls_cert" if cert else "tls_key", (
                f"give either {n['tls_self_signed']} or {n['tls_cert']}/{n['tls_key']}"
            )
        return None
    if cert and not key:
        return "tls_key", f"{n['tls_cert']} needs {n['tls_key']}"
    if key and not cert:
        return "tls_cert", f"{n['tls_key']} needs {n['tls_cert']}"
    if not cert:
        return "tls_cert", (
            f"{n['tls_port']} needs {n['tls_cert']} and {n['tls_key']}, or {n['tls_self_signed']}"
        )
    return None


def check_tls(
    source: str,
    port: int | None,
    cert: object,
    key: object,
    self_signed: bool,
    names: Mapping[str, str],
) -> None:
    """``tls_problem`` as a ConfigError from ``source``."""
    wrong = tls_problem(port, cert, key, self_signed, names)
    if wrong is not None:
        raise ConfigError(source, *wrong)


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
    receipt_delay: float | None = None,
    seed: int | None = None,
) -> ServerConfig:
    """Command-line options over a loaded config; None leaves a value alone.

    The options go through the same value parsers as the file. Errors name the option as a
    key path without the dashes (``smpp_port``), source "command line". A relative
    ``data_dir`` stays relative to the working directory.
    """
    given = {
        "smpp_host": smpp_host,
        "smpp_port": smpp_port,
        "http_host": http_host,
        "http_port": http_port,
        "data_dir": None if data_dir is None else str(data_dir),
        "store": store.value if isinstance(store, StoreKind) else store,
        "api_token": api_token,
        "receipt_delay": receipt_delay,
        "seed": seed,
    }

    def read(t: Table) -> ServerConfig:
        c = config
        return dataclasses.replace(
            c,
            smpp_host=t.get("smpp_host", host, c.smpp_host),
            smpp_port=t.get("smpp_port", port, c.smpp_port),
            http_host=t.get("http_host", host, c.http_host),
            http_port=t.get("http_port", port, c.http_port),
            data_dir=t.get("data_dir", path(Path()), c.data_dir),
            store=t.get("store", enum(StoreKind), c.store),
            api_token=t.get("api_token", secret, c.api_token),
            timers=dataclasses.replace(
                c.timers, receipt_delay=t.get("receipt_delay", seconds, c.timers.receipt_delay)
            ),
            seed=t.get("seed", integer(), c.seed),
        )

    return Reader("command line", {k: v for k, v in given.items() if v is not None}).read(read)

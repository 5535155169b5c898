"""The server's own settings: the top-level keys, ``[timers]``, ``[[outbinds]]``, the TLS
rule, and the command-line overrides; ``[[accounts]]`` and ``[[profiles]]`` are read by
``accounts``.

``ServerConfig()`` with no arguments is development mode: SMPP on 127.0.0.1:2775, HTTP on
127.0.0.1:8025, SQLite under ``./smsc-data``, no accounts (so any credentials bind).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TypeVar

from carriers.config import DEFAULT_VALIDITY
from pdu import DEFAULT_MAX_COMMAND_LENGTH

from ..faults import Fault
from ..retention import Retention
from .accounts import AccountConfig, Profile, read_account, read_profile, shipped_profiles
from .errors import ConfigError
from .faults import read_fault
from .tables import Reader, Table
from .values import (
    InvalidValueError,
    Parser,
    boolean,
    enum,
    host,
    integer,
    password,
    path,
    port,
    positive,
    refuse,
    seconds,
    secret,
    shown,
    system_id,
)

__all__ = [
    "DEFAULT_HTTP_PORT",
    "DEFAULT_SMPP_PORT",
    "OUTBIND_RETRY_MAX",
    "TLS_KEYS",
    "OutbindConfig",
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


@dataclass(frozen=True, slots=True, repr=False)
class OutbindConfig:
    """``[[outbinds]]``: the server connects to an ESME that listens, sends outbind with
    ``system_id`` and ``password`` (ours, as that ESME knows us), and serves the bind that
    follows as ``account``'s; it reconnects ``retry_interval`` after a drop, doubling each
    failure up to OUTBIND_RETRY_MAX (or ``retry_interval`` if that is longer)."""

    account: str
    host: str
    port: int
    system_id: str
    password: str = ""
    retry_interval: float = 5.0

    def __repr__(self) -> str:
        return (
            f"OutbindConfig(account={self.account!r}, host={self.host!r}, port={self.port}, "
            f"system_id={self.system_id!r}, password=<hidden>, "
            f"retry_interval={self.retry_interval:g})"
        )

    __str__ = __repr__


OUTBIND_RETRY_MAX = 300.0


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
    profiles: tuple[Profile, ...] = ()  # the file's own [[profiles]] (for `smsc profiles`)
    outbinds: tuple[OutbindConfig, ...] = ()  # ESMEs the server connects out to
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


def read_outbind(t: Table) -> OutbindConfig:
    return OutbindConfig(
        account=t.require("account", system_id, ""),
        host=t.require("host", host, ""),
        port=t.require("port", integer(1, 65535, "must be a port number 1-65535"), 0),
        system_id=t.require("system_id", system_id, ""),
        password=t.get("password", password, ""),
        retry_interval=t.get("retry_interval", positive, 5.0),
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
    """[retention]: how many final messages (and, counted apart, final broadcasts) the
    store keeps, and for how long."""
    d = Retention()
    return Retention(
        max_messages=t.get("max_messages", retention_messages, d.max_messages),
        max_age=t.get("max_age", retention_age, d.max_age),
    )


def read_server(t: Table, base_dir: Path) -> ServerConfig:
    """The server's keys of the document's top-level table ``t``; relative paths resolve
    against ``base_dir``."""
    d = ServerConfig()
    profiles = dict(shipped_profiles())
    where: dict[str, str] = {}  # name -> key path of the profile that took it

    def read_own_profile(p: Table) -> Profile:
        # In file order: a profile may start from a shipped one or one written above it.
        profile = read_profile(p, profiles)
        name = profile.name
        if name in profiles and profiles[name].shipped:
            p.problem("name", f"{shown(name)} is a shipped profile; choose another name")
        elif name in where:
            p.problem("name", f"duplicate of {where[name]}.name {shown(name)}")
        elif name:
            profiles[name] = profile
            where[name] = p.path
        return profile

    own_profiles = t.array("profiles", read_own_profile)
    accounts = t.array("accounts", lambda a: read_account(a, profiles))
    t.unique("accounts", accounts, "system_id", lambda a: a.system_id)
    outbinds = t.array("outbinds", read_outbind)
    if t.valid("accounts") and accounts:
        names = {a.system_id for a in accounts.values()}
        for i, o in outbinds.items():
            if o.account not in names:
                t.problem(
                    f"outbinds[{i}].account",
                    f"no [[accounts]] entry has system_id {shown(o.account)}",
                )
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
        profiles=tuple(own_profiles.values()),
        outbinds=tuple(outbinds.values()),
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

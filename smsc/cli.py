"""The ``smsc`` command: ``smsc serve`` starts the simulator."""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import difflib
import errno
import gc
import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from carriers import CarriersConfig

from . import cli_checks
from .checks import ChecksConfig
from .client import DEFAULT_API
from .config import (
    DEFAULT_HTTP_PORT,
    DEFAULT_SMPP_PORT,
    ConfigError,
    ServerConfig,
    Settings,
    StoreKind,
    apply_overrides,
    load_document,
)
from .datadir import DataDirBusyError, DataDirLock
from .store import StoreError
from .tls import TlsOptions, tls_options

log = logging.getLogger("smsc")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsc",
        description=(
            "A carrier-grade SMSC simulator and SMS test harness speaking SMPP 3.4 (and 5.0). "
            "Point an SMPP client (ESME) at it instead of at a mobile carrier."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = sub.add_parser(
        "serve",
        help="run the simulator",
        description=(
            "Run the SMSC. With no --config it is a development mode: any system_id and "
            "password bind, every number exists and is delivered. A config file (TOML) "
            "turns on accounts, limits, timers and receipt styles (docs/example-config.toml) "
            "and carriers, numbers, keywords and handset rules (docs/example-carriers.toml)."
        ),
    )
    serve.add_argument("--config", metavar="FILE", help="TOML config file")
    serve.add_argument(
        "--smpp-host", metavar="ADDR", help="address to listen on for SMPP (default 127.0.0.1)"
    )
    serve.add_argument(
        "--smpp-port",
        type=int,
        metavar="PORT",
        help=f"SMPP port (default {DEFAULT_SMPP_PORT}; 0 picks a free port)",
    )
    serve.add_argument(
        "--tls-port", type=int, metavar="PORT", help="also serve SMPP over TLS on this port"
    )
    serve.add_argument("--tls-cert", metavar="FILE", help="TLS certificate (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", help="TLS private key (PEM)")
    serve.add_argument(
        "--tls-self-signed",
        action="store_true",
        help="generate (once) and use a self-signed certificate in the data dir, for local use",
    )
    serve.add_argument(
        "--http-host",
        metavar="ADDR",
        help="address to listen on for the web inbox, REST API and /metrics (default 127.0.0.1)",
    )
    serve.add_argument(
        "--http-port",
        type=int,
        metavar="PORT",
        help=f"HTTP port (default {DEFAULT_HTTP_PORT}; 0 picks a free port)",
    )
    serve.add_argument(
        "--api-token",
        metavar="TOKEN",
        default=os.environ.get("SMSC_API_TOKEN"),
        help="require 'Authorization: Bearer TOKEN' on the API (default: $SMSC_API_TOKEN, "
        "else none; /metrics stays open)",
    )
    serve.add_argument(
        "--data-dir", metavar="DIR", help="where the SQLite store lives (default ./smsc-data)"
    )
    serve.add_argument(
        "--store",
        choices=("sqlite", "memory"),
        help="sqlite (default: survives restarts) or memory (fastest, for load runs)",
    )
    serve.add_argument(
        "--receipt-delay",
        type=float,
        metavar="SECONDS",
        help="the default outcome: DELIVRD this long after submit (default 1.0)",
    )
    serve.add_argument(
        "--seed", type=int, help="seed for simulated outcomes, so a run can be replayed"
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="log verbosity (default info)",
    )
    serve.add_argument(
        "--log-format",
        default="text",
        choices=("text", "json"),
        help="text lines (default), or one JSON object per line on stderr for log collectors",
    )
    _add_client_commands(sub)
    _add_profiles_command(sub)
    cli_checks.add_commands(sub, _add_api_options)
    return parser


def _add_api_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--api",
        metavar="URL",
        default=os.environ.get("SMSC_API", DEFAULT_API),
        help=f"the running server's HTTP address (default $SMSC_API, else {DEFAULT_API})",
    )
    p.add_argument(
        "--token",
        metavar="TOKEN",
        default=os.environ.get("SMSC_API_TOKEN"),
        help="API token, when the server has one (default $SMSC_API_TOKEN)",
    )


def _add_profiles_command(sub: Any) -> None:
    profiles = sub.add_parser(
        "profiles",
        help="list the carrier profiles an account may name",
        description="The carrier profiles ('profile = \"NAME\"' on an account): those that "
        "ship with smsc (docs/profiles.md says what each imitates) and, with --config, the "
        "file's own [[profiles]]. Each with the account keys it sets.",
    )
    profiles.add_argument("--config", metavar="FILE", help="also list this file's [[profiles]]")


def list_profiles(config: str | None) -> int:
    from .config.accounts import describe, shipped_profiles  # noqa: PLC0415

    try:
        own = load_document(config).server.profiles if config else ()
    except ConfigError as e:
        return config_error(e)
    for profile in (*shipped_profiles().values(), *own):
        origin = "shipped" if profile.shipped else config
        print(f"{profile.name} ({origin}): {profile.description or '-'}")
        for line in describe(profile):
            print(f"    {line}")
    return 0


def _add_client_commands(sub: Any) -> None:
    mo = sub.add_parser(
        "mo",
        help="send a message from a handset (MO) through a running server",
        description="A handset sends TEXT: the running server delivers it as deliver_sm to a "
        "receiver or transceiver bind. Prints the message id.",
    )
    mo.add_argument("--from", dest="from_", required=True, metavar="NUMBER", help="the handset")
    mo.add_argument("--to", required=True, metavar="NUMBER", help="short code or long number")
    mo.add_argument(
        "--data-coding", type=int, metavar="N", help="default: 0 (GSM 03.38) if it fits, else 8"
    )
    mo.add_argument(
        "--segmentation",
        choices=("udh", "udh16", "sar", "payload"),
        help="how a long text is split (default udh)",
    )
    mo.add_argument("--account", metavar="SYSTEM_ID", help="deliver to this account's binds")
    mo.add_argument("text", metavar="TEXT")
    _add_api_options(mo)

    msgs = sub.add_parser(
        "messages",
        help="list messages of a running server",
        description="List the messages a running server holds, in the order stored (oldest "
        "first, or --newest first), one per line (id, direction, from, to, state, text), or "
        "as JSON (each with its cursor).",
    )
    msgs.add_argument("--direction", choices=("mt", "mo"))
    msgs.add_argument("--from", dest="from_", metavar="NUMBER", help="source_addr")
    msgs.add_argument("--to", metavar="NUMBER", help="destination_addr")
    msgs.add_argument("--handset", metavar="NUMBER", help="MT to it and MO from it")
    msgs.add_argument("--account", metavar="SYSTEM_ID")
    msgs.add_argument("--state", help="e.g. ENROUTE, DELIVERED, UNDELIVERABLE")
    msgs.add_argument("--text", metavar="SUBSTRING", help="text contains (case-sensitive)")
    msgs.add_argument("--since", metavar="TIME", help="epoch seconds or ISO 8601 with a zone")
    msgs.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    msgs.add_argument("--offset", type=int, default=0, help="skip this many")
    msgs.add_argument("--newest", action="store_true", help="newest first")
    msgs.add_argument(
        "--after",
        metavar="CURSOR",
        help="only messages stored after this one (a message's cursor, as --json prints): "
        "with --wait, wait for a newer message than the one seen last",
    )
    msgs.add_argument("--before", metavar="CURSOR", help="only messages stored before this one")
    msgs.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="wait up to SECONDS for a first match and print it (exit 1 if none)",
    )
    msgs.add_argument("--json", action="store_true", help="print JSON instead of lines")
    _add_api_options(msgs)

    faults = sub.add_parser(
        "faults",
        help="list, add or clear faults on demand of a running server",
        description="Faults on demand (docs/carriers.md): 'smsc faults' lists them, "
        "'smsc faults add reject status=ESME_RSYSERR probability=0.2 account=shop' adds one "
        "(prints its id), 'smsc faults remove ID' and 'smsc faults clear' clear them.",
    )
    faults.add_argument(
        "action", nargs="?", default="list", choices=("list", "add", "remove", "clear")
    )
    faults.add_argument(
        "params", nargs="*", metavar="ARG", help="add: KIND KEY=VALUE...; remove: ID"
    )
    _add_api_options(faults)


def run_client(args: argparse.Namespace) -> int:
    from .client import ApiClient, ApiError, MessageTimeoutError  # noqa: PLC0415

    client = ApiClient(args.api, args.token)
    try:
        if args.command == "mo":
            options = {
                k: v
                for k, v in (
                    ("data_coding", args.data_coding),
                    ("segmentation", args.segmentation),
                    ("account", args.account),
                )
                if v is not None
            }
            print(client.send_mo(args.from_, args.to, args.text, **options))
            return 0
        if args.command == "faults":
            return _faults(client, args.action, args.params)
        filters = {
            "direction": args.direction,
            "from_": args.from_,
            "to": args.to,
            "handset": args.handset,
            "account": args.account,
            "state": args.state,
            "text": args.text,
            "since": args.since,
        }
        filters = {k: v for k, v in filters.items() if v is not None}
        if args.wait is not None:
            found = [client.wait_for_message(args.wait, args.after, **filters)]
        else:
            found = client.messages(
                **filters,
                order="newest" if args.newest else None,
                after=args.after,
                before=args.before,
                limit=args.limit,
                offset=args.offset,
            )
    except MessageTimeoutError as e:
        print(f"smsc: {e}", file=sys.stderr)
        return 1
    except ApiError as e:
        print(f"smsc: API error {e.status}: {e.message}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"smsc: cannot reach the API at {args.api}: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(found, indent=1))
        return 0
    if not found:
        print("smsc: no messages match", file=sys.stderr)  # stdout stays empty for scripts
    for m in found:
        text = m["text"] if m["text"] is not None else "<binary>"
        print(f"{m['id']}\t{m['direction']}\t{m['from']}\t{m['to']}\t{m['state']}\t{text}")
    return 0


def _faults(client: Any, action: str, params: list[str]) -> int:
    if action == "add":
        if not params:
            print("smsc: faults add KIND [KEY=VALUE ...]", file=sys.stderr)
            return 2
        values: dict[str, object] = {}
        for item in params[1:]:
            key, eq, raw = item.partition("=")
            if not eq:
                print(f"smsc: {item!r} is not KEY=VALUE", file=sys.stderr)
                return 2
            values[key] = _scalar(key, raw)
        print(client.add_fault(params[0], **values)["id"])
    elif action == "remove":
        if len(params) != 1 or not params[0].isdigit():
            print("smsc: faults remove ID", file=sys.stderr)
            return 2
        client.remove_fault(int(params[0]))
    elif action == "clear":
        print(client.clear_faults())
    else:
        active = client.faults()
        if not active:
            print("smsc: no faults active", file=sys.stderr)  # stdout stays empty for scripts
        for f in active:
            print(json.dumps(f))
    return 0


def _scalar(key: str, raw: str) -> object:
    """A KEY=VALUE value typed as the fault's JSON wants it: numbers for the numeric
    parameters (and a numeric status), text for the rest (account, prefix: 999 stays "999")."""
    try:
        if key in ("probability", "rate", "delay"):
            return float(raw)
        if key in ("copies", "after") or (key == "status" and raw[:1].isdigit()):
            return int(raw, 0)
    except ValueError:
        pass  # sent as text: the server names the key in its error
    return raw


def load(args: argparse.Namespace) -> Settings:
    """The config file (read once) with the command-line options over it."""
    settings = load_document(args.config) if args.config else Settings()
    server = apply_overrides(
        settings.server,
        smpp_host=args.smpp_host,
        smpp_port=args.smpp_port,
        http_host=args.http_host,
        http_port=args.http_port,
        data_dir=args.data_dir,
        store=args.store,
        api_token=args.api_token,
        receipt_delay=args.receipt_delay,
        seed=args.seed,
    )
    return dataclasses.replace(settings, server=server)


class StartError(Exception):
    """The server cannot start as configured; ``str()`` is the one line to print."""


def serve(
    config: ServerConfig,
    tls: TlsOptions | None = None,
    carriers: CarriersConfig | None = None,
    checks: ChecksConfig | None = None,
) -> int:
    """Run the server until SIGINT/SIGTERM. It starts whole or not at all: the data dir's
    lock, the store and every listener are taken before the first line says it listens;
    when one fails, what was taken is let go and StartError says which and what to do."""
    # Imported here: importing the reactor installs it, which tests and --help must not do.
    from twisted.internet import reactor as _reactor  # noqa: PLC0415

    from .server import SmscServer  # noqa: PLC0415

    reactor: Any = _reactor
    lock: DataDirLock | None = None
    server: SmscServer | None = None
    ports: list[Any] = []
    try:
        if config.store is StoreKind.SQLITE:  # the memory store is the process's own
            lock = _lock_data_dir(config.data_dir)
        try:
            server = SmscServer(config, reactor, carriers=carriers, checks=checks)
        except StoreError as e:
            raise StartError(f"cannot open the store in {config.data_dir}: {e}") from None
        lines = _listen_all(server, config, tls, ports)
    except BaseException:
        for port in ports:
            port.stopListening()
        if server is not None:
            server.store.close()
        if lock is not None:
            lock.release()
        raise
    for line in lines:
        print(line, flush=True)
    if lock is not None:
        lock.describe(f"PID {os.getpid()}, " + ", ".join(_addresses(lines)))
    if server.core.accounts.development_mode:
        # Logged once the server is up: a start that fails says only why it failed.
        log.warning("development mode: no accounts configured, any system_id/password binds")
        print("smsc: development mode: any system_id/password binds", flush=True)

    stopping = {"done": False}

    def stop(signum: int, frame: object) -> None:
        if stopping["done"]:
            return
        stopping["done"] = True
        log.info("signal %d: shutting down", signum)
        reactor.callFromThread(_shutdown)

    def _shutdown() -> None:
        assert server is not None
        d = server.shutdown()
        d.addBoth(lambda _: reactor.stop())

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    _tune_gc()
    reactor.run(installSignalHandlers=False)
    if lock is not None:
        lock.release()
    return 0


def _lock_data_dir(data_dir: Path) -> DataDirLock:
    try:
        return DataDirLock.acquire(data_dir)
    except DataDirBusyError as e:
        raise StartError(f"{e}; stop it, or pass another --data-dir") from None
    except OSError as e:
        raise StartError(f"cannot use data dir {data_dir}: {e.strerror or e}") from None


def _listen_all(
    server: Any, config: ServerConfig, tls: TlsOptions | None, ports: list[Any]
) -> list[str]:
    """Every listener, or StartError naming the one that failed (``ports`` collects those
    opened, for the caller to close). Returns the lines that announce them."""
    from .http import listen_http  # noqa: PLC0415

    smpp = _listen(
        "SMPP", "--smpp-port", "--smpp-host", config.smpp_host, config.smpp_port, server.listen
    )
    ports.append(smpp)
    addr = smpp.getHost()
    store = "in memory" if not server.durable else f"SQLite in {config.data_dir}"
    lines = [f"{LISTENING_SMPP}{addr.host}:{addr.port} (store: {store})"]
    if tls is not None:
        tls_port = _listen(
            "SMPP over TLS",
            "--tls-port",
            "--smpp-host",
            config.smpp_host,
            tls.port,
            lambda: server.listen_tls(tls.port, tls.context_factory(config.data_dir)),
        )
        ports.append(tls_port)
        tls_addr = tls_port.getHost()
        lines.insert(0, f"{LISTENING_TLS}{tls_addr.host}:{tls_addr.port}")
    http = _listen(
        "HTTP",
        "--http-port",
        "--http-host",
        config.http_host,
        config.http_port,
        lambda: listen_http(server),
    )
    ports.append(http)
    http_addr = http.getHost()
    lines.append(f"{LISTENING_HTTP}http://{_url_host(http_addr.host)}:{http_addr.port}")
    return lines


LISTENING_TLS = "smsc: SMPP over TLS listening on "
LISTENING_SMPP = "smsc: SMPP listening on "
LISTENING_HTTP = "smsc: web and API on "


def _addresses(lines: list[str]) -> list[str]:
    """'SMPP 127.0.0.1:2775' and the like, from the listening lines, for the lock file."""
    names = {LISTENING_TLS: "TLS", LISTENING_SMPP: "SMPP", LISTENING_HTTP: "HTTP"}
    found = []
    for line in lines:
        for prefix, name in names.items():
            if line.startswith(prefix):
                found.append(f"{name} {line.removeprefix(prefix).split()[0]}")
    return found


def _listen(what: str, option: str, host_option: str, host: str, port: int, listen: Any) -> Any:
    from twisted.internet.error import CannotListenError  # noqa: PLC0415

    try:
        return listen()
    except CannotListenError as e:
        raise StartError(
            cannot_listen(what, host, port, e.socketError, option, host_option)
        ) from None


def cannot_listen(
    what: str, host: str, port: int, error: BaseException, option: str, host_option: str
) -> str:
    """The one line for a listener that could not bind: which, where, why, what to do."""
    where = f"{_url_host(host)}:{port}"
    code = getattr(error, "errno", None)
    if code == errno.EADDRINUSE:
        why, todo = "address already in use", f"stop the other server or pass {option}"
    elif code == errno.EACCES:
        why, todo = "permission denied", f"ports below 1024 need privileges: pass {option}"
    elif code == errno.EADDRNOTAVAIL:
        why, todo = "not an address of this machine", f"pass {host_option}"
    else:
        text = getattr(error, "strerror", None) or str(error)
        why, todo = text[:1].lower() + text[1:], f"check {host_option} and {option}"
    return f"cannot listen for {what} on {where}: {why}; {todo}"


GC_GEN0_THRESHOLD = 100_000


def _tune_gc() -> None:
    """Fewer cyclic collections for the server process (not for tests that embed it).

    Every message allocates a few dozen objects that live until their receipt is answered
    (the receipt delay and more); at the default gen0 threshold (700) the collector ran every
    few messages, found them all alive and took about a fifth of the CPU at full load. At
    100,000 most of them are freed (by reference counting) before a collection looks at them
    (docs/performance.md). What exists at start-up (modules, config) is moved out of the
    collector's way for good."""
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, the
    ``extra=`` fields, and the traceback as ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
        line: dict[str, object] = {
            "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name not in _RECORD_ATTRS and name not in line:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # default=str: an extra field that JSON cannot hold is logged as text, not lost.
        return json.dumps(line, ensure_ascii=False, default=str)


def _setup_logging(level: str, log_format: str) -> None:
    handler = logging.StreamHandler()  # stderr
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
        # Python warnings would otherwise reach stderr as bare text between the JSON lines.
        logging.captureWarnings(True)
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, level.upper()), handlers=[handler])


def parse_args(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """``parser.parse_args``, but an unknown option is reported by the command it was given
    to, with the options it may have meant (``--port``: ``--smpp-port``, ...)."""
    args, extras = parser.parse_known_args(argv)
    if extras:
        target = _command_parser(parser, getattr(args, "command", None)) or parser
        message = f"unrecognized arguments: {' '.join(extras)}"
        unknown = [a.split("=", 1)[0] for a in extras if a.startswith("-")]
        hint = suggest_option(unknown[0], _long_options(target)) if unknown else None
        if hint:
            message += f" (did you mean {hint}?)"
        target.error(message)
    return args


def _command_parser(parser: argparse.ArgumentParser, name: str | None) -> Any:
    for action in parser._actions:  # argparse offers no public way to the subparsers
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            return action.choices[name]
    return None


def _long_options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for a in parser._actions for o in a.option_strings if o.startswith("--")]


def suggest_option(unknown: str, options: list[str]) -> str | None:
    """The options an unknown one may have meant: those holding all its words (``--port``:
    every ``--*-port``, in the order the command defines them, at most three), else the
    closest spelling (``--smpp-prot``); None when nothing is close."""

    def words(option: str) -> set[str]:
        return set(option.lstrip("-").replace("_", "-").split("-"))

    wanted = words(unknown)
    found = [o for o in options if wanted <= words(o)]
    if not found:  # a typo: the closest spelling alone
        found = difflib.get_close_matches(unknown, options, n=1, cutoff=0.6)
    if not found:
        return None
    found = found[:3]
    return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " or " + found[-1]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parse_args(parser, argv)
    if args.command in ("mo", "messages", "faults"):
        return run_client(args)
    if args.command == "profiles":
        return list_profiles(args.config)
    if args.command in cli_checks.COMMANDS:
        return cli_checks.run(args)
    if args.command != "serve":
        parser.print_help()
        return 2
    _setup_logging(args.log_level, args.log_format)
    try:
        settings = load(args)
        config = settings.server
        tls = tls_options(args.tls_port, args.tls_cert, args.tls_key, args.tls_self_signed, config)
    except ConfigError as e:
        return config_error(e)
    try:
        return serve(config, tls, settings.carriers, settings.checks)
    except ConfigError as e:  # an unreadable or bad TLS certificate, found when listening
        return config_error(e)
    except StartError as e:
        if args.log_format == "json":  # a log collector reads stderr as JSON lines
            log.error("%s", e)
        else:
            print(f"smsc: {e}", file=sys.stderr)
        return 2


def config_error(err: ConfigError) -> int:
    """Print every problem of a config; the exit status for a bad config."""
    if len(err.problems) == 1:
        print(f"smsc: config error: {err}", file=sys.stderr)
    else:
        print(f"smsc: {len(err.problems)} config errors:", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
    return 2

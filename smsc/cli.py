"""The ``smsc`` command: ``smsc serve`` starts the simulator."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
from typing import Any

from .config import DEFAULT_SMPP_PORT, ConfigError, ServerConfig, apply_overrides, load_config
from .tls import TlsOptions, tls_options

log = logging.getLogger("smsc")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsc",
        description=(
            "A carrier-grade SMSC simulator and SMS test harness speaking SMPP 3.4. "
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
            "turns on accounts, limits, timers and receipt styles; see "
            "docs/example-config.toml."
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
    serve.add_argument("--http-host", metavar="ADDR", help="address of the HTTP port")
    serve.add_argument("--http-port", type=int, metavar="PORT", help="HTTP port")
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
    return parser


def load(args: argparse.Namespace) -> ServerConfig:
    config = load_config(args.config) if args.config else ServerConfig()
    config = apply_overrides(
        config,
        smpp_host=args.smpp_host,
        smpp_port=args.smpp_port,
        http_host=args.http_host,
        http_port=args.http_port,
        data_dir=args.data_dir,
        store=args.store,
    )
    if args.receipt_delay is not None:
        if not args.receipt_delay >= 0:
            raise ConfigError("command line", "receipt_delay", "must be 0 or more seconds")
        timers = dataclasses.replace(config.timers, receipt_delay=args.receipt_delay)
        config = dataclasses.replace(config, timers=timers)
    if args.seed is not None:
        config = dataclasses.replace(config, seed=args.seed)
    return config


def serve(config: ServerConfig, tls: TlsOptions | None = None) -> int:
    # Imported here: importing the reactor installs it, which tests and --help must not do.
    from twisted.internet import reactor as _reactor  # noqa: PLC0415

    from .server import SmscServer  # noqa: PLC0415

    reactor: Any = _reactor
    server = SmscServer(config, reactor)
    port = server.listen()
    if tls is not None:
        tls_addr = server.listen_tls(tls.port, tls.context_factory(config.data_dir)).getHost()
        print(f"smsc: SMPP over TLS listening on {tls_addr.host}:{tls_addr.port}", flush=True)
    addr = port.getHost()
    store = "in memory" if not server.durable else f"SQLite in {config.data_dir}"
    print(f"smsc: SMPP listening on {addr.host}:{addr.port} (store: {store})", flush=True)
    if server.core.accounts.development_mode:
        print("smsc: development mode: any system_id/password binds", flush=True)

    stopping = {"done": False}

    def stop(signum: int, frame: object) -> None:
        if stopping["done"]:
            return
        stopping["done"] = True
        log.info("signal %d: shutting down", signum)
        reactor.callFromThread(_shutdown)

    def _shutdown() -> None:
        d = server.shutdown()
        d.addBoth(lambda _: reactor.stop())

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    reactor.run(installSignalHandlers=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help()
        return 2
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper()),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load(args)
        tls = tls_options(args.tls_port, args.tls_cert, args.tls_key, args.tls_self_signed)
    except ConfigError as e:
        print(f"smsc: config error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"smsc: cannot read config: {e}", file=sys.stderr)
        return 2
    return serve(config, tls)

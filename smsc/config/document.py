"""A config file as a whole: read once, its top-level table shared by the server's and the
carriers' read functions, so a key neither knows is an unknown key."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from carriers.config import CarriersConfig

from ..checks import ChecksConfig
from .carriers import read_carriers
from .checks import read_checks
from .errors import ConfigError
from .server import ServerConfig, read_server
from .tables import Reader, Table

__all__ = [
    "Settings",
    "carriers_from_dict",
    "config_from_dict",
    "load_document",
    "read_document",
    "read_toml",
]


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one config file says. ``Settings()`` is development mode."""

    server: ServerConfig = field(default_factory=ServerConfig)
    carriers: CarriersConfig = field(default_factory=CarriersConfig)
    checks: ChecksConfig = field(default_factory=ChecksConfig)  # [checks]: the app checker


def read_toml(path: str | Path) -> dict[str, object]:
    """A parsed TOML file; a missing or unreadable file or bad TOML is a ConfigError."""
    source = str(path)
    try:
        with Path(path).open("rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise ConfigError(source, "", f"cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}") from None


def read_document(
    data: Mapping[str, object], source: str = "<config>", base_dir: Path | None = None
) -> Settings:
    """Validate a parsed document; relative paths resolve against ``base_dir`` (default: the
    working directory). A ConfigError lists every problem."""
    base = base_dir if base_dir is not None else Path()

    def read(t: Table) -> Settings:
        return Settings(
            server=read_server(t, base),
            carriers=read_carriers(t),
            checks=t.table("checks", read_checks, ChecksConfig()),
        )

    return Reader(source, data).read(read)


def load_document(path: str | Path) -> Settings:
    """Read and validate a TOML config file (read once); problems name the file."""
    path = Path(path)
    return read_document(read_toml(path), str(path), path.parent)


def config_from_dict(
    data: Mapping[str, object], source: str = "<config>", base_dir: Path | None = None
) -> ServerConfig:
    """The server's part of a parsed document (the whole document is validated)."""
    return read_document(data, source, base_dir).server


def carriers_from_dict(data: Mapping[str, object], source: str = "<config>") -> CarriersConfig:
    """The carriers' part of a parsed document (the whole document is validated)."""
    return read_document(data, source).carriers

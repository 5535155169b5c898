"""TLS settings: the command line over the config file's tls_* keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from smsc.config import ConfigError, ServerConfig
from smsc.tls import TlsOptions, tls_options

FILE_PAIR = ServerConfig(tls_port=2776, tls_cert=Path("/f/c.pem"), tls_key=Path("/f/k.pem"))
FILE_SELF_SIGNED = ServerConfig(tls_port=2776, tls_self_signed=True)


def test_no_tls_anywhere_is_no_tls() -> None:
    assert tls_options(None, None, None, False, ServerConfig()) is None


def test_the_file_alone_is_used() -> None:
    assert tls_options(None, None, None, False, FILE_PAIR) == TlsOptions(
        2776, Path("/f/c.pem"), Path("/f/k.pem")
    )
    assert tls_options(None, None, None, False, FILE_SELF_SIGNED) == TlsOptions(
        2776, self_signed=True
    )


def test_the_command_line_port_overrides_only_the_port() -> None:
    assert tls_options(0, None, None, False, FILE_PAIR) == TlsOptions(
        0, Path("/f/c.pem"), Path("/f/k.pem")
    )


def test_a_command_line_certificate_replaces_the_files_choice_whole() -> None:
    assert tls_options(None, "c2", "k2", False, FILE_SELF_SIGNED) == TlsOptions(
        2776, Path("c2"), Path("k2")
    )
    assert tls_options(None, None, None, True, FILE_PAIR) == TlsOptions(2776, self_signed=True)


@pytest.mark.parametrize(
    ("args", "key", "words"),
    [
        ((None, "c2", None, False), "tls_key", "--tls-cert needs --tls-key"),
        ((None, None, "k2", False), "tls_cert", "--tls-key needs --tls-cert"),
        ((70000, None, None, False), "tls_port", "0-65535, got 70000"),
    ],
)
def test_a_partial_command_line_choice_is_refused_naming_the_option(
    args: tuple[int | None, str | None, str | None, bool], key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as info:
        tls_options(*args, FILE_SELF_SIGNED)
    assert (info.value.source, info.value.key) == ("command line", key)
    assert words in str(info.value)

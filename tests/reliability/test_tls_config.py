"""SMPP over TLS set by the config file: ``smsc serve --config FILE`` with the tls_* keys binds
over TLS, relative paths are relative to the file, the command line overrides the file, and an
inconsistent file is refused naming the key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smsc.tls import SELF_SIGNED_CERT, self_signed_pair

from .conftest import REPO, RawClient, ServerFactory
from .test_security import TlsClient, submit_with_receipt


def test_tls_from_the_config_file_with_a_certificate_beside_it(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    # The pair lives next to the config file (the factory writes it into tmp_path) and is
    # named relatively, so the file means the same from any working directory.
    cert, _ = self_signed_pair(tmp_path / "pki")
    config = (
        'tls_port = 0\ntls_cert = "pki/tls-self-signed.crt"\ntls_key = "pki/tls-self-signed.key"\n'
    )
    server = smsc_server("--store", "memory", "--receipt-delay", "0", config=config)
    with TlsClient(server.tls_address, cert) as client:
        submit_with_receipt(client)
    with RawClient(server.address) as plain:  # the plain port still serves next to it
        submit_with_receipt(plain)


def test_tls_self_signed_from_the_config_file(smsc_server: ServerFactory, tmp_path: Path) -> None:
    server = smsc_server(
        "--store", "memory", "--receipt-delay", "0",
        config='data_dir = "data"\ntls_port = 0\ntls_self_signed = true\n',
    )  # fmt: skip
    with TlsClient(server.tls_address, tmp_path / "data" / SELF_SIGNED_CERT) as client:
        submit_with_receipt(client)


def test_command_line_certificate_replaces_the_files_self_signed_choice(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    cert, key = self_signed_pair(tmp_path / "pki")
    server = smsc_server(
        "--store", "memory", "--receipt-delay", "0", "--data-dir", str(tmp_path / "data"),
        "--tls-cert", str(cert), "--tls-key", str(key),
        config="tls_port = 0\ntls_self_signed = true\n",
    )  # fmt: skip
    with TlsClient(server.tls_address, cert) as client:
        submit_with_receipt(client)
    assert not (tmp_path / "data" / SELF_SIGNED_CERT).exists()  # no self-signed pair was made


def run_serve(tmp_path: Path, config: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "smsc.toml"
    path.write_text(config)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "smsc",
            "serve",
            "--smpp-port",
            "0",
            "--http-port",
            "0",
            "--config",
            str(path),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.mark.parametrize(
    ("config", "args", "message"),
    [
        ("tls_port = 0\n", [], "tls_cert: tls_port needs tls_cert and tls_key"),
        ("tls_self_signed = true\n", [], "tls_port: tls_cert/tls_key/tls_self_signed need"),
        ('tls_port = 0\ntls_cert = "a.crt"\n', [], "tls_key: tls_cert needs tls_key"),
        ("tls_port = 0\ntls_self_signed = 1\n", [], "tls_self_signed: must be true or false"),
        # A key on the command line replaces the file's self-signed choice, and needs its cert.
        ("tls_port = 0\ntls_self_signed = true\n", ["--tls-key", "a.key"], "--tls-key needs"),
    ],
)
def test_inconsistent_tls_settings_in_the_file_are_refused(
    tmp_path: Path, config: str, args: list[str], message: str
) -> None:
    proc = run_serve(tmp_path, config, *args)
    assert proc.returncode == 2
    assert "smsc: config error:" in proc.stderr
    assert message in proc.stderr


def test_an_unreadable_certificate_named_in_the_file_is_a_config_error(tmp_path: Path) -> None:
    proc = run_serve(tmp_path, 'tls_port = 0\ntls_cert = "no.crt"\ntls_key = "no.key"\n')
    assert proc.returncode == 2
    assert "tls_cert: cannot read" in proc.stderr
    assert "Traceback" not in proc.stderr

"""SMPP over TLS on a port of its own: the certificate and key from files, or a self-signed
pair generated for local use into the data directory (``--tls-self-signed``). Set on the
command line or by the config file's ``tls_*`` keys; the command line wins.

The self-signed pair names ``localhost`` and ``127.0.0.1`` (subjectAltName), so a client can
verify it with the certificate file as its only CA. It is made once and reused, so a client
that pinned it keeps working across restarts.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import ConfigError, ServerConfig, check_tls
from .config.tables import parse_value
from .config.values import port as port_number

SELF_SIGNED_CERT = "tls-self-signed.crt"
SELF_SIGNED_KEY = "tls-self-signed.key"
SELF_SIGNED_DAYS = 365


@dataclass(frozen=True, slots=True)
class TlsOptions:
    port: int
    cert: Path | None = None
    key: Path | None = None
    self_signed: bool = False

    def files(self, data_dir: Path) -> tuple[Path, Path]:
        """The certificate and key files, generating the self-signed pair when asked."""
        if self.self_signed:
            return self_signed_pair(data_dir)
        assert self.cert is not None and self.key is not None
        return self.cert, self.key

    def context_factory(self, data_dir: Path) -> Any:
        """A Twisted server context factory (OpenSSL) for ``reactor.listenSSL``."""
        from twisted.internet import ssl  # noqa: PLC0415 - needs pyOpenSSL; only when asked

        cert, key = self.files(data_dir)
        try:
            pem = cert.read_bytes() + b"\n" + key.read_bytes()
        except OSError as e:
            raise ConfigError("command line", "tls_cert", f"cannot read: {e}") from None
        try:
            return ssl.PrivateCertificate.loadPEM(pem).options()  # type: ignore[no-untyped-call]
        except Exception as e:  # OpenSSL's errors have no common base worth naming
            raise ConfigError(
                "command line", "tls_cert", f"not a PEM certificate and key: {e}"
            ) from None


#: How the command line spells each TLS setting, for its error messages.
CLI_NAMES = {
    "tls_port": "--tls-port",
    "tls_cert": "--tls-cert",
    "tls_key": "--tls-key",
    "tls_self_signed": "--tls-self-signed",
}


def tls_options(
    port: int | None,
    cert: str | Path | None,
    key: str | Path | None,
    self_signed: bool,
    config: ServerConfig | None = None,
) -> TlsOptions | None:
    """TLS settings from the command line over the config file's; None when neither asks for
    a TLS port.

    The port overrides on its own. A certificate, key or --tls-self-signed on the command line
    replaces the file's choice of certificate whole, so a file's self-signed pair never mixes
    with a command-line certificate."""
    if config is not None:
        if port is None:
            port = config.tls_port
        if not (cert or key or self_signed):
            cert, key, self_signed = config.tls_cert, config.tls_key, config.tls_self_signed
    if port is not None:
        port = parse_value("command line", "tls_port", port_number, port)
    check_tls("command line", port, cert, key, self_signed, CLI_NAMES)
    if port is None:
        return None
    if self_signed:
        return TlsOptions(port, self_signed=True)
    assert cert and key  # check_tls
    return TlsOptions(port, Path(cert), Path(key))


def self_signed_pair(directory: Path, *, now: datetime.datetime | None = None) -> tuple[Path, Path]:
    """The self-signed certificate and key in ``directory``, made on first use."""
    cert_path = directory / SELF_SIGNED_CERT
    key_path = directory / SELF_SIGNED_KEY
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smsc simulator (self-signed)")])
    start = (now or datetime.datetime.now(datetime.UTC)) - datetime.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=SELF_SIGNED_DAYS))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The key is readable by its owner only, from the moment it exists.
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path

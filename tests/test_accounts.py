"""Bind authentication: which status each refusal gets, bind counting, development mode."""

from __future__ import annotations

import hmac
import ipaddress

import pytest

from pdu.enums import CommandStatus as S
from smsc.accounts import Accounts
from smsc.config import AccountConfig, BindType, ServerConfig

TX, RX, TRX = BindType.TRANSMITTER, BindType.RECEIVER, BindType.TRANSCEIVER

ACME = AccountConfig(
    system_id="acme",
    password="s3cret",
    allowed_bind_types=frozenset({TX, RX}),
    max_binds=2,
    allowed_ips=(ipaddress.ip_network("10.0.0.0/8"),),
)
OPEN = AccountConfig(system_id="open", password="pw")


@pytest.fixture
def accounts() -> Accounts:
    return Accounts([ACME, OPEN])


def test_valid_credentials_return_the_account(accounts: Accounts) -> None:
    result = accounts.authenticate("acme", "s3cret", TX, "10.1.1.1")
    assert result.ok
    assert result.status == S.ESME_ROK
    assert result.account is ACME
    assert not accounts.development_mode


@pytest.mark.parametrize(
    ("system_id", "password", "bind_type", "peer_ip", "status"),
    [
        ("nobody", "s3cret", TX, "10.1.1.1", S.ESME_RINVSYSID),
        ("ACME", "s3cret", TX, "10.1.1.1", S.ESME_RINVSYSID),  # system_id is case-sensitive
        ("acme", "wrong", TX, "10.1.1.1", S.ESME_RINVPASWD),
        ("acme", "s3cre", TX, "10.1.1.1", S.ESME_RINVPASWD),  # prefix
        ("acme", "s3cret!", TX, "10.1.1.1", S.ESME_RINVPASWD),  # longer
        ("acme", "", TX, "10.1.1.1", S.ESME_RINVPASWD),
        ("acme", "s3cr\u00e9t", TX, "10.1.1.1", S.ESME_RINVPASWD),  # non-ASCII from the wire
        ("acme", "s3cret", TRX, "10.1.1.1", S.ESME_RBINDFAIL),  # bind type not allowed
        ("acme", "s3cret", TX, "192.168.1.1", S.ESME_RBINDFAIL),  # IP not allowed
        ("acme", "wrong", TX, "192.168.1.1", S.ESME_RBINDFAIL),  # IP checked before password
        ("open", "pw", TRX, "203.0.113.9", S.ESME_ROK),
    ],
)
def test_authentication_outcomes(
    accounts: Accounts,
    system_id: str,
    password: str,
    bind_type: BindType,
    peer_ip: str,
    status: S,
) -> None:
    result = accounts.authenticate(system_id, password, bind_type, peer_ip)
    assert result.status == status
    assert result.ok is (status == S.ESME_ROK)
    assert (result.account is None) is (status != S.ESME_ROK)


def test_password_is_compared_with_compare_digest(
    accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    assert accounts.authenticate("acme", "wrong", TX, "10.0.0.1").status == S.ESME_RINVPASWD
    assert accounts.authenticate("acme", "s3cret", TX, "10.0.0.1").ok
    assert sorted(calls) == sorted([(b"wrong", b"s3cret"), (b"s3cret", b"s3cret")])


def test_compare_digest_decides(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    # If the password check bypassed compare_digest (e.g. a plain ==), this would not flip.
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)
    assert accounts.authenticate("acme", "s3cret", TX, "10.0.0.1").status == S.ESME_RINVPASWD


def test_max_binds_refuses_with_bindfail_until_one_closes(accounts: Accounts) -> None:
    for _ in range(2):
        result = accounts.authenticate("acme", "s3cret", RX, "10.0.0.1")
        assert result.ok and result.account is not None
        accounts.bind_opened(result.account)
    assert accounts.binds("acme") == 2
    third = accounts.authenticate("acme", "s3cret", RX, "10.0.0.1")
    assert third.status == S.ESME_RBINDFAIL
    assert "max_binds" in third.reason
    accounts.bind_closed(ACME)
    assert accounts.binds("acme") == 1
    assert accounts.authenticate("acme", "s3cret", RX, "10.0.0.1").ok


def test_bind_counts_are_per_account(accounts: Accounts) -> None:
    accounts.bind_opened(ACME)
    accounts.bind_opened(ACME)
    assert accounts.authenticate("open", "pw", TX, "127.0.0.1").ok
    assert accounts.binds("open") == 0


def test_bind_count_misuse_raises(accounts: Accounts) -> None:
    with pytest.raises(RuntimeError, match="without an open bind"):
        accounts.bind_closed(OPEN)
    accounts.bind_opened(ACME)
    accounts.bind_opened(ACME)
    with pytest.raises(RuntimeError, match="max_binds"):
        accounts.bind_opened(ACME)
    assert accounts.binds("acme") == 2


def test_development_mode_accepts_anything_with_one_account_per_system_id() -> None:
    accounts = Accounts.from_config(ServerConfig())
    assert accounts.development_mode
    first = accounts.authenticate("anyone", "whatever", TRX, "198.51.100.7")
    again = accounts.authenticate("anyone", "different", TX, "::1")
    other = accounts.authenticate("someone", "", RX, "127.0.0.1")
    assert first.ok and again.ok and other.ok
    assert first.account is again.account  # same system_id, same account (and bind count)
    assert first.account is not None and other.account is not None
    assert first.account.system_id == "anyone"
    assert first.account.throughput is None
    assert first.account.allowed_bind_types == frozenset(BindType)
    assert accounts.get("someone") is other.account
    accounts.bind_opened(first.account)
    accounts.bind_opened(first.account)
    assert accounts.binds("anyone") == 2


def test_configured_accounts_are_not_development_mode() -> None:
    accounts = Accounts.from_config(ServerConfig(accounts=(OPEN,)))
    assert not accounts.development_mode
    assert accounts.authenticate("anyone", "whatever", TX, "127.0.0.1").status == S.ESME_RINVSYSID
    assert list(accounts) == [OPEN]
    assert accounts.get("anyone") is None


def test_duplicate_system_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Accounts([OPEN, AccountConfig(system_id="open", password="x")])


def test_results_and_reasons_never_show_the_password(accounts: Accounts) -> None:
    for password in ("s3cret", "guess123"):
        for bind_type in (TX, TRX):
            result = accounts.authenticate("acme", password, bind_type, "10.0.0.1")
            for text in (repr(result), str(result), result.reason):
                assert "s3cret" not in text
                assert "guess123" not in text

"""Failed binds rate limited per peer address (``smsc.bindguard`` through
``Accounts.authenticate(..., now)``): the limit, the cool-down, who counts and who does not."""

from __future__ import annotations

import pytest

from pdu.enums import CommandStatus as S
from smsc.accounts import Accounts
from smsc.bindguard import BindGuard
from smsc.config import AccountConfig, BindType

TRX = BindType.TRANSCEIVER
ACME = AccountConfig(system_id="acme", password="s3cret")
PEER, OTHER = "192.0.2.1", "192.0.2.2"


@pytest.fixture
def accounts() -> Accounts:
    return Accounts([ACME], BindGuard(max_failures=3, window=10.0, cooldown=30.0))


def fail(accounts: Accounts, n: int, now: float, peer: str = PEER) -> None:
    for _ in range(n):
        assert accounts.authenticate("acme", "wrong", TRX, peer, now).status == S.ESME_RINVPASWD


def test_after_the_limit_even_the_right_password_is_refused_bindfail(accounts: Accounts) -> None:
    fail(accounts, 3, now=0.0)
    result = accounts.authenticate("acme", "s3cret", TRX, PEER, now=1.0)
    assert result.status == S.ESME_RBINDFAIL
    assert "too many failed binds" in result.reason
    # A wrong password during the cool-down gets the same answer: nothing to learn.
    assert accounts.authenticate("acme", "wrong", TRX, PEER, 1.0).status == S.ESME_RBINDFAIL


def test_the_cool_down_ends(accounts: Accounts) -> None:
    fail(accounts, 3, now=0.0)
    assert accounts.authenticate("acme", "s3cret", TRX, PEER, now=29.9).status == S.ESME_RBINDFAIL
    assert accounts.authenticate("acme", "s3cret", TRX, PEER, now=30.0).ok


def test_other_addresses_are_not_affected(accounts: Accounts) -> None:
    fail(accounts, 3, now=0.0)
    assert accounts.authenticate("acme", "s3cret", TRX, OTHER, now=1.0).ok


def test_failures_outside_the_window_do_not_add_up(accounts: Accounts) -> None:
    fail(accounts, 2, now=0.0)
    fail(accounts, 2, now=10.0)  # the first two are 10 s old: out of the window
    assert accounts.authenticate("acme", "s3cret", TRX, PEER, now=10.5).ok


def test_unknown_system_ids_count_as_guesses(accounts: Accounts) -> None:
    for _ in range(3):
        assert accounts.authenticate("nobody", "x", TRX, PEER, 0.0).status == S.ESME_RINVSYSID
    assert accounts.authenticate("acme", "s3cret", TRX, PEER, 0.0).status == S.ESME_RBINDFAIL


def test_policy_refusals_do_not_count() -> None:
    tx_only = AccountConfig(
        system_id="tx", password="pw", allowed_bind_types=frozenset({BindType.TRANSMITTER})
    )
    accounts = Accounts([tx_only], BindGuard(max_failures=1))
    for _ in range(3):
        assert accounts.authenticate("tx", "pw", TRX, PEER, 0.0).status == S.ESME_RBINDFAIL
    assert accounts.authenticate("tx", "pw", BindType.TRANSMITTER, PEER, 0.0).ok


def test_without_now_there_is_no_limit(accounts: Accounts) -> None:
    for _ in range(10):
        assert accounts.authenticate("acme", "wrong", TRX, PEER).status == S.ESME_RINVPASWD
    assert accounts.authenticate("acme", "s3cret", TRX, PEER).ok


def test_memory_is_bounded_by_max_peers() -> None:
    guard = BindGuard(max_failures=2, max_peers=100)
    for i in range(1000):
        guard.failed(f"10.0.{i // 256}.{i % 256}", float(i))
    assert len(guard) == 100
    # The most recent are the ones kept.
    guard.failed("10.0.3.231", 1000.0)
    assert guard.blocked("10.0.3.231", 1000.0)

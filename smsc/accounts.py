"""Who may bind, and how many times at once.

``Accounts.authenticate`` answers a bind with the account or with the SMPP status for the
bind_*_resp. Checks run in this order, first failure wins:

1. unknown system_id -> ESME_RINVSYSID
2. peer IP outside ``allowed_ips`` -> ESME_RBINDFAIL. Checked before the password so that a
   peer from a refused address learns nothing about the password by trying.
3. wrong password -> ESME_RINVPASWD (compared with ``hmac.compare_digest``)
4. bind type not in ``allowed_bind_types`` -> ESME_RBINDFAIL
5. ``max_binds`` already open -> ESME_RBINDFAIL. Not ESME_RALYBND: the facts doc (section
   4.1) reserves RALYBND for a bind on a session that is already bound, which is a state error
   of that one session; another bind of the same system_id on a new connection is a policy
   refusal, the "other bind refusal" row, and clients treat RALYBND as a bug in their own
   state machine rather than as "try later".

Before all of these, when ``now`` is given: a peer address with too many recent failures
(1 or 3) is refused ESME_RBINDFAIL without any check (``smsc.bindguard``).

With no accounts configured (development mode) every bind is accepted: each system_id gets an
implicit account with default settings and an empty password, created on first use.

Bind counting is explicit: after a successful bind_*_resp the server calls ``bind_opened``; when
the session leaves the bound state (unbind, close, loss) it calls ``bind_closed`` once.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pdu.enums import CommandStatus

from .bindguard import BindGuard
from .config import AccountConfig, BindType, ServerConfig

__all__ = ["Accounts", "AuthResult"]


@dataclass(frozen=True, slots=True)
class AuthResult:
    """The outcome of a bind. ``reason`` is for logs and never contains the password."""

    status: CommandStatus
    account: AccountConfig | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.status == CommandStatus.ESME_ROK


def _refuse(status: CommandStatus, reason: str) -> AuthResult:
    return AuthResult(status, None, reason)


# Refusals that answer a guess at credentials: these count towards the per-peer limit.
_GUESSES = frozenset((CommandStatus.ESME_RINVSYSID, CommandStatus.ESME_RINVPASWD))


class Accounts:
    """The account registry and the count of open binds per system_id."""

    def __init__(
        self, accounts: Iterable[AccountConfig] = (), guard: BindGuard | None = None
    ) -> None:
        self.guard = guard if guard is not None else BindGuard()  # an empty guard is falsy
        self._accounts: dict[str, AccountConfig] = {}
        for account in accounts:
            if account.system_id in self._accounts:
                raise ValueError(f"duplicate account system_id {account.system_id!r}")
            self._accounts[account.system_id] = account
        self._development_mode = not self._accounts
        self._binds: dict[str, int] = {}

    @classmethod
    def from_config(cls, config: ServerConfig) -> Accounts:
        return cls(config.accounts)

    @property
    def development_mode(self) -> bool:
        """True when no accounts are configured and any credentials bind."""
        return self._development_mode

    def get(self, system_id: str) -> AccountConfig | None:
        """The account for ``system_id``; in development mode only ones that have bound."""
        return self._accounts.get(system_id)

    def __iter__(self) -> Iterator[AccountConfig]:
        return iter(self._accounts.values())

    def __len__(self) -> int:
        return len(self._accounts)

    def authenticate(
        self,
        system_id: str,
        password: str,
        bind_type: BindType,
        peer_ip: str,
        now: float | None = None,
    ) -> AuthResult:
        """The bind's outcome; with ``now``, failed binds are also rate limited per peer."""
        if now is not None and self.guard.blocked(peer_ip, now):
            return _refuse(
                CommandStatus.ESME_RBINDFAIL, f"too many failed binds from {peer_ip}: cooling down"
            )
        result = self._authenticate(system_id, password, bind_type, peer_ip)
        if now is not None and result.status in _GUESSES:
            self.guard.failed(peer_ip, now)
        return result

    def _authenticate(
        self, system_id: str, password: str, bind_type: BindType, peer_ip: str
    ) -> AuthResult:
        if self._development_mode:
            account = self._accounts.get(system_id)
            if account is None:
                account = AccountConfig(system_id=system_id, password="")
                self._accounts[system_id] = account
            return AuthResult(CommandStatus.ESME_ROK, account, "development mode: no accounts")

        account = self._accounts.get(system_id)
        if account is None:
            return _refuse(CommandStatus.ESME_RINVSYSID, f"unknown system_id {system_id!r}")
        if not account.ip_allowed(peer_ip):
            return _refuse(
                CommandStatus.ESME_RBINDFAIL, f"{system_id!r} may not bind from {peer_ip}"
            )
        # UTF-8 is one to one, so different strings never compare equal; surrogatepass keeps a
        # lone surrogate from the wire from raising.
        offered = password.encode("utf-8", "surrogatepass")
        expected = account.password.encode("utf-8")
        if not hmac.compare_digest(offered, expected):
            return _refuse(CommandStatus.ESME_RINVPASWD, f"wrong password for {system_id!r}")
        if bind_type not in account.allowed_bind_types:
            return _refuse(
                CommandStatus.ESME_RBINDFAIL,
                f"{system_id!r} may not bind as {bind_type.value}",
            )
        if account.max_binds is not None and self.binds(system_id) >= account.max_binds:
            return _refuse(
                CommandStatus.ESME_RBINDFAIL,
                f"{system_id!r} already has {account.max_binds} binds open (max_binds)",
            )
        return AuthResult(CommandStatus.ESME_ROK, account, "ok")

    def binds(self, system_id: str) -> int:
        """How many binds of ``system_id`` are open."""
        return self._binds.get(system_id, 0)

    def bind_opened(self, account: AccountConfig) -> None:
        """Count a bind that was accepted. Raises if it breaks ``max_binds`` (a server bug:
        authenticate would have refused it)."""
        count = self.binds(account.system_id)
        if account.max_binds is not None and count >= account.max_binds:
            raise RuntimeError(
                f"bind_opened beyond max_binds={account.max_binds} for {account.system_id!r}"
            )
        self._binds[account.system_id] = count + 1

    def bind_closed(self, account: AccountConfig) -> None:
        """Uncount a bind. Raises if none is open (a server bug: closed twice)."""
        count = self.binds(account.system_id)
        if count <= 0:
            raise RuntimeError(f"bind_closed without an open bind for {account.system_id!r}")
        if count == 1:
            del self._binds[account.system_id]
        else:
            self._binds[account.system_id] = count - 1

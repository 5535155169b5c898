"""Configuration: one TOML file, read once, validated once at start-up into frozen records.

``load_document(path)`` reads the file and returns ``Settings(server, carriers)``; with no
file, ``Settings()`` is development mode. ``apply_overrides`` puts command-line options over
the server's part. Every problem in the file is reported at once, in one ``ConfigError``
whose ``str()`` has one line per problem naming the file and the key path (array indices
from 0)::

    smsc.toml: accounts[0].pasword: unknown key; did you mean password?
    smsc.toml: accounts[0].password: is required
    smsc.toml: carriers[1].outcomes[0].weight: must be a number, 0 or more, got "x"

``err.problems`` lists them as ``Problem(source, key, problem)``. Passwords and the API token
are never echoed. This package reads the file and nothing else: no sockets, no clock, no
randomness.

The modules
-----------
``errors``    ConfigError and Problem.
``values``    one parser per kind of value (port, system_id, command_status, number and
              address patterns, durations, shares, texts, enums, arrays ...): raw value in,
              typed value out or ``InvalidValueError``; no key paths.
``tables``    the table reader: ``Table.get/require/table/array``, unknown keys with a
              suggestion, duplicates, every problem collected and sorted in file order.
``server``    the server's records (ServerConfig, Timers, OutbindConfig) and read functions
              for the top-level keys, ``[timers]`` and ``[[outbinds]]``; the TLS rule;
              ``apply_overrides``.
``accounts``  ``[[accounts]]`` and ``[[profiles]]``: AccountConfig, the carrier profiles
              (the shipped ones too) and the settings the two share.
``carriers``  read functions for ``[[carriers]]``, ``[compliance]``, ``[[numbers]]``,
              ``[[handset_rules]]``, ``[handsets]`` (records in ``carriers.config``).
``faults``    the read function for ``[[faults]]`` and POST /api/v1/faults
              (``fault_from_dict``; records in ``smsc.faults``).
``document``  the file as a whole: ``load_document``, ``read_document``, ``Settings``.

Adding a table
--------------
1. The record: a frozen dataclass whose defaults are the zero-config behaviour, next to
   the code that uses it (the server's in ``server``, a carrier feature's in
   ``carriers.config``, which imports nothing from ``smsc``).
2. A read function ``read_retention(t: Table) -> Retention`` in the module of its family
   (or a new one here): one ``t.get(key, parser, default)`` per key, ``t.require`` for a
   key that must be given, ``t.table``/``t.array`` for nested tables; a check across keys
   is ``if t.valid("a", "b") and ...: t.problem("a", "...")``. Use the parsers in
   ``values``; add one there only for a new kind of value, never a second of a kind.
3. Hook it into its parent's read function: ``retention=t.table("retention",
   read_retention, Retention())`` in ``read_server`` (or ``read_carriers``), ``t.array`` for
   ``[[outbinds]]``. Unknown keys, key paths, problem order and the single error come free.
4. Document the keys in docs/example-config.toml or docs/example-carriers.toml (a test loads
   both) and test each new problem's message.
"""

from ..ids import MessageIdFormat
from .accounts import (
    AccountConfig,
    BindType,
    Profile,
    ReceiptCounts,
    ReceiptLabels,
    ReceiptPdu,
    ReceiptPer,
    shipped_profiles,
)
from .document import (
    Settings,
    carriers_from_dict,
    config_from_dict,
    load_document,
    read_document,
    read_toml,
)
from .errors import ConfigError, Problem
from .faults import fault_from_dict
from .server import (
    DEFAULT_HTTP_PORT,
    DEFAULT_SMPP_PORT,
    OUTBIND_RETRY_MAX,
    TLS_KEYS,
    OutbindConfig,
    ServerConfig,
    StoreKind,
    Timers,
    apply_overrides,
    check_tls,
)
from .values import IPNetwork

__all__ = [
    "DEFAULT_HTTP_PORT",
    "DEFAULT_SMPP_PORT",
    "OUTBIND_RETRY_MAX",
    "TLS_KEYS",
    "AccountConfig",
    "BindType",
    "ConfigError",
    "IPNetwork",
    "MessageIdFormat",
    "OutbindConfig",
    "Problem",
    "Profile",
    "ReceiptCounts",
    "ReceiptLabels",
    "ReceiptPdu",
    "ReceiptPer",
    "ServerConfig",
    "Settings",
    "StoreKind",
    "Timers",
    "apply_overrides",
    "carriers_from_dict",
    "check_tls",
    "config_from_dict",
    "fault_from_dict",
    "load_document",
    "read_document",
    "read_toml",
    "shipped_profiles",
]

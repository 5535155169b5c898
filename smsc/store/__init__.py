"""Where messages, their state history, pending deliveries and opt-outs are kept.

``contract`` holds what every store promises (the ``Store`` protocol, ``Batch``, the errors);
``memory`` and ``sqlite`` are the two implementations.
"""

from typing import TYPE_CHECKING

from .contract import Batch, Reschedule, Retention, Store, StoreError, StoreFullError, handset_of
from .memory import MemoryStore
from .sqlite import SqliteStore

__all__ = [
    "Batch",
    "MemoryStore",
    "Reschedule",
    "Retention",
    "SqliteStore",
    "Store",
    "StoreError",
    "StoreFullError",
    "handset_of",
]

if TYPE_CHECKING:
    from carriers import OptOuts

    from .sqlite import SqlitePairSet

    # mypy checks here that both stores and the persisted pair set keep the contracts.
    _memory: Store = MemoryStore()
    _sqlite: Store = SqliteStore("")
    _pairs: OptOuts = SqlitePairSet(SqliteStore(""), "stop")

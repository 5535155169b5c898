"""Simulated mobile networks, numbers, keywords, compliance and handsets (no I/O).

``Network`` is the ``carriers.outcome.OutcomeModel`` for MT; ``Numbers`` and ``Compliance``
decide where an MO goes and what the network answers (``plan_mo``); ``HandsetSimulator``
makes handsets reply to MT. The records they are configured with are in ``carriers.config``;
``smsc.config`` reads them from the TOML tables (docs/carriers.md).
"""

from .config import CarriersConfig
from .handsets import Fault, HandsetSimulator, ReplyPart, ScheduledReply
from .keywords import (
    Action,
    Compliance,
    ComplianceResult,
    MemoryOptOuts,
    MoPlan,
    OptOuts,
    Reply,
    plan_mo,
)
from .network import Network
from .numbers import Numbers, Route

__all__ = [
    "Action",
    "CarriersConfig",
    "Compliance",
    "ComplianceResult",
    "Fault",
    "HandsetSimulator",
    "MemoryOptOuts",
    "MoPlan",
    "Network",
    "Numbers",
    "OptOuts",
    "Reply",
    "ReplyPart",
    "Route",
    "ScheduledReply",
    "plan_mo",
]

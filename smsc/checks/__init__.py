"""The app checker: what the app did wrong, seen in its traffic (docs/checks.md).

Sans-I/O like the core, which calls it at a few points (``Checker``: a submission answered,
the app's response to a deliver_sm, a bind opened or closed, an enquire_link, time passing).
One module per family of checks:

- ``encoding``: ``encoding.*`` (octets valid in their data_coding, UCS-2 not needed).
- ``segments``: ``segment.*`` (long messages as a handset reassembles them).
- ``compliance``: ``compliance.*`` (opt-out, opt-in, opt-out notice, quiet hours).
- ``conversation``: ``conversation.unanswered`` (the reply SLA).
- ``protocol``: ``protocol.*`` (duplicates, responses, keep-alives, rebinds).

``registry`` holds every code with its default severity; ``finding`` the Finding record and
the bounded list; ``settings`` the ``[checks]`` table as a record; ``localtime`` a country's
local time.
"""

from .checker import Checker, RunCounts
from .finding import Finding, FindingQuery, Findings
from .registry import CHECKS, CODES, Check, Severity
from .settings import ChecksConfig, QuietHours

__all__ = [
    "CHECKS",
    "CODES",
    "Check",
    "Checker",
    "ChecksConfig",
    "Finding",
    "FindingQuery",
    "Findings",
    "QuietHours",
    "RunCounts",
    "Severity",
]

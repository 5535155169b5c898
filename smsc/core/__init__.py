"""The SMSC itself, sans-I/O: binds, every ESME operation, receipts, store-and-forward, MO.

The Twisted adapter (``smsc.server``) feeds the ``Smsc`` façade bytes, timer ticks and store
completions with ``now``; the core answers through each connection's ``Session`` and reports
which connections have bytes to write. Randomness comes from one seeded ``random.Random``.
One module per concern:

- ``smsc``: the façade; routes session events and timers to the concerns below.
- ``connection``: a connection as the core sees it; the outbox of connections to flush.
- ``binds``: bind requests and lost sessions.
- ``submission``: submit_sm, data_sm, submit_multi checked and turned into messages.
- ``lifecycle``: an accepted MT's final state, receipts, query/cancel/replace.
- ``deliveries``: receipts and MO owed to ESMEs: made, answered, retried.
- ``receivers``: which receiver bind gets which delivery (queues, round-robin, windows).
- ``commit``: group commit: responses and deliveries held until their batch is stored.
- ``twoway``: MO, network replies, simulated handsets, opt-in/out.
- ``stats``: counters and the ESME latency histogram.
"""

from .commit import Held
from .connection import Connection
from .receivers import ANY_ACCOUNT
from .smsc import Smsc
from .twoway import MAX_ADDR, NETWORK_ACCOUNT, MoError

__all__ = ["ANY_ACCOUNT", "MAX_ADDR", "NETWORK_ACCOUNT", "Connection", "Held", "MoError", "Smsc"]

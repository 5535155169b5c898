"""congestion_state (SMPP 5.0, facts sections 5 and 7): how near the SMSC is to refusing an
ESME, put in the responses the core sends to a bind at interface_version 0x50.

A bind's load is the highest of these shares, each of a limit the ESME would run into:

* its requests in flight (received, not yet answered) of its account's ``max_outstanding``:
  beyond that it is answered ``outstanding_status``;
* its account's messages in the last second of the account's ``throughput``, when capped:
  beyond that, ESME_RTHROTTLED;
* the deliveries (receipts, MO) waiting for the account's receiver binds, of what those binds
  take in QUEUE_ROUNDS round trips (their windows): a backlog the ESME's receivers are behind;
* the store's backlog, changes not yet written, of BACKLOG_LIMIT: with the SQLite store each
  response waits for its batch, so a backlog is latency the ESME sees.

``congestion_state = min(100, round(100 * load))``: 0 idle, 1-29 low, 30-49 medium, 50-79
high, 80-89 the optimum band the spec asks senders to keep to, 90-99 nearing congestion, 100
at a limit (the next request may be refused).
"""

from __future__ import annotations

__all__ = ["BACKLOG_LIMIT", "QUEUE_ROUNDS", "congestion_state"]

QUEUE_ROUNDS = 10  # round trips of the receivers' windows a delivery backlog may take
BACKLOG_LIMIT = 50_000  # changes not yet written at which the store counts as congested


def congestion_state(*shares: float) -> int:
    """The congestion_state for a load, the highest of ``shares`` (each 0 = idle, 1 = at a
    limit)."""
    load = max(shares, default=0.0)
    return min(100, max(0, round(100 * load)))

"""The SQLite store's broadcasts: written with a count of the final ones kept beside them (so
that a retention step never counts the table), and pruned by ``Retention``."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Final

from .contract import FINAL_STATES, Retention
from .sqlite_schema import OPEN_STATES_SQL

__all__ = ["BroadcastRow", "prune_broadcasts", "write_broadcasts"]

# (message_id, account, state, submit_time, record): a row of the broadcasts table.
BroadcastRow = tuple[str, str, int, float, str]

# Spelled as the partial index broadcasts_final (sqlite_schema.CURSOR_SCHEMA) is, so that
# SQLite reads the oldest final broadcasts from it in order.
FINAL: Final = f"state NOT IN ({OPEN_STATES_SQL})"


def write_broadcasts(w: sqlite3.Connection, rows: Sequence[BroadcastRow]) -> None:
    """Store each row over any earlier version of its broadcast, in the caller's
    transaction, and keep the count of final broadcasts ('final_broadcasts') true."""
    states: dict[str, int | None] = {}
    change = 0
    for message_id, _, state, _, _ in rows:
        if message_id not in states:
            old = w.execute(
                "SELECT state FROM broadcasts WHERE message_id = ?", (message_id,)
            ).fetchone()
            states[message_id] = None if old is None else old[0]
        before = states[message_id]
        change += (state in FINAL_STATES) - (before is not None and before in FINAL_STATES)
        states[message_id] = state
    w.executemany("INSERT OR REPLACE INTO broadcasts VALUES (?, ?, ?, ?, ?)", rows)
    if change:
        _count(w, change)


def prune_broadcasts(w: sqlite3.Connection, retention: Retention, now: float, limit: int) -> int:
    """One step of ``Store.prune_broadcasts`` in the caller's transaction: reads at most
    ``limit`` rows, along the index, oldest submitted first."""
    cap = retention.max_messages
    cutoff = retention.age_cutoff(now)
    final = w.execute("SELECT value FROM counters WHERE name = 'final_broadcasts'").fetchone()[0]
    if limit < 1 or (cutoff is None and (cap is None or final <= cap)):
        return 0
    rows = w.execute(
        f"SELECT message_id, submit_time FROM broadcasts WHERE {FINAL} "
        "ORDER BY submit_time, message_id LIMIT ?",
        (limit,),
    )
    victims: list[str] = []
    for message_id, submit_time in rows:
        over = cap is not None and final - len(victims) > cap
        if not over and (cutoff is None or submit_time >= cutoff):
            break  # the oldest final broadcast left is kept: so is every later one
        victims.append(message_id)
    if victims:
        marks = ", ".join("?" * len(victims))
        w.execute(f"DELETE FROM broadcasts WHERE message_id IN ({marks})", victims)
        _count(w, -len(victims))
    return len(victims)


def _count(w: sqlite3.Connection, change: int) -> None:
    w.execute("UPDATE counters SET value = value + ? WHERE name = 'final_broadcasts'", (change,))

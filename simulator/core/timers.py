"""Declared timers: how a domain module asks to be woken at a simulated instant.

A domain module lists :class:`Timer` objects. After a write to one of the
tables a timer watches (and after every firing), the runtime asks that
timer for its next due instant (from the store, so nothing is lost across a
restart) and arms one scheduler event for it on the
:class:`~simulator.core.clock.SimClock`. Writes to other tables do not cost
the timer a query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

__all__ = ["Timer"]


@dataclass(frozen=True, slots=True)
class Timer:
    """``next_due(conn)`` says when to wake; ``fire(conn, now)`` does what is due.

    ``tables``: the tables whose writes can move ``next_due`` (empty: any write).
    """

    name: str
    next_due: Callable[[Connection], datetime | None]
    fire: Callable[[Connection, datetime], Any]
    tables: frozenset[str] = frozenset()

    def watches(self, written: set[str]) -> bool:
        """Whether a transaction that wrote ``written`` may have moved this timer."""
        return bool(written) and (not self.tables or not self.tables.isdisjoint(written))

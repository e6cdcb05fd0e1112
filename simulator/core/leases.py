"""Leases in the database: what makes several processes over one store act as one.

Worker processes (``serve --workers N`` on one SQLite file) and replicas
(several ``serve`` over one PostgreSQL) each arm the declared timers and may
each be asked to move the clock. Two tables decide who acts:

- ``timer_runs``, one row per :class:`~simulator.core.timers.Timer`: a firing
  locks the timer's row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's
  single writer serialises anyway), re-reads the timer's due instant *inside*
  that transaction and fires only when it is still due. A second process
  arriving at the same instant either skips the locked row or finds nothing
  due: each due instant fires exactly once. The row counts firings
  (``fires``) and firings at an instant not later than the previous one
  (``refires``: the sign of a double firing for timers that finish their due
  work in one go, as every timer here does).
- ``leases``: named mutual exclusion with a wall-clock expiry, for work that
  spans several transactions (a clock advance fires timers in their own
  transactions). A holder that dies loses it when it expires.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum

from sqlalchemy import Column, Connection, DateTime, Float, Integer, String, Table, select, update

from simulator.core.errors import Conflict
from simulator.core.instants import naive
from simulator.core.store import Store, insert_or_ignore, metadata
from simulator.core.timers import Timer

__all__ = ["Firing", "LeaseHeld", "fire_once", "lease", "leases", "timer_runs"]

timer_runs = Table(
    "timer_runs",
    metadata,
    Column("name", String, primary_key=True),
    Column("fires", Integer, nullable=False),
    Column("refires", Integer, nullable=False),
    Column("last_due", DateTime, nullable=True),  # naive UTC
    Column("holder", String, nullable=False),
)

leases = Table(
    "leases",
    metadata,
    Column("name", String, primary_key=True),
    Column("holder", String, nullable=False),
    Column("until", Float, nullable=False),  # wall-clock epoch seconds
)


class Firing(Enum):
    """What :func:`fire_once` did."""

    FIRED = "fired"
    NOT_DUE = "not due"  # nothing due at that instant (another process fired it)
    BUSY = "busy"  # another process is firing it right now


def fire_once(conn: Connection, timer: Timer, now: datetime, holder: str) -> Firing:
    """Fire ``timer`` at ``now`` in ``conn``'s transaction if it is due and nobody else is."""
    insert_or_ignore(conn, timer_runs, name=timer.name, fires=0, refires=0, last_due=None,
                     holder="")
    row = conn.execute(select(timer_runs).where(timer_runs.c.name == timer.name)
                       .with_for_update(skip_locked=True)).first()
    if row is None:
        return Firing.BUSY
    due = timer.next_due(conn)
    if due is None or due > now:
        return Firing.NOT_DUE
    timer.fire(conn, now)
    again = row.last_due is not None and naive(due) <= row.last_due
    conn.execute(update(timer_runs).where(timer_runs.c.name == timer.name).values(
        fires=row.fires + 1, refires=row.refires + int(again), last_due=naive(due),
        holder=holder))
    return Firing.FIRED


class LeaseHeld(Conflict):
    """Another process kept a lease for longer than a caller may wait."""


#: How long a lease lasts (wall seconds) unless given back; a dead holder's lapses.
LEASE_SECONDS = 30.0
#: Pause between two attempts to take a busy lease (only while another holds it).
RETRY_SECONDS = 0.005


def _take(store: Store, name: str, holder: str, seconds: float) -> bool:
    wall = time.time()
    with store.transaction() as conn:
        insert_or_ignore(conn, leases, name=name, holder="", until=0.0)
        taken = conn.execute(update(leases).where(
            leases.c.name == name, (leases.c.until < wall) | (leases.c.holder == holder))
            .values(holder=holder, until=wall + seconds)).rowcount
    return bool(taken)


def _give_back(store: Store, name: str, holder: str) -> None:
    with store.transaction() as conn:
        conn.execute(update(leases).where(leases.c.name == name, leases.c.holder == holder)
                     .values(holder="", until=0.0))


_local = threading.Lock()  # threads of one process take turns before asking the database


@contextmanager
def lease(store: Store, name: str, holder: str, *, wait: float = LEASE_SECONDS,
          seconds: float = LEASE_SECONDS) -> Iterator[None]:
    """Hold the lease ``name`` for the block, waiting up to ``wait`` wall seconds for it.

    Raises :class:`LeaseHeld` (409) when another process keeps it longer.
    """
    deadline = time.monotonic() + wait
    with _local:
        while not _take(store, name, holder, seconds):
            if time.monotonic() > deadline:
                raise LeaseHeld(f"Another process is changing the {name}; try again")
            time.sleep(RETRY_SECONDS)
        try:
            yield
        finally:
            _give_back(store, name, holder)

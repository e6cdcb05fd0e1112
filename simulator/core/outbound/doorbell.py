"""Waking a delivery runtime from domain code, without the domain knowing the runtime.

Domain code (a timer's ``fire``, an operation that queued a delivery) calls
:func:`ring` with its connection; the runtime that serves that database
registered a callback for its engine with :func:`register`. Several
simulators in one process (tests) each get only their own rings. A ring
inside a transaction is sent once it has committed
(:func:`~simulator.core.store.after_commit`), so the woken runtime finds the
rows it was rung for (on PostgreSQL nothing else would order its read after
the commit), and a rolled-back transaction rings nobody.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

from simulator.core.store import after_commit

__all__ = ["register", "ring", "unregister"]

_lock = threading.Lock()
_bells: WeakKeyDictionary[Engine, Callable[[], Any]] = WeakKeyDictionary()


def register(engine: Engine, callback: Callable[[], Any]) -> None:
    """Call ``callback`` whenever domain code rings on ``engine``."""
    with _lock:
        _bells[engine] = callback


def unregister(engine: Engine) -> None:
    with _lock:
        _bells.pop(engine, None)


def ring(conn: Connection) -> None:
    """Wake whatever delivers for this connection's database (nothing if none listens)."""
    with _lock:
        callback = _bells.get(conn.engine)
    if callback is not None:
        after_commit(conn, callback)

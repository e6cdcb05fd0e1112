"""Waking a delivery runtime from domain code, without the domain knowing the runtime.

Domain code (a timer's ``fire``, an operation that queued a delivery) calls
:func:`ring` with its connection; the runtime that serves that database
registered a callback for its engine with :func:`register`. Several
simulators in one process (tests) each get only their own rings. Ringing
inside a transaction is safe: the woken runtime reads through the store's
lock, so it sees the rows once the transaction committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

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
        callback()

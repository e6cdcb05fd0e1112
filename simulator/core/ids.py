"""Deterministic ids: the same fixtures seed and the same requests give the same ids.

Ids (job ids, file ids, catalogue job ids, transfer job ids, secrets) are
drawn from a counter kept in the store's ``meta`` table, hashed with the
fixtures seed. Domain code calls :func:`new_hex` with its connection, so the
counter moves inside the operation's transaction: a rolled-back operation
consumes no id, a restart continues where it stopped, and two workers on one
database never draw the same id: the counter row is read ``FOR UPDATE``, so on
PostgreSQL a concurrent drawer waits for this transaction instead of reading
the same number (SQLite's single writer needs no row lock).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, select, update

from simulator.core.store import meta

__all__ = ["ID_KEY", "new_hex", "seed_ids"]

ID_KEY = "ids"


def seed_ids(conn: Connection, seed: int) -> None:
    """Start the id sequence of a freshly loaded state from ``seed``."""
    conn.execute(meta.delete().where(meta.c.key == ID_KEY))
    conn.execute(meta.insert().values(key=ID_KEY, value={"seed": seed, "next": 0}))


def new_hex(conn: Connection, length: int = 32, *, kind: str = "") -> str:
    """The next id of this state as ``length`` lowercase hex digits (at most 64)."""
    row = conn.execute(select(meta.c.value).where(meta.c.key == ID_KEY).with_for_update()
                       ).first()
    state = dict(row.value) if row else {"seed": 0, "next": 0}
    number = int(state["next"])
    state["next"] = number + 1
    if row is None:
        conn.execute(meta.insert().values(key=ID_KEY, value=state))
    else:
        conn.execute(update(meta).where(meta.c.key == ID_KEY).values(value=state))
    digest = hashlib.sha256(f"{state['seed']}:{kind}:{number}".encode()).hexdigest()
    return digest[:length]

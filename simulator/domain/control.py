"""The control plane's rules: reset, fixtures and clock state persistence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from simulator.store.fixtures import load_fixtures
from simulator.store.schema import marketplaces, meta, metadata

CLOCK_KEY = "clock"


def wipe(conn: Connection) -> None:
    """Delete all state (every row of every table)."""
    for table in reversed(metadata.sorted_tables):
        conn.execute(table.delete())


def replace_fixtures(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Wipe all state, then load ``document``; returns rows loaded per section."""
    clock_state = saved_clock(conn)
    wipe(conn)
    if clock_state is not None:
        save_clock(conn, clock_state)
    return load_fixtures(conn, document)


def is_empty(conn: Connection) -> bool:
    """True when no fixtures were ever loaded into this store."""
    return conn.execute(select(marketplaces.c.id).limit(1)).first() is None


def saved_clock(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(meta.c.value).where(meta.c.key == CLOCK_KEY)).first()
    return dict(row.value) if row else None


def save_clock(conn: Connection, state: dict[str, Any]) -> None:
    conn.execute(delete(meta).where(meta.c.key == CLOCK_KEY))
    conn.execute(meta.insert().values(key=CLOCK_KEY, value=state))


def clock_view(now: datetime, mode: str, pending_events: int) -> dict[str, Any]:
    return {"now": now.isoformat().replace("+00:00", "Z"), "mode": mode,
            "pending_events": pending_events}

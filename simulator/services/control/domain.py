"""The control plane's rules: reset, fixtures and clock state persistence.

Loading walks the registry: each service's ``fixtures`` part loads the
sections it owns, in registry order, all in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from simulator.core.errors import BadRequest
from simulator.core.ids import seed_ids
from simulator.core.service import ServiceDef
from simulator.core.store import meta, metadata, sync_sequences

CLOCK_KEY = "clock"
LOADED_KEY = "fixtures_loaded"


def wipe(conn: Connection) -> None:
    """Delete all state (every row of every table)."""
    for table in reversed(metadata.sorted_tables):
        conn.execute(table.delete())


def load_sections(conn: Connection, services: tuple[ServiceDef, ...],
                  document: dict[str, Any]) -> dict[str, int]:
    """Load every service's sections of ``document``; returns rows per section."""
    if not isinstance(document, dict):
        raise BadRequest("A fixtures document must be a JSON object")
    seed = document.get("seed", 1)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise BadRequest("Invalid fixtures document: seed must be an integer")
    counts: dict[str, int] = {}
    for service in services:
        module = service.part(service.fixtures)
        if module is not None:
            counts.update(module.load(conn, document))
    seed_ids(conn, seed)
    conn.execute(delete(meta).where(meta.c.key == LOADED_KEY))
    conn.execute(meta.insert().values(key=LOADED_KEY, value={"seed": seed}))
    return counts


def replace_fixtures(conn: Connection, services: tuple[ServiceDef, ...],
                     document: dict[str, Any]) -> dict[str, int]:
    """Wipe all state (the clock excepted), then load ``document``."""
    clock_state = saved_clock(conn)
    wipe(conn)
    if clock_state is not None:
        save_clock(conn, clock_state)
    counts = load_sections(conn, services, document)
    sync_sequences(conn)
    return counts


def is_empty(conn: Connection) -> bool:
    """True when no fixtures were ever loaded into this store."""
    return conn.execute(select(meta.c.key).where(meta.c.key == LOADED_KEY)).first() is None


def saved_clock(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(meta.c.value).where(meta.c.key == CLOCK_KEY)).first()
    return dict(row.value) if row else None


def save_clock(conn: Connection, state: dict[str, Any]) -> None:
    """Write the clock row in place (an update: the row is never missing to a reader)."""
    if not conn.execute(update(meta).where(meta.c.key == CLOCK_KEY).values(value=state)
                        ).rowcount:
        conn.execute(meta.insert().values(key=CLOCK_KEY, value=state))


def clock_view(now: datetime, mode: str, pending_events: int) -> dict[str, Any]:
    return {"now": now.isoformat().replace("+00:00", "Z"), "mode": mode,
            "pending_events": pending_events}

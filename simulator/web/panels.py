"""What the state page shows: :class:`Panel` tables read from the store.

A panel is a titled table of formatted cells. Where the panels of a
service come from, in order:

1. the service's ``page`` part (``ServiceDef.page``: a tuple of
   :data:`PanelSource`), when it declares one;
2. the built-in panels of :mod:`simulator.web.builtin` for services that
   predate the ``page`` part (they move into the service when it gets one);
3. otherwise, generically, every table of the service with a ``status``
   column (the objects with a lifecycle: jobs, transfers, deliveries...), so
   a service added to the registry is on the page the day it lands.

Columns whose name looks secret (keys, tokens, secrets) are never shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Table, func, select

from simulator.core.http.requestlog import SECRET_NAME, RequestEntry
from simulator.core.instants import aware
from simulator.core.service import ServiceDef

__all__ = ["MAX_ROWS", "Panel", "PanelSource", "cell", "count_rows", "countdown", "panels_of",
           "requests_panel", "tables_of"]

#: Newest rows shown per panel (the page says how many there are in all).
MAX_ROWS = 100
MAX_CELL = 80


@dataclass(frozen=True, slots=True)
class Panel:
    """One table of the page: ``key`` is its HTML id (and filter target)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int


PanelSource = Callable[[Connection, datetime], Panel]


def cell(value: Any) -> str:
    """A value as the page shows it: instants in ISO form, JSON compact and cut short."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return aware(value).strftime("%Y-%m-%d %H:%M:%S")
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"),
                                                             default=str)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def countdown(expires_at: datetime | None, now: datetime) -> str:
    """``"14m 32s"`` until ``expires_at``, or ``"expired"`` once it has passed."""
    if expires_at is None:
        return ""
    left = int((aware(expires_at) - now).total_seconds())
    if left <= 0:
        return "expired"
    hours, rest = divmod(left, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {seconds:02d}s"


def count_rows(conn: Connection, table: Table) -> int:
    """How many rows ``table`` holds."""
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def tables_of(service: ServiceDef) -> list[Table]:
    """The tables a service's ``tables`` part defines."""
    module = service.part(service.tables)
    if module is None:
        return []
    return [value for value in vars(module).values() if isinstance(value, Table)]


def _newest_first(table: Table) -> list[Any]:
    stamps = [c for c in table.columns if isinstance(c.type, DateTime)]
    keys = list(table.primary_key.columns)
    return [c.desc() for c in (stamps[:1] or keys)]


def lifecycle_panel(table: Table) -> PanelSource:
    """A generic panel of ``table``: its visible columns, newest rows first."""
    shown: list[Column[Any]] = [c for c in table.columns if not SECRET_NAME.search(c.name)]
    expiring = "expires_at" in table.c

    def read(conn: Connection, now: datetime) -> Panel:
        rows = conn.execute(select(*shown).order_by(*_newest_first(table)).limit(MAX_ROWS))
        cells = tuple(
            (*(cell(v) for v in row), *((countdown(row.expires_at, now),) if expiring else ()))
            for row in rows)
        columns = (*(c.name for c in shown), *(("expires in",) if expiring else ()))
        return Panel(table.name, table.name.replace("_", " "), columns, cells,
                     count_rows(conn, table))

    return read


def panels_of(service: ServiceDef, builtin: dict[str, Sequence[PanelSource]]
              ) -> list[PanelSource]:
    """Where the panels of ``service`` come from (see the module docstring)."""
    declared = service.part(getattr(service, "page", None))
    if declared is not None:
        return list(declared)
    if service.name in builtin:
        return list(builtin[service.name])
    return [lifecycle_panel(t) for t in tables_of(service) if "status" in t.c]


def requests_panel(entries: Iterable[RequestEntry]) -> Panel:
    """The tail of the request log, newest first (keys already redacted)."""
    rows = tuple(
        (e.method, f"{e.path}?{e.query}" if e.query else e.path,
         e.shown_status,
         f"{e.latency_ms:.1f}", e.operation_id or "", e.fault or "", e.key or "")
        for e in reversed(list(entries)))
    return Panel("requests", "recent requests",
                 ("method", "path", "status", "ms", "operationId", "fault", "key"),
                 rows, len(rows))

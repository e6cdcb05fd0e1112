"""Helpers every service's ``fixtures.py`` uses to load its sections.

A service turns the JSON sections it owns into table rows; :func:`insert_rows`
inserts them and turns any malformed or clashing input into a
:class:`~simulator.core.errors.BadRequest` that names the section, so the
caller's transaction rolls back and nothing is half loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import IntegrityError

from simulator.core.errors import BadRequest

__all__ = ["RowBuilder", "insert_rows", "iso", "when"]

Document = dict[str, Any]
#: Turns the whole document into the rows of one table.
RowBuilder = Callable[[Document], list[dict[str, Any]]]


def when(value: str) -> datetime:
    """An ISO-8601 instant of a fixtures document, as aware UTC."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """An instant as a fixtures document writes it (ISO 8601, UTC offset)."""
    return moment.astimezone(UTC).isoformat()


def insert_rows(conn: Connection, document: Document,
                builders: Mapping[str, tuple[Table, RowBuilder]]) -> dict[str, int]:
    """Build and insert each named section's rows, in order; returns rows per section."""
    counts: dict[str, int] = {}
    for name, (table, build) in builders.items():
        try:
            rows = build(document)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BadRequest(f"Invalid fixtures document: {name}: {type(exc).__name__}: "
                             f"{exc}") from None
        if rows:
            try:
                conn.execute(table.insert(), rows)
            except IntegrityError as exc:
                raise BadRequest(f"Invalid fixtures document: duplicate or clashing {name}: "
                                 f"{exc.orig}") from None
        counts[name] = len(rows)
    return counts

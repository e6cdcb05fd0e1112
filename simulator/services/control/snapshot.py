"""Snapshots: every row of every table as one JSON document, and back.

Generic over :data:`simulator.core.store.metadata`: whatever tables the
registered services define are exported, so later services' state is in
the snapshot without a line here. Values are encoded by column type
(date-times and dates as ISO 8601, bytes as base64, decimals as strings,
JSON as it is) and decoded by the same types on import. Importing replaces
all state in one transaction: a document that does not fit (unknown table
or column, a value of the wrong type, a broken reference) is a 400 and
changes nothing. The clock travels beside the tables (``clock``); the
caller restores it (:meth:`Simulator.replace_state`). Steering (fault rules:
tables flagged :data:`~simulator.core.store.STEERING_TABLE` and the
``steering`` row of ``meta``) is not state: never exported, and an import
leaves the rules as they are.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column, Connection, Table, select
from sqlalchemy.exc import IntegrityError, StatementError

from simulator.core.clock import LATEST
from simulator.core.errors import BadRequest
from simulator.core.store import STEERING_KEY, STEERING_TABLE, meta, metadata
from simulator.services.control.domain import CLOCK_KEY

__all__ = ["FORMAT", "check_document", "export_tables", "import_tables", "parse_clock"]

FORMAT = "ticketsim-state/1"


def _python_type(column: Column[Any]) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(column: Column[Any], value: Any, where: str) -> Any:
    kind = _python_type(column)
    if value is None or kind is None:
        return value
    try:
        if kind is dt.datetime:
            return dt.datetime.fromisoformat(str(value))
        if kind is dt.date:
            return dt.date.fromisoformat(str(value))
        if kind is dt.time:
            return dt.time.fromisoformat(str(value))
        if kind is bytes:
            return base64.b64decode(str(value), validate=True)
        if kind is Decimal:
            return Decimal(str(value))
    except (ValueError, binascii.Error, InvalidOperation):
        raise BadRequest(f"{where}: {str(value)[:40]!r} is not a valid "
                         f"{kind.__name__}") from None
    if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise BadRequest(f"{where} must be a number")
    if kind is str and not isinstance(value, str):
        raise BadRequest(f"{where} must be a string")
    if kind is bool and not isinstance(value, bool):
        raise BadRequest(f"{where} must be true or false")
    return value


def _state_tables() -> list[Table]:
    """The tables that hold state (not steering), in dependency order."""
    return [table for table in metadata.sorted_tables if not table.info.get(STEERING_TABLE)]


def export_tables(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every state table, in dependency order, keyed by table then column."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table in _state_tables():
        order = list(table.primary_key.columns) or list(table.columns)
        query = select(table).order_by(*order)
        if table is meta:  # the clock travels as the document's own "clock"
            query = query.where(meta.c.key.not_in((CLOCK_KEY, STEERING_KEY)))
        rows = conn.execute(query).mappings()
        found[table.name] = [{key: _encode(value) for key, value in row.items()}
                             for row in rows]
    return found


def _rows(table: Table, rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list):
        raise BadRequest(f"tables.{table.name} must be a list of rows")
    decoded = []
    for index, row in enumerate(rows):
        where = f"tables.{table.name}[{index}]"
        if not isinstance(row, dict):
            raise BadRequest(f"{where} must be an object")
        unknown = sorted(set(row) - set(table.columns.keys()))
        if unknown:
            raise BadRequest(f"{where} has unknown column '{unknown[0]}'")
        decoded.append({name: _decode(table.columns[name], value, f"{where}.{name}")
                        for name, value in row.items()})
    return decoded


def import_tables(conn: Connection, tables: Any) -> dict[str, int]:
    """Replace every row of every state table by ``tables`` (a table left out ends empty)."""
    if not isinstance(tables, dict):
        raise BadRequest("tables must be an object of table name to rows")
    state = _state_tables()
    known = {table.name: table for table in state}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise BadRequest(f"tables.{unknown[0]} is not a table of this simulator")
    decoded = {name: _rows(known[name], rows) for name, rows in tables.items()}
    for table in reversed(state):
        conn.execute(table.delete())
    counts: dict[str, int] = {}
    for table in state:
        rows = decoded.get(table.name, [])
        if rows:
            try:
                conn.execute(table.insert(), rows)
            except (IntegrityError, StatementError) as exc:
                reason = str(getattr(exc, "orig", exc)).splitlines()[0][:160]
                raise BadRequest(f"tables.{table.name} cannot be imported: {reason}") from None
        counts[table.name] = len(rows)
    return counts


def check_document(document: Any) -> tuple[Any, Any]:
    """(clock, tables) of a snapshot document, after checking its format."""
    if not isinstance(document, dict):
        raise BadRequest("A state document must be a JSON object")
    if document.get("format") != FORMAT:
        raise BadRequest(f"format must be {FORMAT!r} (a document from GET /_sim/state)")
    if "tables" not in document or "clock" not in document:
        raise BadRequest("A state document needs 'clock' and 'tables'")
    return document["clock"], document["tables"]


def parse_clock(value: Any) -> tuple[str, dt.datetime]:
    """The snapshot's clock: (mode, instant)."""
    if not isinstance(value, dict):
        raise BadRequest("clock must be an object {mode, now}")
    mode = value.get("mode")
    if mode not in ("realtime", "frozen"):
        raise BadRequest("clock.mode must be 'realtime' or 'frozen'")
    try:
        instant = dt.datetime.fromisoformat(str(value.get("now")).replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("clock.now must be an ISO 8601 date-time") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    if instant >= LATEST:
        raise BadRequest(f"clock.now must be before {LATEST.isoformat()}")
    return str(mode), instant

"""Panels of the services that predate ``ServiceDef.page``, keyed by service name.

The sales service stores what a person wants to see in shapes a generic
table dump would hide: an order's status is derived from its age (not
stored), and a hold's expiry matters only while it is held. Each function
here has the :data:`~simulator.web.panels.PanelSource` shape, so it moves
into the service's own ``page`` part unchanged when the service adopts one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from simulator.services.platform.tables import marketplaces
from simulator.services.sales.domain import HoldStatus, order_status_at
from simulator.services.sales.tables import holds, orders
from simulator.web.panels import MAX_ROWS, Panel, PanelSource, cell, count_rows, countdown

__all__ = ["BUILTIN", "holds_panel", "orders_panel"]


def _seats(seats: list[dict[str, str]]) -> str:
    return ", ".join(f"{s['row']}-{s['seat']}" if s.get("seat") else s["row"] for s in seats)


def _newest(conn: Connection, table: Table, stamp: str) -> Any:
    """The newest rows of ``table`` (by column ``stamp``), each with its marketplace's name."""
    return conn.execute(
        select(table, marketplaces.c.name.label("marketplace"))
        .join_from(table, marketplaces, table.c.marketplace_id == marketplaces.c.id)
        .order_by(table.c[stamp].desc()).limit(MAX_ROWS))


def holds_panel(conn: Connection, now: datetime) -> Panel:
    """Holds, newest first, with the time left on those still held."""
    rows = _newest(conn, holds, "created_at")
    cells = tuple(
        (row.marketplace, row.order_id, row.listing_id, row.section, _seats(row.seats),
         row.status, cell(row.created_at), cell(row.expires_at),
         countdown(row.expires_at, now) if row.status == HoldStatus.HELD else "")
        for row in rows)
    return Panel("holds", "holds",
                 ("marketplace", "order_id", "listing", "section", "seats", "status",
                  "created", "expires", "expires in"), cells, count_rows(conn, holds))


def orders_panel(conn: Connection, now: datetime) -> Panel:
    """Invoices and orders, newest first, with their status at the simulated instant."""
    rows = _newest(conn, orders, "order_date")
    cells = tuple(
        (row.marketplace, row.order_id, cell(row.invoice_id), str(row.user_id),
         row.listing_id or "", _seats(row.seats), row.delivery_method,
         cell(row.order_date), str(order_status_at(row, now)))
        for row in rows)
    return Panel("orders", "invoices and orders",
                 ("marketplace", "order_id", "invoice", "user", "listing", "seats", "delivery",
                  "ordered", "status"), cells, count_rows(conn, orders))


BUILTIN: dict[str, Sequence[PanelSource]] = {"sales": (holds_panel, orders_panel)}

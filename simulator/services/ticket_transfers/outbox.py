"""vivenu-style events of ticket transfers, kept for the outbound delivery engine.

Each state change writes one row ``ticketTransfer.<type>`` whose payload is
``{"ticketTransfer": <the private Ticket Transfer object>}`` as it was right
after the change. The webhook engine reads :func:`pending_events` and marks
what it sent with :func:`mark_delivered`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from simulator.core.ids import new_hex
from simulator.services.ticket_transfers.model import (
    HistoryType,
    Json,
    Record,
    private_view,
    stamp,
)
from simulator.services.ticket_transfers.tables import tt_outbox

__all__ = ["EVENT_PREFIX", "mark_delivered", "pending_events", "record_event"]

EVENT_PREFIX = "ticketTransfer"


def record_event(conn: Connection, now: datetime, kind: HistoryType,
                 transfer: Record) -> None:
    """Append ``ticketTransfer.<kind>`` for the transfer row as it now stands."""
    seq = conn.execute(select(func.coalesce(func.max(tt_outbox.c.seq), 0))).scalar_one() + 1
    conn.execute(tt_outbox.insert().values(
        event_id=new_hex(conn, 24, kind="event"), seq=seq, seller_id=transfer["seller_id"],
        type=f"{EVENT_PREFIX}.{kind}", payload={"ticketTransfer": private_view(transfer)},
        created_at=now))


def _event_view(row: Any) -> Json:
    return {"id": row.event_id, "sellerId": row.seller_id, "type": row.type,
            "createdAt": stamp(row.created_at), "data": dict(row.payload)}


def pending_events(conn: Connection, limit: int = 100, seller_id: str | None = None
                   ) -> list[Json]:
    """Undelivered events, oldest first: ``{id, sellerId, type, createdAt, data}``."""
    query = select(tt_outbox).where(tt_outbox.c.delivered_at.is_(None))
    if seller_id is not None:
        query = query.where(tt_outbox.c.seller_id == seller_id)
    rows = conn.execute(query.order_by(tt_outbox.c.seq).limit(limit)).all()
    return [_event_view(row) for row in rows]


def mark_delivered(conn: Connection, now: datetime, event_ids: Iterable[str]) -> int:
    """Record that these events were sent; returns how many were pending."""
    wanted = list(event_ids)
    if not wanted:
        return 0
    result = conn.execute(update(tt_outbox).where(tt_outbox.c.event_id.in_(wanted),
                                                  tt_outbox.c.delivered_at.is_(None))
                          .values(delivered_at=now))
    return int(result.rowcount or 0)

"""vivenu ticket-transfer webhooks: the ticket_transfers service's events, through the engine.

The ``ticket_transfers`` service appends ``ticketTransfer.created``,
``.transferred``, ``.rejected`` and ``.expired`` events (payload
``{"ticketTransfer": ...}``) to its outbox. A timer watching the outbox hands
each to the delivery engine for the seller's registered webhook
(``PUT /_sim/sellers/{seller_id}/webhook``) and marks it handed over; events
of a seller without a webhook are dropped (nobody listens).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select

from simulator.core.errors import NotFound
from simulator.core.instants import aware
from simulator.core.timers import Timer
from simulator.services.callbacks import deliveries as queue
from simulator.services.callbacks.deliveries import Kind, Outbound
from simulator.services.callbacks.registrations import check_secret, check_url
from simulator.services.callbacks.tables import seller_webhooks
from simulator.services.ticket_transfers import outbox
from simulator.services.ticket_transfers.tables import tt_outbox, tt_sellers

BATCH = 500


def hand_over(conn: Connection, now: datetime) -> int:
    """Queue every pending ticket-transfer event for its seller's webhook."""
    handed = 0
    while events := outbox.pending_events(conn, BATCH):
        hooks = {row.seller_id: row for row in conn.execute(select(seller_webhooks).where(
            seller_webhooks.c.seller_id.in_({e["sellerId"] for e in events})))}
        for event in events:
            hook = hooks.get(event["sellerId"])
            if hook is not None:
                queue.enqueue(conn, now, Outbound(Kind.TICKET_TRANSFER, "POST", hook.url,
                                                  hook.secret, event))
        handed += outbox.mark_delivered(conn, now, [e["id"] for e in events])
    return handed


def next_event(conn: Connection) -> datetime | None:
    due = conn.execute(select(func.min(tt_outbox.c.created_at)).where(
        tt_outbox.c.delivered_at.is_(None))).scalar()
    return aware(due) if due else None


TIMER = Timer("callbacks.ticket-transfers", next_event, hand_over,
              tables=frozenset({"tt_outbox"}))


def register_seller(conn: Connection, seller_id: str, body: Mapping[str, Any]
                    ) -> dict[str, Any]:
    """Set (replace) the seller's ticket-transfer webhook."""
    if conn.execute(select(tt_sellers.c.seller_id).where(
            tt_sellers.c.seller_id == seller_id)).first() is None:
        raise NotFound(f"Seller '{seller_id}' not found")
    url = check_url("url", body.get("url"))
    secret = check_secret(body.get("secret"))
    conn.execute(delete(seller_webhooks).where(seller_webhooks.c.seller_id == seller_id))
    conn.execute(seller_webhooks.insert().values(seller_id=seller_id, url=url, secret=secret))
    return {"seller_id": seller_id, "url": url}

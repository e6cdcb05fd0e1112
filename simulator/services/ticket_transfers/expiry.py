"""The expiry timer: a CREATED transfer becomes EXPIRED at its ``expiresAt``.

The runtime arms one SimClock event at the earliest open ``expiresAt`` and
re-reads it after every write to ``tt_transfers``; operations also apply due
expiries first (:func:`~.domain.expire_due`), so the instant is exact either way.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from simulator.core.instants import aware
from simulator.core.timers import Timer
from simulator.services.ticket_transfers.domain import expire_due
from simulator.services.ticket_transfers.model import TransferStatus
from simulator.services.ticket_transfers.tables import tt_transfers

_NEXT = select(func.min(tt_transfers.c.expires_at)).where(
    tt_transfers.c.status == TransferStatus.CREATED)


def next_expiry(conn: Connection) -> datetime | None:
    """When the earliest open transfer expires (None: nothing will)."""
    due = conn.execute(_NEXT).scalar()
    return aware(due) if due else None


TIMERS = (Timer("ticket_transfers.expiry", next_expiry, expire_due,
                tables=frozenset({tt_transfers.name})),)

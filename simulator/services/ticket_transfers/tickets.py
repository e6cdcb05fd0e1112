"""Tickets and customers as transfers see them: secret checks, expiry settings, owners.

Pure rules over the service's tables: given (conn, ...), no clock reads.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from simulator.core.errors import BadRequest, NotFound
from simulator.core.ids import new_hex
from simulator.services.ticket_transfers.errors import WrongSecret
from simulator.services.ticket_transfers.settings import TransferSettings
from simulator.services.ticket_transfers.tables import (
    tt_customers,
    tt_ticket_types,
    tt_tickets,
)

#: Units of ``transferSettings.expiresAfter``; ``never`` marks "no expiry".
UNITS: dict[str, timedelta] = {"minutes": timedelta(minutes=1), "hours": timedelta(hours=1),
                               "days": timedelta(days=1), "weeks": timedelta(weeks=1)}
NEVER = "never"


@dataclass(frozen=True, slots=True)
class TicketKey:
    """A ticket as a customer names it: its id and its secret."""

    id: str
    secret: str


def same_secret(given: str, actual: str) -> bool:
    """Constant-time comparison of secrets."""
    return hmac.compare_digest(given.encode(), actual.encode())


def by_keys(conn: Connection, keys: Sequence[TicketKey]) -> list[Any]:
    """The tickets named, in order: unknown id → 404, wrong secret → 401, repeats → 400."""
    ids = [key.id for key in keys]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise BadRequest(f"tickets: ticket '{repeated[0]}' is named more than once")
    rows = {row.ticket_id: row for row in conn.execute(
        select(tt_tickets).where(tt_tickets.c.ticket_id.in_(ids))).all()}
    found = []
    for key in keys:
        row = rows.get(key.id)
        if row is None:
            raise NotFound(f"Ticket '{key.id}' not found")
        if not same_secret(key.secret, row.secret):
            raise WrongSecret(f"tickets: the secret of ticket '{key.id}' is not valid")
        found.append(row)
    return found


def by_ids(conn: Connection, ids: Sequence[str]) -> list[Any]:
    """Tickets by id, in the order given (ids that do not exist are skipped)."""
    rows = {row.ticket_id: row for row in conn.execute(
        select(tt_tickets).where(tt_tickets.c.ticket_id.in_(list(ids)))).all()}
    return [rows[i] for i in ids if i in rows]


def expires_at(conn: Connection, now: datetime, tickets: Sequence[Any],
               settings: TransferSettings) -> datetime | None:
    """When a transfer of ``tickets`` expires: the earliest of their types' settings.

    A type without settings takes the service default; ``never`` types do not
    limit; None when no ticket's type sets an expiry.
    """
    type_ids = {t.ticket_type_id for t in tickets}
    types = conn.execute(select(tt_ticket_types).where(
        tt_ticket_types.c.ticket_type_id.in_(type_ids))).all()
    known = {row.ticket_type_id: row for row in types}
    deltas = []
    for type_id in sorted(type_ids):
        row = known.get(type_id)
        offset, unit = (row.expires_offset, row.expires_unit) if row else (None, None)
        if unit == NEVER:
            continue
        if unit is None:
            if settings.expires_offset is None:
                continue
            offset, unit = settings.expires_offset, settings.expires_unit
        deltas.append(UNITS[unit] * int(offset or 0))
    return now + min(deltas) if deltas else None


def recipient_customer(conn: Connection, seller_id: str, recipient: dict[str, Any],
                       prename: str, lastname: str) -> str:
    """The recipient's customer id at the seller: the one named, else by email, else new."""
    wanted = recipient.get("customerId")
    if wanted:
        found = conn.execute(select(tt_customers.c.customer_id).where(
            tt_customers.c.customer_id == wanted, tt_customers.c.seller_id == seller_id)).first()
        if found is not None:
            return str(found.customer_id)
    email = str(recipient["email"])
    found = conn.execute(select(tt_customers.c.customer_id).where(
        tt_customers.c.seller_id == seller_id, tt_customers.c.email == email)
        .order_by(tt_customers.c.customer_id).limit(1)).first()
    if found is not None:
        return str(found.customer_id)
    customer_id = new_hex(conn, 24, kind="customer")
    conn.execute(tt_customers.insert().values(
        customer_id=customer_id, seller_id=seller_id, email=email, prename=prename,
        lastname=lastname, phone=recipient.get("phone")))
    return customer_id


def customer_names(conn: Connection, customer_id: str) -> tuple[str, str] | None:
    """(prename, lastname) of a customer, or None when unknown."""
    row = conn.execute(select(tt_customers.c.prename, tt_customers.c.lastname).where(
        tt_customers.c.customer_id == customer_id)).first()
    return (str(row.prename), str(row.lastname)) if row else None

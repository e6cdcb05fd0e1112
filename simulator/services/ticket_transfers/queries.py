"""The two lists: the seller's private list (``{docs, total}``) and the public
list by ticket secrets (a bare array, as vivenu answers it).

Filters arrive as parsed from the query string (repeated keys for arrays,
``deepObject`` brackets for objects: ``sender[email]=``, ``updatedAt[$gte]=``,
``tickets[0][id]=``) and become SQL conditions here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, or_, select

from simulator.core.errors import BadRequest
from simulator.services.ticket_transfers import tickets as ticket_rules
from simulator.services.ticket_transfers.domain import expire_due, public_of
from simulator.services.ticket_transfers.model import Json, private_view
from simulator.services.ticket_transfers.tables import tt_transfer_tickets, tt_transfers
from simulator.services.ticket_transfers.tickets import TicketKey

__all__ = ["Filters", "list_private", "list_public", "parse_range"]

MAX_TOP = 1000
_OPERATORS = {"$gt": "__gt__", "$gte": "__ge__", "$lt": "__lt__", "$lte": "__le__"}


def _instant(field: str, value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{field}: '{value}' is not an ISO 8601 date") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_range(field: str, value: Mapping[str, Any] | None) -> tuple[tuple[str, datetime], ...]:
    """``{"$gte": "2030-01-01T00:00:00Z", ...}`` as (operator, naive UTC instant) pairs."""
    found = []
    for operator, bound in (value or {}).items():
        if operator not in _OPERATORS:
            raise BadRequest(f"{field}: unknown operator '{operator}' (use $gt, $gte, $lt, "
                             "$lte)")
        found.append((operator, _instant(f"{field}[{operator}]", bound)))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Filters:
    """Conditions both lists share (empty values do not filter)."""

    statuses: tuple[str, ...] = ()
    event_id: str | None = None
    child_event_id: str | None = None
    origin: str | None = None
    seller_id: str | None = None
    customer_id: str | None = None
    sender: Mapping[str, str] | None = None
    recipient: Mapping[str, str] | None = None
    ticket_ids: tuple[str, ...] = ()
    updated: tuple[tuple[str, datetime], ...] = ()

    def where(self) -> list[ColumnElement[bool]]:
        t = tt_transfers.c
        found: list[ColumnElement[bool]] = []
        if self.statuses:
            found.append(t.status.in_(self.statuses))
        for column, value in ((t.event_id, self.event_id), (t.child_event_id,
                              self.child_event_id), (t.origin, self.origin),
                              (t.seller_id, self.seller_id)):
            if value:
                found.append(column == value)
        if self.customer_id:
            found.append(or_(t.sender_customer_id == self.customer_id,
                             t.recipient_customer_id == self.customer_id))
        for party, id_column, email_column in (
                (self.sender, t.sender_customer_id, t.sender_email),
                (self.recipient, t.recipient_customer_id, t.recipient_email)):
            if party and party.get("id"):
                found.append(id_column == party["id"])
            if party and party.get("email"):
                found.append(func.lower(email_column) == str(party["email"]).lower())
        if self.ticket_ids:
            found.append(t.transfer_id.in_(select(tt_transfer_tickets.c.transfer_id).where(
                tt_transfer_tickets.c.ticket_id.in_(self.ticket_ids))))
        for operator, bound in self.updated:
            found.append(getattr(t.updated_at, _OPERATORS[operator])(bound))
        return found


def _ordered(query: Select[Any]) -> Select[Any]:
    return query.order_by(tt_transfers.c.created_at.desc(), tt_transfers.c.transfer_id)


def list_private(conn: Connection, now: datetime, seller_id: str, filters: Filters,
                 top: float = 25, skip: float = 0) -> Json:
    """One page of the seller's transfers, newest first, with the total that match."""
    expire_due(conn, now)
    limit, offset = int(top), int(skip)
    if not 1 <= limit <= MAX_TOP:
        raise BadRequest(f"top: must be between 1 and {MAX_TOP}, got {top}")
    if offset < 0:
        raise BadRequest(f"skip: must be 0 or more, got {skip}")
    where = [tt_transfers.c.seller_id == seller_id, *filters.where()]
    total = conn.execute(select(func.count()).select_from(tt_transfers).where(*where)).scalar()
    rows = conn.execute(_ordered(select(tt_transfers).where(*where))
                        .limit(limit).offset(offset)).all()
    return {"docs": [private_view(row._mapping) for row in rows], "total": int(total or 0)}


def list_public(conn: Connection, now: datetime, keys: Sequence[TicketKey],
                filters: Filters) -> list[Json]:
    """Transfers of the tickets whose secrets are given (sent, or received by them)."""
    expire_due(conn, now)
    if not keys:
        raise BadRequest("tickets: give at least one ticket's id and secret "
                         "(tickets[0][id], tickets[0][secret])")
    ticket_rules.by_keys(conn, keys)
    mine = Filters(ticket_ids=tuple(key.id for key in keys))
    rows = conn.execute(_ordered(select(tt_transfers).where(*mine.where(), *filters.where())))
    return [public_of(conn, row._mapping) for row in rows.all()]

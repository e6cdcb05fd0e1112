"""GET /tickets: the inventory of a user's primary accounts, filtered and paged.

Every function takes the tenant's ``user_id``: a user sees only the tickets
of its own accounts (another user's ids match nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from simulator.services.inventory import queries
from simulator.services.inventory.steps import apply_due
from simulator.services.inventory.tables import (
    counts_kept,
    inventory_tickets,
    primary_accounts,
    ticket_counts,
)

T = inventory_tickets

#: A ticket with its account's username and type (the documented output fields).
TICKET_ROWS = select(T, primary_accounts.c.username, primary_accounts.c.account_type).join(
    primary_accounts, primary_accounts.c.id == T.c.account_id)


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """The documented query parameters of GET /tickets."""

    ids: list[int] | None = None
    account_ids: list[int] | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive
    venue: str | None = None
    event: str | None = None
    section: str | None = None
    row: str | None = None
    seat: str | None = None
    primary_id: str | None = None
    expired: bool | None = None

    @classmethod
    def from_query(cls, query: dict[str, Any]) -> TicketFilter:
        """Read the raw query values; a value that cannot be read is a 400."""
        return cls(
            ids=queries.id_list("id", query.get("id")),
            account_ids=queries.id_list("account_id", query.get("account_id")),
            date_from=queries.lower_bound("date_from", query.get("date_from")),
            date_to=queries.upper_bound("date_to", query.get("date_to")),
            venue=query.get("venue"), event=query.get("event"), section=query.get("section"),
            row=query.get("row"), seat=query.get("seat"), primary_id=query.get("primary_id"),
            expired=query.get("expired"),
        )

    @property
    def by_account_only(self) -> bool:
        """Whether only ``account_id`` and ``expired`` filter (the kept counts answer)."""
        return all(value is None for value in (
            self.ids, self.date_from, self.date_to, self.venue, self.event, self.section,
            self.row, self.seat, self.primary_id))

    def count(self, conn: Connection, user_id: int) -> int:
        """How many of the user's tickets match (the documented ``count``).

        Filters on accounts and ``expired`` alone are summed from the per-account
        counts the database keeps; anything else counts the matching rows.
        """
        if not (self.by_account_only and counts_kept(conn)):
            return queries.count_of(conn, T.c.id, self.conditions(user_id))
        C = ticket_counts
        kept: list[ColumnElement[bool]] = [C.c.user_id == user_id]
        if self.account_ids is not None:
            kept.append(C.c.account_id.in_(self.account_ids))
        if self.expired is not None:
            kept.append(C.c.expired == self.expired)
        return int(conn.execute(select(func.coalesce(func.sum(C.c.n), 0)).where(*kept))
                   .scalar() or 0)

    def conditions(self, user_id: int) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [T.c.user_id == user_id]
        if self.ids is not None:
            found.append(T.c.id.in_(self.ids))
        if self.account_ids is not None:
            found.append(T.c.account_id.in_(self.account_ids))
        found += ticket_conditions(T, date_from=self.date_from, date_to=self.date_to,
                                   venue=self.venue, event=self.event, section=self.section,
                                   row=self.row, seat=self.seat)
        if self.primary_id is not None:
            found.append(T.c.primary_id == self.primary_id)
        if self.expired is not None:
            found.append(T.c.expired == self.expired)
        return found


def ticket_conditions(table: Any, *, date_from: datetime | None, date_to: datetime | None,
                      venue: str | None, event: str | None, section: str | None,
                      row: str | None, seat: str | None) -> list[ColumnElement[bool]]:
    """The ticket filters both queries share: date range, substrings, exact seat."""
    found: list[ColumnElement[bool]] = []
    if date_from is not None:
        found.append(table.c.local_date >= date_from)
    if date_to is not None:
        found.append(table.c.local_date < date_to)
    if venue is not None:
        found.append(table.c.venue.icontains(venue, autoescape=True))
    if event is not None:
        found.append(table.c.event.icontains(event, autoescape=True))
    for column, value in (("section", section), ("row", row), ("seat", seat)):
        if value is not None:
            found.append(table.c[column] == value)
    return found


def ticket_view(row: Any) -> dict[str, Any]:
    """The ticket fields map, transfers and requests show."""
    return {
        "id": row.id, "event": row.event, "venue": row.venue,
        "local_date": queries.local_stamp(row.local_date), "section": row.section,
        "row": row.row, "seat": row.seat, "transferred": bool(row.transferred),
        "expired": bool(row.expired),
    }


def listed_view(row: Any) -> dict[str, Any]:
    """A ticket as GET /tickets lists it: with its owner and account."""
    return {"id": row.id, "user_id": row.user_id, "account_id": row.account_id,
            "username": row.username, "account_type": row.account_type,
            **{k: v for k, v in ticket_view(row).items() if k != "id"}}


def get_tickets(conn: Connection, now: datetime, user_id: int, wanted: TicketFilter,
                page: queries.Page) -> dict[str, Any]:
    """``count`` of the user's matching tickets and one page of them, by id."""
    apply_due(conn, now)
    conditions = wanted.conditions(user_id)
    rows = conn.execute(page.apply(TICKET_ROWS.where(*conditions).order_by(T.c.id))).all()
    return {"count": wanted.count(conn, user_id),
            "tickets": [listed_view(row) for row in rows]}

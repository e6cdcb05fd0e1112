"""GET /tickets: the inventory of a user's primary accounts, filtered and paged.

Every function takes the tenant's ``user_id``: a user sees only the tickets
of its own accounts (another user's ids match nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from simulator.services.inventory import queries
from simulator.services.inventory.derived import tallies_kept, text_indexed, ticket_text
from simulator.services.inventory.steps import apply_due
from simulator.services.inventory.substrings import Substrings
from simulator.services.inventory.tables import inventory_tickets, primary_accounts, ticket_tallies

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
    def substrings(self) -> Substrings:
        return Substrings(venue=self.venue, event=self.event)

    @property
    def tallied(self) -> bool:
        """Whether only accounts, ``expired`` and substrings filter (the kept tallies
        answer the count)."""
        return all(value is None for value in (
            self.ids, self.date_from, self.date_to, self.section, self.row, self.seat,
            self.primary_id))

    def match_query(self, conn: Connection, user_id: int) -> str | None:
        """The FTS5 query that finds this filter's rows, or None to find them otherwise.

        Only when a substring is long enough and no B-tree index serves a filter
        better: ids, ``primary_id`` and a seat are a few rows; a date range plus a
        substring is answered from the ``(user_id, local_date, event, venue)`` index;
        with ``account_id`` the tallies tell which is fewer rows to read, the
        substring's tickets (all accounts) or the accounts' tickets.
        """
        match = self.substrings.match_query()
        if match is None or not (self.tallied and text_indexed(conn)):
            return None
        if self.account_ids is not None and (
                TicketFilter(account_ids=self.account_ids).count(conn, user_id)
                < TicketFilter(venue=self.venue, event=self.event).count(conn, user_id)):
            return None
        return match

    def select_from(self, conn: Connection, user_id: int, query: Select[Any]) -> Select[Any]:
        """``query`` restricted to the user's matching tickets, by way of the substring
        index when it helps (then rows come in ticket id order from the index)."""
        match = self.match_query(conn, user_id)
        query = query.where(*self.conditions(user_id))
        if match is None:
            return query.order_by(T.c.id)
        return (query.join(ticket_text, ticket_text.c.rowid == T.c.id)
                .where(ticket_text.c.inventory_tickets_text.match(match))
                .order_by(ticket_text.c.rowid))

    def count(self, conn: Connection, user_id: int) -> int:
        """How many of the user's tickets match (the documented ``count``).

        Filters on accounts, ``expired`` and substrings alone are summed from the
        tallies the database keeps (each distinct event and venue tested once);
        anything else counts the matching rows.
        """
        if not (self.tallied and tallies_kept(conn)):
            counted = self.select_from(conn, user_id, select(func.count(T.c.id)))
            return int(conn.execute(counted.order_by(None)).scalar() or 0)
        C = ticket_tallies
        kept: list[ColumnElement[bool]] = [C.c.user_id == user_id,
                                           *self.substrings.conditions(C)]
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
                                   substrings=self.substrings, section=self.section,
                                   row=self.row, seat=self.seat)
        if self.primary_id is not None:
            found.append(T.c.primary_id == self.primary_id)
        if self.expired is not None:
            found.append(T.c.expired == self.expired)
        return found


def ticket_conditions(table: Any, *, date_from: datetime | None, date_to: datetime | None,
                      substrings: Substrings, section: str | None, row: str | None,
                      seat: str | None) -> list[ColumnElement[bool]]:
    """The ticket filters both queries share: date range, substrings, exact seat."""
    found: list[ColumnElement[bool]] = []
    if date_from is not None:
        found.append(table.c.local_date >= date_from)
    if date_to is not None:
        found.append(table.c.local_date < date_to)
    found += substrings.conditions(table)
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
    rows = conn.execute(page.apply(wanted.select_from(conn, user_id, TICKET_ROWS))).all()
    return {"count": wanted.count(conn, user_id),
            "tickets": [listed_view(row) for row in rows]}

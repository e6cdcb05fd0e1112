"""Mapping requested tickets onto the inventory (POST /map, and every transfer).

A requested ticket names a ticket by ``id``, or by ``event``, ``venue``,
``section``, ``row``, ``seat`` (exact) and ``local_date`` (within an hour),
and for transfers ``barcode`` (exact). The result is grouped by primary
account: one transfer request per account. A ticket that cannot be found
is reported as the missing ticket itself (documented); tickets already
transferred or expired are refused unless ``force`` is set. Tickets of a
transfer or recall still in progress are refused even with ``force`` (the
documentation is silent): two transfers racing for a ticket never both move it.

Transfers by barcode (documented, Ticketmaster only): a ticket with
``barcode``, ``local_date``, ``venue`` and ``event`` that is not in the
database is still transferred, from the user's Ticketmaster account; it is
added to the inventory (and to the account's holdings) as the crawl would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from simulator.core.errors import BadRequest
from simulator.services.inventory import queries
from simulator.services.inventory.states import IN_FLIGHT
from simulator.services.inventory.steps import apply_due
from simulator.services.inventory.tables import (
    account_holdings,
    inventory_tickets,
    primary_accounts,
    transfer_requests,
    transfer_tickets,
)
from simulator.services.inventory.tickets import TICKET_ROWS, ticket_view

T = inventory_tickets
LOCAL_DATE_TOLERANCE = timedelta(hours=1)
BARCODE_ACCOUNT_TYPE = "Ticketmaster"
MATCHED_FIELDS = ("event", "venue", "section", "row", "seat", "barcode")


class TicketMissing(BadRequest):
    """A requested ticket matches nothing: the message is the ticket as sent (documented)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        super().__init__(json.dumps(raw))


class TicketsUnavailable(BadRequest):
    """Tickets already transferred or expired (without ``force``), or in a transfer in progress."""


@dataclass(frozen=True, slots=True)
class TicketRequest:
    """One entry of a body's ``tickets``."""

    raw: dict[str, Any]
    id: int | None = None
    local_date: datetime | None = None
    strings: dict[str, str] = field(default_factory=dict)  # event, venue, ..., barcode

    @classmethod
    def from_json(cls, index: int, item: Any) -> TicketRequest:
        if not isinstance(item, dict):
            raise BadRequest(f"tickets[{index}] must be an object")
        ticket_id = item.get("id")
        if ticket_id is not None and (isinstance(ticket_id, bool)
                                      or not isinstance(ticket_id, int)):
            raise BadRequest(f"tickets[{index}].id must be an integer")
        strings = {}
        for name in MATCHED_FIELDS:
            value = item.get(name)
            if value is not None:
                if not isinstance(value, str):
                    raise BadRequest(f"tickets[{index}].{name} must be a string")
                strings[name] = value
        when = item.get("local_date")
        local_date = None
        if when is not None:
            if not isinstance(when, str):
                raise BadRequest(f"tickets[{index}].local_date must be a string")
            local_date = queries.lower_bound(f"tickets[{index}].local_date", when)
        if ticket_id is None and local_date is None and not strings:
            raise BadRequest(f"tickets[{index}] names no ticket: give its id, or its event, "
                             "venue, local_date, section, row and seat")
        return cls(item, ticket_id, local_date, strings)

    @property
    def by_barcode(self) -> bool:
        """Enough to transfer a ticket the database does not know (Ticketmaster only)."""
        return (self.id is None and self.local_date is not None
                and {"barcode", "venue", "event"} <= self.strings.keys())

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.id is not None:
            return [T.c.id == min(self.id, queries.MAX_ID)]
        found: list[ColumnElement[bool]] = [T.c[name] == value
                                            for name, value in self.strings.items()]
        if self.local_date is not None:
            found.append(T.c.local_date.between(self.local_date - LOCAL_DATE_TOLERANCE,
                                                self.local_date + LOCAL_DATE_TOLERANCE))
        return found


def parse_tickets(items: Any) -> list[TicketRequest]:
    """The body's ``tickets``: a non-empty list of ticket objects."""
    if not isinstance(items, list) or not items:
        raise BadRequest("tickets must be a list of at least one ticket")
    return [TicketRequest.from_json(index, item) for index, item in enumerate(items)]


@dataclass(slots=True)
class AccountGroup:
    """The tickets of one primary account: one transfer request."""

    account_id: int
    username: str
    account_type: str
    tickets: list[Any] = field(default_factory=list)  # inventory ticket rows

    def view(self) -> dict[str, Any]:
        return {"username": self.username, "account_type": self.account_type,
                "account_id": self.account_id,
                "tickets": [ticket_view(row) for row in self.tickets]}


def _find(conn: Connection, user_id: int, wanted: TicketRequest, taken: set[int]) -> Any:
    """The best matching ticket not already taken by this request (available ones first)."""
    query = TICKET_ROWS.where(T.c.user_id == user_id, *wanted.conditions())
    if taken:
        query = query.where(T.c.id.not_in(taken))
    return conn.execute(query.order_by(T.c.transferred, T.c.expired, T.c.id).limit(1)).first()


def _barcode_ticket(conn: Connection, user_id: int, wanted: TicketRequest) -> Any:
    """Add a barcode-only ticket to the user's Ticketmaster account, or None without one."""
    account = conn.execute(
        select(primary_accounts).where(primary_accounts.c.user_id == user_id,
                                       primary_accounts.c.account_type == BARCODE_ACCOUNT_TYPE)
        .order_by(primary_accounts.c.has_credentials.desc(), primary_accounts.c.id).limit(1)
    ).first()
    if account is None or wanted.local_date is None:
        return None
    primary_id = f"barcode/{wanted.strings['barcode']}"
    clash = conn.execute(select(T.c.id).where(T.c.account_id == account.id,
                                              T.c.primary_id == primary_id)).first()
    if clash is not None:
        return None
    values: dict[str, Any] = {name: wanted.strings.get(name, "")
                              for name in ("event", "venue", "section", "row", "seat")}
    values |= {"barcode": wanted.strings["barcode"], "local_date": wanted.local_date}
    ticket_id = int(conn.execute(select(func.max(T.c.id))).scalar() or 0) + 1
    conn.execute(T.insert().values(id=ticket_id, user_id=user_id, account_id=account.id,
                                   primary_id=primary_id, transferred=False, expired=False,
                                   **values))
    conn.execute(account_holdings.insert().values(account_id=account.id,
                                                  primary_id=primary_id, **values))
    return conn.execute(TICKET_ROWS.where(T.c.id == ticket_id)).one()


def _refuse_in_flight(conn: Connection, ticket_ids: list[int]) -> None:
    """Refuse tickets that a request still in progress is moving (whatever ``force`` says)."""
    busy = conn.execute(
        select(transfer_tickets.c.ticket_id, transfer_requests.c.transfer_id)
        .join(transfer_requests, transfer_requests.c.id == transfer_tickets.c.request_id)
        .where(transfer_tickets.c.ticket_id.in_(ticket_ids),
               transfer_requests.c.status.in_(IN_FLIGHT))
        .order_by(transfer_tickets.c.ticket_id)).all()
    if busy:
        names = ", ".join(f"{row.ticket_id} (transfer {row.transfer_id})" for row in busy)
        raise TicketsUnavailable(f"Tickets in a transfer in progress: {names}; "
                                 "wait for it to finish")


def map_tickets(conn: Connection, user_id: int, wanted: list[TicketRequest], *, force: bool,
                barcode_transfer: bool = False) -> list[AccountGroup]:
    """The user's tickets for ``wanted``, grouped by account (in order of first mention).

    Raises :class:`TicketMissing` for the first ticket not found and
    :class:`TicketsUnavailable` for transferred or expired ones without ``force``
    and for those of a transfer or recall in progress.
    """
    found: list[Any] = []
    taken: set[int] = set()
    for item in wanted:
        row = _find(conn, user_id, item, taken)
        if row is None and barcode_transfer and item.by_barcode:
            row = _barcode_ticket(conn, user_id, item)
        if row is None:
            raise TicketMissing(item.raw)
        taken.add(row.id)
        found.append(row)
    _refuse_in_flight(conn, [row.id for row in found])
    unavailable = [row for row in found if row.transferred or row.expired]
    if unavailable and not force:
        names = ", ".join(f"{row.id} ({'expired' if row.expired else 'already transferred'})"
                          for row in unavailable)
        raise TicketsUnavailable(f"Tickets not available for transfer: {names}; "
                                 "send force: true to transfer them anyway")
    groups: dict[int, AccountGroup] = {}
    for row in found:
        group = groups.setdefault(row.account_id, AccountGroup(row.account_id, row.username,
                                                               row.account_type))
        group.tickets.append(row)
    return list(groups.values())


def map_view(conn: Connection, now: datetime, user_id: int, wanted: list[TicketRequest],
             force: bool) -> dict[str, Any]:
    """POST /map: the grouped transfer requests that would be made (nothing is changed)."""
    apply_due(conn, now)
    groups = map_tickets(conn, user_id, wanted, force=force)
    return {"user_id": user_id, "requests": [group.view() for group in groups]}

"""Seat claims: which places of a listing are held or sold, for which order.

A *place* is one sellable position in a listing row: the seat number for
numbered rows, ``GA-<n>`` for general-admission rows (listed with empty
seat strings). The ``seat_claims`` table has the place as its primary key,
so two orders can never claim the same place, whatever the concurrency.
A HELD claim stops counting at its ``expires_at``; a SOLD claim never does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, or_, select, update

from simulator.core.errors import BadRequest, Conflict
from simulator.core.prepared import Prepared
from simulator.services.sales.tables import seat_claims


class ClaimKind(StrEnum):
    HELD = "HELD"
    SOLD = "SOLD"


@dataclass(frozen=True, slots=True)
class SeatRequest:
    """One requested ticket: a row and a seat ("" for any free place in the row)."""

    row: str
    seat: str = ""

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> SeatRequest:
        return cls(str(item["row"]), str(item.get("seat") or ""))


def distinct(tickets: Iterable[SeatRequest]) -> tuple[SeatRequest, ...]:
    """The requested tickets, each named seat once, in request order.

    A request that names one seat twice (the documentation's own hold and
    invoice examples send ``{"row": "ROW", "seat": "SeatNumber"}`` twice) asks
    for that seat: the repeat is dropped. GA tickets (empty seat) each count,
    since each asks for one more place of the row.
    """
    seen: set[SeatRequest] = set()
    kept = []
    for ticket in tickets:
        if ticket.seat and ticket in seen:
            continue
        seen.add(ticket)
        kept.append(ticket)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: the request it answers and the claimed key."""

    row: str
    seat: str  # as reported back: the seat number, "" for GA
    place: str

    def to_json(self) -> dict[str, str]:
        return {"row": self.row, "seat": self.seat, "place": self.place}

    @classmethod
    def from_json(cls, item: dict[str, str]) -> Place:
        return cls(item["row"], item["seat"], item["place"])


def row_places(seats: Sequence[str]) -> list[tuple[str, str]]:
    """(place key, reported seat) for every place of a listing row."""
    return [(seat, seat) if seat else (f"GA-{n}", "") for n, seat in enumerate(seats, 1)]


# Statements are built once with bind parameters and prepared (see
# simulator/core/prepared.py): building, cache-keying and executing a SQLAlchemy
# expression per call cost several times what SQLite takes to run it.
_ORDER = and_(seat_claims.c.listing_id == bindparam("p_listing"),
              seat_claims.c.marketplace_id == bindparam("p_marketplace"),
              seat_claims.c.order_id == bindparam("p_order"))
_OTHERS_CLAIMS = Prepared(select(seat_claims.c.row, seat_claims.c.seat).where(
    seat_claims.c.listing_id == bindparam("p_listing"),
    or_(seat_claims.c.kind == ClaimKind.SOLD, seat_claims.c.expires_at > bindparam("now")),
    ~and_(seat_claims.c.marketplace_id == bindparam("p_marketplace"),
          seat_claims.c.order_id == bindparam("p_order")),
))
_SELL = Prepared(update(seat_claims).where(_ORDER).values(kind=ClaimKind.SOLD, expires_at=None))
_RELEASE = Prepared(delete(seat_claims).where(_ORDER))
_PURGE = Prepared(delete(seat_claims).where(seat_claims.c.expires_at <= bindparam("now"),
                                            seat_claims.c.kind == ClaimKind.HELD))
_CLAIM = Prepared(seat_claims.insert())


def _order_key(listing_id: str, marketplace_id: int, order_id: str) -> dict[str, Any]:
    return {"p_listing": listing_id, "p_marketplace": marketplace_id, "p_order": order_id}


def claims_of_others(
    conn: Connection, now: datetime, listing_id: str, marketplace_id: int, order_id: str
) -> set[tuple[str, str]]:
    """Places of ``listing_id`` actively claimed by any other order."""
    rows = _OTHERS_CLAIMS.all(conn, {**_order_key(listing_id, marketplace_id, order_id),
                                     "now": now})
    return {(row.row, row.seat) for row in rows}


def resolve(
    listing_seats: dict[str, list[str]], wanted: Sequence[SeatRequest], taken: set[tuple[str, str]]
) -> list[Place]:
    """Map requested tickets to places of the listing.

    Raises :class:`BadRequest` for rows or seats the listing does not have or
    a seat asked for twice (requests pass through :func:`distinct` first), and
    :class:`Conflict` when a named seat is taken or a row has no free place
    left for an empty-seat (GA) request.
    """
    if not wanted:
        raise BadRequest("Invalid seats: at least one ticket is required")
    chosen: list[Place] = []
    used: set[tuple[str, str]] = set()
    for ticket in sorted(wanted, key=lambda t: (t.row, t.seat == "")):
        if ticket.row not in listing_seats:
            raise BadRequest(f"Invalid seats: row '{ticket.row}' is not in this listing")
        places = row_places(listing_seats[ticket.row])
        if ticket.seat:
            match = [(key, seat) for key, seat in places if seat == ticket.seat]
            if not match:
                raise BadRequest(f"Invalid seats: row '{ticket.row}' seat '{ticket.seat}' "
                                 "is not in this listing")
            key, seat = match[0]
            if (ticket.row, key) in used:
                raise BadRequest(f"Invalid seats: row '{ticket.row}' seat '{ticket.seat}' "
                                 "is requested twice")
            if (ticket.row, key) in taken:
                raise Conflict(f"Seats unavailable: row '{ticket.row}' seat '{ticket.seat}' "
                               "is held or sold for another order")
        else:
            free = [(k, s) for k, s in places if (ticket.row, k) not in taken | used]
            if not free:
                raise Conflict(f"Seats unavailable: no free place left in row '{ticket.row}'")
            key, seat = free[0]
        used.add((ticket.row, key))
        chosen.append(Place(ticket.row, seat, key))
    return chosen


def claim(
    conn: Connection, listing_id: str, marketplace_id: int, order_id: str,
    places: Iterable[Place], kind: ClaimKind, expires_at: datetime | None,
) -> None:
    """Write claims for ``places`` (replacing this order's own earlier ones)."""
    release(conn, listing_id, marketplace_id, order_id)
    rows = [{"listing_id": listing_id, "row": p.row, "seat": p.place,
             "marketplace_id": marketplace_id, "order_id": order_id,
             "kind": kind, "expires_at": expires_at} for p in places]
    _CLAIM.run(conn, rows)


def sell(conn: Connection, listing_id: str, marketplace_id: int, order_id: str) -> None:
    """Turn this order's held claims into sold ones."""
    _SELL.run(conn, _order_key(listing_id, marketplace_id, order_id))


def release(conn: Connection, listing_id: str, marketplace_id: int, order_id: str) -> None:
    """Drop every claim of this order on this listing."""
    _RELEASE.run(conn, _order_key(listing_id, marketplace_id, order_id))


def purge_expired(conn: Connection, now: datetime) -> None:
    """Delete held claims whose time is up, so their places can be claimed again."""
    _PURGE.run(conn, {"now": now})

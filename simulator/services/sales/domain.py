"""Sale order processing: holds, releases, invoices, order status, catalogue.

The rules of the "Sale Order Processing" section of the 1Ticket
documentation. Every function takes an open transaction and the current
simulated instant; none reads the wall clock.

Hold lifecycle (``holds.status``), declared as a transition table::

    HELD → RELEASED | EXPIRED | INVOICED
    RELEASED | EXPIRED → HELD          (the same order may hold again)

Order status is derived from the time since the invoice (see
:data:`ORDER_PROGRESS`) unless the order came from fixtures with a fixed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from simulator.core.errors import BadRequest, Conflict, InjectedFailure, NotFound
from simulator.core.ids import new_hex
from simulator.core.instants import aware, zulu
from simulator.core.lifecycle import Lifecycle
from simulator.core.prepared import Prepared
from simulator.core.timers import Timer
from simulator.services.broadcast import domain as broadcast
from simulator.services.callbacks import postsale
from simulator.services.platform.marketplaces import Marketplace
from simulator.services.platform.marketplaces import by_id as marketplace_by_id
from simulator.services.platform.marketplaces import by_name as marketplace_by_name
from simulator.services.platform.tables import brokers, events
from simulator.services.sales import seats as seat_rules
from simulator.services.sales.seats import ClaimKind, Place, SeatRequest
from simulator.services.sales.tables import catalogue_jobs, holds, listings, orders

MAX_HOLD_MINUTES = 20
FIRST_INVOICE_ID = 12_121_221

#: Magic order_id prefixes that force a documented failure (see README).
MAGIC_DELIST_FAILURE = "SIM-409"
MAGIC_INTERNAL_ERROR = "SIM-500"


class HoldStatus(StrEnum):
    HELD = "HELD"
    RELEASED = "RELEASED"
    EXPIRED = "EXPIRED"
    INVOICED = "INVOICED"


#: A released or expired hold may be taken again; an invoiced one never moves.
HOLD: Lifecycle[HoldStatus] = Lifecycle(holds, holds.c.status, {
    None: {HoldStatus.HELD},
    HoldStatus.HELD: {HoldStatus.RELEASED, HoldStatus.EXPIRED, HoldStatus.INVOICED},
    HoldStatus.RELEASED: {HoldStatus.HELD},
    HoldStatus.EXPIRED: {HoldStatus.HELD},
}, noun="hold")


class OrderStatus(StrEnum):
    PENDING = "Pending"
    CONFIRMED = "Confirmed"
    SHIPPED = "Shipped"
    COMPLETED = "Completed"


#: (elapsed since invoice, status from then on), per kind of delivery.
ORDER_PROGRESS: dict[bool, tuple[tuple[timedelta, OrderStatus], ...]] = {
    True: (  # hard (shipped) tickets
        (timedelta(minutes=1), OrderStatus.CONFIRMED),
        (timedelta(hours=1), OrderStatus.SHIPPED),
        (timedelta(hours=48), OrderStatus.COMPLETED),
    ),
    False: (
        (timedelta(minutes=1), OrderStatus.CONFIRMED),
        (timedelta(minutes=10), OrderStatus.COMPLETED),
    ),
}


@dataclass(frozen=True, slots=True)
class SaleRequest:
    """The fields hold, release and invoice share."""

    order_id: str
    broker: str
    listing_id: str
    section: str | None
    tickets: tuple[SeatRequest, ...]
    predelivered: bool | None = None
    delivery_option: str | None = None
    in_hand_date: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SaleRequest:
        in_hand = body.get("in_hand_date")
        if in_hand is not None:
            try:
                date.fromisoformat(in_hand)
            except ValueError:
                raise BadRequest(f"in_hand_date '{in_hand}' is not a YYYY-MM-DD date") from None
        return cls(
            order_id=str(body["order_id"]), broker=str(body["broker"]),
            listing_id=str(body["listing_id"]), section=body.get("section"),
            tickets=seat_rules.distinct(SeatRequest.from_json(t)
                                        for t in body.get("tickets") or ()),
            predelivered=body.get("predelivered"), delivery_option=body.get("delivery_option"),
            in_hand_date=in_hand,
        )


def _magic(order_id: str, *, delist: bool) -> None:
    if order_id.startswith(MAGIC_INTERNAL_ERROR):
        raise InjectedFailure(500, "Internal error (forced by order_id prefix SIM-500)")
    if delist and order_id.startswith(MAGIC_DELIST_FAILURE):
        raise InjectedFailure(409, "Listing could not be deleted from other marketplaces "
                                   "(forced by order_id prefix SIM-409)")


# Prepared once (see simulator/core/prepared.py): every hold, release and invoice runs them.
_LISTING = Prepared(select(listings, brokers.c.broker_id).join_from(
    listings, brokers, listings.c.user_id == brokers.c.user_id, isouter=True,
).where(listings.c.listing_id == bindparam("listing_id")))
_HOLD = Prepared(select(holds).where(holds.c.marketplace_id == bindparam("marketplace_id"),
                                     holds.c.order_id == bindparam("order_id")))
_EXPIRE = Prepared(update(holds).where(holds.c.expires_at <= bindparam("now"),
                                       HOLD.guard(HoldStatus.EXPIRED))
                   .values(status=HoldStatus.EXPIRED))
_NEXT_EXPIRY = Prepared(select(func.min(holds.c.expires_at))
                        .where(holds.c.status == HoldStatus.HELD))
_NEW_HOLD = Prepared(holds.insert())


def _listing(conn: Connection, listing_id: str) -> Any:
    """The listing with its owner's broker id (statements prebuilt, see seats.py)."""
    row = _LISTING.first(conn, {"listing_id": listing_id})
    if row is None:
        raise NotFound(f"Requested listing '{listing_id}' could not be found")
    return row


def _check_owner(listing: Any, broker: str) -> None:
    names = {str(listing.user_id)} | ({listing.broker_id.casefold()} if listing.broker_id
                                      else set())
    if broker.strip().casefold() not in names:
        raise BadRequest(f"Invalid broker '{broker}': listing '{listing.listing_id}' "
                         "belongs to another broker")


def _check_section(listing: Any, section: str | None) -> None:
    if section is not None and section.strip().casefold() != listing.section.casefold():
        raise BadRequest(f"Invalid seats: section '{section}' is not the listing's section "
                         f"'{listing.section}'")


def expire_holds(conn: Connection, now: datetime) -> int:
    """Mark holds whose time is up EXPIRED and free their places."""
    seat_rules.purge_expired(conn, now)
    return _EXPIRE.run(conn, {"now": now})


def next_hold_expiry(conn: Connection) -> datetime | None:
    """When the earliest live hold runs out, for the scheduler."""
    due = _NEXT_EXPIRY.scalar(conn)
    return aware(due) if due else None


TIMERS = (Timer("sales.hold-expiry", next_hold_expiry, expire_holds,
                tables=frozenset({"holds"})),)


def _hold_key(marketplace: Marketplace, order_id: str) -> Any:
    return (holds.c.marketplace_id == marketplace.id) & (holds.c.order_id == order_id)


def _hold_row(conn: Connection, marketplace: Marketplace, order_id: str) -> Any:
    return _HOLD.first(conn, {"marketplace_id": marketplace.id, "order_id": order_id})


def _requested(tickets: tuple[SeatRequest, ...]) -> list[tuple[str, str]]:
    return sorted((t.row, t.seat) for t in tickets)


def _hold_view(hold: Mapping[str, Any], marketplace: Marketplace, message: str
               ) -> dict[str, Any]:
    """The documented hold body, from a ``holds`` row's mapping (or the values just written)."""
    return {
        "message": message, "order_id": hold["order_id"], "listing_id": hold["listing_id"],
        "marketplace": marketplace.name, "section": hold["section"],
        "status": hold["status"], "hold_length": hold["hold_length"],
        "expires_at": zulu(hold["expires_at"]),
        "tickets": [{"row": p["row"], "seat": p["seat"]} for p in hold["seats"]],
    }


def create_hold(
    conn: Connection, now: datetime, marketplace: Marketplace, hold_length: int,
    request: SaleRequest,
) -> dict[str, Any]:
    """Reserve the requested seats of a listing for ``hold_length`` minutes."""
    if not 1 <= hold_length <= MAX_HOLD_MINUTES:
        raise BadRequest(f"hold_length must be between 1 and {MAX_HOLD_MINUTES} minutes, "
                         f"got {hold_length}")
    expire_holds(conn, now)
    listing = _listing(conn, request.listing_id)
    _check_owner(listing, request.broker)
    _check_section(listing, request.section)
    broadcast.require_live(conn, listing.listing_id, marketplace)
    _magic(request.order_id, delist=True)
    existing = _hold_row(conn, marketplace, request.order_id)
    if existing is not None and existing.status in (HoldStatus.HELD, HoldStatus.INVOICED):
        same = (existing.listing_id == listing.listing_id
                and sorted((p["row"], p["request"]) for p in existing.seats)
                == _requested(request.tickets))
        if same and existing.status == HoldStatus.HELD:
            return _hold_view(existing._mapping, marketplace,
                              "Successfully reserved requested tickets")
        raise Conflict(f"Order '{request.order_id}' already has a {existing.status.lower()} "
                       "hold on other seats; release it first")
    taken = seat_rules.claims_of_others(conn, now, listing.listing_id, marketplace.id,
                                        request.order_id)
    places = seat_rules.resolve(listing.seats, request.tickets, taken)
    expires_at = now + timedelta(minutes=hold_length)
    seat_rules.claim(conn, listing.listing_id, marketplace.id, request.order_id, places,
                     ClaimKind.HELD, expires_at)
    broadcast.take_off_other_marketplaces(conn, listing.listing_id, marketplace)
    values = {
        "listing_id": listing.listing_id, "broker": request.broker, "section": listing.section,
        "seats": _stored_places(places, request.tickets), "hold_length": hold_length,
        "created_at": now, "expires_at": expires_at,
        "predelivered": request.predelivered, "delivery_option": request.delivery_option,
        "in_hand_date": request.in_hand_date,
    }
    if existing is None:
        _NEW_HOLD.run(conn, {"marketplace_id": marketplace.id, "order_id": request.order_id,
                             "status": HOLD.initial(HoldStatus.HELD), **values})
    else:
        HOLD.move(conn, _hold_key(marketplace, request.order_id), HoldStatus.HELD, **values)
    return _hold_view({"order_id": request.order_id, "status": HoldStatus.HELD, **values},
                      marketplace,
                      "Successfully reserved requested tickets")


def _stored_places(places: list[Place], tickets: tuple[SeatRequest, ...]) -> list[dict[str, str]]:
    """Places in request order, each remembering the seat string it was asked as."""
    pending = sorted(tickets, key=lambda t: (t.row, t.seat == ""))
    return [{**place.to_json(), "request": ticket.seat} for place, ticket in zip(places, pending,
                                                                                   strict=True)]


def release_hold(
    conn: Connection, now: datetime, marketplace: Marketplace, request: SaleRequest
) -> dict[str, Any]:
    """Free the order's held seats. Releasing twice is harmless."""
    expire_holds(conn, now)
    listing = _listing(conn, request.listing_id)
    _check_owner(listing, request.broker)
    _magic(request.order_id, delist=False)
    hold = _hold_row(conn, marketplace, request.order_id)
    if hold is None or hold.listing_id != listing.listing_id:
        raise NotFound(f"No hold for order '{request.order_id}' on listing "
                       f"'{listing.listing_id}'")
    if hold.status == HoldStatus.INVOICED:
        raise BadRequest(f"Order '{request.order_id}' has been invoiced: its seats are sold "
                         "and cannot be released")
    if hold.status == HoldStatus.HELD:
        HOLD.move(conn, _hold_key(marketplace, request.order_id), HoldStatus.RELEASED)
        seat_rules.release(conn, listing.listing_id, marketplace.id, request.order_id)
        return _hold_view({**hold._mapping, "status": HoldStatus.RELEASED}, marketplace,
                          "Successfully released reserved tickets")
    return _hold_view(hold._mapping, marketplace, "Successfully released reserved tickets")


@dataclass(frozen=True, slots=True)
class Payout:
    price: float
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class Buyer:
    """The marketplace's buyer, when the invoice names one (the transfer recipient)."""

    first_name: str
    last_name: str
    email: str

    @classmethod
    def from_json(cls, value: Any) -> Buyer | None:
        if not value:
            return None
        return cls(*(str(value[name]).strip() for name in ("first_name", "last_name", "email")))

    def as_json(self) -> dict[str, str]:
        return {"first_name": self.first_name, "last_name": self.last_name,
                "email": self.email}


def create_invoice(
    conn: Connection, now: datetime, marketplace: Marketplace, request: SaleRequest,
    payout: Payout, buyer: Buyer | None = None,
) -> dict[str, Any]:
    """Sell the order's held seats (or free seats when there is no hold).

    Invoicing the same order again returns the same invoice.
    """
    expire_holds(conn, now)
    listing = _listing(conn, request.listing_id)
    _check_owner(listing, request.broker)
    _check_section(listing, request.section)
    broadcast.require_live(conn, listing.listing_id, marketplace)
    _magic(request.order_id, delist=False)
    order = _order_row(conn, marketplace, request.order_id)
    if order is not None:
        if order.invoice_id is None or order.listing_id != listing.listing_id:
            raise BadRequest(f"Order '{request.order_id}' already exists on {marketplace.name} "
                             "for other tickets")
        return _invoice_view(order, marketplace)
    hold = _hold_row(conn, marketplace, request.order_id)
    if hold is not None and hold.status == HoldStatus.HELD:
        if hold.listing_id != listing.listing_id or (
            sorted((p["row"], p["request"]) for p in hold.seats) != _requested(request.tickets)
        ):
            raise BadRequest(f"Invalid seats: the tickets differ from the hold of order "
                             f"'{request.order_id}'")
        HOLD.move(conn, _hold_key(marketplace, request.order_id), HoldStatus.INVOICED)
        seat_rules.sell(conn, listing.listing_id, marketplace.id, request.order_id)
        sold = [{"row": p["row"], "seat": p["seat"]} for p in hold.seats]
    else:
        taken = seat_rules.claims_of_others(conn, now, listing.listing_id, marketplace.id,
                                            request.order_id)
        try:
            places = seat_rules.resolve(listing.seats, request.tickets, taken)
        except Conflict as exc:
            raise BadRequest(f"Invalid seats: {exc.message}") from None
        seat_rules.claim(conn, listing.listing_id, marketplace.id, request.order_id, places,
                         ClaimKind.SOLD, None)
        sold = [{"row": p.row, "seat": p.seat} for p in places]
    event = conn.execute(select(events).where(events.c.id == listing.event_id)).first()
    in_hand = request.in_hand_date or (hold.in_hand_date if hold is not None else None)
    if in_hand is None:
        in_hand = (aware(event.event_date) - timedelta(days=1)).date().isoformat() if event else (
            now.date().isoformat())
    next_id = conn.execute(select(func.max(orders.c.invoice_id))).scalar()
    conn.execute(orders.insert().values(
        marketplace_id=marketplace.id, order_id=request.order_id, user_id=listing.user_id,
        invoice_id=(next_id or FIRST_INVOICE_ID - 1) + 1, listing_id=listing.listing_id,
        fixed_status=None, order_date=now, in_hand_date=in_hand,
        delivery_method=request.delivery_option or "PDF",
        predelivered=bool(request.predelivered),
        event_name=event.name if event else None, venue_name=event.venue_name if event else None,
        event_date=event.event_date if event else None, section=listing.section, seats=sold,
        payout_price=payout.price, payout_currency=payout.currency,
        buyer=buyer.as_json() if buyer else None,
        marketplace_listing_id=None,
    ))
    postsale.on_invoice(conn, now, marketplace, request.order_id)  # post-sale calls begin
    return _invoice_view(_order_row(conn, marketplace, request.order_id), marketplace)


def _order_row(conn: Connection, marketplace: Marketplace, order_id: str) -> Any:
    return conn.execute(select(orders).where(
        orders.c.marketplace_id == marketplace.id, orders.c.order_id == order_id)).first()


def _invoice_view(order: Any, marketplace: Marketplace) -> dict[str, Any]:
    return {
        "message": "Successfully invoiced requested tickets", "invoice_id": order.invoice_id,
        "order_id": order.order_id, "user_id": order.user_id, "listing_id": order.listing_id,
        "marketplace": marketplace.name, "section": order.section,
        "tickets": [{"row": s["row"], "seat": s["seat"]} for s in order.seats],
        "payout": {"price": order.payout_price, "currency": order.payout_currency},
        "delivery_option": order.delivery_method, "predelivered": order.predelivered,
        "in_hand_date": order.in_hand_date, "invoiced_at": zulu(order.order_date),
    }


def order_status_at(order: Any, now: datetime) -> OrderStatus:
    """The order's status at ``now``: fixed (fixtures) or derived from its age."""
    if order.fixed_status:
        return OrderStatus(order.fixed_status)
    elapsed = now - aware(order.order_date)
    status = OrderStatus.PENDING
    for after, reached in ORDER_PROGRESS[order.delivery_method == "HARD"]:
        if elapsed >= after:
            status = reached
    return status


def get_order(
    conn: Connection, now: datetime, marketplace: Marketplace, user_id: int, order_id: str
) -> dict[str, Any]:
    """Status and details of any order of ``user_id`` on ``marketplace``."""
    postsale.apply_due(conn, now)  # invoiced orders: the status their post-sale life set
    order = _order_row(conn, marketplace, order_id)
    if order is None or order.user_id != user_id:
        raise NotFound(f"Order '{order_id}' not found on {marketplace.name} for user {user_id}")
    status = postsale.order_status(conn, marketplace.id, order_id) or order_status_at(order, now)
    seats = [s["seat"] for s in order.seats]
    rows = list(dict.fromkeys(s["row"] for s in order.seats))
    return {
        "order_id": order.order_id, "order_status": status,
        "in_hand_date": order.in_hand_date, "delivery_method": order.delivery_method,
        "order_date": zulu(order.order_date), "event_name": order.event_name,
        "venue_name": order.venue_name, "event_date": zulu(order.event_date),
        "quantity": len(seats), "section": order.section, "row": ",".join(rows),
        "seats": seats, "marketplace": marketplace.name,
        "marketplace_listing_id": order.marketplace_listing_id,
        "external_listing_id": order.listing_id, "invoice_id": order.invoice_id,
        "payout": ({"price": order.payout_price, "currency": order.payout_currency}
                   if order.payout_price is not None else None),
        "buyer": order.buyer,
    }


def resolve_marketplace(
    conn: Connection, name: str | None, marketplace_id: str | None
) -> Marketplace:
    """The marketplace a catalogue request names, by name or ID (both must agree)."""
    if not name and not marketplace_id:
        raise BadRequest("Invalid input: marketplace or marketplace_id is required")
    by_name = marketplace_by_name(conn, name) if name else None
    by_id = marketplace_by_id(conn, marketplace_id) if marketplace_id else None
    if by_name and by_id and by_name != by_id:
        raise BadRequest(f"marketplace '{name}' and marketplace_id '{marketplace_id}' name "
                         "different marketplaces")
    chosen = by_name or by_id
    assert chosen is not None
    return chosen


def catalogue_sale(
    conn: Connection, now: datetime, user_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Record a catalogue job for a sale after checking it against the order."""
    marketplace = resolve_marketplace(conn, body.get("marketplace"), body.get("marketplace_id"))
    wanted = [s.strip() for s in str(body["seats"]).split(",")]
    if not wanted or any(not s for s in wanted):
        raise BadRequest(f"Invalid seats '{body['seats']}': expected comma separated seat "
                         "numbers such as '1,2,3,4'")
    order = _order_row(conn, marketplace, str(body["order_id"]))
    if order is None or str(order.user_id) != user_id:
        raise NotFound(f"Order '{body['order_id']}' not found on {marketplace.name} "
                       f"for user {user_id}")
    sold = {s["seat"] for s in order.seats}
    foreign = [s for s in wanted if s not in sold]
    if foreign:
        raise BadRequest(f"Invalid seats: {', '.join(foreign)} not part of order "
                         f"'{order.order_id}' (seats {', '.join(sorted(sold)) or 'none'})")
    invoice_id = str(body["invoice_id"])
    if order.invoice_id is not None and invoice_id != str(order.invoice_id):
        raise BadRequest(f"invoice_id '{invoice_id}' is not the invoice of order "
                         f"'{order.order_id}' ({order.invoice_id})")
    key = (catalogue_jobs.c.marketplace_id == marketplace.id,
           catalogue_jobs.c.order_id == order.order_id, catalogue_jobs.c.invoice_id == invoice_id)
    job = conn.execute(select(catalogue_jobs).where(*key)).first()
    values = {"seats": wanted, "listing_id": body.get("listing_id"),
              "recipient_info": body.get("recipient_info"),
              "delivery_method": body.get("delivery_method"),
              "fulfill_now": bool(body.get("fulfill_now", True))}
    if job is None:
        conn.execute(catalogue_jobs.insert().values(
            job_id=new_hex(conn, kind="catalogue"), user_id=user_id, order_id=order.order_id,
            marketplace_id=marketplace.id, invoice_id=invoice_id, created_at=now, **values))
        verb = "started"
    else:  # the same sale catalogued again: the newest seats and options win
        conn.execute(update(catalogue_jobs).where(*key).values(**values))
        verb = "updated"
    if body.get("recipient_info"):
        postsale.on_recipient(conn, now, marketplace.id, order.order_id)
    job = conn.execute(select(catalogue_jobs).where(*key)).one()
    return {
        "message": f"Catalogue job {verb} for order {job.order_id}", "job_id": job.job_id,
        "user_id": job.user_id, "order_id": job.order_id, "invoice_id": job.invoice_id,
        "marketplace": marketplace.name, "marketplace_id": str(marketplace.id),
        "seats": job.seats, "fulfill_now": job.fulfill_now,
    }

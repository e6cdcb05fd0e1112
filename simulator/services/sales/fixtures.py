"""The sales service's fixture sections: the brokers' POS listings and their orders.

Orders of the fixtures were placed on marketplaces outside the sales API
(known only to fixtures); their seats are sold, so nobody may hold them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows, iso, when
from simulator.services.platform.marketplaces import DOCUMENTED_MARKETPLACES
from simulator.services.sales.tables import listings, orders, seat_claims

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

SECTIONS = ("listings", "orders")

ROW_NAMES = tuple("ABCDEFGHJKLMN") + tuple(str(n) for n in range(1, 31))
ORDER_STATUSES = ("Pending", "Confirmed", "Shipped", "Completed")
DELIVERY_OPTIONS = ("PDF", "BARCODE", "FLASH", "HARD", "MOBILE", "MOBILE_TRANSFER")
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # fixture orders are placed after this

#: What the documentation's sales examples name, verbatim: the hold, release and
#: invoice examples' broker (its spelling), listing, section, row and seat; the
#: catalogue example's user, StubHub order, invoice and seats "1,2,3,4".
EXAMPLE_USER_ID = 1234
EXAMPLE_BROKER_ID = "Broker indentifier"
EXAMPLE_LISTING_ID = "POS Listing ID"
EXAMPLE_SECTION = "SECTION"
EXAMPLE_ROW = "ROW"
EXAMPLE_SEATS = ("SeatNumber", "1", "2", "3", "4", "5", "6", "7", "8")
EXAMPLE_ORDER_ID = "98765"
EXAMPLE_ORDER_SEATS = ("1", "2", "3", "4")
EXAMPLE_MARKETPLACE_ID = 1  # "stubhub"
EXAMPLE_EVENT_ID = 20_270_615
EXAMPLE_PRICE = 35.5  # the invoice example's payout

def _listing(ctx: FixtureContext, index: int, user_id: int, event_id: int) -> dict[str, Any]:
    rng = ctx.rng
    section = str(rng.choice((rng.randint(100, 340), rng.randint(1, 40))))
    if index % 10 == 9:  # every tenth listing is general admission
        rows: dict[str, list[str]] = {"GA": [""] * rng.randint(2, 8)}
    else:
        rows = {}
        first_seat = rng.randint(1, 20)
        for row in rng.sample(ROW_NAMES, rng.randint(1, 2)):
            rows[row] = [str(first_seat + n) for n in range(rng.randint(2, 8))]
    return {
        "listing_id": str(87_000_000 + index), "user_id": user_id, "event_id": event_id,
        "section": section, "price": round(rng.uniform(20, 450), 2), "seats": rows,
    }


def _in_hand(order_date: datetime, event_date: datetime) -> str:
    """Five days after the order, but never after the day before the event."""
    latest = max(order_date, event_date - timedelta(days=1))
    return min(order_date + timedelta(days=5), latest).date().isoformat()


def _orders(ctx: FixtureContext, listing_rows: list[dict[str, Any]], count: int
            ) -> list[dict[str, Any]]:
    rng, fake = ctx.rng, ctx.fake
    events = {event["id"]: event for event in ctx.document.get("events", [])}
    found = []
    numbered = [item for item in listing_rows if "GA" not in item["seats"]]
    for n in range(min(count, len(numbered))):
        listing = numbered[n]
        event = events[listing["event_id"]]
        row, seats = next(iter(listing["seats"].items()))
        taken = seats[: rng.randint(1, len(seats))]
        name, mp_id = DOCUMENTED_MARKETPLACES[n % len(DOCUMENTED_MARKETPLACES)]
        order_date = EPOCH + timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 1440))
        found.append({
            "marketplace_id": mp_id, "order_id": f"FX-{name[:3].upper()}-{100000 + n}",
            "user_id": listing["user_id"], "status": ORDER_STATUSES[n % len(ORDER_STATUSES)],
            "order_date": iso(order_date),
            "in_hand_date": _in_hand(order_date, when(event["event_date"])),
            "delivery_method": rng.choice(DELIVERY_OPTIONS),
            "event_name": event["name"], "venue_name": event["venue_name"],
            "event_date": event["event_date"], "section": listing["section"],
            "seats": [{"row": row, "seat": seat} for seat in taken],
            "payout": {"price": round(listing["price"] * len(taken), 2), "currency": "USD"},
            "buyer": {"first_name": fake.first_name(), "last_name": fake.last_name(),
                      "email": fake.email()},
            "marketplace_listing_id": str(rng.randint(10**8, 10**9)),
            "listing_id": listing["listing_id"],
        })
    return found


def generate(ctx: FixtureContext) -> dict[str, Any]:
    """Listings spread over the platform's brokers and events, and some sold orders."""
    broker_ids = [b["user_id"] for b in ctx.document["brokers"]]
    event_ids = [e["id"] for e in ctx.document["events"]]
    count = ctx.size("listings", 200)
    rows = []
    step = max(1, count // 20)
    for index in range(count):
        rows.append(_listing(ctx, index, broker_ids[index % len(broker_ids)],
                             event_ids[index % len(event_ids)]))
        if ctx.progress and (index + 1) % step == 0:
            ctx.progress(index + 1, count)
    return {"listings": rows, "orders": _orders(ctx, rows, min(ctx.size("orders", 28), count))}


def documented_examples(ctx: FixtureContext, marketplace_listing_id: str) -> dict[str, Any]:
    """The broker, key, event, listing and sold order the sales examples name.

    User 1234 (key ``sim-broker-key-1234``) is the broker "Broker indentifier";
    its listing "POS Listing ID" (section "SECTION", row "ROW": seat
    "SeatNumber" and seats 1-8) has seats 1-4 sold in StubHub order 98765,
    placed outside the sales API like every fixture order. The catalogue
    example's invoice "11111" is therefore accepted as the order's invoice.
    """
    fake = ctx.fake
    event_date = datetime(2027, 6, 15, 23, 5, tzinfo=UTC)
    order_date = datetime(2026, 10, 1, 18, 30, tzinfo=UTC)
    return {
        "brokers": [{"user_id": EXAMPLE_USER_ID, "broker_id": EXAMPLE_BROKER_ID,
                     "name": fake.company(), "email": fake.company_email()}],
        "api_keys": [{"key": f"sim-broker-key-{EXAMPLE_USER_ID}", "role": "broker",
                      "user_id": EXAMPLE_USER_ID}],
        "events": [{"id": EXAMPLE_EVENT_ID, "name": "Generic Event Spectacular",
                    "venue_name": "Awesome Venue", "venue_city": "Chicago",
                    "event_date": iso(event_date)}],
        "listings": [{"listing_id": EXAMPLE_LISTING_ID, "user_id": EXAMPLE_USER_ID,
                      "event_id": EXAMPLE_EVENT_ID, "section": EXAMPLE_SECTION,
                      "price": EXAMPLE_PRICE, "seats": {EXAMPLE_ROW: list(EXAMPLE_SEATS)}}],
        "orders": [{
            "marketplace_id": EXAMPLE_MARKETPLACE_ID, "order_id": EXAMPLE_ORDER_ID,
            "user_id": EXAMPLE_USER_ID, "status": "Confirmed", "order_date": iso(order_date),
            "in_hand_date": _in_hand(order_date, event_date), "delivery_method": "PDF",
            "event_name": "Generic Event Spectacular", "venue_name": "Awesome Venue",
            "event_date": iso(event_date), "section": EXAMPLE_SECTION,
            "seats": [{"row": EXAMPLE_ROW, "seat": seat} for seat in EXAMPLE_ORDER_SEATS],
            "payout": {"price": EXAMPLE_PRICE * len(EXAMPLE_ORDER_SEATS), "currency": "USD"},
            "buyer": {"first_name": fake.first_name(), "last_name": fake.last_name(),
                      "email": fake.email()},
            "marketplace_listing_id": marketplace_listing_id, "listing_id": EXAMPLE_LISTING_ID,
        }],
    }


def _order_row(order: dict[str, Any]) -> dict[str, Any]:
    payout = order.get("payout") or {}
    return {
        "marketplace_id": int(order["marketplace_id"]), "order_id": str(order["order_id"]),
        "user_id": int(order["user_id"]), "fixed_status": order.get("status", "Pending"),
        "order_date": when(order["order_date"]), "in_hand_date": order["in_hand_date"],
        "delivery_method": order["delivery_method"], "predelivered": False,
        "event_name": order.get("event_name"), "venue_name": order.get("venue_name"),
        "event_date": when(order["event_date"]) if order.get("event_date") else None,
        "section": order.get("section"), "seats": order.get("seats", []),
        "payout_price": payout.get("price"), "payout_currency": payout.get("currency", "USD"),
        "buyer": order.get("buyer"), "listing_id": order.get("listing_id"),
        "marketplace_listing_id": order.get("marketplace_listing_id"), "invoice_id": None,
    }


def _sold_claim(order: dict[str, Any], seat: dict[str, str]) -> dict[str, Any]:
    """Seats of fixture orders are sold: nobody may hold them again."""
    return {"listing_id": str(order["listing_id"]), "row": str(seat["row"]),
            "seat": str(seat["seat"]), "marketplace_id": int(order["marketplace_id"]),
            "order_id": str(order["order_id"]), "kind": "SOLD", "expires_at": None}


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert listings, orders, and the sold seat claims of those orders."""
    return insert_rows(conn, document, {
        "listings": (listings, lambda d: [
            {"listing_id": str(item["listing_id"]), "user_id": int(item["user_id"]),
             "event_id": int(item["event_id"]), "section": str(item["section"]),
             "price": float(item["price"]), "seats": dict(item["seats"])}
            for item in d.get("listings", [])]),
        "orders": (orders, lambda d: [_order_row(o) for o in d.get("orders", [])]),
        "seat_claims": (seat_claims, lambda d: [
            _sold_claim(o, s) for o in d.get("orders", [])
            if o.get("listing_id") for s in o.get("seats", []) if s.get("seat")]),
    })

"""The broadcast fixture sections: where each listing is live, and the documented examples.

``broadcasts`` lists, per POS listing, the marketplaces it is live on (a
deterministic subset of the 14 documented ones, the large marketplaces more
often, always including those its fixture orders were sold on, under the
orders' marketplace listing ids). A document without the section (a
hand-written one) broadcasts every listing to every marketplace it names.

``documented_examples`` holds the entities the documentation's own requests
name: 1Ticket user 9147 (key ``sim-broker-key-9147``) and its listing
23140895 at Wrigley Field, live on StubHub, SeatGeek, Vivid and
TicketNetwork but not on Gametime, so the shsyncx and mpdeleter examples
answer as documented; and what the sales examples name (see
:func:`simulator.services.sales.fixtures.documented_examples`: broker "Broker
indentifier", listing "POS Listing ID", StubHub order 98765), that listing
live on the same four marketplaces. It is loaded by the platform's and the
sales service's own loaders, into their tables.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows
from simulator.services.broadcast.domain import CopyStatus, ten_digits
from simulator.services.broadcast.tables import listing_copies
from simulator.services.platform import fixtures as platform_fixtures
from simulator.services.platform.marketplaces import DOCUMENTED_MARKETPLACES
from simulator.services.sales import fixtures as sales_fixtures

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

SECTIONS = ("broadcasts", "documented_examples")

EXAMPLE_USER_ID = 9147
EXAMPLE_LISTING_ID = "23140895"
EXAMPLE_EVENT_ID = 20_180_823
#: The example listing's marketplaces: the mpdeleter example finds it on SeatGeek and
#: Vivid but not on Gametime; shsyncx v2 needs it on StubHub.
EXAMPLE_MARKETPLACES = (1, 2, 4, 41)

#: How likely a broker lists on each marketplace (documented id -> share of listings).
REACH: dict[int, float] = {1: 0.92, 4: 0.9, 41: 0.8, 2: 0.75, 9: 0.7, 25: 0.55, 16: 0.55,
                           12: 0.45, 3: 0.35, 15: 0.3, 20: 0.25, 27: 0.25, 52: 0.2, 55: 0.2}


def marketplace_listing_id(listing_id: str, marketplace_id: int) -> str:
    """The fixtures' 10-digit id of a listing on a marketplace (stable, no randomness)."""
    return ten_digits(hashlib.sha256(f"{listing_id}:{marketplace_id}".encode()).hexdigest())


def _examples(ctx: FixtureContext) -> dict[str, Any]:
    """The shsyncx/mpdeleter example entities, then the sales examples' ones."""
    own = _broadcast_examples(ctx)
    sales = sales_fixtures.documented_examples(ctx, marketplace_listing_id(
        sales_fixtures.EXAMPLE_LISTING_ID, sales_fixtures.EXAMPLE_MARKETPLACE_ID))
    return {name: [*own.get(name, []), *sales.get(name, [])]
            for name in dict.fromkeys([*own, *sales])}


def _broadcast_examples(ctx: FixtureContext) -> dict[str, Any]:
    known_users = {broker["user_id"] for broker in ctx.document.get("brokers", [])}
    brokers = [] if EXAMPLE_USER_ID in known_users else [{
        "user_id": EXAMPLE_USER_ID, "broker_id": f"BRK{EXAMPLE_USER_ID}",
        "name": ctx.fake.company(), "email": ctx.fake.company_email()}]
    keys = [{"key": f"sim-broker-key-{EXAMPLE_USER_ID}", "role": "broker",
             "user_id": EXAMPLE_USER_ID}] if brokers else []
    return {
        "brokers": brokers, "api_keys": keys,
        "events": [{"id": EXAMPLE_EVENT_ID, "name": "EventName", "venue_name": "Wrigley Field",
                    "venue_city": "Chicago", "event_date": "2018-08-24T00:05:00+00:00"}],
        "listings": [{"listing_id": EXAMPLE_LISTING_ID, "user_id": EXAMPLE_USER_ID,
                      "event_id": EXAMPLE_EVENT_ID, "section": "127", "price": 129.0,
                      "seats": {"10": ["105", "106", "107", "108"]}}],
    }


def generate(ctx: FixtureContext) -> dict[str, Any]:
    """The example entities, and every listing's marketplaces."""
    examples = _examples(ctx)
    sold_on: dict[str, dict[int, str]] = {}
    for order in ctx.document.get("orders", []):
        sold_on.setdefault(str(order["listing_id"]), {})[int(order["marketplace_id"])] = str(
            order["marketplace_listing_id"])
    present = {mp_id for _name, mp_id in DOCUMENTED_MARKETPLACES}
    broadcasts = []
    for listing in ctx.document.get("listings", []):
        listing_id = str(listing["listing_id"])
        orders = sold_on.get(listing_id, {})
        chosen = sorted({mp for mp in REACH if mp in present and ctx.rng.random() < REACH[mp]}
                        | set(orders))
        entry: dict[str, Any] = {"listing_id": listing_id, "marketplaces": chosen}
        if orders:
            entry["marketplace_listing_ids"] = {str(mp): ids for mp, ids in orders.items()}
        broadcasts.append(entry)
    broadcasts += [{"listing_id": listing_id, "marketplaces": list(EXAMPLE_MARKETPLACES)}
                   for listing_id in (EXAMPLE_LISTING_ID, sales_fixtures.EXAMPLE_LISTING_ID)]
    return {"documented_examples": examples, "broadcasts": broadcasts}


def _copies(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One LIVE copy per (listing, marketplace) the document broadcasts."""
    examples = document.get("documented_examples") or {}
    listing_rows = [*document.get("listings", []), *examples.get("listings", [])]
    prices = {str(item["listing_id"]): float(item["price"]) for item in listing_rows}
    known = {int(m["id"]) for m in document.get("marketplaces", [])}
    if "broadcasts" in document:
        entries = document["broadcasts"]
    else:
        entries = [{"listing_id": listing_id, "marketplaces": sorted(known)}
                   for listing_id in prices]
    rows = []
    for entry in entries:
        listing_id = str(entry["listing_id"])
        given = {int(mp): str(ids) for mp, ids in entry.get("marketplace_listing_ids", {}).items()}
        for mp in entry["marketplaces"]:
            if int(mp) not in known or listing_id not in prices:
                raise ValueError(f"listing {listing_id} on marketplace {mp}: unknown listing "
                                 "or marketplace")
            rows.append({"listing_id": listing_id, "marketplace_id": int(mp),
                         "status": CopyStatus.LIVE, "price": prices[listing_id],
                         "marketplace_listing_id": given.get(int(mp)) or marketplace_listing_id(
                             listing_id, int(mp)),
                         "currency": "USD", "delete_fails": False, "details": None})
    return rows


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert the documented examples (through their owners' loaders), then the copies."""
    counts: dict[str, int] = {}
    examples = document.get("documented_examples")
    if examples:
        for loader in (platform_fixtures.load, sales_fixtures.load):
            for name, count in loader(conn, examples).items():
                if count:
                    counts[f"documented_examples.{name}"] = count
    counts.update(insert_rows(conn, document, {"broadcasts": (listing_copies, _copies)}))
    return counts

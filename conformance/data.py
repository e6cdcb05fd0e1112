"""Known-good data of a target: listings, orders and marketplaces that exist there.

Random inputs almost never name a listing that exists, so without known data
the suite would only ever see 404s. For the simulator the data come from its
default fixtures (which the specs' examples also use); for a real deployment
a team passes ``--data FILE`` (a JSON document in the shape of
:meth:`KnownData.to_json`), or runs without it and gets mostly error paths.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["KnownData", "KnownListing", "KnownOrder", "simulator_defaults"]


@dataclass(frozen=True, slots=True)
class KnownListing:
    """A listing the broker key's user owns, with its free seats per row."""

    listing_id: str
    broker: str
    section: str
    seats: dict[str, tuple[str, ...]]
    #: Marketplaces the listing is live on (empty: unknown, assume every one).
    marketplaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KnownOrder:
    """An order of the broker key's user on a marketplace."""

    marketplace: str
    order_id: str
    seats: tuple[str, ...]
    marketplace_id: int | None = None


@dataclass(frozen=True, slots=True)
class KnownData:
    """What the suite may rely on existing at the target."""

    user_id: int | None = None
    marketplace: str = "Stubhub"
    other_marketplace: str = "Vivid"
    marketplaces: tuple[str, ...] = ()
    listings: tuple[KnownListing, ...] = ()
    orders: tuple[KnownOrder, ...] = ()
    #: Keys valid for one marketplace only (name -> key), to test per-marketplace refusal.
    marketplace_keys: dict[str, str] = field(default_factory=dict)

    @property
    def has_listings(self) -> bool:
        return bool(self.listings)

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> KnownData:
        listings = tuple(
            KnownListing(str(item["listing_id"]), str(item["broker"]), str(item["section"]),
                         {str(row): tuple(str(s) for s in seats)
                          for row, seats in item["seats"].items()},
                         tuple(item.get("marketplaces", ())))
            for item in document.get("listings", ()))
        orders = tuple(
            KnownOrder(str(item["marketplace"]), str(item["order_id"]),
                       tuple(str(s) for s in item.get("seats", ())), item.get("marketplace_id"))
            for item in document.get("orders", ()))
        marketplace = str(document.get("marketplace", "Stubhub"))
        return cls(
            user_id=document.get("user_id"), marketplace=marketplace,
            other_marketplace=str(document.get("other_marketplace", marketplace)),
            marketplaces=tuple(document.get("marketplaces", (marketplace,))),
            listings=listings, orders=orders,
            marketplace_keys=dict(document.get("marketplace_keys", {})),
        )

    @classmethod
    def read(cls, path: Path) -> KnownData:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id, "marketplace": self.marketplace,
            "other_marketplace": self.other_marketplace, "marketplaces": list(self.marketplaces),
            "listings": [{"listing_id": item.listing_id, "broker": item.broker,
                          "section": item.section,
                          "seats": {row: list(seats) for row, seats in item.seats.items()},
                          "marketplaces": list(item.marketplaces)}
                         for item in self.listings],
            "orders": [{"marketplace": item.marketplace, "order_id": item.order_id,
                        "seats": list(item.seats), "marketplace_id": item.marketplace_id}
                       for item in self.orders],
            "marketplace_keys": dict(self.marketplace_keys),
        }


def simulator_defaults() -> KnownData:
    """Known data of a simulator serving its default fixtures (user 8060's listings)."""
    from simulator import fixturegen

    # The committed sections this reads (platform, sales, broadcast) as they are: no
    # service's fixtures module (nor the store) is imported against a --base-url.
    document = fixturegen.load_default(complete=False)
    user_id = fixturegen.DEFAULT_BROKER_USER_ID
    names = {item["id"]: item["name"] for item in document["marketplaces"]}
    brokers = {item["user_id"]: item["broker_id"] for item in document["brokers"]}
    sold: dict[str, set[tuple[str, str]]] = {}
    orders = []
    for order in document["orders"]:
        seats = [(s["row"], s["seat"]) for s in order["seats"]]
        sold.setdefault(order["listing_id"], set()).update(seats)
        if order["user_id"] == user_id:
            orders.append(KnownOrder(names[order["marketplace_id"]], order["order_id"],
                                     tuple(seat for _, seat in seats), order["marketplace_id"]))
    # Where each listing is live (broadcast fixtures); the scenarios hold on both
    # the main and the other marketplace, so only listings live on both are known.
    live_on = {entry["listing_id"]: tuple(names[mp] for mp in entry["marketplaces"])
               for entry in document.get("broadcasts", ())}
    main, other = "Stubhub", "Vivid"
    listings = []
    for item in document["listings"]:
        rows = {row: tuple(s for s in seats if (row, s) not in sold.get(item["listing_id"], ()))
                for row, seats in item["seats"].items() if row != "GA"}
        rows = {row: seats for row, seats in rows.items() if len(seats) >= 2}
        markets = live_on.get(item["listing_id"], tuple(names.values()))
        if item["user_id"] == user_id and rows and {main, other} <= set(markets):
            listings.append(KnownListing(item["listing_id"], brokers[user_id], item["section"],
                                         rows, markets))
    keys = {names[item["marketplace_id"]]: item["key"] for item in document["api_keys"]
            if item["role"] == "marketplace" and item.get("marketplace_id") in names}
    return KnownData(
        user_id=user_id, marketplace=main, other_marketplace=other,
        marketplaces=tuple(names.values()), listings=tuple(listings), orders=tuple(orders),
        marketplace_keys=keys,
    )

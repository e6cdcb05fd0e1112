"""Deterministic fixture documents: who exists in the simulated platform.

A fixtures document is plain JSON (see ``fixtures/default.json``) with the
sections ``marketplaces``, ``brokers``, ``api_keys``, ``events``,
``listings`` and ``orders``. The same seed always gives the same document,
so a test can name a listing or an order it knows will be there.

Generation is fast enough for load tests: names come from pools drawn once
from Faker, and every row from a seeded ``random.Random``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from faker import Faker

from simulator.domain.marketplaces import DOCUMENTED_MARKETPLACES

#: Keys every default document carries, printed by ``ticketsim serve``.
DEFAULT_BROKER_KEY = "sim-broker-key"
DEFAULT_MARKETPLACE_KEY = "sim-marketplace-key"
DEFAULT_BROKER_USER_ID = 8060

TEAMS = (
    "Atlanta Braves", "New York Mets", "Chicago Cubs", "San Francisco Giants",
    "Arizona Diamondbacks", "Chicago White Sox", "Boston Red Sox", "New York Yankees",
    "Los Angeles Dodgers", "Seattle Mariners", "Houston Astros", "Texas Rangers",
)
VENUES = (
    ("Truist Park", "Atlanta"), ("Wrigley Field", "Chicago"), ("Oracle Park", "San Francisco"),
    ("Scottsdale Stadium", "Scottsdale"), ("Fenway Park", "Boston"), ("Citi Field", "New York"),
    ("Madison Square Garden", "New York"), ("Crypto.com Arena", "Los Angeles"),
)
ROW_NAMES = tuple("ABCDEFGHJKLMN") + tuple(str(n) for n in range(1, 31))
ORDER_STATUSES = ("Pending", "Confirmed", "Shipped", "Completed")
DELIVERY_OPTIONS = ("PDF", "BARCODE", "FLASH", "HARD", "MOBILE", "MOBILE_TRANSFER")
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # fixture orders are placed after this
EVENT_EPOCH = datetime(2027, 1, 1, tzinfo=UTC)  # fixture events take place after this


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _events(rng: random.Random, count: int) -> list[dict[str, Any]]:
    events = []
    for event_id in range(655_000, 655_000 + count):
        home, away = rng.sample(TEAMS, 2)
        venue, city = rng.choice(VENUES)
        when = EVENT_EPOCH + timedelta(days=rng.randint(0, 365), hours=rng.choice((13, 19, 20)))
        events.append({
            "id": event_id, "name": f"{away} at {home}", "venue_name": venue,
            "venue_city": city, "event_date": _iso(when),
        })
    return events


def _listing(rng: random.Random, index: int, user_id: int, event_id: int) -> dict[str, Any]:
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


def _orders(
    rng: random.Random, fake: Faker, listings: list[dict[str, Any]],
    events: dict[int, dict[str, Any]], count: int,
) -> list[dict[str, Any]]:
    """Orders placed on marketplaces outside the sales API (known only to fixtures)."""
    orders = []
    numbered = [item for item in listings if "GA" not in item["seats"]]
    for n in range(min(count, len(numbered))):
        listing = numbered[n]
        event = events[listing["event_id"]]
        row, seats = next(iter(listing["seats"].items()))
        taken = seats[: rng.randint(1, len(seats))]
        name, mp_id = DOCUMENTED_MARKETPLACES[n % len(DOCUMENTED_MARKETPLACES)]
        order_date = EPOCH + timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 1440))
        orders.append({
            "marketplace_id": mp_id, "order_id": f"FX-{name[:3].upper()}-{100000 + n}",
            "user_id": listing["user_id"], "status": ORDER_STATUSES[n % len(ORDER_STATUSES)],
            "order_date": _iso(order_date),
            "in_hand_date": (order_date + timedelta(days=5)).date().isoformat(),
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
    return orders


def generate(
    seed: int = 1, listings: int = 200, brokers: int = 5, orders: int = 28,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Build a whole fixtures document from ``seed``."""
    return {"seed": seed, **dict(_sections(seed, listings, brokers, orders, progress))}


def _sections(
    seed: int, listing_count: int, broker_count: int, order_count: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[tuple[str, Any]]:
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    yield "marketplaces", [{"id": mp_id, "name": name} for name, mp_id in DOCUMENTED_MARKETPLACES]
    broker_rows: list[dict[str, Any]] = []
    for n in range(max(1, broker_count)):
        user_id = DEFAULT_BROKER_USER_ID if n == 0 else 9100 + n
        broker_rows.append({"user_id": user_id, "broker_id": f"BRK{user_id}",
                            "name": fake.company(), "email": fake.company_email()})
    yield "brokers", broker_rows
    keys: list[dict[str, Any]] = [
        {"key": DEFAULT_BROKER_KEY, "role": "broker", "user_id": DEFAULT_BROKER_USER_ID},
        {"key": DEFAULT_MARKETPLACE_KEY, "role": "marketplace", "marketplace_id": None},
    ]
    keys += [{"key": f"sim-broker-key-{b['user_id']}", "role": "broker", "user_id": b["user_id"]}
             for b in broker_rows[1:]]
    keys += [{"key": f"sim-mp-key-{name.lower()}", "role": "marketplace", "marketplace_id": mp}
             for name, mp in DOCUMENTED_MARKETPLACES]
    yield "api_keys", keys
    events = _events(rng, max(1, min(2000, listing_count // 5)))
    yield "events", events
    listing_rows = []
    step = max(1, listing_count // 20)
    for index in range(listing_count):
        owner = broker_rows[index % len(broker_rows)]["user_id"]
        listing_rows.append(_listing(rng, index, owner, events[index % len(events)]["id"]))
        if progress and (index + 1) % step == 0:
            progress(index + 1, listing_count)
    yield "listings", listing_rows
    by_id = {event["id"]: event for event in events}
    yield "orders", _orders(rng, fake, listing_rows, by_id, min(order_count, listing_count))


def write(document: dict[str, Any], out: Path) -> None:
    """Write a document as JSON (one listing per line keeps large files diffable)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def default_path() -> Path:
    """``fixtures/default.json`` beside the ``simulator`` package."""
    return Path(__file__).resolve().parent.parent / "fixtures" / "default.json"


def read(path: Path) -> dict[str, Any]:
    """Read a fixtures document from a JSON file."""
    loaded: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return loaded


def load_default() -> dict[str, Any]:
    """The default document: the committed file, or the seed-1 document if absent."""
    path = default_path()
    return read(path) if path.is_file() else generate()

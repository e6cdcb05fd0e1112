"""The platform's fixture sections: marketplaces, brokers, API keys and events.

Every default document carries the keys ``serve`` prints. Events are MLB
games at the home team's own park (the documentation's examples are spring
games at Scottsdale Stadium, which the default document adds by name).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows, iso, when
from simulator.services.platform.keys import (
    DEFAULT_BROKER_KEY,
    DEFAULT_BROKER_USER_ID,
    DEFAULT_MARKETPLACE_KEY,
)
from simulator.services.platform.marketplaces import DOCUMENTED_MARKETPLACES
from simulator.services.platform.tables import api_keys, brokers, events, marketplaces

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

SECTIONS = ("marketplaces", "brokers", "api_keys", "events")

#: Team -> (home park, city): a team's home games are played at its own park.
TEAMS: dict[str, tuple[str, str]] = {
    "Atlanta Braves": ("Truist Park", "Atlanta"),
    "New York Mets": ("Citi Field", "New York"),
    "Chicago Cubs": ("Wrigley Field", "Chicago"),
    "San Francisco Giants": ("Oracle Park", "San Francisco"),
    "Arizona Diamondbacks": ("Chase Field", "Phoenix"),
    "Chicago White Sox": ("Rate Field", "Chicago"),
    "Boston Red Sox": ("Fenway Park", "Boston"),
    "New York Yankees": ("Yankee Stadium", "New York"),
    "Los Angeles Dodgers": ("Dodger Stadium", "Los Angeles"),
    "Seattle Mariners": ("T-Mobile Park", "Seattle"),
    "Houston Astros": ("Daikin Park", "Houston"),
    "Texas Rangers": ("Globe Life Field", "Arlington"),
}
EVENT_EPOCH = datetime(2027, 1, 1, tzinfo=UTC)  # fixture events take place after this



def _events(ctx: FixtureContext, count: int) -> list[dict[str, Any]]:
    rng = ctx.rng
    teams = tuple(TEAMS)
    found = []
    for event_id in range(655_000, 655_000 + count):
        home, away = rng.sample(teams, 2)
        venue, city = TEAMS[home]
        when_ = EVENT_EPOCH + timedelta(days=rng.randint(0, 365), hours=rng.choice((13, 19, 20)))
        found.append({"id": event_id, "name": f"{away} at {home}", "venue_name": venue,
                      "venue_city": city, "event_date": iso(when_)})
    return found


def generate(ctx: FixtureContext) -> dict[str, Any]:
    """Marketplaces (the documented table), brokers and their keys, and events."""
    broker_rows: list[dict[str, Any]] = []
    for n in range(max(1, ctx.size("brokers", 5))):
        user_id = DEFAULT_BROKER_USER_ID if n == 0 else 9100 + n
        broker_rows.append({"user_id": user_id, "broker_id": f"BRK{user_id}",
                            "name": ctx.fake.company(), "email": ctx.fake.company_email()})
    keys: list[dict[str, Any]] = [
        {"key": DEFAULT_BROKER_KEY, "role": "broker", "user_id": DEFAULT_BROKER_USER_ID},
        {"key": DEFAULT_MARKETPLACE_KEY, "role": "marketplace", "marketplace_id": None},
    ]
    keys += [{"key": f"sim-broker-key-{b['user_id']}", "role": "broker", "user_id": b["user_id"]}
             for b in broker_rows[1:]]
    keys += [{"key": f"sim-mp-key-{name.lower()}", "role": "marketplace", "marketplace_id": mp}
             for name, mp in DOCUMENTED_MARKETPLACES]
    return {
        "marketplaces": [{"id": mp_id, "name": name} for name, mp_id in DOCUMENTED_MARKETPLACES],
        "brokers": broker_rows,
        "api_keys": keys,
        "events": _events(ctx, max(1, min(2000, ctx.size("listings", 200) // 5))),
    }


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert the platform's sections of ``document``."""
    return insert_rows(conn, document, {
        "marketplaces": (marketplaces, lambda d: [
            {"id": int(m["id"]), "name": str(m["name"]), "callback_url": m.get("callback_url")}
            for m in d.get("marketplaces", [])]),
        "brokers": (brokers, lambda d: [
            {"user_id": int(b["user_id"]), "broker_id": str(b["broker_id"]),
             "name": b.get("name", ""), "email": b.get("email", "")}
            for b in d.get("brokers", [])]),
        "api_keys": (api_keys, lambda d: [
            {"key": str(k["key"]), "role": k["role"], "user_id": k.get("user_id"),
             "marketplace_id": k.get("marketplace_id"), "label": k.get("label", "")}
            for k in d.get("api_keys", [])]),
        "events": (events, lambda d: [
            {**e, "event_date": when(e["event_date"])} for e in d.get("events", [])]),
    })

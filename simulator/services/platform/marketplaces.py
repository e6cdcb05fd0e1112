"""The marketplaces 1Ticket supports, with their documented IDs.

Names are matched case-insensitively ("stubhub", "StubHub" and "Stubhub" are
one marketplace), as the documentation's own examples mix cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from simulator.core.errors import BadRequest
from simulator.services.platform.tables import marketplaces

#: The "Marketplaces supported" table of the sales documentation.
DOCUMENTED_MARKETPLACES: tuple[tuple[str, int], ...] = (
    ("Agora", 52),
    ("EventInventory", 3),
    ("FanXChange", 15),
    ("Gametime", 25),
    ("Goldstar", 55),
    ("Seatgeek", 41),
    ("SeatSmart", 27),
    ("Stubhub", 1),
    ("TicketEvolution", 9),
    ("TicketMonster", 20),
    ("TicketNetwork", 2),
    ("Tickpick", 16),
    ("Viagogo", 12),
    ("Vivid", 4),
)


@dataclass(frozen=True, slots=True)
class Marketplace:
    id: int
    name: str


def _all(conn: Connection) -> list[Marketplace]:
    rows = conn.execute(select(marketplaces.c.id, marketplaces.c.name)).all()
    return [Marketplace(row.id, row.name) for row in rows]


def by_name(conn: Connection, name: str) -> Marketplace:
    """The marketplace called ``name`` (any case), or a 400 that names it."""
    wanted = name.strip().casefold()
    for market in _all(conn):
        if market.name.casefold() == wanted:
            return market
    raise BadRequest(f"Unknown marketplace '{name}'. Supported: {_names(conn)}")


def by_id(conn: Connection, marketplace_id: int | str) -> Marketplace:
    """The marketplace with this documented ID, or a 400 that names it."""
    try:
        wanted = int(str(marketplace_id).strip())
    except ValueError:
        raise BadRequest(f"Unknown marketplace_id '{marketplace_id}'") from None
    for market in _all(conn):
        if market.id == wanted:
            return market
    raise BadRequest(f"Unknown marketplace_id '{marketplace_id}'. Supported: {_names(conn)}")


def _names(conn: Connection) -> str:
    return ", ".join(f"{m.name} ({m.id})" for m in sorted(_all(conn), key=lambda m: m.name))

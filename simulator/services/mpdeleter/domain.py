"""MPDeleter's rules: which marketplaces a delete reaches, and each one's answer.

The deleter knows the marketplaces of the documentation's example, in that
example's order, then the other documented marketplaces. TicketMonster,
Skybox, SeatSmart and FanXchange are not supported (the example's 500
results); every other one answers in its own wording. A delete reaches the
``marketplaces`` named, every known one when none is named, or every known
one *not* named with ``inverse``. Deletes are real: the listing stops being
live there (see :mod:`simulator.services.broadcast.domain`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from simulator.core.errors import BadRequest, Forbidden
from simulator.services.broadcast import domain as broadcast
from simulator.services.broadcast.domain import DeleteOutcome
from simulator.services.platform.auth import Principal, Role

#: The documented 400 body's message.
REQUIRED = "Invalid input: user_id and listing_id are required."


@dataclass(frozen=True, slots=True)
class Market:
    """A marketplace as the deleter names it; ``wording`` None: not supported."""

    name: str
    marketplace_id: int | None
    wording: str | None

    @property
    def supported(self) -> bool:
        return self.wording is not None and self.marketplace_id is not None


#: SeatGeek's and Vivid's wordings are documented; the others are the simulator's.
MARKETS: tuple[Market, ...] = (
    Market("TicketMonster", 20, None),
    Market("Skybox", None, None),
    Market("SeatSmart", 27, None),
    Market("FanXchange", 15, None),
    Market("Gametime", 25, "Listing deleted."),
    Market("SeatGeek", 41, "deleted"),
    Market("Vivid", 4, "Successfully deleted listing."),
    Market("StubHub", 1, "Listing successfully deleted."),
    Market("TicketNetwork", 2, "Ticket group deleted."),
    Market("TicketEvolution", 9, "Ticket group deleted"),
    Market("Tickpick", 16, "Listing removed"),
    Market("Viagogo", 12, "Listing deleted"),
    Market("EventInventory", 3, "Deleted"),
    Market("Agora", 52, "deleted"),
    Market("Goldstar", 55, "Offer removed"),
)
_BY_NAME = {market.name.casefold(): market for market in MARKETS}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, slots=True)
class DeleteRequest:
    user_id: int
    listing_id: str
    marketplaces: tuple[str, ...] = ()
    inverse: bool = False

    @classmethod
    def from_json(cls, body: Any) -> DeleteRequest:
        """The request of a JSON body; refuses missing ids with the documented message."""
        if not isinstance(body, dict) or _blank(body.get("user_id")) or _blank(
                body.get("listing_id")):
            raise BadRequest(REQUIRED)
        user = str(body["user_id"]).strip()
        if not user.isdigit():
            raise BadRequest(f"user_id '{user}' is not a 1Ticket user id (a number)")
        names = body.get("marketplaces") or []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise BadRequest("marketplaces must be a list of marketplace names")
        inverse = body.get("inverse")
        if inverse is not None and not isinstance(inverse, bool):
            raise BadRequest("inverse must be true or false")
        ordered: dict[str, str] = {}  # first spelling of each name, any case, in order
        for name in names:
            if name.strip():
                ordered.setdefault(name.strip().casefold(), name.strip())
        return cls(int(user), str(body["listing_id"]).strip(), tuple(ordered.values()),
                   bool(inverse))

    def targets(self) -> list[tuple[str, Market | None]]:
        """(name as answered, the deleter's marketplace or None if unknown), in order."""
        wanted = {name.casefold() for name in self.marketplaces}
        if self.inverse:
            return [(m.name, m) for m in MARKETS if m.name.casefold() not in wanted]
        if not self.marketplaces:
            return [(m.name, m) for m in MARKETS]
        found = [(name, _BY_NAME.get(name.casefold())) for name in self.marketplaces]
        return [(market.name if market else name, market) for name, market in found]


def check_caller(caller: Principal, request: DeleteRequest) -> None:
    """A broker key may delete its own user's listings only (documented 403 otherwise)."""
    if caller.role is not Role.BROKER or caller.user_id != request.user_id:
        raise Forbidden()


def _result(name: str, market: Market | None, outcome: DeleteOutcome | None
            ) -> dict[str, Any]:
    """One marketplace's answer, in the documented shapes (key order as documented)."""
    if market is None or outcome is None:
        message = f"Market place {name} not supported."
        return {"marketplace": name, "status": "fail", "message": message, "statusCode": 500,
                "detail": message}
    status, detail = {
        DeleteOutcome.DELETED: (200, market.wording),
        DeleteOutcome.NOT_FOUND: (404, "Not Found"),
        DeleteOutcome.FAILED: (500, "Internal Server Error"),
    }[outcome]
    return {"statusCode": status, "marketplaceid": str(market.marketplace_id),
            "status": "success" if status == 200 else "fail", "detail": detail,
            "marketplace": name}


def delete_listing(conn: Connection, now: datetime, request: DeleteRequest) -> dict[str, Any]:
    """Delete the user's listing from the chosen marketplaces; one result per marketplace."""
    broadcast.owned_listing(conn, request.listing_id, request.user_id)
    results = []
    for name, market in request.targets():
        outcome = None
        if market is not None and market.supported:
            assert market.marketplace_id is not None
            outcome = broadcast.delete_copy(conn, now, request.listing_id,
                                            market.marketplace_id)
        results.append(_result(name, market, outcome))
    return {"statusCode": 200, "results": results}

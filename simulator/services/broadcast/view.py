"""The control-plane view of a listing: per marketplace, live or not, id, price, seats.

Seats available on a marketplace are the listing's places that no order has
claimed: a hold on one marketplace takes its seats off all the others, its
release or expiry puts them back (the claim goes), an invoice removes them
for good (the claim becomes SOLD). A marketplace the listing is not live on
offers nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from simulator.core.errors import NotFound
from simulator.core.instants import zulu
from simulator.services.broadcast import domain
from simulator.services.broadcast.domain import CopyStatus
from simulator.services.broadcast.tables import listing_copies
from simulator.services.platform.tables import marketplaces
from simulator.services.sales.seats import ClaimKind
from simulator.services.sales.tables import listings, seat_claims


def free_places(conn: Connection, now: datetime, listing_id: str, seats: dict[str, list[str]]
                ) -> int:
    """Places of the listing no order holds (unexpired) or has bought."""
    claimed = conn.execute(select(func.count()).select_from(seat_claims).where(
        seat_claims.c.listing_id == listing_id,
        or_(seat_claims.c.kind == ClaimKind.SOLD, seat_claims.c.expires_at > now))).scalar()
    return sum(len(row) for row in seats.values()) - int(claimed or 0)


def listing_view(conn: Connection, now: datetime, listing_id: str) -> dict[str, Any]:
    """Where ``listing_id`` is broadcast and what each marketplace offers of it now."""
    listing = conn.execute(select(listings).where(listings.c.listing_id == listing_id)).first()
    if listing is None:
        raise NotFound(f"Listing '{listing_id}' not found")
    free = free_places(conn, now, listing_id, listing.seats)
    copies = conn.execute(
        select(listing_copies, marketplaces.c.name)
        .join_from(listing_copies, marketplaces,
                   listing_copies.c.marketplace_id == marketplaces.c.id)
        .where(listing_copies.c.listing_id == listing_id)
        .order_by(marketplaces.c.name)).all()
    return {
        "listing_id": listing.listing_id, "user_id": listing.user_id,
        "section": listing.section, "price": listing.price,
        "seats_total": sum(len(row) for row in listing.seats.values()),
        "seats_free": free,
        "marketplaces": [{
            "marketplace": copy.name, "marketplace_id": copy.marketplace_id,
            "live": copy.status == CopyStatus.LIVE,
            "marketplace_listing_id": copy.marketplace_listing_id,
            "price": copy.price, "currency": copy.currency,
            "seats_available": free if copy.status == CopyStatus.LIVE else 0,
            "delete_fails": copy.delete_fails, "synced": copy.details,
            "updated_at": zulu(copy.updated_at),
        } for copy in copies],
    }


def set_delete_failures(conn: Connection, now: datetime, listing_id: str,
                        marketplace_ids: set[int]) -> dict[str, Any]:
    """Make deletes of the listing fail on these marketplaces; the listing's view after."""
    domain.set_delete_failures(conn, now, listing_id, marketplace_ids)
    return listing_view(conn, now, listing_id)

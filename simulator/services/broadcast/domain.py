"""The broadcast model: each POS listing is live (or not) on each marketplace.

1Ticket broadcasts a broker's POS listings to marketplaces. A listing's copy
on a marketplace has that marketplace's listing id and price; its lifecycle
is a declared transition table::

    (none) → LIVE            broadcast by the fixtures, or listed by shsyncx v1
    LIVE → DELETED           mpdeleter
    DELETED → LIVE           listed again by shsyncx v1

The services that obey the model call in here: sales refuses a hold or an
invoice on a marketplace where the listing is not live (404) and takes the
held seats off every other marketplace (409 when a delete fails), mpdeleter
deletes copies, shsyncx updates or lists the StubHub copy. Which seats each
marketplace may sell follows from the seat claims (see :mod:`.view`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from simulator.core.errors import BadRequest, Conflict, NotFound
from simulator.core.ids import new_hex
from simulator.core.lifecycle import Lifecycle
from simulator.core.prepared import Prepared
from simulator.services.broadcast.tables import listing_copies
from simulator.services.platform.marketplaces import Marketplace
from simulator.services.platform.tables import marketplaces
from simulator.services.sales.tables import listings

__all__ = [
    "COPY",
    "CopyChange",
    "CopyStatus",
    "DeleteOutcome",
    "DelistFailed",
    "SyncResult",
    "delete_copy",
    "derived_listing_id",
    "owned_listing",
    "require_live",
    "set_delete_failures",
    "sync_copy",
    "take_off_other_marketplaces",
    "ten_digits",
]


class CopyStatus(StrEnum):
    LIVE = "LIVE"
    DELETED = "DELETED"


COPY: Lifecycle[CopyStatus] = Lifecycle(listing_copies, listing_copies.c.status, {
    None: {CopyStatus.LIVE},
    CopyStatus.LIVE: {CopyStatus.DELETED},
    CopyStatus.DELETED: {CopyStatus.LIVE},
}, noun="marketplace listing")


class DelistFailed(Conflict):
    """The documented 409 of a hold: the other marketplaces did not all delete."""

    default_message = "Listing could not be deleted from other marketplaces"


class DeleteOutcome(StrEnum):
    DELETED = "DELETED"
    NOT_FOUND = "NOT_FOUND"  # not live there (never listed, or already deleted)
    FAILED = "FAILED"  # the marketplace refused (control-plane fault rule)


def _copy(listing_id: str, marketplace_id: int) -> Any:
    return and_(listing_copies.c.listing_id == listing_id,
                listing_copies.c.marketplace_id == marketplace_id)


def copy_row(conn: Connection, listing_id: str, marketplace_id: int) -> Any:
    """The copy of ``listing_id`` on a marketplace (live or deleted), or None."""
    return conn.execute(select(listing_copies).where(_copy(listing_id, marketplace_id))).first()


def ten_digits(hex_digits: str) -> str:
    """A 10-digit marketplace listing id from hex digits (the shape StubHub ids have)."""
    return str(1_000_000_000 + int(hex_digits[:12], 16) % 9_000_000_000)


def derived_listing_id(conn: Connection) -> str:
    """A fresh marketplace listing id (deterministic: drawn from the id sequence)."""
    return ten_digits(new_hex(conn, 12, kind="marketplace-listing"))


def owned_listing(conn: Connection, listing_id: str, user_id: int) -> Any:
    """The POS listing ``listing_id`` of 1Ticket user ``user_id``; another user's is unknown."""
    row = conn.execute(select(listings).where(listings.c.listing_id == listing_id)).first()
    if row is None or row.user_id != user_id:
        raise NotFound(f"Listing '{listing_id}' not found for user {user_id}")
    return row


# Prepared once: every hold and invoice runs them (see simulator/core/prepared.py).
_STATUS = Prepared(select(listing_copies.c.status).where(
    listing_copies.c.listing_id == bindparam("listing_id"),
    listing_copies.c.marketplace_id == bindparam("marketplace_id")))
_REFUSING = Prepared(
    select(marketplaces.c.name)
    .join_from(listing_copies, marketplaces, listing_copies.c.marketplace_id == marketplaces.c.id)
    .where(listing_copies.c.listing_id == bindparam("listing_id"),
           listing_copies.c.marketplace_id != bindparam("marketplace_id"),
           listing_copies.c.status == CopyStatus.LIVE, listing_copies.c.delete_fails.is_(True))
    .order_by(marketplaces.c.name))


def require_live(conn: Connection, listing_id: str, marketplace: Marketplace) -> None:
    """Refuse (404, as documented for holds and invoices) a listing not live on ``marketplace``."""
    status = _STATUS.scalar(conn, {"listing_id": listing_id, "marketplace_id": marketplace.id})
    if status != CopyStatus.LIVE:
        raise NotFound(f"Requested listing '{listing_id}' could not be found on "
                       f"{marketplace.name}: it is not listed there")


def take_off_other_marketplaces(conn: Connection, listing_id: str,
                                marketplace: Marketplace) -> None:
    """Delist seats just held on ``marketplace`` everywhere else the listing is live.

    The seats leave the other marketplaces through the seat claims (see
    :mod:`.view`); what can fail is a marketplace refusing the delete (a
    control-plane fault rule), which fails the hold with the documented 409.
    """
    refusing = _REFUSING.scalars(conn, {"listing_id": listing_id,
                                        "marketplace_id": marketplace.id})
    if refusing:
        raise DelistFailed(f"Listing could not be deleted from other marketplaces: "
                           f"{', '.join(refusing)} did not confirm the delete")


def delete_copy(conn: Connection, now: datetime, listing_id: str,
                marketplace_id: int) -> DeleteOutcome:
    """Delete the listing from one marketplace (mpdeleter); deleting twice finds nothing."""
    row = copy_row(conn, listing_id, marketplace_id)
    if row is None or row.status != CopyStatus.LIVE:
        return DeleteOutcome.NOT_FOUND
    if row.delete_fails:
        return DeleteOutcome.FAILED
    moved = COPY.move_all(conn, _copy(listing_id, marketplace_id), CopyStatus.DELETED,
                          updated_at=now)
    return DeleteOutcome.DELETED if moved else DeleteOutcome.NOT_FOUND


@dataclass(frozen=True, slots=True)
class CopyChange:
    """What a sync asks of one marketplace copy.

    ``details`` (the full item of shsyncx v1) replaces the stored details;
    None keeps them (v2 changes the price only). ``may_list``: a listing not
    live there is listed (v1) instead of refused with 404 (v2).
    """

    price: float
    currency: str | None = None
    details: Mapping[str, Any] | None = None
    marketplace_listing_id: str | None = None
    may_list: bool = False


@dataclass(frozen=True, slots=True)
class SyncResult:
    action: str  # created | relisted | updated | unchanged
    marketplace_listing_id: str
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"old": before.get(name), "new": value} for name, value in after.items()
            if before.get(name) != value}


def sync_copy(conn: Connection, now: datetime, listing_id: str, marketplace: Marketplace,
              change: CopyChange) -> SyncResult:
    """Apply a sync to the listing's copy on ``marketplace``; report what changed."""
    if not math.isfinite(change.price) or change.price < 0:
        raise BadRequest(f"price must be a non-negative number, got {change.price}")
    row = copy_row(conn, listing_id, marketplace.id)
    wanted_id = change.marketplace_listing_id
    if row is not None and wanted_id is not None and wanted_id != row.marketplace_listing_id:
        raise BadRequest(f"sh_listing_id {wanted_id} is not the {marketplace.name} listing of "
                         f"ticket {listing_id} ({row.marketplace_listing_id})")
    live = row is not None and row.status == CopyStatus.LIVE
    if not live and not change.may_list:
        raise NotFound(f"Listing '{listing_id}' is not listed on {marketplace.name}")
    before: dict[str, Any] = {"price": row.price, "currency": row.currency,
                              **(row.details or {})} if live else {}
    values: dict[str, Any] = {"price": change.price,
                              "currency": change.currency or (row.currency if row else "USD")}
    details = dict(change.details) if change.details is not None else (
        dict(row.details or {}) if row is not None else None)
    after = {**values, **(change.details or {})}
    if row is None:
        listed_id = wanted_id or derived_listing_id(conn)
        conn.execute(listing_copies.insert().values(
            listing_id=listing_id, marketplace_id=marketplace.id,
            status=COPY.initial(CopyStatus.LIVE), marketplace_listing_id=listed_id,
            delete_fails=False, details=details, updated_at=now, **values))
        return SyncResult("created", listed_id, _diff({}, after))
    if not live:
        COPY.move(conn, _copy(listing_id, marketplace.id), CopyStatus.LIVE, details=details,
                  updated_at=now, **values)
        return SyncResult("relisted", row.marketplace_listing_id, _diff({}, after))
    changes = _diff(before, after)
    if changes:
        conn.execute(update(listing_copies).where(_copy(listing_id, marketplace.id))
                     .values(details=details, updated_at=now, **values))
    return SyncResult("updated" if changes else "unchanged", row.marketplace_listing_id,
                      changes)


def set_delete_failures(conn: Connection, now: datetime, listing_id: str,
                        marketplace_ids: set[int]) -> None:
    """Control plane: deletes of the listing fail on exactly these marketplaces."""
    if conn.execute(select(listings.c.listing_id)
                    .where(listings.c.listing_id == listing_id)).first() is None:
        raise NotFound(f"Listing '{listing_id}' not found")
    present = set(conn.execute(select(listing_copies.c.marketplace_id)
                               .where(listing_copies.c.listing_id == listing_id)).scalars())
    if marketplace_ids - present:
        raise BadRequest(f"Listing '{listing_id}' was never broadcast to marketplace ids "
                         f"{sorted(marketplace_ids - present)}")
    conn.execute(update(listing_copies).where(listing_copies.c.listing_id == listing_id)
                 .values(delete_fails=listing_copies.c.marketplace_id.in_(marketplace_ids),
                         updated_at=now))

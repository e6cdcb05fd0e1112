"""Where each POS listing is broadcast: one row per (listing, marketplace).

A row is the marketplace's copy of the listing: its own listing id and
price, and whether it is live there. Seats are not copied: which seats a
marketplace may sell is derived from the listing's seat claims (see
:mod:`simulator.services.broadcast.view`), so a hold, its release or expiry
and an invoice move every marketplace at once, in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Integer, String, Table

from simulator.core.store import metadata

listing_copies = Table(
    "listing_copies",
    metadata,
    Column("listing_id", String, primary_key=True),
    Column("marketplace_id", Integer, primary_key=True),
    Column("status", String, nullable=False),  # LIVE | DELETED (see domain.COPY)
    Column("marketplace_listing_id", String, nullable=False),
    Column("price", Float, nullable=False),
    Column("currency", String, nullable=False, default="USD"),
    # Control plane: deleting this copy fails (mpdeleter 500, hold elsewhere 409).
    Column("delete_fails", Boolean, nullable=False, default=False),
    Column("details", JSON, nullable=True),  # the item fields of the last StubHub sync
    Column("updated_at", DateTime, nullable=True),
)

__all__ = ["listing_copies"]

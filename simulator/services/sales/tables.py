"""The sales service's state: POS listings, seat claims, holds, orders, catalogue jobs.

Seat claims have the seat as primary key, so the database itself refuses a
second hold or sale of the same seat: the guarantee does not rest on
application locks alone.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from simulator.core.store import metadata

listings = Table(
    "listings",
    metadata,
    Column("listing_id", String, primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("event_id", Integer, nullable=False),
    Column("section", String, nullable=False),
    Column("price", Float, nullable=False),
    # {"row": ["seat", ...]}; a GA row lists its places as "" entries
    Column("seats", JSON, nullable=False),
)


seat_claims = Table(
    "seat_claims",
    metadata,
    Column("listing_id", String, primary_key=True),
    Column("row", String, primary_key=True),
    Column("seat", String, primary_key=True),  # GA places are numbered "GA-<n>"
    Column("marketplace_id", Integer, nullable=False),
    Column("order_id", String, nullable=False),
    Column("kind", String, nullable=False),  # HELD | SOLD
    Column("expires_at", DateTime, nullable=True, index=True),
)


holds = Table(
    "holds",
    metadata,
    Column("marketplace_id", Integer, primary_key=True),
    Column("order_id", String, primary_key=True),
    Column("listing_id", String, nullable=False),
    Column("broker", String, nullable=False),
    Column("section", String, nullable=False),
    Column("seats", JSON, nullable=False),  # [{"row":..., "seat":..., "place":...}]
    Column("hold_length", Integer, nullable=False),
    Column("status", String, nullable=False),  # HELD | RELEASED | EXPIRED | INVOICED
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Index("ix_holds_live", "status", "expires_at"),
    Column("predelivered", Boolean, nullable=True),
    Column("delivery_option", String, nullable=True),
    Column("in_hand_date", String, nullable=True),
)


orders = Table(
    "orders",
    metadata,
    Column("marketplace_id", Integer, primary_key=True),
    Column("order_id", String, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("invoice_id", Integer, nullable=True, unique=True),
    Column("listing_id", String, nullable=True),
    Column("fixed_status", String, nullable=True),  # fixtures: a status that never moves
    Column("order_date", DateTime, nullable=False),
    Column("in_hand_date", String, nullable=False),
    Column("delivery_method", String, nullable=False),
    Column("predelivered", Boolean, nullable=False, default=False),
    Column("event_name", String, nullable=True),
    Column("venue_name", String, nullable=True),
    Column("event_date", DateTime, nullable=True),
    Column("section", String, nullable=True),
    Column("seats", JSON, nullable=False),  # [{"row":..., "seat":...}]
    Column("payout_price", Float, nullable=True),
    Column("payout_currency", String, nullable=True),
    Column("buyer", JSON, nullable=True),  # {"first_name", "last_name", "email"}
    Column("marketplace_listing_id", String, nullable=True),
)


catalogue_jobs = Table(
    "catalogue_jobs",
    metadata,
    Column("job_id", String, primary_key=True),
    Column("user_id", String, nullable=False),
    Column("order_id", String, nullable=False),
    Column("marketplace_id", Integer, nullable=False),
    Column("invoice_id", String, nullable=False),
    Column("seats", JSON, nullable=False),
    Column("listing_id", String, nullable=True),
    Column("recipient_info", JSON, nullable=True),
    Column("delivery_method", String, nullable=True),
    Column("fulfill_now", Boolean, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("marketplace_id", "order_id", "invoice_id", name="uq_catalogue_sale"),
)

__all__ = ['catalogue_jobs', 'holds', 'listings', 'orders', 'seat_claims']

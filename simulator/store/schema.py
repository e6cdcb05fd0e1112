"""Tables of the simulator's state.

One ``MetaData`` for every service. Seat claims have the seat as primary key,
so the database itself refuses a second hold or sale of the same seat: the
guarantee does not rest on application locks alone.
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
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", JSON, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key", String, primary_key=True),
    Column("role", String, nullable=False),  # broker | marketplace
    Column("user_id", Integer, nullable=True),  # broker keys: the 1Ticket user
    Column("marketplace_id", Integer, nullable=True),  # marketplace keys; NULL = every one
    Column("label", String, nullable=False, default=""),
)

marketplaces = Table(
    "marketplaces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
    Column("callback_url", String, nullable=True),
)

brokers = Table(
    "brokers",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("broker_id", String, nullable=False, unique=True),
    Column("name", String, nullable=False),
    Column("email", String, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("venue_name", String, nullable=False),
    Column("venue_city", String, nullable=False),
    Column("event_date", DateTime, nullable=False),
)

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

files = Table(
    "files",
    metadata,
    Column("file_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("content_type", String, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # results of the splitter and merger: served only through a presigned URL
    Column("signed_only", Boolean, nullable=False, default=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String, primary_key=True),
    Column("kind", String, nullable=False),  # decoder | splitter | merger
    Column("status", String, nullable=False),  # RUNNING | SUCCEEDED | FAILED
    Column("request", JSON, nullable=False),
    Column("result", JSON, nullable=True),
    Column("error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
)

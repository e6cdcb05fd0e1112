"""The post-sale engine's state: registrations, each sale's post-sale life, deliveries.

Deliveries (and their attempts) are rows, so a pending or scheduled call
survives a restart (also ``kill -9``: SQLite WAL) and a delivery recorded
SUCCEEDED is never sent again.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Table

from simulator.core.store import metadata

callback_targets = Table(
    "callback_targets",
    metadata,
    Column("marketplace_id", Integer, primary_key=True),
    Column("base_url", String, nullable=False),
    Column("secret", String, nullable=False),
    Column("paths", JSON, nullable=False),  # {"confirm": "/orders/{order_id}/confirm", ...}
)

broker_webhooks = Table(
    "broker_webhooks",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("url", String, nullable=False),
    Column("secret", String, nullable=False),
)

postsales = Table(
    "postsales",
    metadata,
    Column("marketplace_id", Integer, primary_key=True),
    Column("order_id", String, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("invoice_id", Integer, nullable=False),
    Column("delivery", String, nullable=False),
    Column("status", String, nullable=False),
    Column("order_status", String, nullable=False),  # the documented status get_order shows
    Column("next_step_at", DateTime, nullable=True, index=True),
    Column("transfer_id", Integer, nullable=True, index=True),
    Column("reason", String, nullable=True),
    Column("durations", JSON, nullable=False),  # the delays in force at the invoice
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),  # creation order
    Column("kind", String, nullable=False),
    Column("marketplace", String, nullable=True),
    Column("user_id", Integer, nullable=True),
    Column("order_id", String, nullable=True),
    Column("invoice_id", Integer, nullable=True),
    Column("method", String, nullable=False),
    Column("url", String, nullable=False),
    Column("secret", String, nullable=False),
    Column("body", JSON, nullable=True),
    Column("expect", JSON, nullable=True),  # what the answer is checked against
    Column("status", String, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("findings", JSON, nullable=False),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("delivery_id", String, primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("request_headers", JSON, nullable=False),
    Column("status", Integer, nullable=True),
    Column("body_excerpt", String, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("error", String, nullable=True),
)

__all__ = ["broker_webhooks", "callback_targets", "deliveries", "delivery_attempts",
           "postsales"]

seller_webhooks = Table(
    "seller_webhooks",
    metadata,
    Column("seller_id", String, primary_key=True),
    Column("url", String, nullable=False),
    Column("secret", String, nullable=False),
)
__all__ += ["seller_webhooks"]

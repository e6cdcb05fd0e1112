"""Who exists on the platform: API keys, marketplaces, brokers (1Ticket users), events.

Every service reads these; the platform section of the fixtures fills them.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
)

from simulator.core.store import metadata

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

__all__ = ['api_keys', 'brokers', 'events', 'marketplaces']

"""The ticket-transfer service's state: sellers, their events, customers, tickets,
transfers, the open claims on tickets, and the vivenu-style event rows.

An open (CREATED) transfer claims each of its tickets in ``tt_claims`` whose
primary key is (ticket, scope): the database itself refuses a second open
transfer of the same ticket (scope ``""``) or of the same season child event.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table

from simulator.core.store import metadata

tt_sellers = Table(
    "tt_sellers", metadata,
    Column("seller_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("api_key", String, nullable=False, unique=True),
)

tt_events = Table(
    "tt_events", metadata,
    Column("event_id", String, primary_key=True),
    Column("seller_id", String, nullable=False),
    Column("name", String, nullable=False),
    # a child event of a season (or of an event group) names its parent here
    Column("group_event_id", String, nullable=True, index=True),
    Column("start", DateTime, nullable=True),
)

tt_customers = Table(
    "tt_customers", metadata,
    Column("customer_id", String, primary_key=True),
    Column("seller_id", String, nullable=False),
    Column("email", String, nullable=False, index=True),
    Column("prename", String, nullable=False),
    Column("lastname", String, nullable=False),
    Column("phone", String, nullable=True),
)

tt_ticket_types = Table(
    "tt_ticket_types", metadata,
    Column("ticket_type_id", String, primary_key=True),
    Column("seller_id", String, nullable=False),
    Column("name", String, nullable=False),
    # transferSettings.expiresAfter: NULL offset = transfers never expire
    Column("expires_offset", Integer, nullable=True),
    Column("expires_unit", String, nullable=True),
)

tt_tickets = Table(
    "tt_tickets", metadata,
    Column("ticket_id", String, primary_key=True),
    Column("secret", String, nullable=False),
    Column("seller_id", String, nullable=False),
    Column("event_id", String, nullable=False),
    Column("ticket_type_id", String, nullable=False),
    Column("ticket_name", String, nullable=False),
    Column("seating_info", JSON, nullable=True),
    Column("customer_id", String, nullable=True),
    Column("email", String, nullable=False),
    Column("name", String, nullable=False),
    Column("excluded_event_ids", JSON, nullable=False),
    Column("status", String, nullable=False),  # VALID | INVALID (transferred away)
    Column("origin_ticket_id", String, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

tt_transfers = Table(
    "tt_transfers", metadata,
    Column("transfer_id", String, primary_key=True),
    Column("secret", String, nullable=False),
    Column("seller_id", String, nullable=False, index=True),
    Column("event_id", String, nullable=False),
    Column("group_event_id", String, nullable=True),
    Column("child_event_id", String, nullable=True),
    Column("status", String, nullable=False),
    Column("origin", String, nullable=False),
    Column("ticket_ids", JSON, nullable=False),
    Column("sender", JSON, nullable=False),
    Column("recipient", JSON, nullable=False),
    Column("sender_customer_id", String, nullable=True),
    Column("sender_email", String, nullable=True),
    Column("recipient_customer_id", String, nullable=True),
    Column("recipient_email", String, nullable=True),
    Column("outcome", JSON, nullable=False),
    Column("history", JSON, nullable=False),
    Column("expires_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_tt_transfers_open", "status", "expires_at"),
)

#: Which tickets a transfer names (role ORIGIN) or issued (role ISSUED).
tt_transfer_tickets = Table(
    "tt_transfer_tickets", metadata,
    Column("transfer_id", String, primary_key=True),
    Column("ticket_id", String, primary_key=True, index=True),
    Column("role", String, nullable=False),
)

tt_claims = Table(
    "tt_claims", metadata,
    Column("ticket_id", String, primary_key=True),
    Column("scope", String, primary_key=True),  # "" whole ticket, else the child event
    Column("transfer_id", String, nullable=False, index=True),
)

#: vivenu-style events (``ticketTransfer.created`` ...) for the webhook engine.
tt_outbox = Table(
    "tt_outbox", metadata,
    Column("event_id", String, primary_key=True),
    Column("seq", Integer, nullable=False, index=True),
    Column("seller_id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True, index=True),
)

__all__ = ["tt_claims", "tt_customers", "tt_events", "tt_outbox", "tt_sellers",
           "tt_ticket_types", "tt_tickets", "tt_transfer_tickets", "tt_transfers"]

"""The inventory service's state.

- ``primary_accounts``: a broker's (1Ticket user's) accounts at primary sellers;
- ``inventory_tickets``: what 1Ticket's database knows of those accounts (the
  last crawl's view, plus ``transferred`` / ``expired`` flags);
- ``account_holdings``: what each primary account really holds *now*;
  control-plane changes land here and only a crawl copies them into
  ``inventory_tickets``;
- ``inventory_transfers``, ``transfer_requests`` (one per primary account),
  ``transfer_tickets`` (a request's tickets);
- ``crawl_jobs`` and ``proof_uploads`` (proofs of transfer waiting for the
  post-sale engine to send them to the marketplace).

``user_id`` is kept on tickets and transfers (the tenant of every query) so
each filtered page is answered from an index; what the database derives from the
tickets by itself (tallies, the substring index) is in :mod:`.derived`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    event,
    inspect,
    text,
)

from simulator.core.store import metadata
from simulator.services.inventory.derived import ticket_tallies  # registers the triggers

primary_accounts = Table(
    "primary_accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("user_id", Integer, nullable=False, index=True),
    Column("username", String, nullable=False),
    Column("account_type", String, nullable=False),
    Column("has_credentials", Boolean, nullable=False),
)

inventory_tickets = Table(
    "inventory_tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("user_id", Integer, nullable=False),
    Column("account_id", Integer, ForeignKey("primary_accounts.id"), nullable=False),
    Column("primary_id", String, nullable=False),
    Column("barcode", String, nullable=True),
    Column("event", String, nullable=False),
    Column("venue", String, nullable=False),
    Column("local_date", DateTime, nullable=False),  # naive: the venue's local time
    Column("section", String, nullable=False),
    Column("row", String, nullable=False),
    Column("seat", String, nullable=False),
    Column("transferred", Boolean, nullable=False, default=False),
    Column("expired", Boolean, nullable=False, default=False),
    # event and venue ride along so a date range or an account + substring is tested in
    # the index (only matching rows are read)
    Index("ix_inv_tickets_user_date", "user_id", "local_date", "event", "venue"),
    Index("ix_inv_tickets_user_account_text", "user_id", "account_id", "local_date", "event",
          "venue"),
    Index("ix_inv_tickets_user_seat", "user_id", "section", "row", "seat"),
    Index("ix_inv_tickets_account_primary", "account_id", "primary_id", unique=True),
    Index("ix_inv_tickets_user_primary", "user_id", "primary_id"),
    Index("ix_inv_tickets_user_barcode", "user_id", "barcode"),
)



@event.listens_for(metadata, "after_create")
def _upgrade_ticket_indexes(_metadata: MetaData, connection: Connection, **_kw: Any) -> None:
    """Give an older database file the ticket indexes added since (``create_all`` only
    indexes the tables it creates) and drop the one they supersede. A SQLite file whose
    tables were analysed is analysed again: an index without statistics misleads the
    planner (it took a 1M-row index range over a rowid scan for a first page)."""
    present = {index["name"] for index in inspect(connection).get_indexes(inventory_tickets.name)}
    added = [index for index in inventory_tickets.indexes if index.name not in present]
    for index in added:
        index.create(connection)
    connection.execute(text("DROP INDEX IF EXISTS ix_inv_tickets_user_account"))
    if added and connection.dialect.name == "sqlite" and inspect(connection).has_table(
            "sqlite_stat1"):
        connection.execute(text("ANALYZE inventory_tickets"))


account_holdings = Table(
    "account_holdings",
    metadata,
    Column("account_id", Integer, ForeignKey("primary_accounts.id"), primary_key=True),
    Column("primary_id", String, primary_key=True),
    Column("barcode", String, nullable=True),
    Column("event", String, nullable=False),
    Column("venue", String, nullable=False),
    Column("local_date", DateTime, nullable=False),
    Column("section", String, nullable=False),
    Column("row", String, nullable=False),
    Column("seat", String, nullable=False),
)

inventory_transfers = Table(
    "inventory_transfers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("start_time", DateTime, nullable=False),  # UTC
    Column("order_id", String, nullable=True),
    Column("invoice_id", String, nullable=True),
    Column("marketplace", String, nullable=True),
    Column("recipient_email", String, nullable=False),
    Column("recipient_first_name", String, nullable=False),
    Column("recipient_last_name", String, nullable=False),
    Column("note", String, nullable=True),
    Column("status", String, nullable=False),
    Column("mapping_error", String, nullable=True),
    Column("upload_proof", Boolean, nullable=False, default=False),
    Index("ix_inv_transfers_user_id", "user_id", "id"),
    Index("ix_inv_transfers_user_start", "user_id", "start_time"),
    Index("ix_inv_transfers_user_order", "user_id", "order_id"),
    Index("ix_inv_transfers_user_invoice", "user_id", "invoice_id"),
)

transfer_requests = Table(
    "transfer_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transfer_id", Integer, ForeignKey("inventory_transfers.id"), nullable=False,
           index=True),
    Column("position", Integer, nullable=False),  # order within its transfer, from 0
    Column("account_id", Integer, ForeignKey("primary_accounts.id"), nullable=False,
           index=True),
    Column("username", String, nullable=False),
    Column("account_type", String, nullable=False),
    Column("transfer_type", String, nullable=False),
    Column("tradedesk_token", String, nullable=True),
    Column("status", String, nullable=False),
    Column("transfer_job_id", String, nullable=True),
    Column("fulfillment_id", String, nullable=True),
    Column("response", JSON, nullable=True),
    Column("error_message", String, nullable=True),
    Column("due_at", DateTime, nullable=True, index=True),  # next step, UTC
    Column("durations", JSON, nullable=False),  # InventorySettings.durations() at start
)

transfer_tickets = Table(
    "transfer_tickets",
    metadata,
    Column("request_id", Integer, ForeignKey("transfer_requests.id"), primary_key=True),
    Column("ticket_id", Integer, ForeignKey("inventory_tickets.id"), primary_key=True,
           index=True),
)

crawl_jobs = Table(
    "crawl_jobs",
    metadata,
    Column("job_id", String, primary_key=True),
    Column("account_id", Integer, ForeignKey("primary_accounts.id"), nullable=False,
           index=True),
    Column("status", String, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("due_at", DateTime, nullable=True, index=True),
)

proof_uploads = Table(
    "proof_uploads",
    metadata,
    Column("transfer_id", Integer, ForeignKey("inventory_transfers.id"), primary_key=True),
    Column("marketplace", String, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

__all__ = [
    "account_holdings", "crawl_jobs", "inventory_tickets", "inventory_transfers",
    "primary_accounts", "proof_uploads", "ticket_tallies", "transfer_requests",
    "transfer_tickets",
]

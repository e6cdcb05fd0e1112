"""Derived data the database keeps itself so GET /tickets and GET /transfers answer fast.

On SQLite, triggers on ``inventory_tickets`` keep:

- ``inventory_ticket_tallies``: how many tickets each user holds per account,
  ``expired``, event and venue. A ``count`` filtered on nothing but accounts,
  ``expired`` and ``venue`` / ``event`` substrings is a sum over these few rows
  (the substring is tested on each distinct event and venue once, not on a
  million tickets);
- ``inventory_transfer_texts``: the event and venue of every transferred ticket
  (one row per ``transfer_tickets`` row) with its transfer, so GET /transfers
  finds the transfers of the events and venues a substring matches by index
  seeks instead of following each transfer to its tickets;
- ``inventory_tickets_text``: an FTS5 index with the ``trigram`` tokenizer of the
  tickets' event and venue (external content keyed by the ticket id), which finds
  the tickets holding a substring of 3 or more characters without a scan.

On PostgreSQL, ``pg_trgm`` GIN indexes on ``lower(event)`` and ``lower(venue)`` (in the
"C" collation, as :mod:`.substrings` compares them)
(when the extension can be created) let the planner answer the same substring
``LIKE`` from an index. Everything here sits outside :data:`metadata` on purpose:
wipes, snapshots and fixture loads write the tickets, and the triggers follow; none
of it is ever exported or imported.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    column,
    event,
    inspect,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError

from simulator.core.store import metadata

derived = MetaData()
ticket_tallies = Table(
    "inventory_ticket_tallies",
    derived,
    Column("user_id", Integer, primary_key=True),
    Column("account_id", Integer, primary_key=True),
    Column("expired", Boolean, primary_key=True),
    Column("event", String, primary_key=True),
    Column("venue", String, primary_key=True),
    Column("n", Integer, nullable=False),
)

transfer_texts = Table(
    "inventory_transfer_texts",
    derived,
    Column("request_id", Integer, primary_key=True),
    Column("ticket_id", Integer, primary_key=True, index=True),
    Column("transfer_id", Integer, nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("event", String, nullable=False),
    Column("venue", String, nullable=False),
    Index("ix_inv_transfer_texts_user_text", "user_id", "event", "venue", "transfer_id"),
)

#: The FTS5 table as query code sees it: ``rowid`` is the ticket id; the column named
#: like the table takes a ``MATCH`` over both indexed columns.
ticket_text = table("inventory_tickets_text", column("rowid", Integer),
                    column("inventory_tickets_text", String))

_KEY = "user_id, account_id, expired, event, venue"
_TALLY_UP = (f"INSERT INTO inventory_ticket_tallies ({_KEY}, n) VALUES (NEW.user_id, "
             "NEW.account_id, NEW.expired, NEW.event, NEW.venue, 1) "
             f"ON CONFLICT ({_KEY}) DO UPDATE SET n = n + 1;")
_OLD_KEY = ("user_id = OLD.user_id AND account_id = OLD.account_id AND expired = OLD.expired "
            "AND event = OLD.event AND venue = OLD.venue")
_TALLY_DOWN = (f"UPDATE inventory_ticket_tallies SET n = n - 1 WHERE {_OLD_KEY}; "
               f"DELETE FROM inventory_ticket_tallies WHERE {_OLD_KEY} AND n = 0;")
_TEXT_IN = ("INSERT INTO inventory_tickets_text (rowid, event, venue) "
            "VALUES (NEW.id, NEW.event, NEW.venue);")
_TEXT_OUT = ("INSERT INTO inventory_tickets_text (inventory_tickets_text, rowid, event, venue) "
             "VALUES ('delete', OLD.id, OLD.event, OLD.venue);")


def _trigger(name: str, when: str, body: str, on: str = "inventory_tickets") -> str:
    return f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {when} ON {on} BEGIN {body} END"


TALLY_DDL = (
    _trigger("inventory_tickets_tallied_in", "INSERT", _TALLY_UP),
    _trigger("inventory_tickets_tallied_out", "DELETE", _TALLY_DOWN),
    _trigger("inventory_tickets_tallied_moved",
             "UPDATE OF user_id, account_id, expired, event, venue", _TALLY_DOWN + _TALLY_UP),
)
TEXT_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS inventory_tickets_text USING fts5(event, venue, "
    "content='inventory_tickets', content_rowid='id', tokenize='trigram')",
    _trigger("inventory_tickets_text_in", "INSERT", _TEXT_IN),
    _trigger("inventory_tickets_text_out", "DELETE", _TEXT_OUT),
    _trigger("inventory_tickets_text_moved", "UPDATE OF id, event, venue", _TEXT_OUT + _TEXT_IN),
)
_TRANSFERRED_IN = (
    "INSERT INTO inventory_transfer_texts (request_id, ticket_id, transfer_id, user_id, "
    "event, venue) SELECT NEW.request_id, NEW.ticket_id, r.transfer_id, t.user_id, t.event, "
    "t.venue FROM transfer_requests r, inventory_tickets t "
    "WHERE r.id = NEW.request_id AND t.id = NEW.ticket_id;")
_TRANSFERRED_OUT = ("DELETE FROM inventory_transfer_texts WHERE request_id = OLD.request_id "
                    "AND ticket_id = OLD.ticket_id;")
TRANSFERRED_DDL = (
    _trigger("transfer_tickets_text_in", "INSERT", _TRANSFERRED_IN, on="transfer_tickets"),
    _trigger("transfer_tickets_text_out", "DELETE", _TRANSFERRED_OUT, on="transfer_tickets"),
    _trigger("transfer_tickets_text_moved", "UPDATE", _TRANSFERRED_OUT + _TRANSFERRED_IN,
             on="transfer_tickets"),
    _trigger("inventory_tickets_transferred_text_moved", "UPDATE OF user_id, event, venue",
             "UPDATE inventory_transfer_texts SET user_id = NEW.user_id, event = NEW.event, "
             "venue = NEW.venue WHERE ticket_id = NEW.id;"),
)
_TRANSFERRED_FILL = (
    "INSERT INTO inventory_transfer_texts (request_id, ticket_id, transfer_id, user_id, "
    "event, venue) SELECT tt.request_id, tt.ticket_id, r.transfer_id, t.user_id, t.event, "
    "t.venue FROM transfer_tickets tt JOIN transfer_requests r ON r.id = tt.request_id "
    "JOIN inventory_tickets t ON t.id = tt.ticket_id")
#: What earlier versions kept (per-account counts without event and venue): dropped
#: when an older database file is opened, so its triggers stop firing.
_SUPERSEDED = ("DROP TRIGGER IF EXISTS inventory_tickets_counted_in",
               "DROP TRIGGER IF EXISTS inventory_tickets_counted_out",
               "DROP TRIGGER IF EXISTS inventory_tickets_counted_moved",
               "DROP TABLE IF EXISTS inventory_ticket_counts")
TRIGRAM_DDL = tuple(
    f"CREATE INDEX IF NOT EXISTS ix_inv_tickets_{name}_trgm ON inventory_tickets "
    f'USING gin (lower({name} COLLATE "C") gin_trgm_ops)' for name in ("event", "venue"))


def _fts5_trigram() -> bool:
    """Whether this process's SQLite has FTS5 with the ``trigram`` tokenizer (3.34+)."""
    try:
        with sqlite3.connect(":memory:") as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='trigram')")
    except sqlite3.Error:
        return False
    return True


FTS5_TRIGRAM = _fts5_trigram()


def tallies_kept(conn: Connection) -> bool:
    """Whether this database keeps :data:`ticket_tallies` and :data:`transfer_texts`
    (SQLite only)."""
    return conn.dialect.name == "sqlite"


def text_indexed(conn: Connection) -> bool:
    """Whether substrings are found through :data:`ticket_text` (SQLite with FTS5)."""
    return conn.dialect.name == "sqlite" and FTS5_TRIGRAM


@event.listens_for(metadata, "after_create")
def _create_derived(_metadata: MetaData, connection: Connection, **_kw: Any) -> None:
    """Create the derived data with the schema, or add it to an older database file and
    fill it from its tickets once."""
    if connection.dialect.name == "postgresql":
        _create_trigram_indexes(connection)
    if not tallies_kept(connection):
        return
    tables = set(inspect(connection).get_table_names())
    if ticket_tallies.name not in tables:
        for statement in _SUPERSEDED:
            connection.execute(text(statement))
        _add(connection, ticket_tallies, TALLY_DDL,
             f"INSERT INTO inventory_ticket_tallies ({_KEY}, n) SELECT {_KEY}, count(*) "
             f"FROM inventory_tickets GROUP BY {_KEY}")
    if transfer_texts.name not in tables:
        _add(connection, transfer_texts, TRANSFERRED_DDL, _TRANSFERRED_FILL)
    if text_indexed(connection) and ticket_text.name not in tables:
        for statement in TEXT_DDL:
            connection.execute(text(statement))
        connection.execute(text(
            "INSERT INTO inventory_tickets_text (inventory_tickets_text) VALUES ('rebuild')"))


def _add(connection: Connection, kept: Table, triggers: tuple[str, ...], fill: str) -> None:
    """Create ``kept``, fill it from the rows already there, then keep it by triggers."""
    kept.create(connection)
    connection.execute(text(fill))
    for statement in triggers:
        connection.execute(text(statement))


def _create_trigram_indexes(connection: Connection) -> None:
    """``pg_trgm`` GIN indexes when the extension is there (or may be created); without
    it the substring filters scan, with the same results."""
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError:
        return
    for statement in TRIGRAM_DDL:
        connection.execute(text(statement))


__all__ = ["FTS5_TRIGRAM", "derived", "tallies_kept", "text_indexed", "ticket_tallies",
           "ticket_text", "transfer_texts"]

"""Engine set-up and the one-transaction-per-operation helper.

SQLite is the embedded default: a file (WAL journal, so a committed
operation survives ``kill -9``) or ``:memory:`` for throwaway state. SQLite
has one writer at a time, so transactions are serialised by a process lock
and opened with ``BEGIN IMMEDIATE``; the same code runs on PostgreSQL, where
the seat-claim primary key still refuses double holds across replicas.

On SQLite the store keeps its one connection open between transactions
(they are serialised anyway): checking a connection out of a pool and
resetting it on return cost about a tenth of a hold's time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    event,
)
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.dml import UpdateBase

#: The one ``MetaData``: each service's ``tables.py`` defines its tables on it.
metadata = MetaData()

#: Small keyed values of the simulator itself (the clock, the id counter, secrets).
meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", JSON, nullable=False),
)


def database_url(db: str) -> str:
    """Turn the CLI's ``--db`` value (a path, ``:memory:`` or a URL) into a URL."""
    if "://" in db:
        return db
    if db == ":memory:":
        return "sqlite+pysqlite:///:memory:"
    path = Path(db).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+pysqlite:///{path}"


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True)
        _track_writes(engine)
        return engine
    memory = url.endswith(":memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
        cursor = dbapi_conn.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    _track_writes(engine)
    return engine


WRITTEN = "ticketsim_written"


def _track_writes(engine: Engine) -> None:
    """Record in ``conn.info`` which tables each transaction inserts, updates or deletes."""

    @event.listens_for(engine, "before_execute")
    def _note(conn: Connection, clause: Any, *_args: Any) -> None:
        if isinstance(clause, UpdateBase):
            table = getattr(clause, "table", None)
            name = getattr(table, "name", None)
            if name:
                conn.info.setdefault(WRITTEN, set()).add(name)


def written_tables(conn: Connection) -> set[str]:
    """Tables written so far in this connection's transaction."""
    found: set[str] = conn.info.get(WRITTEN, set())
    return found


class Store:
    """The simulator's database: schema creation and serialised transactions."""

    def __init__(self, db: str = ":memory:") -> None:
        """Open ``db`` and create every table registered on :data:`metadata` so far."""
        self.url = database_url(db)
        self.engine = _make_engine(self.url)
        self._lock = threading.RLock()
        self._kept: Connection | None = None
        metadata.create_all(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit of work: committed on success, rolled back on error."""
        with self._lock:
            if self.engine.dialect.name != "sqlite":
                with self.engine.begin() as conn:
                    conn.info[WRITTEN] = set()
                    yield conn
                return
            if self._kept is None or self._kept.invalidated or self._kept.closed:
                self._kept = self.engine.connect()
            conn = self._kept
            with conn.begin():
                conn.info[WRITTEN] = set()
                yield conn

    def close(self) -> None:
        with self._lock:
            if self._kept is not None:
                self._kept.close()
                self._kept = None
        self.engine.dispose()

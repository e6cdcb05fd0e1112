"""Engine set-up and the one-transaction-per-operation helper.

SQLite is the embedded default: a file (WAL journal, so a committed
operation survives ``kill -9``) or ``:memory:`` for throwaway state. SQLite
has one writer at a time, so transactions are serialised by a process lock
and opened with ``BEGIN IMMEDIATE``; the same code runs on PostgreSQL, where
the seat-claim primary key still refuses double holds across replicas.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import StaticPool

from simulator.store.schema import metadata


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
        return create_engine(url, pool_pre_ping=True)
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

    return engine


class Store:
    """The simulator's database: schema creation and serialised transactions."""

    def __init__(self, db: str = ":memory:") -> None:
        self.url = database_url(db)
        self.engine = _make_engine(self.url)
        self._lock = threading.RLock()
        metadata.create_all(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit of work: committed on success, rolled back on error."""
        with self._lock, self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

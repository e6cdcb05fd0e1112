"""Engine set-up and the one-transaction-per-operation helper.

SQLite is the embedded default: a file (WAL journal, so a committed
operation survives ``kill -9``) or ``:memory:`` for throwaway state. SQLite
has one writer at a time, so transactions are serialised by a process lock
and opened with ``BEGIN IMMEDIATE``; several worker processes on one file
queue for the write lock through SQLite's busy timeout
(:data:`SQLITE_BUSY_SECONDS`). The same code runs on PostgreSQL, where the
seat-claim primary key still refuses double holds across replicas, and where
a clash the database resolves by aborting one transaction (unique key,
deadlock, serialisation failure) is reported by :func:`is_write_clash` so
the runtime re-runs the operation.

On SQLite the store keeps its writing connection open between transactions
(this process serialises them anyway): checking a connection out of a pool
and resetting it on return cost about a tenth of a hold's time.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.dml import Insert, UpdateBase

from simulator.core.checkpoint import AUTOCHECKPOINT_PAGES, Checkpointer

#: The one ``MetaData``: each service's ``tables.py`` defines its tables on it.
metadata = MetaData()

#: Small keyed values of the simulator itself (the clock, the id counter, secrets).
meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", JSON, nullable=False),
)

#: The ``meta`` row naming the loaded state: a new value after every fixtures load.
GENERATION_KEY = "generation"

#: The ``meta`` row versioning the steering kept in the store (fault rules): its
#: ``version`` grows with every change, so processes re-read the rules only then.
STEERING_KEY = "steering"

#: ``Table.info`` flag of steering tables (fault rules): not state, so snapshots skip them.
STEERING_TABLE = "ticketsim_steering"

#: The fault rules (:mod:`simulator.core.http.faultbook`): steering kept in the store, one
#: set for every process of the simulator. Defined here, beside ``meta``, so that every
#: store has it whichever modules a process imported.
fault_rules = Table(
    "fault_rules",
    metadata,
    Column("id", String, primary_key=True),  # "f<position>"
    Column("position", Integer, nullable=False, unique=True),  # creation order
    Column("document", JSON, nullable=False),  # the rule as posted (validated)
    Column("count_limit", Integer, nullable=True),  # the rule's count; None: no limit
    Column("hits", Integer, nullable=False),
    Column("considered", Integer, nullable=False),
    info={STEERING_TABLE: True},
)


def generation(conn: Connection) -> str | None:
    """The id of the state ``conn`` sees (a reset or fixtures load gives a new one):
    work taken under one generation must not be recorded into the next."""
    row = conn.execute(select(meta.c.value).where(meta.c.key == GENERATION_KEY)).first()
    return str(row.value.get("id")) if row and row.value else None


def database_url(db: str) -> str:
    """Turn the CLI's ``--db`` value (a path, ``:memory:`` or a URL) into a URL."""
    if "://" in db:
        return db
    if db == ":memory:":
        return "sqlite+pysqlite:///:memory:"
    path = Path(db).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite+pysqlite:///{path}"


#: How long a SQLite transaction waits for another process's write lock.
SQLITE_BUSY_SECONDS = 30.0

#: PostgreSQL's SQLSTATEs for "this transaction lost a race; run it again".
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock

#: Key of the advisory lock that serialises schema creation across replicas.
SCHEMA_LOCK = 0x7469636B  # "tick"


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        _track_writes(engine)
        return engine
    memory = url.endswith(":memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
        cursor = dbapi_conn.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # checkpoints run beside the requests (simulator.core.checkpoint)
            cursor.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        begin_on_driver(conn, "BEGIN" if read_only else "BEGIN IMMEDIATE")

    _track_writes(engine)
    return engine


def begin_on_driver(conn: Connection, sql: str) -> None:
    """Issue ``BEGIN [IMMEDIATE]`` straight on the sqlite3 connection.

    Through ``exec_driver_sql`` it cost a statement's worth of SQLAlchemy
    machinery on every transaction; errors (a busy database) are still raised
    as SQLAlchemy's ``OperationalError``.
    """
    driver = conn.connection.driver_connection
    assert driver is not None
    dbapi = conn.dialect.loaded_dbapi
    try:
        driver.execute(sql)
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dbapi.Error, dialect=conn.dialect) from exc


WRITTEN = "ticketsim_written"
#: ``conn.info`` key: actions to run once the current transaction has committed.
AFTER_COMMIT = "ticketsim_after_commit"
#: Execution option of :meth:`Store.read` connections (SQLite: a deferred ``BEGIN``).
READ_ONLY = "ticketsim_read_only"


def after_commit(conn: Connection, action: Callable[[], object]) -> None:
    """Run ``action`` once ``conn``'s transaction (a :meth:`Store.transaction`) has
    committed; never if it rolls back. Another thread woken by ``action`` then
    reads the committed rows, on PostgreSQL too, where no process lock orders it
    after the writer. Outside such a transaction ``action`` runs at once."""
    pending = conn.info.get(AFTER_COMMIT)
    if pending is None:
        action()
    else:
        pending.append(action)


class WriteNeeded(Exception):
    """A statement tried to write inside :meth:`Store.read`.

    Raised before the statement runs, so nothing was written:
    :meth:`simulator.runtime.Simulator.read` answers it by running the same
    operation again as a write transaction.
    """


def note_write(conn: Connection, clause: Any) -> None:
    """Record in ``conn.info`` the table ``clause`` inserts, updates or deletes (if any).

    In a :meth:`Store.read` transaction a write is refused with
    :class:`WriteNeeded` before it runs.
    """
    if isinstance(clause, UpdateBase):
        if conn.get_execution_options().get(READ_ONLY, False):
            raise WriteNeeded(f"a write to {getattr(clause, 'table', '?')} in a read")
        table = getattr(clause, "table", None)
        name = getattr(table, "name", None)
        if name:
            conn.info.setdefault(WRITTEN, set()).add(name)


def _track_writes(engine: Engine) -> None:
    """Record in ``conn.info`` which tables each transaction inserts, updates or deletes
    (statements run through :mod:`simulator.core.prepared` note themselves)."""

    @event.listens_for(engine, "before_execute")
    def _note(conn: Connection, clause: Any, *_args: Any) -> None:
        note_write(conn, clause)


def written_tables(conn: Connection) -> set[str]:
    """Tables written so far in this connection's transaction."""
    found: set[str] = conn.info.get(WRITTEN, set())
    return found


def is_write_clash(exc: BaseException) -> bool:
    """Whether ``exc`` means a concurrent writer won a race this transaction lost.

    A unique key taken first (any engine), or PostgreSQL aborting one of two
    transactions (deadlock, serialisation failure): re-running the operation
    sees the winner's rows and answers for itself.
    """
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
    return False


def sync_sequences(conn: Connection) -> None:
    """Make auto-increment keys continue after the largest stored one, as SQLite does.

    PostgreSQL sequences survive ``DELETE`` and ignore rows inserted with
    explicit ids (fixtures); call this after a wipe or a load so both engines
    hand out the same next ids.
    """
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is not None:
            conn.execute(text(
                f'SELECT setval(pg_get_serial_sequence(:table, :column), '
                f'COALESCE((SELECT max("{column.name}") FROM "{table.name}"), 0) + 1, false)'),
                {"table": table.name, "column": column.name})


def insert_or_ignore(conn: Connection, table: Table, **values: Any) -> None:
    """Insert a row unless one with the same key exists (safe against concurrent inserts)."""
    dialect: ModuleType = sqlite
    if conn.dialect.name == "postgresql":
        # imported here: ~2 MB of modules a SQLite process never needs (docs/speed.md)
        from sqlalchemy.dialects import postgresql

        dialect = postgresql
    statement: Insert = dialect.insert(table).values(**values).on_conflict_do_nothing()
    conn.execute(statement)


class Store:
    """The simulator's database: schema creation and serialised transactions."""

    def __init__(self, db: str = ":memory:") -> None:
        """Open ``db`` and create every table registered on :data:`metadata` so far."""
        self.url = database_url(db)
        self.engine = _make_engine(self.url)
        #: SQLite has one writer: serialise this process's transactions here, so
        #: threads queue on a lock rather than on the busy timeout. PostgreSQL
        #: runs them concurrently (row locks and unique keys arbitrate).
        self._lock: threading.RLock | nullcontext[None] = (
            threading.RLock() if self.is_sqlite else nullcontext())
        #: Worker processes on one SQLite file queue on an ``flock`` beside it: a
        #: blocked ``flock`` wakes the moment the writer finishes, where SQLite's
        #: busy handler would sleep and retry (up to 100 ms a turn).
        self._file_lock: Any = None
        self._kept: Connection | None = None  # SQLite: the writing connection, kept open
        self._checkpointer: Checkpointer | None = None
        if self.is_sqlite and not self.url.endswith(":memory:"):
            self._file_lock = open(f"{self.engine.url.database}.writer-lock", "a")  # noqa: SIM115
        self.create_schema()
        if self._file_lock is not None:  # the file exists, in WAL mode, from here on
            self._checkpointer = Checkpointer(str(self.engine.url.database))

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def create_schema(self) -> None:
        """Create missing tables; processes starting together take turns.

        SQLite's ``BEGIN IMMEDIATE`` already serialises the check-then-create;
        on PostgreSQL a transaction-scoped advisory lock does.
        """
        with self.transaction() as conn:
            if self.is_postgresql:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            metadata.create_all(conn)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One atomic unit of work: committed on success, rolled back on error."""
        committed: list[Callable[[], object]] = []
        with self._lock, self._writer():
            if not self.is_sqlite:
                with self.engine.begin() as conn:
                    conn.info[WRITTEN] = set()
                    conn.info[AFTER_COMMIT] = committed
                    try:
                        yield conn
                    finally:
                        conn.info.pop(AFTER_COMMIT, None)
            else:
                if self._kept is None or self._kept.invalidated or self._kept.closed:
                    self._kept = self.engine.connect()
                conn = self._kept
                conn.info[AFTER_COMMIT] = committed
                try:
                    with conn.begin():
                        conn.info[WRITTEN] = set()
                        yield conn
                finally:
                    conn.info.pop(AFTER_COMMIT, None)
        for action in committed:
            action()

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """Hold the file's writer lock (SQLite files only) for one transaction."""
        if self._file_lock is None:
            yield
            return
        fcntl.flock(self._file_lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._file_lock, fcntl.LOCK_UN)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent read that never takes SQLite's write lock.

        In WAL mode readers do not wait for writers, so other worker
        processes' writes proceed meanwhile. ``:memory:`` shares one
        connection, so there the process lock is still taken.
        """
        guard = self._lock if self.url.endswith(":memory:") else nullcontext()
        with guard, self.engine.connect().execution_options(**{READ_ONLY: True}) as conn, \
                conn.begin():
            yield conn

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._lock:
            if self._kept is not None:
                self._kept.close()
                self._kept = None
        self.engine.dispose()
        if self._file_lock is not None:
            self._file_lock.close()

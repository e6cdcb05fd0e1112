"""Prepared statements store and read exactly what ``conn.execute`` does, note their
writes for the timers, and report a lost race as SQLAlchemy would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, StatementError

from simulator.core.prepared import Prepared
from simulator.core.store import Store, is_write_clash, written_tables
from tests.conftest import TEST_DB

local = MetaData()
# Two identical tables: one written by Prepared, one by conn.execute.
TWINS = tuple(Table(
    name, local,
    Column("key", String, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("price", Float, nullable=True),
    Column("at", DateTime, nullable=True),
    Column("doc", JSON, nullable=True),
    Column("flag", Boolean, nullable=True),
) for name in ("prepared_twin", "executed_twin"))

ROWS: list[dict[str, Any]] = [
    {"key": "a", "count": 1, "price": 2.5, "at": datetime(2026, 1, 2, 3, 4, 5, 678_000),
     "doc": {"seats": ["1", "2"], "n": None}, "flag": True},
    {"key": "b", "count": 2, "price": None, "at": datetime(2026, 1, 2, tzinfo=UTC),
     "doc": None, "flag": False},
    {"key": "c", "count": 3, "price": 0.0, "at": None, "doc": [], "flag": None},
]


@pytest.fixture
def store() -> Any:
    db = Store(TEST_DB)
    with db.transaction() as conn:
        local.drop_all(conn)
        local.create_all(conn)
    yield db
    with db.transaction() as conn:
        local.drop_all(conn)
    db.close()


def _fill(store: Store) -> None:
    mine, theirs = TWINS
    with store.transaction() as conn:
        Prepared(mine.insert()).run(conn, ROWS[:1])
        Prepared(mine.insert()).run(conn, ROWS[1])
        Prepared(mine.insert()).run(conn, ROWS[2:])
        conn.execute(theirs.insert(), ROWS)


def test_what_is_stored_is_what_conn_execute_stores(store: Store) -> None:
    _fill(store)
    with store.read() as conn:
        stored = [conn.exec_driver_sql(f"SELECT * FROM {t.name} ORDER BY key").all()
                  for t in TWINS]
    assert stored[0] == stored[1]
    assert len(stored[0]) == 3


def test_rows_read_back_like_sqlalchemy_rows(store: Store) -> None:
    _fill(store)
    mine = TWINS[0]
    query = select(mine).where(mine.c.count >= bindparam("least")).order_by(mine.c.key)
    with store.read() as conn:
        expected = conn.execute(query, {"least": 2}).all()
        got = Prepared(query).all(conn, {"least": 2})
        assert [tuple(r) for r in got] == [tuple(r) for r in expected]
        assert [r._mapping for r in got] == [dict(r._mapping) for r in expected]
        assert [type(v) for v in got[0]] == [type(v) for v in expected[0]]
        assert got[0].at == expected[0].at and got[0].doc is None and got[0].flag is False
        assert Prepared(query).first(conn, {"least": 9}) is None
        assert Prepared(query).scalars(conn, {"least": 1}) == ["a", "b", "c"]
        newest = Prepared(select(func.max(mine.c.at)))
        assert newest.scalar(conn) == conn.execute(newest.statement).scalar()


def test_sqlite_runs_them_without_sqlalchemy_execution(store: Store) -> None:
    """On SQLite the driver runs prepared statements (no cursor-execute event fires)."""
    if not store.is_sqlite:
        pytest.skip("the fast path is SQLite's; other engines run conn.execute")
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    _fill(store)
    assert [sql for sql in seen if "prepared_twin" in sql] == []
    assert any("executed_twin" in sql for sql in seen)


def test_writes_are_noted_for_the_timers(store: Store) -> None:
    _fill(store)
    mine = TWINS[0]
    with store.transaction() as conn:
        Prepared(select(mine).where(mine.c.key == bindparam("k"))).first(conn, {"k": "a"})
        assert mine.name not in written_tables(conn)
        moved = Prepared(update(mine).where(mine.c.key == bindparam("k"))
                         .values(count=mine.c.count + 1)).run(conn, {"k": "a"})
        assert moved == 1
        assert mine.name in written_tables(conn)
    with store.transaction() as conn:
        gone = Prepared(delete(mine).where(mine.c.count > bindparam("n"))).run(conn, {"n": 1})
        assert gone == 3
        assert written_tables(conn) == {mine.name}


def test_a_taken_key_is_a_write_clash_and_rolls_back(store: Store) -> None:
    _fill(store)
    mine = TWINS[0]
    with pytest.raises(IntegrityError) as raised, store.transaction() as conn:
        Prepared(mine.insert()).run(conn, {**ROWS[0], "key": "z"})
        Prepared(mine.insert()).run(conn, ROWS[0])
    assert is_write_clash(raised.value)
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(mine)).scalar() == 3


def test_statements_it_cannot_prepare_still_run(store: Store) -> None:
    """An IN list (post-compile) goes through conn.execute with the same answer."""
    _fill(store)
    mine = TWINS[0]
    query = select(mine.c.key).where(mine.c.key.in_(["a", "c"])).order_by(mine.c.key)
    with store.read() as conn:
        assert Prepared(query).scalars(conn) == ["a", "c"]
        with pytest.raises(StatementError, match="value is required for bind parameter 'k'"):
            Prepared(select(mine).where(mine.c.key == bindparam("k"))).first(conn, {})

from datetime import UTC, datetime

from sqlalchemy import Column, Connection, DateTime, Integer, Table, func, insert, select, update

from simulator.core.store import metadata
from simulator.core.timers import Timer

ticks = Table("tally_ticks", metadata, Column("n", Integer, primary_key=True),
              Column("due", DateTime, nullable=False), Column("done", Integer, nullable=False))
fires = Table("tally_fires", metadata, Column("seq", Integer, primary_key=True,
                                              autoincrement=True),
              Column("at", DateTime, nullable=False))


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def add_tick(conn: Connection, now: datetime, n: int, due: datetime) -> None:
    conn.execute(insert(ticks).values(n=n, due=_naive(due), done=0))


def next_due(conn: Connection) -> datetime | None:
    due = conn.execute(select(func.min(ticks.c.due)).where(ticks.c.done == 0)).scalar()
    return due.replace(tzinfo=UTC) if due else None


def fire(conn: Connection, now: datetime) -> None:
    conn.execute(insert(fires).values(at=_naive(now)))
    conn.execute(update(ticks).where(ticks.c.due <= _naive(now)).values(done=1))


def fired(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(fires)).scalar() or 0)


TIMERS = (Timer("tally.tick", next_due, fire, tables=frozenset({"tally_ticks"})),)

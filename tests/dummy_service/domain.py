from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from simulator.core.timers import Timer
from tests.dummy_service.tables import pings


@dataclass
class DummySettings:
    greeting: str = "hello"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def next_due(conn: Connection) -> datetime | None:
    due = conn.execute(select(func.min(pings.c.due)).where(pings.c.fired.is_(None))).scalar()
    return _aware(due) if due else None


def fire(conn: Connection, now: datetime) -> None:
    conn.execute(update(pings).where(pings.c.due <= now, pings.c.fired.is_(None))
                 .values(fired=now))


def list_pings(conn: Connection) -> list[dict[str, Any]]:
    return [{"name": r.name, "fired": r.fired is not None}
            for r in conn.execute(select(pings).order_by(pings.c.name))]


TIMERS = (Timer("dummy.ping", next_due, fire, tables=frozenset({"dummy_pings"})),)

"""Reads take no writer lock; a read that finds work due runs again as a write.

``Simulator.read`` serves the GET operations (order status, ticket and
transfer lists) from a read transaction, so on a SQLite file shared by
several worker processes reads do not queue behind writers. When the read
must first apply due work, its first write is refused before it runs and
the whole operation is run again as a write transaction.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, select

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.core.store import meta
from simulator.runtime import Simulator
from simulator.services.platform.marketplaces import by_id
from simulator.services.sales import domain as sales
from simulator.services.sales.tables import orders


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[Simulator]:
    made = Simulator(SimConfig(db=str(tmp_path / "sim.sqlite3"), clock=ClockMode.FROZEN,
                               shared=True))
    yield made
    made.close()


def _writer_lock_is_free(simulator: Simulator) -> bool:
    """Whether another process could take the file's writer lock right now."""
    with open(f"{simulator.store.engine.url.database}.writer-lock", "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_a_read_holds_no_writer_lock(simulator: Simulator) -> None:
    order = simulator.query(lambda conn: conn.execute(
        select(orders.c.marketplace_id, orders.c.user_id, orders.c.order_id).limit(1)).one())
    market = simulator.query(by_id, order.marketplace_id)
    seen: list[bool] = []

    def order_status(conn: Connection, now: datetime) -> dict[str, Any]:
        seen.append(_writer_lock_is_free(simulator))
        return sales.get_order(conn, now, market, order.user_id, order.order_id)

    assert simulator.read(order_status)["order_id"] == order.order_id
    assert seen == [True]
    # The probe itself is sound: inside a write transaction the lock is taken.
    simulator.run(lambda conn, now: seen.append(_writer_lock_is_free(simulator)))
    assert seen == [True, False]


def test_a_read_that_must_write_runs_again_as_a_write(simulator: Simulator) -> None:
    attempts: list[bool] = []

    def apply_then_read(conn: Connection, now: datetime) -> str:
        attempts.append(_writer_lock_is_free(simulator))
        conn.execute(meta.insert().values(key="due-work", value={"at": now.isoformat()}))
        return str(conn.execute(select(meta.c.value).where(meta.c.key == "due-work")).scalar())

    assert "at" in simulator.read(apply_then_read)
    # First as a read (lock free, the insert refused before it ran), then as a write.
    assert attempts == [True, False]
    assert simulator.query(lambda conn: conn.execute(
        select(meta.c.key).where(meta.c.key == "due-work")).all()) == [("due-work",)]

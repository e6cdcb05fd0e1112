"""A delivery doorbell rung inside a transaction sounds only once it has committed.

The delivery runtime's coordinator, woken by the bell, reads the queue in a
transaction of its own. On PostgreSQL nothing orders that read after the
writer's commit, so a bell sent before the commit could wake it to an empty
queue and the wake-up would be lost. The bell therefore waits for the
commit, and a rolled-back transaction rings nobody.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from simulator.core.outbound import doorbell
from simulator.core.store import Store, meta

TEST_DB = os.environ.get("TICKETSIM_TEST_DB", "")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store(TEST_DB or str(tmp_path / "bell.sqlite3"))
    yield made
    doorbell.unregister(made.engine)
    made.close()


def test_the_bell_sounds_after_the_commit_and_sees_the_rows(store: Store) -> None:
    heard: list[bool] = []
    key = f"queued-{uuid.uuid4().hex}"

    def woken() -> None:  # what the coordinator does: read the queue in its own transaction
        with store.read() as conn:
            heard.append(conn.execute(select(meta.c.key).where(meta.c.key == key)
                                      ).first() is not None)

    doorbell.register(store.engine, woken)
    with store.transaction() as conn:
        conn.execute(meta.insert().values(key=key, value={}))
        doorbell.ring(conn)
        assert heard == []  # not while the row is uncommitted
    assert heard == [True]


def test_a_rolled_back_transaction_rings_nobody(store: Store) -> None:
    heard: list[str] = []
    doorbell.register(store.engine, lambda: heard.append("rung"))
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(meta.insert().values(key=f"queued-{uuid.uuid4().hex}", value={}))
        doorbell.ring(conn)
        raise RuntimeError("the operation failed")
    assert heard == []
    with store.transaction():  # the next transaction starts with no bell pending
        pass
    assert heard == []

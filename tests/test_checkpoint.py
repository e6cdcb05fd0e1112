"""WAL checkpoints run beside the requests, not inside a request's commit."""

from __future__ import annotations

from pathlib import Path

from simulator.core.checkpoint import AUTOCHECKPOINT_PAGES
from simulator.core.store import Store, meta

PAGE = 4096


def test_commits_leave_the_checkpoint_to_the_background_thread(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "wal.sqlite3"))
    try:
        checkpointer = store._checkpointer
        assert checkpointer is not None
        checkpointer.stop()  # this test runs the thread's checkpoints by hand
        with store.transaction() as conn:
            pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert pages == AUTOCHECKPOINT_PAGES
        for batch in range(30):  # ~1,500 pages in 30 commits: past SQLite's default 1,000
            with store.transaction() as conn:
                conn.execute(meta.insert(), [{"key": f"k{batch}-{n}", "value": "x" * PAGE}
                                             for n in range(50)])
        busy, logged, copied = checkpointer.checkpoint()
        assert busy == 0
        assert logged >= 1500  # no commit checkpointed (and restarted) the log
        assert copied == logged  # the background checkpoint copies it all back
    finally:
        store.close()


def test_closing_the_store_stops_its_checkpointer(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "wal.sqlite3"))
    checkpointer = store._checkpointer
    assert checkpointer is not None and checkpointer._thread.is_alive()
    store.close()
    assert not checkpointer._thread.is_alive()


def test_a_memory_store_has_no_checkpointer() -> None:
    store = Store(":memory:")
    try:
        assert store._checkpointer is None
    finally:
        store.close()

"""WAL checkpoints of a SQLite file, run beside the requests instead of inside one.

In WAL mode SQLite copies the log back into the database file when a commit
finds the log past ``wal_autocheckpoint`` pages, inside that commit: the
request that happens to commit then waits for the copy and its ``fsync``
(5-35 ms under a hold load, the longest stalls of the hold path's tail; see
docs/speed.md). A :class:`Checkpointer` thread runs a ``PASSIVE`` checkpoint
on its own connection every :data:`CHECKPOINT_SECONDS` instead; it never
waits for or blocks a writer or a reader. Commits keep a much larger
automatic threshold (:data:`AUTOCHECKPOINT_PAGES`) as a safety net, should
the thread fall behind.

Infrastructure: it runs on the wall clock (it is about the file, not about
simulated time).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

__all__ = ["AUTOCHECKPOINT_PAGES", "CHECKPOINT_SECONDS", "Checkpointer"]

log = logging.getLogger("ticketsim")

#: Wall seconds between two background checkpoints.
CHECKPOINT_SECONDS = 0.25
#: ``wal_autocheckpoint`` of the request connections (pages; SQLite's default is 1000).
AUTOCHECKPOINT_PAGES = 20_000


class Checkpointer:
    """A daemon thread checkpointing the WAL of the SQLite file at ``path``."""

    def __init__(self, path: str, interval: float = CHECKPOINT_SECONDS) -> None:
        self.path = path
        self.interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ticketsim-checkpoint",
                                        daemon=True)
        self._thread.start()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=0, isolation_level=None)

    def checkpoint(self) -> tuple[int, int, int]:
        """One ``PASSIVE`` checkpoint on a connection of its own (the thread keeps one):
        (busy, frames in the log, frames copied back)."""
        conn = self._connect()
        try:
            return _checkpoint(conn)
        finally:
            conn.close()

    def _run(self) -> None:
        conn = self._connect()  # one for the thread's life, not one per turn
        try:
            while not self._stopped.wait(self.interval):
                try:
                    _checkpoint(conn)
                except sqlite3.Error as exc:  # busy or gone: the next turn (or a commit) does it
                    log.debug("background checkpoint skipped: %s", exc)
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the thread (it finishes a checkpoint under way first)."""
        self._stopped.set()
        self._thread.join()


def _checkpoint(conn: sqlite3.Connection) -> tuple[int, int, int]:
    busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(busy), int(logged), int(copied)

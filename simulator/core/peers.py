"""The other processes of one simulator: wake their long-polls, tell whether they live.

One :class:`Peers` object per process. It has an ``owner`` name (unique per
process, stored on work the process owns, such as a running PDF job) and

- :meth:`Peers.publish` sends ``(channel, key)`` to every other process of the
  simulator, whose :meth:`Peers.subscribe` callbacks then run (the long-poll
  boards of :mod:`simulator.core.jobs` subscribe, so a job finished in one
  process wakes the waiters of every process);
- :meth:`Peers.alive` says whether an owner's process still runs, so a
  restarting process fails only work whose owner died;
- :meth:`Peers.state_mark` is a value that changes whenever a process has
  committed a change of the shared clock or state
  (:meth:`Peers.mark_state_changed`), so a process that sees the same mark
  as at its last look need not read the store again to stay current.

Three implementations, chosen by :func:`peers_for`:

- :class:`LocalPeers`: one process (the default): nothing to send, only this
  process lives.
- :class:`SocketPeers`: worker processes on one SQLite file (one machine).
  Each binds a Unix datagram socket in a directory named after the database
  file and holds an ``flock`` on a lock file beside it for its lifetime;
  publishing sends one datagram per sibling socket (no polling: receivers
  block in ``recv``); an owner is alive while its lock is held, which the
  kernel releases when the process dies, ``kill -9`` included. The state
  mark is :data:`MARK_BYTES` bytes of a file in that directory, mapped into every process:
  a changer writes fresh random bytes there after its commit, before it
  answers, so a reader's look costs a memory read, not a transaction.
- :class:`PostgresPeers`: replicas on PostgreSQL (any machines). Publishing
  is ``pg_notify``; a listener connection per process ``LISTEN``\\s and
  holds a session advisory lock named after the owner, so the owner is alive
  exactly while that connection is. No state mark (replicas share no
  memory): they read the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import mmap
import os
import socket
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from simulator.core.store import Store

__all__ = ["LocalPeers", "Peers", "PostgresPeers", "SocketPeers", "peers_for"]

log = logging.getLogger("ticketsim")

Callback = Callable[[str], None]

#: ``pg_notify`` channel shared by every replica of one database.
PG_CHANNEL = "ticketsim"
#: How often (wall seconds) blocked listener threads look up to notice :meth:`Peers.close`.
LISTEN_SLICE = 0.5
MAX_MESSAGE = 4096
#: Size of the state mark: random bytes, so two changes never leave the same mark.
MARK_BYTES = 16
#: Between channel and key in a message (ASCII unit separator: PostgreSQL text refuses NUL).
SEPARATOR = "\x1f"


def new_owner() -> str:
    """A name no other process of any machine uses: ``<host>-<pid>-<random>``."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Peers:
    """This process among its siblings (base: a process alone)."""

    def __init__(self, owner: str | None = None) -> None:
        self.owner = owner or new_owner()
        self._callbacks: dict[str, list[Callback]] = {}
        self._lock = threading.Lock()

    def subscribe(self, channel: str, callback: Callback) -> None:
        """Run ``callback(key)`` whenever another process publishes ``key`` on ``channel``."""
        with self._lock:
            self._callbacks.setdefault(channel, []).append(callback)

    def publish(self, channel: str, key: str) -> None:
        """Tell the other processes about ``key`` (after the change is committed)."""

    def alive(self, owner: str) -> bool:
        """Whether the process called ``owner`` still runs."""
        return owner == self.owner

    def close(self) -> None:
        """Stop listening and let go of this process's presence."""

    def state_mark(self) -> bytes | None:
        """A value that differs from any earlier one once another process's change of the
        shared clock or state has committed and been marked; None: no such signal here,
        read the store to know."""
        return None

    def mark_state_changed(self) -> None:
        """Tell every process that a change of the shared clock or state has committed
        (call after the commit, before answering)."""

    def _deliver(self, message: str) -> None:
        channel, _, key = message.partition(SEPARATOR)
        with self._lock:
            callbacks = list(self._callbacks.get(channel, ()))
        for callback in callbacks:
            try:
                callback(key)
            except Exception:  # one subscriber's failure must not stop the listener
                log.exception("peer message %r on %r failed", key, channel)

    @staticmethod
    def _message(channel: str, key: str) -> str:
        return f"{channel}{SEPARATOR}{key}"


class LocalPeers(Peers):
    """A single process: publishing has nobody to reach."""


class SocketPeers(Peers):
    """Processes of one machine sharing a SQLite file (see module doc)."""

    def __init__(self, db_path: str) -> None:
        super().__init__()
        digest = hashlib.sha256(os.path.realpath(db_path).encode()).hexdigest()[:16]
        self.directory = Path(tempfile.gettempdir()) / f"ticketsim-peers-{digest}"
        self.directory.mkdir(mode=0o700, exist_ok=True)
        self._lockfile = (self.directory / f"{self.owner}.lock").open("w")
        fcntl.flock(self._lockfile, fcntl.LOCK_EX)
        self._address = str(self.directory / f"{self.owner}.sock")
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(self._address)
        self._socket.settimeout(LISTEN_SLICE)
        self._mark = _mapped(self.directory / "state.mark", MARK_BYTES)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="ticketsim-peers",
                                        daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                data = self._socket.recv(MAX_MESSAGE)
            except TimeoutError:
                continue
            except OSError:
                return
            self._deliver(data.decode("utf-8", "replace"))

    def publish(self, channel: str, key: str) -> None:
        data = self._message(channel, key).encode()[:MAX_MESSAGE]
        for path in self.directory.glob("*.sock"):
            if path.stem == self.owner:
                continue
            try:
                self._socket.sendto(data, str(path))
            except (ConnectionRefusedError, FileNotFoundError):
                self._forget_if_dead(path.stem)
            except OSError as exc:  # a full receive queue: that sibling re-reads on time-out
                log.warning("could not wake sibling %s: %s", path.stem, exc)

    def alive(self, owner: str) -> bool:
        if owner == self.owner:
            return True
        try:
            probe = os.open(self.directory / f"{owner}.lock", os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(probe)
        return False

    def state_mark(self) -> bytes | None:
        return self._mark[:MARK_BYTES]

    def mark_state_changed(self) -> None:
        self._mark[:MARK_BYTES] = os.urandom(MARK_BYTES)

    def _forget_if_dead(self, owner: str) -> None:
        if not self.alive(owner):
            for suffix in (".sock", ".lock"):
                with contextlib.suppress(FileNotFoundError):
                    (self.directory / f"{owner}{suffix}").unlink()

    def close(self) -> None:
        self._closed.set()
        self._socket.close()
        self._thread.join(timeout=2 * LISTEN_SLICE)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._address)
        with contextlib.suppress(FileNotFoundError):
            (self.directory / f"{self.owner}.lock").unlink()
        self._lockfile.close()
        self._mark.close()


def _mapped(path: Path, size: int) -> mmap.mmap:
    """``path`` (created with ``size`` zero bytes if missing or shorter) mapped shared."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(descriptor).st_size < size:
            os.ftruncate(descriptor, size)  # zeros; never shortens what a sibling wrote
        return mmap.mmap(descriptor, size)
    finally:
        os.close(descriptor)


def _lock_key(owner: str) -> int:
    """The signed 64-bit advisory-lock key of ``owner``."""
    return int.from_bytes(hashlib.sha256(owner.encode()).digest()[:8], "big", signed=True)


class PostgresPeers(Peers):
    """Replicas over one PostgreSQL database (see module doc)."""

    def __init__(self, store: Store) -> None:
        import psycopg

        super().__init__()
        self.store = store
        url = store.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        self._listener: Any = psycopg.connect(url, autocommit=True)
        self._listener.execute(f"LISTEN {PG_CHANNEL}")
        self._listener.execute("SELECT pg_advisory_lock(%s)", (_lock_key(self.owner),))
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="ticketsim-peers",
                                        daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                for note in self._listener.notifies(timeout=LISTEN_SLICE):
                    self._deliver(note.payload)
            except Exception:
                if not self._closed.is_set():
                    log.exception("the PostgreSQL listener stopped")
                return

    def publish(self, channel: str, key: str) -> None:
        with self.store.transaction() as conn:
            conn.execute(text("SELECT pg_notify(:channel, :payload)"),
                         {"channel": PG_CHANNEL, "payload": self._message(channel, key)})

    def alive(self, owner: str) -> bool:
        if owner == self.owner:
            return True
        key = _lock_key(owner)
        with self.store.transaction() as conn:
            free = conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                {"key": key}).scalar()
        return not free

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=2 * LISTEN_SLICE)
        self._listener.close()


def peers_for(store: Store, shared: bool) -> Peers:
    """The right :class:`Peers` for a store: alone unless ``shared`` by several processes."""
    if not shared:
        return LocalPeers()
    if store.is_postgresql:
        return PostgresPeers(store)
    path = store.engine.url.database
    if not path or path == ":memory:":
        raise ValueError("Several processes can only share a SQLite file, not ':memory:'")
    return SocketPeers(path)

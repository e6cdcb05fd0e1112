"""The one :class:`Simulator` object that API handlers reach.

It owns the store, the clock, the timers and the process state of every
registered service, and runs each operation as one transaction at one
simulated instant. Lock order is always clock, then store: the instant is
read before the transaction opens, and timers are armed after it commits.
Nothing here names a service: everything comes from the registry.

Several processes can share one store (``SimConfig.shared``: ``serve
--workers N`` on a SQLite file, or replicas on PostgreSQL). Then

- the clock is the store's ``clock`` row, with a version: each operation
  adopts what another process changed of that row and of the state's
  generation. A write reads both inside its transaction (and runs again if
  they moved); a read in its read transaction; anything else (the clock a
  handler or the journal reads, a key lookup) reads them only when the
  peers' state mark (:meth:`~simulator.core.peers.Peers.state_mark`) moved
  since the last look, which every clock change and state replacement moves
  after its commit. Clock changes hold the ``clock`` lease
  (:mod:`simulator.core.leases`) and bump the version;
- every timer fires through :func:`~simulator.core.leases.fire_once`, so a
  due instant fires exactly once whichever process reaches it first, and the
  realtime ticker and every clock change first re-read all due instants,
  including those other processes wrote;
- a fixtures reload anywhere (a new generation) makes every process drop
  its key caches, pending events and runtime state;
- :attr:`Simulator.peers` carries long-poll wake-ups between processes and
  tells which owners of running work are alive;
- the steering kept in the store (fault rules,
  :mod:`simulator.core.http.faultbook`) has a version in the ``steering`` row
  of ``meta``, read with the clock and generation rows
  (:attr:`Simulator.steering_version`), so a process re-reads the rules only
  when another changed them.

Alone (the default) the clock row is only written, for restarts, and none of
these reads happen.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, delete, or_, select, text
from sqlalchemy.exc import DBAPIError

from simulator import fixturegen
from simulator.config import SimConfig
from simulator.core.clock import SimClock
from simulator.core.errors import Conflict
from simulator.core.jobs import JobBoard
from simulator.core.leases import Firing, fire_once, lease
from simulator.core.peers import Peers, peers_for
from simulator.core.prepared import Prepared
from simulator.core.service import ServiceDef, ServiceRuntime
from simulator.core.store import (
    GENERATION_KEY,
    STEERING_KEY,
    Store,
    WriteNeeded,
    is_write_clash,
    meta,
    written_tables,
)
from simulator.core.store import (
    generation as state_generation,
)
from simulator.core.timers import Timer
from simulator.services import SERVICES
from simulator.services.control import domain as control
from simulator.services.platform import marketplaces
from simulator.services.platform.auth import Principal, lookup_key
from simulator.services.platform.marketplaces import Marketplace

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger("ticketsim")

#: How often an operation is re-run when a concurrent writer took a unique key
#: first (PostgreSQL replicas); the re-run sees the winner and answers 409 itself.
WRITE_RETRIES = 3

#: PostgreSQL advisory lock ordering writes against clock publications ("clok").
CLOCK_LOCK = 0x636C6F6B

#: Below every saved clock version: the next saved clock is adopted, whatever its version.
NO_VERSION = -1

#: How often a write is re-run because the shared clock moved under it.
STALE_RETRIES = 20


#: The clock, generation and steering rows (compiled once; on SQLite run on the driver).
SHARED_ROWS = Prepared(select(meta.c.key, meta.c.value).where(
    or_(meta.c.key == control.CLOCK_KEY, meta.c.key == GENERATION_KEY,
        meta.c.key == STEERING_KEY)))


class _StaleInstant(Exception):
    """The shared clock or state changed between reading a write's instant and its
    transaction (see ``Simulator._check_unmoved``): run it again."""


class Simulator:
    """State, time, timers and service runtimes of one simulator instance."""

    def __init__(self, config: SimConfig, services: tuple[ServiceDef, ...] = SERVICES) -> None:
        self.config = config
        self.services = services
        for service in services:
            service.load_tables()
        self.store = Store(config.db)
        self.timers: tuple[Timer, ...] = tuple(
            timer for service in services for timer in service.timer_list())
        self.settings: dict[str, Any] = {
            s.name: s.default_settings(config.settings.get(s.name)) for s in services}
        self._principals: dict[str, Principal] = {}
        self._marketplaces: dict[str, Marketplace] = {}
        self.peers: Peers = peers_for(self.store, config.shared)
        self._generation: str | None = None
        self._clock_version = 0
        self._synced_mark: bytes | None = None  # the peers' state mark at the last sync
        self._steering_version = NO_VERSION  # of the ``steering`` row, as last seen
        self._forgotten = 0  # how many times the state was replaced under this process
        with self.store.transaction() as conn:
            saved = control.saved_clock(conn)
        self._clock = SimClock.restore(saved) if saved else SimClock(config.clock)
        if saved is None:
            self.save_clock()
        else:
            self._clock_version = int(saved.get("version", 0))
        self._load(None, if_empty=True)
        self.runtimes: dict[str, ServiceRuntime] = {}
        for service in services:
            factory = service.part(service.runtime)
            if factory is not None:
                self.runtimes[service.name] = factory(self)

    @property
    def clock(self) -> SimClock:
        """The simulated clock; when shared, first brought up to date with the store."""
        self.sync()
        return self._clock

    @clock.setter
    def clock(self, clock: SimClock) -> None:
        self._clock = clock

    def board(self, channel: str) -> JobBoard:
        """A long-poll board whose wake-ups reach every process of this simulator."""
        return JobBoard(channel, self.peers)

    def runtime(self, name: str) -> Any:
        """The process state of the service called ``name`` (its ``runtime`` part)."""
        return self.runtimes[name]

    def run(self, operation: Callable[Concatenate[Connection, datetime, P], R],
            *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``operation(conn, now, ...)`` as one transaction, then re-arm timers.

        A race a concurrent writer won (a unique key taken first, or on
        PostgreSQL a deadlock or serialisation failure) re-runs the
        operation, which then sees the winner's rows and refuses cleanly.
        """
        clashes = moves = 0
        while True:
            now, seen = self._instant(fresh=moves > 0)
            try:
                with self.store.transaction() as conn:
                    self._check_unmoved(conn, seen)
                    result = operation(conn, now, *args, **kwargs)
                    dues = self._dues(conn, written_tables(conn))
            except _StaleInstant:
                moves += 1  # the shared clock moved (or state was replaced) meanwhile
                if moves > STALE_RETRIES:
                    raise Conflict("The simulated clock kept moving; try again") from None
                continue
            except DBAPIError as exc:
                if not is_write_clash(exc):
                    raise
                clashes += 1
                log.info("write clash (attempt %d): %s", clashes, exc.orig)
                if clashes >= WRITE_RETRIES:
                    raise Conflict("A concurrent request changed the same data; try again"
                                   ) from None
                continue
            self._arm(dues)
            return result

    def _instant(self, *, fresh: bool = False) -> tuple[datetime, tuple[int, str | None]]:
        """The instant a write runs at, and (shared) the clock version and generation
        it was read from, taken together under the clock's lock (lock order: clock,
        then store); ``fresh``: read from the store whatever the state mark says (the
        write found them moved)."""
        if not self.config.shared:
            return self._clock.now(), (0, None)
        with self._clock.held():
            self.sync(fresh=fresh)
            return self._clock.now(), (self._clock_version, self._generation)

    def _check_unmoved(self, conn: Connection, seen: tuple[int, str | None]) -> None:
        """Shared: refuse (:class:`_StaleInstant`) a write whose instant is no longer the
        shared clock's.

        The clock row is read inside the write transaction, under the writer
        lock (SQLite) or a shared advisory lock that a clock publication takes
        exclusively (PostgreSQL: no row lock on the one hot row), and a clock
        change publishes its target before it fires anything
        (:meth:`change_clock`). So a write either commits before the change's
        timers are read and fired, or runs again at the new instant: no write
        carries an instant that a timer of the shared clock has already passed.
        """
        if not self.config.shared:
            return
        clock, generation = self._shared_rows(conn, lock=True)
        if ((clock is not None and int(clock.get("version", 0)) != seen[0])
                or (generation is not None and generation.get("id") != seen[1])):
            raise _StaleInstant

    def read(self, operation: Callable[Concatenate[Connection, datetime, P], R],
             *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``operation(conn, now, ...)``, a read that may first apply due work.

        It is tried in a read transaction, which takes no writer lock: on a
        SQLite file other processes' writes go on meanwhile (WAL readers), so
        reads scale with ``--workers``. When it finds work due and tries to
        write, the write is refused before it runs (:class:`WriteNeeded`) and
        the operation runs again as :meth:`run`, which applies it.
        """
        try:
            with self.store.read() as conn:
                now = self._instant_in_read(conn)
                if now is not None:
                    return operation(conn, now, *args, **kwargs)
        except WriteNeeded:
            return self.run(operation, *args, **kwargs)
        self.sync(fresh=True)  # another process loaded new state: forget the old, read again
        return self.read(operation, *args, **kwargs)

    def _instant_in_read(self, conn: Connection) -> datetime | None:
        """The instant of a read; shared, the clock row read in the same transaction
        (one round trip fewer than :meth:`sync`), or None when the state was replaced."""
        if not self.config.shared:
            return self._clock.now()
        clock, generation = self._shared_rows(conn)
        if generation is not None and generation.get("id") != self._generation:
            return None
        self._adopt_clock(clock)
        return self._clock.now()

    def _shared_rows(self, conn: Connection, *, lock: bool = False
                     ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The saved clock and generation rows (``lock``: under the shared clock lock on
        PostgreSQL)."""
        if lock and self.store.is_postgresql:
            # shared: many writes at once; a clock publication takes it exclusively
            conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": CLOCK_LOCK})
        rows = {row.key: row.value for row in SHARED_ROWS.all(conn)}
        self._adopt_steering(rows.get(STEERING_KEY))
        return rows.get(control.CLOCK_KEY), rows.get(GENERATION_KEY)

    @property
    def steering_version(self) -> tuple[int, int]:
        """Changes when the steering kept in the store (fault rules) may have changed since
        the last look: a newer ``steering`` row seen (shared: read with the clock rows,
        so at the next request after another process's change), this process's own
        change, or a replaced state. A memory read."""
        return self._forgotten, self._steering_version

    def steering_changed(self, version: int) -> None:
        """The steering row reached ``version`` in a transaction that has committed:
        follow it here, and have every other process read it at its next request."""
        self._adopt_steering({"version": version})
        self.peers.mark_state_changed()

    def _adopt_steering(self, row: dict[str, Any] | None) -> None:
        """Follow a newer ``steering`` row (only newer: see :meth:`_adopt_clock`)."""
        version = int(row.get("version", 0)) if row else 0
        if version > self._steering_version:
            self._steering_version = version

    def query(self, operation: Callable[Concatenate[Connection, P], R],
              *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``operation(conn, ...)`` in a transaction that needs no instant."""
        self.sync()
        with self.store.transaction() as conn:
            return operation(conn, *args, **kwargs)

    def sync(self, *, fresh: bool = False) -> None:
        """Shared store: adopt the clock and the state another process changed.

        One read of two ``meta`` rows, skipped (unless ``fresh``) while the
        peers' state mark is the one seen at the last read: no change has
        been marked since. Nothing at all when this process is alone.
        """
        if not self.config.shared:
            return
        mark = self.peers.state_mark()  # before the read: a change after it moves the mark
        if not fresh and mark is not None and mark == self._synced_mark:
            return
        with self.store.read() as conn:
            clock, generation = self._shared_rows(conn)
        if generation is not None and generation.get("id") != self._generation:
            self._generation = generation.get("id")
            self._forget()
        self._adopt_clock(clock)
        self._synced_mark = mark

    def _adopt_clock(self, clock: dict[str, Any] | None) -> None:
        """Take on the saved clock when another process changed it since we last looked.

        Only a newer version: versions only grow within one state generation,
        and a thread whose read transaction began before a change may come
        back with the older row after another thread adopted the newer one;
        adopting it would step this process's clock back until the next change.
        """
        if clock is None:
            return
        version = int(clock.get("version", 0))
        with self._clock.held():
            if version > self._clock_version:
                self._clock.adopt(clock)
                self._clock_version = version

    def principal(self, key: str) -> Principal:
        """The owner of an API key (cached: keys change only with fixtures)."""
        self.sync()
        found = self._principals.get(key)
        if found is None:
            found = self.query(lookup_key, key)
            self._principals[key] = found
        return found

    def marketplace(self, name: str) -> Marketplace:
        """The marketplace called ``name``, any case (cached like keys)."""
        wanted = name.strip().casefold()
        found = self._marketplaces.get(wanted)
        if found is None:
            found = self.query(marketplaces.by_name, name)
            self._marketplaces[wanted] = found
        return found

    def arm_timers(self) -> None:
        """Schedule every timer's next due instant, read from the store."""
        with self.store.read() as conn:
            dues = [(timer, timer.next_due(conn)) for timer in self.timers]
        self._arm(dues)

    def tick(self) -> None:
        """Fire what is due now (the realtime ticker); shared, re-read due instants first."""
        if self.config.shared:
            self.sync()
            self.arm_timers()
        self._clock.run_due()

    def _dues(self, conn: Connection, written: set[str]
              ) -> list[tuple[Timer, datetime | None]]:
        return [(timer, timer.next_due(conn)) for timer in self.timers
                if timer.watches(written)]

    def _arm(self, dues: list[tuple[Timer, datetime | None]]) -> None:
        for timer, due in dues:
            if due is None:
                self._clock.cancel(timer.name)
            else:
                self._clock.schedule(due, timer.name, self._firer(timer))

    def _firer(self, timer: Timer) -> Callable[[], None]:
        def fire() -> None:
            now = self._clock.now()
            try:
                with self.store.transaction() as conn:
                    outcome = fire_once(conn, timer, now, self.peers.owner)
                    dues = self._dues(conn, written_tables(conn) | set(timer.tables))
            except Exception:  # a failing timer must not stop the clock or other timers
                log.exception("timer %s failed at %s", timer.name, now.isoformat())
                return
            if outcome is Firing.BUSY:  # another process fires it; the ticker re-reads
                return
            self._arm([*dues, *self._own_due(timer, dues)])

        return fire

    def _own_due(self, timer: Timer, dues: list[tuple[Timer, datetime | None]]
                 ) -> list[tuple[Timer, datetime | None]]:
        """The fired timer's own next instant, if its writes did not already re-read it."""
        if any(armed is timer for armed, _ in dues):
            return []
        with self.store.read() as conn:
            return [(timer, timer.next_due(conn))]

    def load_fixtures(self, document: dict[str, Any] | None) -> dict[str, int]:
        """Replace all state by ``document`` (or the configured/default fixtures)."""
        return self._load(document)

    def _load(self, document: dict[str, Any] | None, *, if_empty: bool = False
              ) -> dict[str, int]:
        """Load fixtures (only into an empty store with ``if_empty``: processes starting
        together load them once), start a new generation, re-arm the timers."""
        for attempt in range(WRITE_RETRIES):
            if if_empty and not self.query(control.is_empty):
                self.arm_timers()
                return {}
            if document is None:
                document = (fixturegen.read(self.config.fixtures) if self.config.fixtures
                            else fixturegen.load_default())
            services, loaded = self.services, document
            try:
                return self.replace_state(
                    functools.partial(control.replace_fixtures, services=services,
                                      document=loaded))
            except DBAPIError as exc:
                # another process loaded them at the same moment, or (PostgreSQL) the wipe
                # deadlocked with a delivery thread's write: the transaction was rolled
                # back whole, so the load runs again (an empty-only load re-checks first)
                if not is_write_clash(exc) or attempt == WRITE_RETRIES - 1:
                    raise
        return {}

    def replace_state(self, write: Callable[[Connection], R], clock: SimClock | None = None
                      ) -> R:
        """Replace all state by ``write(conn)`` (one transaction, a new generation unless
        ``write`` restored another one, as a snapshot import does), then
        forget what the process knew of the old state (cached keys, clock events,
        service runtimes) and re-arm the timers; other processes sharing the store
        do the same at their next operation. ``clock`` (an imported snapshot's)
        replaces the clock."""
        with self.store.transaction() as conn:
            result = write(conn)
            generation = state_generation(conn)
            if generation is None or generation == self._generation:
                # a fixtures load (or an import of this very generation): a new one
                generation = uuid.uuid4().hex
                conn.execute(delete(meta).where(meta.c.key == GENERATION_KEY))
                conn.execute(meta.insert().values(key=GENERATION_KEY, value={"id": generation}))
        self._generation = generation
        self.peers.mark_state_changed()
        if clock is not None:
            self._clock = clock
            self.save_clock()
        self._forget()
        return result

    def _forget(self) -> None:
        """Drop what this process derived from the previous state."""
        self._principals.clear()
        self._marketplaces.clear()
        # a replaced state restarts the clock and steering versions (a wipe may remove
        # their rows): adopt the next ones whatever they are, and re-read the rules
        self._forgotten += 1
        self._clock_version = self._steering_version = NO_VERSION
        self._clock.scheduler_clear()
        for runtime in getattr(self, "runtimes", {}).values():
            runtime.reset()
        self.arm_timers()

    def change_clock(self, change: Callable[[SimClock], object]) -> None:
        """Move or freeze the clock (``change(clock)``), then persist its state.

        Shared: under the ``clock`` lease, from the latest saved state. The
        target instant is published first (the change made on an event-less
        copy of the clock), so writes that start from then on carry it; then
        every due instant is re-read, including those of writes that committed
        before the publication, and fired in order on the way to the target.
        So each process's advance adds up, fires what any process scheduled,
        and no write lands behind a timer that has already fired.
        """
        if not self.config.shared:
            change(self._clock)
            self.save_clock()
            return
        with lease(self.store, "clock", self.peers.owner), self._clock.held():
            self.sync(fresh=True)
            preview = SimClock.restore(self._clock.state())
            change(preview)  # refuses a bad change before anything is published
            self._save_clock_state(preview.state())
            self.arm_timers()
            change(self._clock)
            self.save_clock()

    def save_clock(self) -> None:
        """Persist the clock (a new version) so restarts and other processes follow it."""
        self._save_clock_state(self._clock.state())

    def _save_clock_state(self, state: dict[str, Any]) -> None:
        with self.store.transaction() as conn:
            if self.config.shared and self.store.is_postgresql:
                # waits for the writes that read the old clock (see _check_unmoved)
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLOCK_LOCK})
            saved = control.saved_clock(conn) or {}
            version = int(saved.get("version", 0)) + 1
            control.save_clock(conn, {**state, "version": version})
        self._clock_version = version
        self.peers.mark_state_changed()

    def close(self) -> None:
        for runtime in self.runtimes.values():
            runtime.close()
        self.peers.close()
        self.store.close()

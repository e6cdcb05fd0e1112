"""The one :class:`Simulator` object that API handlers reach.

It owns the store, the clock, the timers and the process state of every
registered service, and runs each operation as one transaction at one
simulated instant. Lock order is always clock, then store: the instant is
read before the transaction opens, and timers are armed after it commits.
Nothing here names a service: everything comes from the registry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from simulator import fixturegen
from simulator.config import SimConfig
from simulator.core.clock import SimClock
from simulator.core.errors import Conflict
from simulator.core.service import ServiceDef, ServiceRuntime
from simulator.core.store import Store, written_tables
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
        with self.store.transaction() as conn:
            saved = control.saved_clock(conn)
            fresh = control.is_empty(conn)
        self.clock = SimClock.restore(saved) if saved else SimClock(config.clock)
        if fresh:
            self.load_fixtures(None)
        self.arm_timers()
        self.runtimes: dict[str, ServiceRuntime] = {}
        for service in services:
            factory = service.part(service.runtime)
            if factory is not None:
                self.runtimes[service.name] = factory(self)

    def runtime(self, name: str) -> Any:
        """The process state of the service called ``name`` (its ``runtime`` part)."""
        return self.runtimes[name]

    def run(self, operation: Callable[Concatenate[Connection, datetime, P], R],
            *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``operation(conn, now, ...)`` as one transaction, then re-arm timers.

        A unique-key clash with a concurrent writer (possible on PostgreSQL,
        where transactions are not serialised by this process) re-runs the
        operation, which then sees the winner's row and refuses cleanly.
        """
        for attempt in range(WRITE_RETRIES):
            now = self.clock.now()
            try:
                with self.store.transaction() as conn:
                    result = operation(conn, now, *args, **kwargs)
                    dues = self._dues(conn, written_tables(conn))
            except IntegrityError as exc:
                log.info("write clash (attempt %d): %s", attempt + 1, exc.orig)
                continue
            self._arm(dues)
            return result
        raise Conflict("A concurrent request changed the same data; try again")

    def query(self, operation: Callable[Concatenate[Connection, P], R],
              *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``operation(conn, ...)`` in a transaction that needs no instant."""
        with self.store.transaction() as conn:
            return operation(conn, *args, **kwargs)

    def principal(self, key: str) -> Principal:
        """The owner of an API key (cached: keys change only with fixtures)."""
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
        with self.store.transaction() as conn:
            dues = [(timer, timer.next_due(conn)) for timer in self.timers]
        self._arm(dues)

    def _dues(self, conn: Connection, written: set[str]
              ) -> list[tuple[Timer, datetime | None]]:
        return [(timer, timer.next_due(conn)) for timer in self.timers
                if timer.watches(written)]

    def _arm(self, dues: list[tuple[Timer, datetime | None]]) -> None:
        for timer, due in dues:
            if due is None:
                self.clock.cancel(timer.name)
            else:
                self.clock.schedule(due, timer.name, self._firer(timer))

    def _firer(self, timer: Timer) -> Callable[[], None]:
        def fire() -> None:
            now = self.clock.now()
            try:
                with self.store.transaction() as conn:
                    timer.fire(conn, now)
                    dues = self._dues(conn, written_tables(conn) | set(timer.tables))
            except Exception:  # a failing timer must not stop the clock or other timers
                log.exception("timer %s failed at %s", timer.name, now.isoformat())
                return
            self._arm([*dues, *self._own_due(timer, dues)])

        return fire

    def _own_due(self, timer: Timer, dues: list[tuple[Timer, datetime | None]]
                 ) -> list[tuple[Timer, datetime | None]]:
        """The fired timer's own next instant, if its writes did not already re-read it."""
        if any(armed is timer for armed, _ in dues):
            return []
        with self.store.transaction() as conn:
            return [(timer, timer.next_due(conn))]

    def load_fixtures(self, document: dict[str, Any] | None) -> dict[str, int]:
        """Replace all state by ``document`` (or the configured/default fixtures)."""
        if document is None:
            document = (fixturegen.read(self.config.fixtures) if self.config.fixtures
                        else fixturegen.load_default())
        services, loaded = self.services, document
        return self.replace_state(
            lambda conn: control.replace_fixtures(conn, services, loaded))

    def replace_state(self, write: Callable[[Connection], R], clock: SimClock | None = None
                      ) -> R:
        """Replace all state by ``write(conn)`` (one transaction), then forget what the
        process knew of the old state (cached keys, clock events, service runtimes)
        and re-arm the timers. ``clock`` (an imported snapshot's) replaces the clock."""
        with self.store.transaction() as conn:
            result = write(conn)
        self._principals.clear()
        self._marketplaces.clear()
        self.clock.scheduler_clear()
        if clock is not None:
            self.clock = clock
            self.save_clock()
        for runtime in getattr(self, "runtimes", {}).values():
            runtime.reset()
        self.arm_timers()
        return result

    def change_clock(self, change: Callable[[SimClock], object]) -> None:
        """Move or freeze the clock (``change(clock)``), then persist its state."""
        change(self.clock)
        self.save_clock()

    def save_clock(self) -> None:
        """Persist the clock so that a restart resumes at the same simulated time."""
        with self.store.transaction() as conn:
            control.save_clock(conn, dict(self.clock.state()))

    def close(self) -> None:
        for runtime in self.runtimes.values():
            runtime.close()
        self.store.close()

"""The one :class:`Simulator` object that API handlers reach.

It owns the store, the clock and the timers of every domain module, and
runs each operation as one transaction at one simulated instant. Lock order
is always clock, then store: the instant is read before the transaction
opens, and timers are armed after it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection

from simulator import fixturegen
from simulator.clock import ClockMode, SimClock
from simulator.config import SimConfig
from simulator.domain import control, marketplaces, sales
from simulator.domain.auth import Principal, lookup_key
from simulator.domain.marketplaces import Marketplace
from simulator.domain.timers import Timer
from simulator.pdfjobs import PdfJobs
from simulator.store import Store

P = ParamSpec("P")
R = TypeVar("R")

TIMERS: tuple[Timer, ...] = (*sales.TIMERS,)


class Simulator:
    """State, time and timers of one simulator instance."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.store = Store(config.db)
        self.timers = TIMERS
        self._principals: dict[str, Principal] = {}
        self._marketplaces: dict[str, Marketplace] = {}
        with self.store.transaction() as conn:
            saved = control.saved_clock(conn)
            fresh = control.is_empty(conn)
        self.clock = self._restore_clock(saved)
        if fresh:
            self.load_fixtures(None)
        self.arm_timers()
        self.pdfs = PdfJobs(self)  # fails jobs a restart interrupted

    def _restore_clock(self, saved: dict[str, Any] | None) -> SimClock:
        if saved is None:
            return SimClock(self.config.clock)
        now = datetime.fromisoformat(saved["now"])
        mode = ClockMode(saved["mode"])
        if mode is ClockMode.REALTIME:
            offset = timedelta(seconds=float(saved["offset_seconds"]))
            return SimClock(mode, start=datetime.now(UTC) + offset)
        return SimClock(mode, start=now)

    def run(self, operation: Callable[Concatenate[Connection, datetime, P], R],
            *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``operation(conn, now, ...)`` as one transaction, then re-arm timers."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            result = operation(conn, now, *args, **kwargs)
            dues = self._dues(conn)
        self._arm(dues)
        return result

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
        """Schedule each timer's next due instant, read from the store."""
        with self.store.transaction() as conn:
            dues = self._dues(conn)
        self._arm(dues)

    def _dues(self, conn: Connection) -> list[tuple[Timer, datetime | None]]:
        return [(timer, timer.next_due(conn)) for timer in self.timers]

    def _arm(self, dues: list[tuple[Timer, datetime | None]]) -> None:
        for timer, due in dues:
            if due is None:
                self.clock.cancel(timer.name)
            else:
                self.clock.schedule(due, timer.name, self._firer(timer))

    def _firer(self, timer: Timer) -> Callable[[], None]:
        def fire() -> None:
            now = self.clock.now()
            with self.store.transaction() as conn:
                timer.fire(conn, now)
            self.arm_timers()

        return fire

    def load_fixtures(self, document: dict[str, Any] | None) -> dict[str, int]:
        """Replace all state by ``document`` (or the configured/default fixtures)."""
        if document is None:
            document = (fixturegen.read(self.config.fixtures) if self.config.fixtures
                        else fixturegen.load_default())
        with self.store.transaction() as conn:
            counts = control.replace_fixtures(conn, document)
        self._principals.clear()
        self._marketplaces.clear()
        self.clock.scheduler_clear()
        self.arm_timers()
        return counts

    def change_clock(self, change: Callable[[SimClock], object]) -> None:
        """Move or freeze the clock (``change(clock)``), then persist its state."""
        change(self.clock)
        self.save_clock()

    def save_clock(self) -> None:
        """Persist the clock so that a restart resumes at the same simulated time."""
        now = self.clock.now()
        state = {"mode": str(self.clock.mode), "now": now.isoformat(),
                 "offset_seconds": (now - datetime.now(UTC)).total_seconds()}
        with self.store.transaction() as conn:
            control.save_clock(conn, state)

    def close(self) -> None:
        self.pdfs.close()
        self.store.close()

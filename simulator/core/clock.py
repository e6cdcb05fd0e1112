"""Simulated time: a clock you can hold, and a scheduler of due events.

Every simulated duration (hold expiry, order progression, presigned-URL
expiry, ...) is measured on a :class:`SimClock`, never on the wall clock, so
that tests can freeze time and step through it. The clock is either
*realtime* (the wall clock plus an offset) or *frozen* (a fixed instant that
only moves when told). It never goes backwards.

The :class:`Scheduler` holds callbacks due at simulated instants.
:meth:`SimClock.advance` fires each due event at its own due time, in order:
while an event runs, ``clock.now()`` reads its due time, so code that
schedules follow-up events from inside a callback sees consistent time.
In realtime mode a background ticker calls :meth:`SimClock.run_due`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from simulator.core.errors import BadRequest, Conflict
from simulator.core.instants import aware

WallClock = Callable[[], datetime]

#: How often one event may fire at one simulated instant (a timer working through
#: batches re-arms itself at the same instant; one whose work never advances would
#: otherwise hold the clock forever).
MAX_REFIRES = 1000

log = logging.getLogger("ticketsim")

#: The clock stays before this instant (holds, presigned URLs and other
#: durations added to "now" must still fit in a datetime).
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _wall_now() -> datetime:
    return datetime.now(UTC)


class ClockMode(StrEnum):
    """How the clock moves between explicit advances."""

    REALTIME = "realtime"
    FROZEN = "frozen"


@dataclass(order=True, slots=True)
class _Event:
    due: datetime
    seq: int
    name: str = field(compare=False)
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Scheduler:
    """A priority queue of callbacks keyed by simulated due time.

    Ties run in the order they were scheduled. Keys let a caller replace or
    cancel an event (for example when a hold is released before it expires).
    """

    def __init__(self) -> None:
        self._heap: list[_Event] = []
        self._by_key: dict[str, _Event] = {}
        self._seq = itertools.count()

    def schedule(self, due: datetime, key: str, action: Callable[[], None]) -> None:
        """Run ``action`` at ``due``; an earlier event with the same key is dropped.

        Re-arming a key at the instant it is already armed for is a no-op, so
        callers may re-arm after every write without growing the queue.
        """
        current = self._by_key.get(key)
        if current is not None and current.due == due:
            current.action = action
            return
        self.cancel(key)
        event = _Event(due, next(self._seq), key, action)
        self._by_key[key] = event
        heapq.heappush(self._heap, event)

    def cancel(self, key: str) -> None:
        """Forget the event with this key, if any."""
        event = self._by_key.pop(key, None)
        if event is not None:
            event.cancelled = True
            self._compact()

    def _compact(self) -> None:
        """Drop cancelled entries once they outnumber the live ones (bounded memory)."""
        if len(self._heap) > 2 * len(self._by_key) + 16:
            self._heap = [event for event in self._heap if not event.cancelled]
            heapq.heapify(self._heap)

    def size(self) -> int:
        """Entries held, cancelled ones included (what memory grows with)."""
        return len(self._heap)

    def clear(self) -> None:
        """Drop every pending event."""
        self._heap.clear()
        self._by_key.clear()

    def pop_due(self, until: datetime) -> _Event | None:
        """Remove and return the earliest live event due at or before ``until``."""
        while self._heap and self._heap[0].due <= until:
            event = heapq.heappop(self._heap)
            if event.cancelled:
                continue
            self._by_key.pop(event.name, None)
            return event
        return None

    def next_due(self) -> datetime | None:
        """The due time of the earliest live event, if any."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def __len__(self) -> int:
        return len(self._by_key)


class SimClock:
    """Injected time source for the whole simulator.

    ``now()`` is always timezone-aware UTC. Thread-safe: API handlers, the
    realtime ticker and control calls may touch it concurrently; events fire
    one at a time.
    """

    def __init__(
        self,
        mode: ClockMode = ClockMode.REALTIME,
        *,
        start: datetime | None = None,
        wall: WallClock = _wall_now,
    ) -> None:
        self._wall = wall
        self._mode = mode
        self._lock = threading.RLock()
        self._firing: datetime | None = None
        self.scheduler = Scheduler()
        base = aware(start) if start else wall()
        self._frozen_at = base
        self._offset = base - wall() if start else timedelta(0)
        self._last = base

    @property
    def mode(self) -> ClockMode:
        return self._mode

    def now(self) -> datetime:
        """The current simulated instant (monotonic: never earlier than before)."""
        with self._lock:
            if self._firing is not None:
                return self._firing
            if self._mode is ClockMode.FROZEN:
                current = self._frozen_at
            else:
                current = self._wall() + self._offset
            self._last = max(self._last, current)
            return self._last

    def held(self) -> threading.RLock:
        """The clock's own lock, for a caller that must read or change it in several
        steps that no other thread may interleave (``with clock.held(): ...``)."""
        return self._lock

    def freeze(self) -> None:
        """Stop time at the current instant."""
        with self._lock:
            self._frozen_at = self.now()
            self._mode = ClockMode.FROZEN

    def resume(self) -> None:
        """Let time run again from the current instant at wall-clock speed."""
        with self._lock:
            current = self.now()
            self._offset = current - self._wall()
            self._mode = ClockMode.REALTIME

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta``, firing every event due on the way."""
        if delta < timedelta(0):
            raise BadRequest("The clock cannot go backwards: seconds must be >= 0")
        with self._lock:
            current = self.now()
            try:
                target = current + delta
            except OverflowError:
                target = LATEST
            return self._move(current, target)

    def set(self, target: datetime) -> datetime:
        """Jump to ``target`` (not earlier than now), firing due events in order."""
        target = aware(target)  # stored instants are naive UTC: an offset would skew them
        with self._lock:
            current = self.now()
            if target < current:
                raise Conflict(
                    f"The clock cannot go backwards: {target.isoformat()} is before "
                    f"{current.isoformat()}"
                )
            return self._move(current, target)

    def _move(self, current: datetime, target: datetime) -> datetime:
        """Go from ``current`` (read under the lock) to ``target``, firing due events."""
        if target >= LATEST:
            raise BadRequest(f"The simulated clock must stay before {LATEST.isoformat()}, "
                             "so that every simulated duration still fits in a date")
        self._fire_until(target)
        if self._mode is ClockMode.FROZEN:
            self._frozen_at = target
        else:
            self._offset += target - current
        self._last = target
        return target

    def schedule(self, due: datetime, key: str, action: Callable[[], None]) -> None:
        """Run ``action`` when the clock reaches ``due`` (replaces the same key)."""
        with self._lock:
            self.scheduler.schedule(due, key, action)

    def cancel(self, key: str) -> None:
        """Forget the pending event with this key."""
        with self._lock:
            self.scheduler.cancel(key)

    def scheduler_clear(self) -> None:
        """Forget every pending event."""
        with self._lock:
            self.scheduler.clear()

    def pending(self) -> int:
        """How many events wait to fire."""
        with self._lock:
            return len(self.scheduler)

    def state(self) -> dict[str, str | float]:
        """What a restart needs to resume this clock: mode, instant, offset to the wall."""
        with self._lock:
            now = self.now()
            return {"mode": str(self._mode), "now": now.isoformat(),
                    "offset_seconds": (now - self._wall()).total_seconds()}

    @classmethod
    def restore(cls, state: dict[str, str | float], *, wall: WallClock = _wall_now) -> SimClock:
        """A clock resuming :meth:`state`: a frozen one at its instant, a running one at
        the same offset from the wall clock."""
        mode = ClockMode(str(state["mode"]))
        if mode is ClockMode.REALTIME:
            offset = timedelta(seconds=float(state["offset_seconds"]))
            return cls(mode, start=wall() + offset, wall=wall)
        return cls(mode, start=aware(datetime.fromisoformat(str(state["now"]))), wall=wall)

    def adopt(self, state: dict[str, str | float]) -> None:
        """Take on :meth:`state` saved by another process sharing this clock.

        Pending events are kept. The saved instant is the authority: adopting
        another process's freeze may step this clock back by the few
        milliseconds between the two processes' readings of the wall clock.
        """
        with self._lock:
            self._mode = ClockMode(str(state["mode"]))
            if self._mode is ClockMode.FROZEN:
                self._frozen_at = aware(datetime.fromisoformat(str(state["now"])))
                self._last = self._frozen_at
            else:
                self._offset = timedelta(seconds=float(state["offset_seconds"]))
                self._last = self._wall() + self._offset

    def run_due(self) -> int:
        """Fire every event due at the current instant; returns how many ran."""
        with self._lock:
            return self._fire_until(self.now())

    def _fire_until(self, until: datetime) -> int:
        fired = 0
        repeats: dict[tuple[str, datetime], int] = {}
        while (event := self.scheduler.pop_due(until)) is not None:
            self._firing = max(event.due, self._last)
            key = (event.name, self._firing)
            repeats[key] = repeats.get(key, 0) + 1
            if repeats[key] > MAX_REFIRES:  # it re-armed itself at this instant, again
                log.error("event %s is still due after %d firings at %s; not fired again "
                          "until it is re-armed", event.name, MAX_REFIRES,
                          self._firing.isoformat())
                self.scheduler.cancel(event.name)
                self._firing = None
                continue
            try:
                event.action()
            finally:
                self._last = self._firing
                self._firing = None
            fired += 1
        return fired

"""Running work off the event loop, and long-polls that wait for it.

:class:`WorkerPool` is a bounded pool of threads for CPU-bound PDF work
(rendering, decoding, splitting, merging) and the blocking fetches feeding
it, so the event loop keeps serving requests and long-polls meanwhile.

:class:`JobBoard` lets any number of long-polls wait for a job to finish.
Waiters of one job share one :class:`asyncio.Event` per event loop (one
loop when served by uvicorn; the test client may use several), so 10,000
waiters cost 10,000 suspended coroutines and one event, not threads.
Workers call :meth:`JobBoard.notify` from their thread after the job's
final state is committed; the event is set on its loop thread-safely.
A board made with :class:`~simulator.core.peers.Peers` also publishes the
job id on its channel, and wakes its own waiters when another process
publishes: a long-poll served by one worker or replica returns as soon as
the job finishes in another (a datagram or ``pg_notify``, never polling).

Long-poll limits are real seconds, not simulated time: a client's HTTP
time-out is measured on the wall clock.

A waiting long-poll need not sit inside the whole HTTP stack: when the
request runs under a :class:`Parking` (set by
:class:`simulator.core.http.parking.Parked`), its wait is handed out instead
(the handler answers at once and that answer is dropped), the HTTP layer
waits on the same event until the same deadline, then runs the request
again, whose wait then ends at once. Only that layer's frame, not ~25
suspended middleware frames, is kept per waiter (docs/speed.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from simulator.core.peers import Peers

__all__ = ["PARKING", "JobBoard", "Parking", "Watch", "WorkerPool", "wait_event"]

log = logging.getLogger("ticketsim")

P = ParamSpec("P")
T = TypeVar("T")


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Sleep until ``event`` is set or ``timeout`` seconds pass; True if it is set."""
    if timeout > 0 and not event.is_set():
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await event.wait()
    return event.is_set()


@dataclass(slots=True)
class Parking:
    """One request's long-poll wait, handed out of the HTTP stack (module docstring).

    ``deadline`` (loop time) is fixed by the first wait handed out and bounds
    every later wait of the request; ``watch`` is the wait handed out in the
    current pass (None: the pass did not wait). While the request sleeps,
    ``woken`` is the future its :class:`Watch` or ``timer`` settles; ``release``
    unregisters the waiter from the board once that sleep is over.

    A sleeping request costs this object, one future and one timer: no
    coroutine frame of its own (thousands sleep at once, docs/speed.md).
    """

    task: asyncio.Task[Any] | None
    deadline: float | None = None
    watch: Watch | None = None
    woken: asyncio.Future[None] | None = None
    timer: asyncio.TimerHandle | None = None
    release: Callable[[], None] | None = None

    def bound(self, timeout: float) -> float:
        """``timeout`` cut to what is left of the request's deadline."""
        if self.deadline is None:
            return timeout
        return min(timeout, self.deadline - asyncio.get_running_loop().time())

    def take(self, watch: Watch, timeout: float) -> bool:
        """Hand out a wait of ``timeout`` seconds on ``watch``; False: wait in place."""
        if (timeout <= 0 or self.watch is not None
                or asyncio.current_task() is not self.task):
            return False
        if self.deadline is None:
            self.deadline = asyncio.get_running_loop().time() + timeout
        self.watch = watch
        return True

    def sleep(self) -> asyncio.Future[None]:
        """The wait handed out, as a future: settled when its job is notified or at the
        deadline. Await it, then call :meth:`leave` (also when the await is cancelled).
        """
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        self.woken, watch, deadline = woken, self.watch, self.deadline
        if (watch is None or deadline is None or watch.event.is_set()
                or deadline <= loop.time()):
            woken.set_result(None)
        else:
            watch.sleepers.add(woken)
            self.timer = loop.call_at(deadline, _settle, woken)
        return woken

    def leave(self) -> None:
        """End the wait handed out (if any): its timer, its place at the watch, its waiter."""
        timer, watch, woken = self.timer, self.watch, self.woken
        self.timer = self.watch = self.woken = None
        if timer is not None:
            timer.cancel()
        if watch is not None and woken is not None:
            watch.sleepers.discard(woken)
        release, self.release = self.release, None
        if release is not None:
            release()


def _settle(woken: asyncio.Future[None]) -> None:
    if not woken.done():
        woken.set_result(None)


#: The :class:`Parking` of the request being served, when its HTTP layer can park it.
PARKING: ContextVar[Parking | None] = ContextVar("ticketsim_parking", default=None)


@dataclass(slots=True, eq=False)
class Watch:
    """The waiters of one job on one event loop: one shared event.

    ``sleepers`` are the futures of parked requests (:meth:`Parking.sleep`),
    settled with the event; ``leave`` unregisters one waiter from its board.
    """

    event: asyncio.Event = field(default_factory=asyncio.Event)
    waiters: int = 0
    sleepers: set[asyncio.Future[None]] = field(default_factory=set)
    leave: Callable[[], None] | None = None

    async def wait(self, timeout: float) -> bool:
        """Sleep until the job is notified or ``timeout`` seconds pass; True if notified.

        Under a :class:`Parking` the wait is handed out instead (False at once).
        """
        parking = PARKING.get()
        if parking is not None and not self.event.is_set():
            timeout = parking.bound(timeout)
            if parking.take(self, timeout):
                return False
        return await wait_event(self.event, timeout)

    def wake(self) -> None:
        """The job changed: wake its waiters (on the watch's loop)."""
        self.event.set()
        sleepers, self.sleepers = self.sleepers, set()
        for woken in sleepers:
            _settle(woken)


class JobBoard:
    """Wake every long-poll of a job when it finishes, in this process and its peers.

    ``channel`` names the board among the boards of all services (its
    service's name); ``peers`` carries wake-ups to and from other processes.
    """

    def __init__(self, channel: str = "", peers: Peers | None = None) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, dict[asyncio.AbstractEventLoop, Watch]] = {}
        self.channel = channel
        self.peers = peers
        if peers is not None:
            peers.subscribe(channel, self.wake)

    @contextlib.contextmanager
    def watch(self, job_id: str) -> Iterator[Watch]:
        """Register a waiter of ``job_id`` for the duration of the block.

        Read the job's state *inside* the block, then ``await watch.wait()``
        if it is still running: a job finishing in between is never missed.
        """
        loop = asyncio.get_running_loop()
        with self._lock:
            loops = self._slots.setdefault(job_id, {})
            slot = loops.get(loop)
            if slot is None:
                slot = loops[loop] = Watch()
                slot.leave = functools.partial(self._leave, job_id, loop, slot)
            slot.waiters += 1
        try:
            yield slot
        finally:
            parking = PARKING.get()
            if parking is not None and parking.watch is slot and parking.release is None:
                # its wait was handed out: stay registered until that wait is over
                parking.release = slot.leave
            else:
                self._leave(job_id, loop, slot)

    def _leave(self, job_id: str, loop: asyncio.AbstractEventLoop, slot: Watch) -> None:
        with self._lock:
            slot.waiters -= 1
            loops = self._slots.get(job_id)
            if loops is not None and slot.waiters <= 0 and loops.get(loop) is slot:
                del loops[loop]
                if not loops:
                    del self._slots[job_id]

    def notify(self, job_id: str) -> None:
        """Wake the waiters of ``job_id`` everywhere (call after its final state is committed)."""
        self.wake(job_id)
        if self.peers is not None:
            try:
                self.peers.publish(self.channel, job_id)
            except Exception:  # the job is recorded; remote waiters re-read at their time-out
                log.exception("could not tell other processes that %s changed", job_id)

    def wake(self, job_id: str) -> None:
        """Wake this process's waiters of ``job_id``."""
        with self._lock:
            loops = self._slots.pop(job_id, {})
        for loop, slot in loops.items():
            with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
                loop.call_soon_threadsafe(slot.wake)

    def waiting(self) -> int:
        """How many long-polls wait right now (for tests and benchmarks)."""
        with self._lock:
            return sum(s.waiters for loops in self._slots.values() for s in loops.values())


class WorkerPool:
    """A bounded pool of worker threads, with a gate tests can close.

    While the gate is closed (:meth:`pause`), workers hold before starting
    new work: a deterministic way to keep a job RUNNING.
    """

    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max(1, workers),
                                            thread_name_prefix="ticketsim-pdf")
        self._gate = threading.Event()
        self._gate.set()

    def submit(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run ``fn`` on a worker thread."""

        def gated() -> T:
            self._gate.wait()
            return fn(*args, **kwargs)

        return self._executor.submit(gated)

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on a worker thread and await its result (or exception)."""
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    def pause(self) -> None:
        """Hold workers before their next piece of work."""
        self._gate.clear()

    def resume(self) -> None:
        """Let held workers go on."""
        self._gate.set()

    def shutdown(self) -> None:
        """Let queued work finish and stop the threads."""
        self._gate.set()
        self._executor.shutdown(wait=False, cancel_futures=False)

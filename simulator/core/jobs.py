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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

from simulator.core.peers import Peers

__all__ = ["JobBoard", "Watch", "WorkerPool"]

log = logging.getLogger("ticketsim")

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class Watch:
    """The waiters of one job on one event loop: one shared event."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    waiters: int = 0

    async def wait(self, timeout: float) -> bool:
        """Sleep until the job is notified or ``timeout`` seconds pass; True if notified."""
        if timeout > 0 and not self.event.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self.event.wait()
        return self.event.is_set()


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
            slot = self._slots.setdefault(job_id, {}).setdefault(loop, Watch())
            slot.waiters += 1
        try:
            yield slot
        finally:
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
                loop.call_soon_threadsafe(slot.event.set)

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

"""The sending side of the post-sale engine: claims due deliveries, sends, records, wakes.

:class:`Deliveries` belongs to the :class:`~simulator.runtime.Simulator`. A
coordinator thread, started when domain code rings (a delivery queued, a
retry coming due on the clock), claims due deliveries in short
transactions and hands each to a worker thread that makes one attempt
through the :class:`~simulator.core.outbound.delivery.Sender` and records it.
No transaction is held while a call is under way, and the event loop never
waits for a receiver: the long-poll :meth:`wait` only awaits a board.
The coordinator stops when nothing is due or in flight.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from simulator.core.http.faults import FaultTransport
from simulator.core.jobs import JobBoard
from simulator.core.outbound import doorbell
from simulator.core.outbound.delivery import Call, Sender
from simulator.core.outbound.fetch import FetchPolicy
from simulator.services.callbacks import deliveries as queue
from simulator.services.callbacks import postsale
from simulator.services.callbacks.errors import WaitTimedOut
from simulator.services.callbacks.settings import CallbackSettings

if TYPE_CHECKING:
    from simulator.runtime import Simulator

__all__ = ["Deliveries"]

log = logging.getLogger("ticketsim")

BOARD_KEY = "deliveries"
IDLE_SECONDS = 1.0


class Deliveries:
    """Send, record and wait for the outbound calls of one simulator."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        self.settings: CallbackSettings = simulator.settings["callbacks"]
        inventory = simulator.settings.get("inventory")
        if inventory is not None and hasattr(inventory, "durations"):
            self.settings = replace(self.settings, inventory=inventory.durations())
        s = self.settings
        self.sender = Sender(
            FetchPolicy.of(simulator.config.fetch_allow, max_bytes=s.max_response_bytes,
                           timeout_seconds=s.timeout_seconds, max_redirects=0),
            transport=FaultTransport(simulator, s.transport))  # outbound fault rules
        self.board = JobBoard()
        self.pool = ThreadPoolExecutor(s.workers, thread_name_prefix="ticketsim-outbound")
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._inflight = 0
        self._closed = False
        doorbell.register(simulator.store.engine, self.ring)
        self._publish()

    def _publish(self) -> None:
        """Settings into the store for domain code; interrupted attempts due again."""
        def publish(conn: Any, now: Any) -> bool:
            self.settings.save(conn)
            if queue.requeue_interrupted(conn, now):
                log.warning("deliveries interrupted by a restart are due again")
            return queue.in_flight(conn, now, queue.LogFilter())

        if self.simulator.run(publish):
            self.ring()

    # --- sending -----------------------------------------------------------------------

    def ring(self) -> None:
        """Something may be due: make sure the coordinator looks."""
        with self._lock:
            self._wake.set()
            if self._closed or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._loop, name="ticketsim-deliveries",
                                            daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            self._wake.clear()
            with self._lock:
                if self._closed:
                    self._thread = None
                    return
                free = self.settings.workers - self._inflight
            claims = self._claim(free) if free > 0 else []
            with self._lock:
                self._inflight += len(claims)
            for claim in claims:
                self.pool.submit(self._attempt, claim)
            if claims:
                continue
            if not self._wake.wait(IDLE_SECONDS):
                with self._lock:
                    if self._closed or (self._inflight == 0 and not self._wake.is_set()):
                        self._thread = None
                        return

    def _claim(self, limit: int) -> list[queue.Claim]:
        try:
            return self.simulator.run(queue.claim_due, limit)
        except Exception:  # a closed or reloading store: nothing to claim now
            log.exception("claiming due deliveries failed")
            return []

    def _attempt(self, claim: queue.Claim) -> None:
        try:
            call = Call(claim.method, claim.url, claim.body, claim.secret, claim.id,
                        int(claim.at.timestamp()))
            outcome = self.sender.send(call)
            attempt = queue.Attempt(
                outcome.status, outcome.body, outcome.content_type, outcome.latency_ms,
                outcome.error, outcome.permanent, self.sender.headers(call), outcome.excerpt())
            self.simulator.run(postsale.record_attempt, claim, attempt, self.settings)
        except queue.StaleClaim:
            log.info("delivery %s was sent across a reset; its attempt is not recorded",
                     claim.id)
        except Exception:  # the store went away (reset, close): the row stays SENDING
            log.exception("delivery %s could not be recorded", claim.id)
        finally:
            with self._lock:
                self._inflight -= 1
            self._wake.set()
            self.board.notify(BOARD_KEY)

    # --- waiting -------------------------------------------------------------------------

    async def wait(self, wanted: queue.LogFilter, timeout: float) -> list[dict[str, Any]]:
        """Matching SUCCEEDED deliveries, as soon as there is one.

        408 after ``timeout``, or at once when nothing matching is in flight or
        (for a named order) still to come: a test that forgot to register a
        receiver or to advance the clock is told so instead of hanging.
        """
        def succeeded(conn: Any, now: Any) -> list[dict[str, Any]] | None:
            found, possible = postsale.awaited(conn, now, wanted)
            if not found and not possible:
                raise WaitTimedOut("No matching delivery succeeded, and none is being "
                                   "sent or scheduled for this order")
            return found or None

        return await self._until(succeeded, timeout,
                                 f"No matching delivery succeeded within {timeout:g} s")

    async def settle(self, wanted: queue.LogFilter, timeout: float) -> list[dict[str, Any]]:
        """Every matching delivery, as soon as none is being sent or due at the simulated now.

        A test that advanced the clock past a failing receiver's retry waits
        here for that attempt to be made and recorded, instead of sleeping.
        """
        self.ring()
        return await self._until(
            lambda conn, now: postsale.settled(conn, now, wanted), timeout,
            f"Matching deliveries were still being sent after {timeout:g} s")

    async def _until(self, decide: Callable[[Any, Any], list[dict[str, Any]] | None],
                     timeout: float, late: str) -> list[dict[str, Any]]:
        """``decide``'s answer, re-read after each recorded attempt; 408 ``late`` after ``timeout``.

        The board is watched before each read, so an attempt recorded after
        the read still wakes the wait.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while True:
            with self.board.watch(BOARD_KEY) as watch:
                found = self.simulator.run(decide)
                if found is not None:
                    return found
                remaining = deadline - loop.time()
                if remaining <= 0 or not await watch.wait(remaining):
                    raise WaitTimedOut(late)

    @staticmethod
    def of(simulator: Simulator) -> Deliveries:
        found: Deliveries = simulator.runtime("callbacks")
        return found

    def reset(self) -> None:
        """The store was reloaded: publish the settings again (the meta table was wiped)."""
        self._publish()

    def close(self) -> None:
        """Stop sending and wait for the threads, so none touches the store after it closes."""
        with self._lock:
            self._closed = True
            self._wake.set()
            thread = self._thread
        doorbell.unregister(self.simulator.store.engine)
        if thread is not None:
            thread.join()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.sender.close()

"""Races between the delivery threads and the requests that watch them (issue #11).

Each test makes the race happen on purpose, with real threads and events (no
sleeps): a delivery is held in its attempt until the test lets it go at the
worst moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from simulator.runtime import Simulator
from simulator.services.callbacks import deliveries as queue
from simulator.services.callbacks.runtime import Deliveries
from simulator.services.callbacks.tables import deliveries
from tests.callbacks.helpers import HANG_GUARD_SECONDS, environment, minutes
from tests.conftest import fresh, frozen_config

CALLBACKS = "simulator.services.callbacks"


class HeldReject:
    """A MockTransport handler that answers 200 at once, except the reject call,
    which it holds until :attr:`release` is set."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/reject"):
            self.entered.set()
            assert self.release.wait(HANG_GUARD_SECONDS), "the test never released the call"
        return httpx.Response(200, json={"success": True})


@contextmanager
def finishing_after_first_read(simulator: Simulator, held: HeldReject,
                               monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """While the block runs, the first read of delivery state made by a request
    (not by a delivery thread) is followed at once by the held call's answer
    being recorded: the delivery finishes in the middle of the request."""
    runtime = Deliveries.of(simulator)
    recorded = threading.Event()
    armed = threading.Event()
    notify = runtime.board.notify

    def notify_and_tell(key: str) -> None:
        notify(key)
        recorded.set()

    def reading(real: Callable[..., Any]) -> Callable[..., Any]:
        def read(operation: Any, *args: Any, **kwargs: Any) -> Any:
            result = real(operation, *args, **kwargs)
            by_request = not threading.current_thread().name.startswith("ticketsim-")
            if (armed.is_set() and by_request
                    and getattr(operation, "__module__", "").startswith(CALLBACKS)):
                armed.clear()
                recorded.clear()
                held.release.set()
                assert recorded.wait(HANG_GUARD_SECONDS), "the held call was never recorded"
            return result

        return read

    monkeypatch.setattr(runtime.board, "notify", notify_and_tell)
    monkeypatch.setattr(simulator, "run", reading(simulator.run))
    monkeypatch.setattr(simulator, "query", reading(simulator.query))
    armed.set()
    try:
        yield
    finally:
        held.release.set()


def test_a_wait_sees_a_delivery_that_succeeds_while_it_decides(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The reject call succeeds between the wait's reads: the wait returns it (it
    answered 408 "none is being sent" when it read the log and the queue apart)."""
    held = HeldReject()
    with environment(httpx.MockTransport(held)) as env:
        env.invoice("SIM-REJECT-1")
        env.advance(minutes(1))
        assert held.entered.wait(HANG_GUARD_SECONDS)  # the reject call is under way
        with finishing_after_first_read(env.simulator, held, monkeypatch):
            [reject] = env.wait(kind="reject", order_id="SIM-REJECT-1")
        assert reject["status"] == "SUCCEEDED" and len(reject["attempts"]) == 1


def test_an_attempt_sent_across_a_reset_is_not_recorded_into_the_new_state() -> None:
    """Ids are deterministic, so after a reset the first delivery has the same id as
    the one still being sent: that attempt must not land on the new row."""
    simulator = fresh(Simulator(frozen_config()))
    simulator.runtime("callbacks").close()  # this test sends nothing: it plays the sender
    try:
        call = queue.Outbound(queue.Kind.CONFIRM, "POST", "http://127.0.0.1:9/confirm",
                              "secret", {"order": 1})
        first = simulator.run(queue.enqueue, call)
        [stale] = simulator.run(queue.claim_due, 10)
        simulator.load_fixtures(None)  # a reset while the attempt is on the wire
        assert simulator.run(queue.enqueue, call) == first  # the same id again
        [current] = simulator.run(queue.claim_due, 10)
        answered = queue.Attempt(200, b'{"success": true}', "application/json", 1.0, None,
                                 False, {}, "")

        def record(claim: queue.Claim) -> queue.Finished:
            return simulator.run(lambda conn, _now: queue.finish_attempt(
                conn, claim, answered, max_attempts=3, backoff_seconds=1.0, jitter=0.0))

        with pytest.raises(queue.StaleClaim):
            record(stale)
        row = simulator.query(lambda conn: conn.execute(
            select(deliveries.c.status, deliveries.c.attempts)
            .where(deliveries.c.id == first)).one())
        assert (row.status, row.attempts) == ("SENDING", 0)
        assert record(current).delivered
    finally:
        simulator.close()

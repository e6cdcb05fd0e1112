"""Several server processes over one database act as one simulator.

Real processes on loopback ports (``tests/scale/replica.py``): over one
SQLite file (what ``serve --workers N`` runs) and, under ``make
test-postgres``, three replicas over one PostgreSQL database. Each test
checks one cross-process guarantee and fails when it is broken: no seat
held twice, each due timer fired once by whichever process moves the clock,
one shared clock, a long-poll woken by a job finishing in another process,
and a restart failing only its own interrupted jobs.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulator.services.pdfs.domain import INTERRUPTED
from tests.conftest import BROKER_HEADERS
from tests.scale.cluster import Process, free_seats, hold, replica, replicas, scalar
from tests.scale.gate import gate

TEST_DB = os.environ.get("TICKETSIM_TEST_DB", ":memory:")
LONG_POLL = 3.0  # server-side long-poll limit (real seconds): a missed wake answers RUNNING


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cluster(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[str, list[Process]]]:
    """(database, replicas): 2 processes on a SQLite file, 3 on PostgreSQL."""
    if request.param == "postgresql":
        if not TEST_DB.startswith("postgresql"):
            pytest.skip("PostgreSQL replicas run under make test-postgres")
        db, count = TEST_DB, 3
    else:
        db, count = str(tmp_path_factory.mktemp("scale") / "shared.sqlite3"), 2
    with replicas(db, count, LONG_POLL) as started:
        yield db, started


@pytest.fixture
def fresh(cluster: tuple[str, list[Process]]) -> tuple[str, list[Process]]:
    """The cluster after a fixtures reset made through its first replica."""
    db, started = cluster
    response = httpx.post(f"{started[0].url}/_sim/reset", timeout=60)
    assert response.status_code == 200, response.text
    return db, started


def test_no_seat_is_held_twice_in_a_200_way_race(fresh: tuple[str, list[Process]]) -> None:
    _, started = fresh
    seats = free_seats(10)
    attempts = [(n, seat) for n in range(20) for seat in range(len(seats))]

    def attempt(job: tuple[int, int]) -> tuple[int, int]:
        n, seat = job
        url = started[(n + seat) % len(started)].url
        return seat, hold(url, seats[seat], f"race-{n}-{seat}").status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(attempt, attempts))
    for seat in range(len(seats)):
        statuses = Counter(status for s, status in outcomes if s == seat)
        assert statuses == {200: 1, 409: 19}, (seat, statuses)


def _clock(process: Process) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{process.url}/_sim/clock", timeout=30).json()
    return body


def test_the_clock_is_shared(fresh: tuple[str, list[Process]]) -> None:
    _, started = fresh
    before = _clock(started[0])["now"]
    for process in started:  # each process's advance adds up, seen by all
        moved = httpx.post(f"{process.url}/_sim/clock/advance", json={"seconds": 3600},
                           timeout=30)
        assert moved.status_code == 200, moved.text
        seen = {_clock(other)["now"] for other in started}
        assert seen == {moved.json()["now"]}
    after = _instant(_clock(started[0])["now"])
    assert after - _instant(before) == timedelta(hours=len(started))


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _hold_status(db: str, order_id: str) -> str:
    return str(scalar(db, "SELECT status FROM holds WHERE order_id = :o", o=order_id))


def test_each_due_timer_fires_once_wherever_the_clock_moves(
        fresh: tuple[str, list[Process]]) -> None:
    db, started = fresh
    seats = free_seats(3)
    for minutes, seat in enumerate(seats, start=1):  # written through different processes
        held = hold(started[minutes % len(started)].url, seat, f"expiring-{minutes}", minutes)
        assert held.status_code == 200, held.text
    for minutes in range(1, len(seats) + 1):  # moved by a process that did not write it
        mover = started[(minutes + 1) % len(started)]
        moved = httpx.post(f"{mover.url}/_sim/clock/advance", json={"seconds": 60},
                           timeout=30)
        assert moved.status_code == 200, moved.text
        assert _hold_status(db, f"expiring-{minutes}") == "EXPIRED"
        if minutes < len(seats):
            assert _hold_status(db, f"expiring-{minutes + 1}") == "HELD"
    for process in started:  # every other process reaching the same instants: no refire
        assert httpx.post(f"{process.url}/_sim/clock/advance", json={"seconds": 0},
                          timeout=30).status_code == 200
    fires = scalar(db, "SELECT fires FROM timer_runs WHERE name = 'sales.hold-expiry'")
    refires = scalar(db, "SELECT refires FROM timer_runs WHERE name = 'sales.hold-expiry'")
    assert (fires, refires) == (len(seats), 0)


def _split(process: Process, url: str) -> str:
    started = httpx.post(f"{process.url}/pdfs/v1/splitter", json={"url": url},
                         headers=BROKER_HEADERS, timeout=30)
    assert started.status_code == 200, started.text
    return str(started.json()["job_id"])


def _job(process: Process, job_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{process.url}/pdfs/v1/splitter/{job_id}",
                                     headers=BROKER_HEADERS, timeout=60).json()
    return body


def test_a_long_poll_wakes_when_the_job_finishes_in_another_process(
        fresh: tuple[str, list[Process]]) -> None:
    _, started = fresh
    worker, waiter = started[0], started[-1]
    with gate() as files:
        job_id = _split(worker, files.url)
        assert files.arrived.acquire(timeout=30)  # the job is in flight in the worker
        answer: list[dict[str, Any]] = []
        poll = threading.Thread(target=lambda: answer.append(_job(waiter, job_id)))
        poll.start()
        time.sleep(0.5)  # let the long-poll start waiting (it passes either way if woken)
        files.open()
        poll.join(timeout=60)
    assert answer and answer[0]["status"] == "SUCCEEDED", answer
    assert len(answer[0]["pdf_urls"]) == 2


def _restart(process: Process, db: str) -> Process:
    process.kill(signal.SIGKILL)
    return replica(db, LONG_POLL)


def test_a_restart_fails_only_its_own_interrupted_jobs(
        fresh: tuple[str, list[Process]]) -> None:
    db, started = fresh
    worker, sibling = started[0], started[1]
    with gate() as files:
        job_id = _split(worker, files.url)
        assert files.arrived.acquire(timeout=30)
        started[1] = sibling = _restart(sibling, db)  # a sibling restarts meanwhile
        assert _job(sibling, job_id)["status"] == "RUNNING"
        files.open()
        assert _job(sibling, job_id)["status"] == "SUCCEEDED"
        files.close()
        lost = _split(worker, files.url)
        assert files.arrived.acquire(timeout=30)
        started[0] = _restart(worker, db)  # the worker running it dies and restarts
        assert _job(sibling, lost) == {"job_id": lost, "status": "FAILED", "pdf_urls": [],
                                       "error": INTERRUPTED}


def test_serve_workers_share_the_store(tmp_path: Path) -> None:
    """``ticketsim serve --workers 2``: connections land on either worker, state is one."""
    from tests.scale.cluster import serve_workers

    server = serve_workers(str(tmp_path / "workers.sqlite3"), 2)
    try:
        seats = free_seats(5)
        attempts = [(n, seat) for n in range(40) for seat in range(len(seats))]
        with ThreadPoolExecutor(max_workers=32) as pool:
            outcomes = list(pool.map(lambda job: (job[1], hold(
                server.url, seats[job[1]], f"w-{job[0]}-{job[1]}").status_code), attempts))
        for seat in range(len(seats)):
            assert Counter(s for k, s in outcomes if k == seat) == {200: 1, 409: 39}
        moved = httpx.post(f"{server.url}/_sim/clock/advance", json={"seconds": 90},
                           timeout=30).json()["now"]
        seen = {httpx.get(f"{server.url}/_sim/clock", timeout=30,  # new connection each
                          headers={"Connection": "close"}).json()["now"] for _ in range(20)}
        assert seen == {moved}
    finally:
        server.kill()

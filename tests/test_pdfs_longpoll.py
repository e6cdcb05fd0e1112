"""Long-polls of the splitter, merger and decoder jobs, and jobs across a restart.

A job is kept RUNNING deterministically by pausing the simulator's worker
pool (``PdfJobs.of(simulator).pool.pause()``); long-poll limits are real
seconds (``long_poll_seconds``), never simulated time. No test measures real
time: a wait is seen on the job board (a waiter parked), and "answered before
the limit" is proven by a limit (:data:`NEVER`) no test run can reach.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.services.pdfs.domain import INTERRUPTED
from simulator.services.pdfs.runtime import PdfJobs
from tests.conftest import frozen_config
from tests.pdfs_helpers import HEADERS, finished, make_app, mint

Scenario = Callable[[httpx.AsyncClient, Any], Awaitable[None]]

#: A long-poll limit (real seconds) far beyond any test run: an answer came from a wake-up.
NEVER = 3600.0
#: Real seconds after which a test stops waiting for something that should happen at once
#: and fails instead of hanging (a guard, not a measurement).
GUARD = 120.0


async def _answer(request: Awaitable[httpx.Response]) -> Any:
    """The JSON body of ``request``, which must answer without waiting for its limit."""
    return (await asyncio.wait_for(request, GUARD)).json()


def _run(app: Any, scenario: Scenario) -> None:
    """Run ``scenario(client, simulator)`` against ``app`` in-process, on one event loop."""

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     timeout=30) as client:
            await scenario(client, app.simulator)

    asyncio.run(main())


async def _mint(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/_sim/pdfs", json=body)
    assert response.status_code == 201, response.text
    minted: dict[str, Any] = response.json()
    return minted


async def _until(condition: Callable[[], bool]) -> None:
    """Yield to the loop until ``condition`` holds (fails after :data:`GUARD` seconds)."""
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def _waiting_split(client: httpx.AsyncClient, simulator: Any, seed: int, *,
                         count: int = 2, path_suffix: str = ""
                         ) -> tuple[str, asyncio.Task[httpx.Response]]:
    """A split job held back (the pool paused) and a GET long-poll of it, once it waits."""
    minted = await _mint(client, count=count, seed=seed)
    PdfJobs.of(simulator).pool.pause()
    job_id = (await client.post("/pdfs/v1/splitter/", json={"url": minted["url"]},
                                headers=HEADERS)).json()["job_id"]
    poll = asyncio.create_task(
        client.get(f"/pdfs/v1/splitter/{job_id}{path_suffix}", headers=HEADERS))
    await _until(lambda: PdfJobs.of(simulator).board.waiting() == 1)  # it parked
    return job_id, poll


def test_long_poll_answers_running_at_the_limit() -> None:
    async def scenario(client: httpx.AsyncClient, simulator: Any) -> None:
        try:
            job_id, poll = await _waiting_split(client, simulator, seed=1, path_suffix="/")
            clock = await client.get("/_sim/clock")  # the loop stays free meanwhile
            assert clock.status_code == 200
            assert not poll.done()
            body = (await poll).json()  # answered at the limit, job still running
            assert body == {"job_id": job_id, "status": "RUNNING", "pdf_urls": [], "error": ""}
        finally:
            PdfJobs.of(simulator).pool.resume()
        assert PdfJobs.of(simulator).board.waiting() == 0

    _run(make_app(long_poll_seconds=0.5), scenario)


def test_long_poll_returns_as_soon_as_the_job_finishes() -> None:
    async def scenario(client: httpx.AsyncClient, simulator: Any) -> None:
        job_id, poll = await _waiting_split(client, simulator, seed=2)
        assert not poll.done()
        PdfJobs.of(simulator).pool.resume()
        body = await _answer(poll)  # the limit is NEVER: only the job's end answers it
        assert body["status"] == "SUCCEEDED" and len(body["pdf_urls"]) == 2
        again = await _answer(client.get(f"/pdfs/v1/splitter/{job_id}", headers=HEADERS))
        assert again["status"] == "SUCCEEDED"  # a finished job answers without waiting
        assert PdfJobs.of(simulator).board.waiting() == 0

    _run(make_app(long_poll_seconds=NEVER), scenario)


def test_many_concurrent_waiters_are_all_answered() -> None:
    waiters = 200

    async def scenario(client: httpx.AsyncClient, simulator: Any) -> None:
        minted = await _mint(client, count=1, seed=3)
        PdfJobs.of(simulator).pool.pause()
        job_id = (await client.post("/pdfs/v1/decoder/", json={"url": minted["url"],
                                                              "async": True},
                                    headers=HEADERS)).json()["job_id"]
        polls = [asyncio.create_task(client.get(f"/pdfs/v1/decoder/{job_id}", headers=HEADERS))
                 for _ in range(waiters)]
        await _until(lambda: PdfJobs.of(simulator).board.waiting() == waiters)
        PdfJobs.of(simulator).pool.resume()
        bodies = [r.json() for r in await asyncio.wait_for(asyncio.gather(*polls), GUARD)]
        assert all(b["status"] == "SUCCEEDED" and b["tickets"] == minted["tickets"]
                   for b in bodies)
        assert PdfJobs.of(simulator).board.waiting() == 0

    _run(make_app(long_poll_seconds=NEVER), scenario)


def test_merger_post_waits_then_answers_running() -> None:
    async def scenario(client: httpx.AsyncClient, simulator: Any) -> None:
        minted = await _mint(client, count=1, seed=4)
        PdfJobs.of(simulator).pool.pause()
        post = asyncio.create_task(client.post("/pdfs/v1/merger/",
                                               json={"urls": [minted["url"]]}, headers=HEADERS))
        await _until(lambda: PdfJobs.of(simulator).board.waiting() == 1)  # the POST waits
        assert not post.done()
        body = (await post).json()  # the limit passed with the job still running
        assert body["status"] == "RUNNING" and body["url"] == "" and body["error"] == ""
        PdfJobs.of(simulator).pool.resume()
        done = (await client.get(f"/pdfs/v1/merger/{body['job_id']}", headers=HEADERS)).json()
        assert done["status"] == "SUCCEEDED" and done["pdf_urls"].startswith("http://testserver/")

    _run(make_app(long_poll_seconds=0.5), scenario)


def test_a_job_interrupted_by_a_restart_ends_failed(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.sqlite3")
    first = create_app(frozen_config(db=db, long_poll_seconds=0.2))
    with TestClient(first) as client:
        minted = mint(client, count=1, seed=5)
        PdfJobs.of(first.simulator).pool.pause()
        job_id = client.post("/pdfs/v1/splitter/", json={"url": minted["url"]},
                             headers=HEADERS).json()["job_id"]
        assert client.get(f"/pdfs/v1/splitter/{job_id}", headers=HEADERS).json()[
            "status"] == "RUNNING"

    second = create_app(frozen_config(db=db, long_poll_seconds=0.2))  # the "restart"
    with TestClient(second) as client:
        body = finished(client, "splitter", job_id)
        assert body == {"job_id": job_id, "status": "FAILED", "pdf_urls": [],
                        "error": INTERRUPTED}
    PdfJobs.of(first.simulator).pool.resume()  # the old worker finds its job already ended
    PdfJobs.of(first.simulator).pool.shutdown()


def _awaited_modules(task: asyncio.Task[Any]) -> list[str]:
    """The modules of the coroutines ``task`` is suspended in, outermost first."""
    found, current = [], task.get_coro()
    while current is not None and len(found) < 200:
        frame = getattr(current, "cr_frame", None) or getattr(current, "ag_frame", None)
        if frame is not None:
            found.append(str(frame.f_globals.get("__name__", "")))
        current = getattr(current, "cr_await", None) or getattr(current, "gi_yieldfrom", None)
    return found


def test_a_waiting_get_is_parked_outside_the_request_stack_and_journaled_once() -> None:
    """While a GET long-poll waits, no Connexion layer nor the handler stays suspended
    (their frames are most of a waiter's memory), nor the simulator's layers that
    run again on the way back (``Prefer``, JSON bodies, trailing slash, context);
    the client gets one answer, the one after the wait, and the journal notes one
    request."""
    from simulator.core.http.steering import steering_of

    async def scenario(client: httpx.AsyncClient, simulator: Any) -> None:
        job_id, poll = await _waiting_split(client, simulator, seed=4, count=1)
        modules = _awaited_modules(poll)
        assert "simulator.core.http.parking" in modules, modules
        inner = modules[modules.index("simulator.core.http.parking") + 1:]
        assert not [m for m in inner if m.startswith(("connexion", "starlette",
                                                      "simulator.services"))], inner
        rerun = {f"simulator.core.http.{name}" for name in ("prefer", "bodies", "paths",
                                                            "context")}
        assert not rerun & set(modules), modules
        assert {"simulator.core.http.journal", "simulator.core.http.faults"} <= set(modules)
        PdfJobs.of(simulator).pool.resume()
        response = await poll
        assert response.json()["status"] == "SUCCEEDED"
        noted = [e for e in steering_of(simulator).journal.newest_first()
                 if e.path == f"/pdfs/v1/splitter/{job_id}"]
        assert [e.status for e in noted] == [200]
        assert PdfJobs.of(simulator).board.waiting() == 0

    _run(make_app(long_poll_seconds=10.0), scenario)


def test_a_parked_get_cancelled_while_it_waits_leaves_the_board() -> None:
    """A parked long-poll whose request is cancelled (the server shutting down)
    unregisters from the job's board and leaves no sleeper at the job's watch;
    a later long-poll of the same job still waits and is woken by its end."""

    async def scenario(client: httpx.AsyncClient, simulator: Any) -> None:
        board = PdfJobs.of(simulator).board
        job_id, poll = await _waiting_split(client, simulator, seed=5, count=1)
        watches = [w for loops in board._slots.values() for w in loops.values()]
        assert [len(w.sleepers) for w in watches] == [1]
        poll.cancel()
        await asyncio.gather(poll, return_exceptions=True)
        assert board.waiting() == 0
        assert [len(w.sleepers) for w in watches] == [0]
        again = asyncio.create_task(
            client.get(f"/pdfs/v1/splitter/{job_id}", headers=HEADERS))
        await _until(lambda: board.waiting() == 1)
        PdfJobs.of(simulator).pool.resume()
        assert (await _answer(again))["status"] == "SUCCEEDED"

    _run(make_app(long_poll_seconds=NEVER), scenario)

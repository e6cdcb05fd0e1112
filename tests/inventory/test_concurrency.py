"""Real races over HTTP: threads against an app served on a file database.

Eight clients transferring the same ticket at once get one transfer that
moves it and seven FAILED_MAPPING transfers naming the one in progress
(never a double transfer); recalls racing the clock step that emails a
transfer are either refused (still PENDING) or start exactly one recall.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import frozen_config
from tests.inventory.helpers import BASE, BEARER
from tests.served import served

THREADS = 8
WHITE_SOX = 1112
Answer = TypeVar("Answer")


@pytest.fixture
def http(tmp_path: Path) -> Iterator[httpx.Client]:
    """A client of a freshly reset app served on loopback, over a file database."""
    app = create_app(frozen_config(db=str(tmp_path / "inventory.sqlite3")))
    with TestClient(app) as client:
        assert client.post("/_sim/reset").status_code == 200
    with served(app) as url, httpx.Client(base_url=url, headers=BEARER, timeout=30) as client:
        yield client
    app.simulator.close()


def race(calls: list[Callable[[], Answer]]) -> list[Answer]:
    """Run ``calls`` from THREADS threads released together by a barrier."""
    start = threading.Barrier(THREADS)

    def worker(n: int) -> list[Answer]:
        start.wait()
        return [call() for call in calls[n::THREADS]]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return [answer for chunk in pool.map(worker, range(THREADS)) for answer in chunk]


def transfer_body(email: str = "buyer@x.test") -> dict[str, Any]:
    return {"recipient_email": email, "first_name": "Ann", "last_name": "Lee", "force": True,
            "tickets": [{"id": WHITE_SOX}]}


def transfers(http: httpx.Client, ids: list[int]) -> list[dict[str, Any]]:
    response = http.get(f"{BASE}/transfers", params={"page_size": 1000})
    assert response.status_code == 200, response.text
    return [t for t in response.json()["transfers"] if t["id"] in ids]


def advance(http: httpx.Client, seconds: float) -> httpx.Response:
    return http.post("/_sim/clock/advance", json={"seconds": seconds})


def test_racing_transfers_of_one_ticket_move_it_once(http: httpx.Client) -> None:
    answers = race([lambda: http.post(f"{BASE}/transfer", json=transfer_body())
                    for _ in range(2 * THREADS)])
    assert {a.status_code for a in answers} == {200}
    ids = [a.json()["transfer_id"] for a in answers]
    assert len(set(ids)) == len(ids)
    started = transfers(http, ids)
    assert Counter(t["status"] for t in started) == {"PENDING": 1, "FAILED_MAPPING": 15}
    [winner] = [t for t in started if t["status"] == "PENDING"]
    for loser in started:
        if loser is not winner:
            assert f"transfer {winner['id']}" in loser["mapping_error"]
    assert advance(http, 60).status_code == 200
    done = transfers(http, ids)
    assert Counter(t["status"] for t in done) == {"EMAILED": 1, "FAILED_MAPPING": 15}
    ticket = http.get(f"{BASE}/tickets", params={"id": str(WHITE_SOX)}).json()["tickets"][0]
    assert ticket["transferred"] is True


def test_recalls_racing_the_email_step_start_one_recall_at_most(http: httpx.Client) -> None:
    created = http.post(f"{BASE}/transfer", json=transfer_body())
    transfer_id = created.json()["transfer_id"]
    assert advance(http, 12).status_code == 200  # verified; emailed 30 s later
    [before] = transfers(http, [transfer_id])
    assert before["requests"][0]["status"] == "VERIFIED"

    def recall() -> httpx.Response:
        return http.post(f"{BASE}/recall", json={"transfer_id": transfer_id})

    calls: list[Callable[[], httpx.Response]] = [recall] * (3 * THREADS)
    calls[THREADS // 2] = lambda: advance(http, 30)
    answers = race(calls)
    assert {a.status_code for a in answers} <= {200, 409}
    recalls = Counter(a.status_code for a in answers if a.request.url.path.endswith("/recall"))
    assert recalls[200] == 1, recalls  # the clock step is among the calls: one recall wins
    refusals = [a.json()["message"] for a in answers if a.status_code == 409]
    assert all("PENDING" in m or "RECALLING" in m for m in refusals), refusals
    assert advance(http, 20).status_code == 200
    [after] = transfers(http, [transfer_id])
    assert (after["status"], after["requests"][0]["status"]) == ("RECALLED", "RECALLED")
    ticket = http.get(f"{BASE}/tickets", params={"id": str(WHITE_SOX)}).json()["tickets"][0]
    assert ticket["transferred"] is False

"""The /_sim control plane: clock, reset and fixtures."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import MARKETPLACE_HEADERS


def test_clock_freeze_advance_set_and_refuse_going_back(client: TestClient) -> None:
    start = client.get("/_sim/clock").json()
    assert start["mode"] == "frozen"
    advanced = client.post("/_sim/clock/advance", json={"seconds": 3600}).json()
    assert advanced["now"] > start["now"]
    back = client.put("/_sim/clock", json={"now": "2001-01-01T00:00:00Z"})
    assert back.status_code == 409
    assert "backwards" in back.json()["message"]
    jumped = client.put("/_sim/clock", json={"now": "2099-01-01T00:00:00Z"})
    assert jumped.json()["now"] == "2099-01-01T00:00:00Z"
    assert client.post("/_sim/clock/advance", json={"seconds": -1}).status_code == 400
    assert client.put("/_sim/clock", json={"now": "yesterday"}).status_code == 400
    assert client.post("/_sim/clock/resume").json()["mode"] == "realtime"
    assert client.post("/_sim/clock/freeze").json()["mode"] == "frozen"


def test_clock_cannot_overflow(client: TestClient) -> None:
    assert client.put("/_sim/clock", json={"now": "9999-12-31T00:00:00Z"}).status_code == 400
    client.put("/_sim/clock", json={"now": "8999-12-31T00:00:00Z"})
    response = client.post("/_sim/clock/advance", json={"seconds": 315360000})
    assert response.status_code == 400


def test_fixtures_replace_state_and_bad_documents_change_nothing(client: TestClient) -> None:
    assert client.post("/_sim/fixtures", json={"listings": [{"listing_id": "x"}]}
                       ).status_code == 400
    hold = {"order_id": "o", "hold_length": 5, "section": "211", "broker": "BRK8060",
            "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}
    assert client.post("/sales/v1/Stubhub", json=hold, headers=MARKETPLACE_HEADERS
                       ).status_code == 200
    duplicate = {"marketplaces": [{"id": 1, "name": "A"}, {"id": 1, "name": "B"}]}
    response = client.post("/_sim/fixtures", json=duplicate)
    assert response.status_code == 400
    assert "duplicate" in response.json()["message"]
    # the failed load rolled back: the hold is still there
    assert client.post("/sales/v1/Stubhub", json={**hold, "order_id": "o2"},
                       headers=MARKETPLACE_HEADERS).status_code == 409
    reset = client.post("/_sim/reset")
    assert reset.status_code == 200
    assert reset.json()["counts"]["marketplaces"] == 14
    assert client.post("/sales/v1/Stubhub", json={**hold, "order_id": "o2"},
                       headers=MARKETPLACE_HEADERS).status_code == 200
    assert client.post("/_sim/fixtures").json()["counts"]["listings"] > 0


def test_a_reset_that_deadlocks_with_another_writer_runs_again(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL a reset's wipe can deadlock with a delivery thread's write; the
    database rolls the reset back whole, so it runs again instead of answering 500."""
    from sqlalchemy.exc import OperationalError

    from simulator.services.control import domain

    class Deadlock(Exception):
        sqlstate = "40P01"

    wipe, calls = domain.wipe, []

    def deadlocking_once(conn: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("DELETE FROM deliveries", {}, Deadlock())
        wipe(conn)

    monkeypatch.setattr(domain, "wipe", deadlocking_once)
    response = client.post("/_sim/reset")
    assert response.status_code == 200, response.text
    assert len(calls) == 2

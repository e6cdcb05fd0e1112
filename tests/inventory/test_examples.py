"""Every documented request example of Primary Transfers, replayed against the default fixtures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from tests.inventory.helpers import API_KEY, BASE, BEARER, TRANSFER_EXAMPLE, WHITE_SOX


def test_get_tickets_example(client: TestClient) -> None:
    response = client.get(f"{BASE}/tickets", headers=BEARER, params={
        "date_from": "2019-03-23", "date_to": "2019-03-24", "event": "diamondbacks",
        "venue": "scottsdale", "section": "215", "row": "N", "seat": "1"})
    assert response.status_code == 200
    assert response.json() == {"count": 1, "tickets": [{
        "id": 1111, "user_id": 8060, "account_id": 166889, "username": "10330707",
        "account_type": "Tickets.com", "event": "Diamondbacks at Giants",
        "venue": "Scottsdale Stadium", "local_date": "2019-03-23T13:05:00", "section": "215",
        "row": "N", "seat": "1", "transferred": True, "expired": False}]}


def test_map_example(client: TestClient) -> None:
    response = client.post(f"{BASE}/map", json={"tickets": [WHITE_SOX]}, headers=BEARER)
    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == 8060
    [request] = body["requests"]
    assert (request["username"], request["account_type"], request["account_id"]) == (
        "10330707", "Tickets.com", 166889)
    assert request["tickets"] == [{**WHITE_SOX, "id": 1112, "transferred": False,
                                   "expired": False}]


def test_transfer_example_then_recall_example(client: TestClient, advance: Any) -> None:
    response = client.post(f"{BASE}/transfer", json=TRANSFER_EXAMPLE, headers=BEARER)
    assert response.json() == {"transfer_id": 19}
    advance(timedelta(minutes=5))
    recall = client.post(f"{BASE}/recall", json={"transfer_id": 19}, headers=BEARER)
    assert recall.status_code == 200 and recall.json() == {"transfer_id": 19}


def test_transfers_example(client: TestClient) -> None:
    response = client.get(f"{BASE}/transfers", params={"id": "18"}, headers=BEARER)
    body = response.json()
    assert body["count"] == 1
    [transfer] = body["transfers"]
    assert transfer["start_time"] == "2019-02-20T09:58:43.078739"
    assert (transfer["status"], transfer["status_code"], transfer["mapping_error"]) == (
        "RECALLED", 11, None)
    [request] = transfer["requests"]
    assert request["id"] == 14 and request["fulfillment_id"] == "34971427"
    assert request["response"] == {"transaction_id": "34971427", "tickets": ["663338312"]}
    assert request["transfer_job_id"] == "ed247193bf384d95b1d2fc31660747e7"
    assert [t["id"] for t in request["tickets"]] == [1111]


def test_crawl_example(client: TestClient) -> None:
    response = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [1234, 5678]},
                           headers=API_KEY)
    body = response.json()
    assert set(body) == {"1234", "5678"}
    assert len(body["1234"]["job_id"]) == 22 and body["1234"]["err_msg"] == ""
    assert body["5678"] == {"job_id": "", "err_msg": "No credentials found."}

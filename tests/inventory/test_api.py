"""Filters, pagination, both auth headers, tenant isolation and bad input: never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.inventory.helpers import API_KEY, BASE, BEARER, OTHER_USER, tickets, transfer


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["tickets"]]


def test_ticket_filters(client: TestClient) -> None:
    assert _ids(tickets(client, id="1111, 1112")) == [1111, 1112]
    assert _ids(tickets(client, account_id="166889")) == [1111, 1112]
    assert _ids(tickets(client, event="WHITE sox at giants")) == [1112]
    assert _ids(tickets(client, venue="scottsdale", section="213", row="K", seat="17")) == [1112]
    assert _ids(tickets(client, venue="scottsdale", seat="1")) == [1111]
    assert _ids(tickets(client, primary_id="663338312")) == [1111]
    assert _ids(tickets(client, date_from="2019-02-25", date_to="2019-02-25")) == [1112]
    assert _ids(tickets(client, date_from="2019-03-23T13:00:00",
                        date_to="2019-03-23T13:05:00")) == [1111]
    assert _ids(tickets(client, account_id="166889", event="%")) == []
    expired = tickets(client, expired="true").json()["tickets"]
    assert expired and all(t["expired"] for t in expired)


def test_ticket_pagination(client: TestClient) -> None:
    everything = tickets(client).json()
    assert everything["count"] == len(everything["tickets"]) > 2
    one = tickets(client, page_size=1, page=1).json()
    assert one["count"] == everything["count"]
    assert one["tickets"] == everything["tickets"][1:2]
    past = tickets(client, page_size=1000, page=5).json()
    assert past == {"count": everything["count"], "tickets": []}
    assert tickets(client, page_size=0).status_code == 400
    assert tickets(client, page=-1).status_code == 400


def test_transfer_filters_and_pagination(client: TestClient) -> None:
    new = transfer(client, [{"id": 1112}], order_id="o-1", invoice_id="i-1")

    def ids(**params: Any) -> list[int]:
        response = client.get(f"{BASE}/transfers", params=params, headers=BEARER)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["transfers"]]

    assert ids() == [17, 18, new]
    assert ids(order_id="o-1") == ids(invoice_id="i-1") == [new]
    assert ids(account_id="166889, 1") == [18, new]
    assert ids(event="white sox at giants") == ids(seat="17", row="K", section="213") == [new]
    assert ids(event_date_from="2019-03-23", event_date_to="2019-03-23") == [18]
    assert ids(date_time_from="2019-02-20", date_time_to="2019-02-20T23:59:59") == [18]
    assert ids(page_size=1, page=2) == [new]
    assert ids(page_size=1, page=3) == []
    response = client.get(f"{BASE}/transfers", params={"page_size": 1}, headers=BEARER).json()
    assert response["count"] == 3


@pytest.mark.parametrize("headers", [BEARER, API_KEY])
def test_either_auth_header(client: TestClient, headers: dict[str, str]) -> None:
    assert client.get(f"{BASE}/tickets", params={"id": "1111"},
                      headers=headers).json()["count"] == 1


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/tickets"), ("POST", "/map"), ("POST", "/transfer"), ("GET", "/transfers"),
    ("POST", "/recall"), ("POST", "/crawl/refresh")])
def test_auth_is_required_everywhere(client: TestClient, method: str, path: str) -> None:
    body = {} if method == "POST" else None
    missing = client.request(method, BASE + path, json=body)
    assert missing.status_code == 401 and missing.json() == {"message": "Unauthorized"}
    unknown = client.request(method, BASE + path, json=body,
                             headers={"Authorization": "Bearer nope"})
    assert unknown.status_code == 403 and "message" in unknown.json()
    marketplace = client.request(method, BASE + path, json=body,
                                 headers={"x-api-key": "sim-marketplace-key"})
    assert marketplace.status_code in (400, 403)
    assert client.request("PUT", BASE + path, headers=BEARER).status_code == 405


def test_tenant_isolation(client: TestClient) -> None:
    assert client.get(f"{BASE}/tickets", params={"id": "1111"},
                      headers=OTHER_USER).json() == {"count": 0, "tickets": []}
    assert client.get(f"{BASE}/transfers", params={"id": 18},
                      headers=OTHER_USER).json()["count"] == 0
    refused = client.post(f"{BASE}/map", json={"tickets": [{"id": 1111}]}, headers=OTHER_USER)
    assert refused.status_code == 400 and refused.json()["message"] == '{"id": 1111}'
    theirs = transfer(client, [{"id": 1112}], headers=OTHER_USER)
    assert client.get(f"{BASE}/transfers", params={"id": theirs},
                      headers=OTHER_USER).json()["transfers"][0]["status"] == "FAILED_MAPPING"
    assert client.post(f"{BASE}/recall", json={"transfer_id": 17},
                       headers=OTHER_USER).status_code == 404
    crawl = client.post(f"{BASE}/crawl/refresh", json={"account_ids": [1234]},
                        headers=OTHER_USER).json()
    assert crawl == {"1234": {"job_id": "", "err_msg": "Account not found."}}
    assert client.post(f"{BASE}/crawl/refresh", json={"user_id": 8060},
                       headers=OTHER_USER).status_code == 404


def test_map_refuses_missing_and_unavailable_tickets(client: TestClient) -> None:
    missing = {"event": "Nobody", "venue": "Nowhere", "local_date": "2019-01-01T10:00:00"}
    response = client.post(f"{BASE}/map", json={"tickets": [missing]}, headers=BEARER)
    assert response.status_code == 400
    assert response.json()["message"] == (
        '{"event": "Nobody", "venue": "Nowhere", "local_date": "2019-01-01T10:00:00"}')
    transferred = client.post(f"{BASE}/map", json={"tickets": [{"id": 1111}]}, headers=BEARER)
    assert transferred.status_code == 400 and "1111" in transferred.json()["message"]
    forced = client.post(f"{BASE}/map", json={"tickets": [{"id": 1111}], "force": True},
                         headers=BEARER)
    assert forced.status_code == 200
    near = client.post(f"{BASE}/map", json={"tickets": [{
        "event": "White Sox at Giants", "venue": "Scottsdale Stadium",
        "local_date": "2019-02-25T14:00:00", "section": "213", "row": "K", "seat": "17"}]},
        headers=BEARER)
    assert near.status_code == 200  # within an hour


@pytest.mark.parametrize(("path", "body"), [
    ("/map", {"tickets": []}), ("/map", {}), ("/map", {"tickets": [{}]}),
    ("/map", {"tickets": [{"id": "x"}]}), ("/map", {"tickets": "1111"}),
    ("/map", {"tickets": [{"id": 1112}], "force": "yes"}),
    ("/map", {"tickets": [{"local_date": "2019-02-30"}]}),
    ("/transfer", {"tickets": [{"id": 1112}]}),
    ("/transfer", {"recipient_email": "nobody", "first_name": "a", "last_name": "b",
                   "tickets": [{"id": 1112}]}),
    ("/recall", {}), ("/recall", {"transfer_id": "19"}), ("/recall", {"transfer_id": -1}),
    ("/crawl/refresh", {}), ("/crawl/refresh", {"account_ids": []}),
    ("/crawl/refresh", {"account_ids": ["a"]}), ("/crawl/refresh", {"account_ids": [2**70]}),
])
def test_bad_bodies_get_a_400(client: TestClient, path: str, body: Any) -> None:
    response = client.post(BASE + path, json=body, headers=BEARER)
    assert response.status_code == 400, response.text
    assert response.json()["message"]


def test_bad_bodies_that_are_not_json(client: TestClient) -> None:
    empty = client.post(f"{BASE}/map", content=b"", headers={**BEARER,
                                                            "Content-Type": "application/json"})
    assert empty.status_code == 400
    text = client.post(f"{BASE}/map", content=b"x", headers={**BEARER,
                                                            "Content-Type": "text/plain"})
    assert text.status_code == 415


@pytest.mark.parametrize("params", [
    {"id": "a"}, {"account_id": "1,,2"}, {"date_from": "2019-02-30"}, {"expired": "maybe"},
    {"page_size": "x"}, {"id": "9" * 40}])
def test_bad_ticket_queries(client: TestClient, params: dict[str, str]) -> None:
    response = tickets(client, **params)
    assert response.status_code in (200, 400), response.text
    if params != {"id": "9" * 40}:
        assert response.status_code == 400
    else:
        assert response.json()["count"] == 0


def test_unknown_recall_is_404(client: TestClient) -> None:
    assert client.post(f"{BASE}/recall", json={"transfer_id": 999999},
                       headers=BEARER).status_code == 404

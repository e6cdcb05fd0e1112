"""Ticket transfers over HTTP: documented examples, filters, paging, tenants, bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import BROKER_HEADERS
from tests.ticket_transfers.conftest import KNOWN, OTHER_SELLER, SELLER, create

PUBLIC_KEYS = {"_id", "secret", "sender", "recipient", "status", "outcome", "eventId",
               "groupEventId", "createdAt", "tickets"}
PRIVATE_KEYS = {"_id", "secret", "ticketIds", "eventId", "groupEventId", "sellerId", "status",
                "origin", "recipient", "sender", "outcome", "history", "expiresAt", "createdAt",
                "updatedAt"}
SEATING = {"_id", "_type", "categoryId", "statusId", "name", "seatType", "sectionName",
           "groupName", "rowName", "seatName", "gate"}


def test_documented_examples_work_as_written(tt: TestClient) -> None:
    created = tt.post("/api/ticket-transfers", json={
        "tickets": [{"id": "string", "secret": "string"}], "childEventId": "string",
        "recipient": {"email": "[email protected]", "customerId": "string", "phone": "string"},
        "requiresAcceptance": True})
    assert created.status_code == 200, created.text
    assert set(created.json()) == PUBLIC_KEYS
    assert set(created.json()["tickets"][0]["seatingInfo"]) == SEATING
    accepted = tt.post("/api/ticket-transfers/string/accept", json={
        "secret": "string", "prename": "string", "lastname": "string", "ticketIds": ["string"]})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "TRANSFERRED"
    assert tt.get("/api/ticket-transfers/string/string").status_code == 200
    private = tt.get("/api/ticket-transfers/string", headers=SELLER)
    assert private.status_code == 200 and set(private.json()) == PRIVATE_KEYS
    listed = tt.get("/api/ticket-transfers", headers=SELLER)
    assert set(listed.json()) == {"docs", "total"}
    public = tt.get("/api/public/ticket-transfers",
                    params={"tickets[0][id]": "string", "tickets[0][secret]": "string"})
    assert isinstance(public.json(), list) and public.json()


def test_reject_example_works_as_written(tt: TestClient) -> None:
    rejected = tt.post("/api/ticket-transfers/string/reject", json={"secret": "string"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "REJECTED"
    again = tt.post("/api/ticket-transfers/string/reject", json={"secret": "string"})
    assert again.status_code == 400 and "REJECTED" in again.json()["message"]


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [doc["_id"] for doc in response.json()["docs"]]


def test_private_list_filters(tt: TestClient) -> None:
    ticket = KNOWN.free()[0]
    made = create(tt, [ticket], email="Filter.Me@example.com").json()
    get = lambda **params: tt.get("/api/ticket-transfers", params=params,  # noqa: E731
                                  headers=SELLER)
    assert _ids(get(ticketIds=[ticket["_id"], "other"])) == [made["_id"]]
    assert made["_id"] in _ids(get(status=["CREATED", "EXPIRED"]))
    assert made["_id"] not in _ids(get(status="REJECTED"))
    assert _ids(get(**{"recipient[email]": "filter.me@example.com"})) == [made["_id"]]
    sender = made["sender"]["customerId"]
    assert made["_id"] in _ids(get(**{"sender[id]": sender}))
    assert made["_id"] in _ids(get(**{"sender[email]": made["sender"]["email"]}))
    assert made["_id"] in _ids(get(eventId=ticket["eventId"]))
    stubhub = _ids(get(origin="stubhub"))
    assert stubhub and made["_id"] not in stubhub
    assert _ids(get(**{"updatedAt[$gte]": made["createdAt"]})) == [made["_id"]]
    assert made["_id"] not in _ids(get(**{"updatedAt[$lt]": made["createdAt"]}))
    assert made["_id"] in _ids(get(**{"updatedAt[$lte]": made["createdAt"],
                                      "updatedAt[$gt]": "2000-01-01T00:00:00Z"}))


def test_paging_edges(tt: TestClient) -> None:
    everything = tt.get("/api/ticket-transfers", params={"top": 1000}, headers=SELLER).json()
    total = everything["total"]
    assert total == len(everything["docs"]) >= 4
    first = tt.get("/api/ticket-transfers", params={"top": 1}, headers=SELLER).json()
    assert len(first["docs"]) == 1 and first["total"] == total
    second = tt.get("/api/ticket-transfers", params={"top": 1, "skip": 1}, headers=SELLER)
    assert second.json()["docs"][0]["_id"] == everything["docs"][1]["_id"]
    past = tt.get("/api/ticket-transfers", params={"skip": total + 5}, headers=SELLER).json()
    assert past == {"docs": [], "total": total}
    for bad in ({"top": 0}, {"top": 1001}, {"skip": -1}, {"top": "many"}):
        refused = tt.get("/api/ticket-transfers", params=bad, headers=SELLER)
        assert refused.status_code == 400, bad
    default = tt.get("/api/ticket-transfers", headers=SELLER).json()
    assert len(default["docs"]) == min(25, total)


def test_sellers_see_only_their_own(tt: TestClient) -> None:
    mine = KNOWN.transfer("TRANSFERRED")
    theirs = KNOWN.transfer("TRANSFERRED", seller=KNOWN.other_seller)
    assert tt.get(f"/api/ticket-transfers/{mine['_id']}", headers=SELLER).status_code == 200
    assert tt.get(f"/api/ticket-transfers/{theirs['_id']}", headers=SELLER).status_code == 404
    assert tt.get(f"/api/ticket-transfers/{theirs['_id']}",
                  headers=OTHER_SELLER).status_code == 200
    docs = tt.get("/api/ticket-transfers", params={"top": 1000}, headers=OTHER_SELLER).json()
    assert {d["sellerId"] for d in docs["docs"]} == {KNOWN.other_seller}


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401), ({"Authorization": "Bearer not-a-key"}, 401), (BROKER_HEADERS, 401),
    ({"Authorization": "Bearer sim-broker-key"}, 403)])
def test_private_reads_need_a_seller_key(tt: TestClient, headers: dict[str, str],
                                         status: int) -> None:
    for path in ("/api/ticket-transfers", "/api/ticket-transfers/string"):
        response = tt.get(path, headers=headers)
        assert response.status_code == status, (path, response.text)
        assert set(response.json()) == {"message"}


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"tickets": [], "recipient": {"email": "a@b.c"}}, 400, "tickets"),
    ({"tickets": [{"id": "string"}], "recipient": {"email": "a@b.c"}}, 400, "secret"),
    ({"tickets": [{"id": "string", "secret": "string"}]}, 400, "recipient"),
    ({"tickets": [{"id": "x" * 65, "secret": "s"}], "recipient": {"email": "a@b.c"}}, 400, "id"),
    ({"tickets": [{"id": "nope", "secret": "s"}], "recipient": {"email": "a@b.c"}}, 404,
     "nope"),
    ({"tickets": [{"id": "string", "secret": "bad"}], "recipient": {"email": "a@b.c"}}, 401,
     "secret"),
    ({"tickets": [{"id": "string", "secret": "string"}] * 2, "recipient": {"email": "a@b.c"}},
     400, "more than once"),
])
def test_create_refuses_bad_input(tt: TestClient, body: dict[str, Any], status: int,
                                  field: str) -> None:
    response = tt.post("/api/ticket-transfers", json=body)
    assert response.status_code == status, response.text
    assert field in response.json()["message"]


def test_tickets_of_different_events_are_refused(tt: TestClient) -> None:
    first = KNOWN.free()[0]
    other = next(t for t in KNOWN.tickets if t["sellerId"] == KNOWN.seller
                 and t["eventId"] != first["eventId"] and t["status"] == "VALID")
    response = create(tt, [first, other])
    assert response.status_code == 400 and "same event" in response.json()["message"]


def test_malformed_ids_and_wrong_secrets(tt: TestClient) -> None:
    long_id = "x" * 65
    assert tt.get(f"/api/ticket-transfers/{long_id}", headers=SELLER).status_code == 400
    assert tt.get("/api/ticket-transfers/%20nope", headers=SELLER).status_code == 404
    assert tt.get("/api/ticket-transfers/string/wrong").status_code == 404
    assert tt.post("/api/ticket-transfers/string/accept",
                   json={"secret": "wrong", "prename": "A", "lastname": "B"}).status_code == 401
    assert tt.post("/api/ticket-transfers/unknown/reject",
                   json={"secret": "x"}).status_code == 404
    assert tt.post("/api/ticket-transfers/string/accept",
                   json={"secret": "string", "prename": " ", "lastname": "B"}).status_code == 400
    assert tt.post("/api/ticket-transfers/string/accept", content=b"{",
                   headers={"content-type": "application/json"}).status_code == 400
    assert tt.post("/api/ticket-transfers/string/reject", content=b"secret=x",
                   headers={"content-type": "text/plain"}).status_code == 400  # not JSON
    assert tt.post("/api/ticket-transfers/string/reject", content=b"<secret/>",
                   headers={"content-type": "application/xml"}).status_code == 415
    wrong_method = tt.get("/api/ticket-transfers/string/accept")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"


def test_public_list(tt: TestClient) -> None:
    ticket = KNOWN.free()[0]
    made = create(tt, [ticket]).json()
    params = {"tickets[0][id]": ticket["_id"], "tickets[0][secret]": ticket["secret"]}
    listed = tt.get("/api/public/ticket-transfers", params=params)
    assert [t["_id"] for t in listed.json()] == [made["_id"]]
    assert tt.get("/api/public/ticket-transfers",
                  params={**params, "status": "TRANSFERRED"}).json() == []
    assert len(tt.get("/api/public/ticket-transfers",
                      params={**params, "sellerId": KNOWN.seller}).json()) == 1
    customer = made["sender"]["customerId"]
    assert len(tt.get("/api/public/ticket-transfers",
                      params={**params, "customerId": customer}).json()) == 1
    assert tt.get("/api/public/ticket-transfers",
                  params={**params, "origin": "stubhub"}).json() == []
    assert tt.get("/api/public/ticket-transfers",
                  params={**params, "updatedAt[$gt]": made["createdAt"]}).json() == []
    assert tt.get("/api/public/ticket-transfers").status_code == 400
    too_many = tt.get("/api/public/ticket-transfers", params={
        f"tickets[{n}][{field}]": f"t{n}" for n in range(101) for field in ("id", "secret")})
    assert too_many.status_code == 400
    assert too_many.json() == {
        "message": "query parameter 'tickets' may have at most 100 keys (got 101)"}
    assert tt.get("/api/public/ticket-transfers", params={
        **params, "tickets[0][secret]": "wrong"}).status_code == 401
    assert tt.get("/api/public/ticket-transfers", params={
        "tickets[0][id]": "nope", "tickets[0][secret]": "x"}).status_code == 404
    assert tt.get("/api/public/ticket-transfers",
                  params={**params, "status": "EXPIRED"}).status_code == 400


def test_public_list_child_event_filter(tt: TestClient) -> None:
    """``childEventId`` keeps a season card's transfers for that child event only."""
    documented = next(t for t in KNOWN.transfers if t["_id"] == "string")
    child = documented["eventId"]  # the season child the documented transfer is for
    other = next(e for e, event in KNOWN.events.items()
                 if event.get("groupEventId") == documented["groupEventId"] and e != child)
    card = {"tickets[0][id]": "string", "tickets[0][secret]": "string"}
    for_child = tt.get("/api/public/ticket-transfers", params={**card, "childEventId": child})
    assert [t["_id"] for t in for_child.json()] == ["string"]
    assert tt.get("/api/public/ticket-transfers",
                  params={**card, "childEventId": other}).json() == []


def test_private_list_recipient_id_filter(tt: TestClient) -> None:
    """``recipient[id]`` matches the recipient's customer id (known once accepted)."""
    made = create(tt, KNOWN.free(), email="by.id@example.com").json()
    accepted = tt.post(f"/api/ticket-transfers/{made['_id']}/accept", json={
        "secret": made["secret"], "prename": "Ada", "lastname": "Lovelace"}).json()
    customer = accepted["recipient"]["customerId"]
    found = tt.get("/api/ticket-transfers", params={"recipient[id]": customer}, headers=SELLER)
    assert _ids(found) == [made["_id"]]
    assert _ids(tt.get("/api/ticket-transfers", params={"recipient[id]": "nobody"},
                       headers=SELLER)) == []


@pytest.mark.parametrize("style", ["repeated", "brackets", "indices"])
def test_array_filters_as_javascript_clients_send_them(tt: TestClient, style: str) -> None:
    """``status=A&status=B`` (repeated), ``status[]=`` (axios), ``status[0]=`` (qs)."""
    ticket = KNOWN.free()[0]
    made = create(tt, [ticket]).json()

    def encoded(name: str, values: list[str]) -> list[tuple[str, str]]:
        keys = {"repeated": lambda n: name, "brackets": lambda n: f"{name}[]",
                "indices": lambda n: f"{name}[{n}]"}[style]
        return [(keys(n), value) for n, value in enumerate(values)]

    def ids(pairs: list[tuple[str, str]]) -> list[str]:
        return _ids(tt.get("/api/ticket-transfers", params=[*pairs, ("top", "1000")],
                           headers=SELLER))

    assert ids(encoded("ticketIds", ["other", ticket["_id"]])) == [made["_id"]]
    rejected = ids(encoded("status", ["REJECTED", "EXPIRED"]))
    assert rejected and made["_id"] not in rejected
    assert made["_id"] in ids(encoded("status", ["EXPIRED", "CREATED"]))
    refused = tt.get("/api/ticket-transfers", params=encoded("status", ["NOPE"]),
                     headers=SELLER)
    assert refused.status_code == 400 and "status" in refused.json()["message"]

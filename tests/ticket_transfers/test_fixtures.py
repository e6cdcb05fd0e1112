"""Sellers, events, customers, ticket types and tickets added through ``POST /_sim/fixtures``."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

KEY = {"Authorization": "Bearer key-a"}


def _document(expires_after: dict[str, Any] | None) -> dict[str, Any]:
    ticket = {"sellerId": "seller-a", "eventId": "ev-1", "ticketTypeId": "tt-1",
              "ticketName": "Standard", "seatingInfo": None, "customerId": "cust-1",
              "email": "sam@x.test", "name": "Sam Sender", "excludedEventIds": [],
              "status": "VALID", "originTicketId": None,
              "createdAt": "2029-01-01T00:00:00.000Z"}
    return {
        "sellers": [{"_id": "seller-a", "name": "Club A", "apiKey": "key-a"}],
        "seller_events": [{"_id": "ev-1", "sellerId": "seller-a", "name": "Match",
                           "groupEventId": None, "start": "2030-01-01T18:00:00.000Z"}],
        "customers": [{"_id": "cust-1", "sellerId": "seller-a", "email": "sam@x.test",
                       "prename": "Sam", "lastname": "Sender", "phone": None}],
        "ticket_types": [{"_id": "tt-1", "sellerId": "seller-a", "name": "Standard",
                          "transferSettings": {"expiresAfter": expires_after}}],
        "tickets": [{"_id": "tk-1", "secret": "sec-1", **ticket},
                    {"_id": "tk-2", "secret": "sec-2", **ticket}],
        "ticket_transfers": [],
    }


def _create(client: TestClient, ticket: str, secret: str) -> dict[str, Any]:
    response = client.post("/api/ticket-transfers", json={
        "tickets": [{"id": ticket, "secret": secret}], "recipient": {"email": "r@x.test"}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_loaded_sections_serve_transfers_with_their_own_expiry(client: TestClient) -> None:
    loaded = client.post("/_sim/fixtures", json=_document({"offset": 30, "unit": "minutes"}))
    assert loaded.status_code == 200, loaded.text
    made = _create(client, "tk-1", "sec-1")
    assert made["sender"] == {"customerId": "cust-1", "email": "sam@x.test",
                              "name": "Sam Sender"}
    private = client.get(f"/api/ticket-transfers/{made['_id']}", headers=KEY).json()
    assert private["sellerId"] == "seller-a" and private["eventId"] == "ev-1"
    client.post("/_sim/clock/advance", json={"seconds": 30 * 60 - 1})
    assert client.get(f"/api/ticket-transfers/{made['_id']}",
                      headers=KEY).json()["status"] == "CREATED"
    client.post("/_sim/clock/advance", json={"seconds": 1})
    expired = client.get(f"/api/ticket-transfers/{made['_id']}", headers=KEY).json()
    assert expired["status"] == "EXPIRED"
    assert expired["updatedAt"] == expired["expiresAt"] == expired["history"][-1]["date"]
    assert _create(client, "tk-1", "sec-1")["status"] == "CREATED"  # back with the sender


def test_a_ticket_type_without_expiry_gives_null(client: TestClient) -> None:
    assert client.post("/_sim/fixtures", json=_document(None)).status_code == 200
    made = _create(client, "tk-2", "sec-2")
    private = client.get(f"/api/ticket-transfers/{made['_id']}", headers=KEY).json()
    assert private["expiresAt"] is None

"""Shared calls of the inventory tests (documented examples, headers, paths)."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.testclient import TestClient

BASE = "/inventory1ticket/public/v1"
BEARER = {"Authorization": "Bearer sim-broker-key"}
API_KEY = {"x-api-key": "sim-broker-key"}
OTHER_USER = {"Authorization": "Bearer sim-broker-key-9101"}
WHITE_SOX = {"event": "White Sox at Giants", "venue": "Scottsdale Stadium",
             "local_date": "2019-02-25T13:05:00", "section": "213", "row": "K", "seat": "17"}
TRANSFER_EXAMPLE = {
    "order_id": "test1234", "invoice_id": "test223", "marketplace": "ticketmaster",
    "recipient_email": "jason@1ticket.com", "first_name": "Jason", "last_name": "Knieriem",
    "note": "Testing", "tickets": [{**WHITE_SOX, "barcode": "660258794538"}],
}


def transfer(client: TestClient, tickets: list[dict[str, Any]], email: str = "buyer@x.test",
             headers: dict[str, str] = BEARER, **extra: Any) -> int:
    body = {"recipient_email": email, "first_name": "Ann", "last_name": "Lee",
            "tickets": tickets, **extra}
    params = {"upload_proof": "true"} if extra.pop("upload_proof", False) else {}
    response = client.post(f"{BASE}/transfer", json=body, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return int(response.json()["transfer_id"])


def get_transfer(client: TestClient, transfer_id: int) -> dict[str, Any]:
    response = client.get(f"{BASE}/transfers", params={"id": transfer_id}, headers=BEARER)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["transfers"][0]
    return found


def tickets(client: TestClient, **params: Any) -> httpx.Response:
    return client.get(f"{BASE}/tickets", params=params, headers=BEARER)


def ticket(client: TestClient, ticket_id: int) -> dict[str, Any]:
    found: dict[str, Any] = tickets(client, id=str(ticket_id)).json()["tickets"][0]
    return found

"""Behaviour of vivenu's ticket transfers that a schema cannot express.

create → public read → accept → private read; reject then re-transfer;
finished transfers refuse changes naming their state; wrong secrets and keys.
Every response is also checked against the contract by the client fixture.
Tests use the documentation's example entities (ticket, transfer and child
event ``string``), which the simulator's default fixtures carry.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conformance import session as run
from conformance.target import Target

pytestmark = [pytest.mark.service("ticket_transfers"), pytest.mark.writes]

BASE = "/api/ticket-transfers"
EXAMPLE = {"tickets": [{"id": "string", "secret": "string"}], "childEventId": "string",
           "recipient": {"email": "[email protected]"}}


@pytest.fixture
def seller(target: Target) -> dict[str, str]:
    if target.seller_key is None:
        pytest.skip("needs --seller-key")
    return {"Authorization": f"Bearer {target.seller_key}"}


def _create(client: httpx.Client) -> dict[str, Any]:
    response = client.post(BASE, json=EXAMPLE)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_read_accept_and_private_read(client: httpx.Client,
                                             seller: dict[str, str]) -> None:
    made = _create(client)
    assert made["status"] == "CREATED"
    public = client.get(f"{BASE}/{made['_id']}/{made['secret']}")
    assert public.status_code == 200 and public.json()["tickets"][0]["id"] == "string"
    accepted = client.post(f"{BASE}/{made['_id']}/accept", json={
        "secret": made["secret"], "prename": "Ada", "lastname": "Lovelace"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "TRANSFERRED"
    private = client.get(f"{BASE}/{made['_id']}", headers=seller)
    assert private.status_code == 200
    assert [h["type"] for h in private.json()["history"]] == ["created", "transferred"]
    again = client.post(BASE, json=EXAMPLE)
    assert again.status_code == 400  # that child event was transferred away


def test_reject_then_transfer_again(client: httpx.Client) -> None:
    made = _create(client)
    assert client.post(BASE, json=EXAMPLE).status_code == 400  # already open
    rejected = client.post(f"{BASE}/{made['_id']}/reject", json={"secret": made["secret"]})
    assert rejected.status_code == 200 and rejected.json()["status"] == "REJECTED"
    refused = client.post(f"{BASE}/{made['_id']}/accept", json={
        "secret": made["secret"], "prename": "A", "lastname": "B"})
    assert refused.status_code == 400 and "REJECTED" in refused.json()["message"]
    assert _create(client)["status"] == "CREATED"


def test_secrets_and_keys(client: httpx.Client, seller: dict[str, str]) -> None:
    wrong = client.post(f"{BASE}/string/reject", json={"secret": "not-it"})
    assert wrong.status_code == 401
    assert client.get(f"{BASE}/string/not-it").status_code == 404
    assert client.get(f"{BASE}/string").status_code == 401
    for path in (BASE, f"{BASE}/string"):
        assert client.get(path, headers={"Authorization": "Bearer no-such-key"}
                          ).status_code == 401  # the only refusal vivenu documents
    assert client.get(f"{BASE}/string", headers=seller).status_code == 200
    assert client.get(BASE, headers=seller, params={"top": 1001}).status_code == 400


def test_other_methods_on_the_collection_are_405_for_create_and_list(
        client: httpx.Client, conformance: run.Session) -> None:
    """PUT, PATCH and DELETE on ``/ticket-transfers`` are 405 allowing GET and POST.

    Both operations of that path (create and the private list) document the 405;
    the coverage table files an answer under one operation, so it is recorded
    against both (else the list's 405 is never seen).
    """
    at_path = [operation for service in conformance.services for operation in service.operations
               if service.name == "ticket_transfers" and operation.path == "/ticket-transfers"]
    assert {operation.method for operation in at_path} == {"GET", "POST"}
    for method in ("PUT", "PATCH", "DELETE"):
        refused = client.request(method, BASE, json={})
        assert refused.status_code == 405, refused.text
        assert set(refused.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
        assert set(refused.json()) == {"message"}
        for operation in at_path:
            conformance.observations.record(operation, 405, f"{method} {refused.url}")

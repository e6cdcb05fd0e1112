"""Known entities of the default fixtures and helpers for the ticket-transfer tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.testclient import TestClient

from simulator import fixturegen
from simulator.app import create_app
from simulator.services.ticket_transfers.fixtures import DEFAULT_SELLER_KEY
from tests.conftest import frozen_config

SELLER = {"Authorization": f"Bearer {DEFAULT_SELLER_KEY}"}
OTHER_SELLER = {"Authorization": f"Bearer {DEFAULT_SELLER_KEY}-2"}


class Known:
    """The default document's sellers, tickets and transfers, by what tests need."""

    def __init__(self) -> None:
        self.document = fixturegen.load_default()
        sellers = self.document["sellers"]
        self.seller, self.other_seller = sellers[0]["_id"], sellers[1]["_id"]
        self.tickets = self.document["tickets"]
        self.transfers = self.document["ticket_transfers"]
        self.events = {e["_id"]: e for e in self.document["seller_events"]}

    def free(self, seller: str | None = None, count: int = 1,
             event: str | None = None) -> list[dict[str, Any]]:
        """Valid tickets of one event that no fixture transfer names."""
        busy = {i for t in self.transfers for i in t["ticketIds"]}
        seller = seller or self.seller
        mine = [t for t in self.tickets if t["sellerId"] == seller and t["status"] == "VALID"
                and t["_id"] not in busy and t["_id"] != "string"
                and t["ticketName"] != "Season Card"]
        event = event or mine[0]["eventId"]
        found = [t for t in mine if t["eventId"] == event]
        assert len(found) >= count
        return found[:count]

    def transfer(self, status: str, seller: str | None = None) -> dict[str, Any]:
        return next(t for t in self.transfers if t["status"] == status
                    and t["sellerId"] == (seller or self.seller) and t["_id"] != "string")


KNOWN = Known()


def keys(tickets: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"id": t["_id"], "secret": t["secret"]} for t in tickets]


def create(client: Any, tickets: list[dict[str, Any]], email: str = "rec@example.com",
           **extra: Any) -> httpx.Response:
    response: httpx.Response = client.post("/api/ticket-transfers", json={
        "tickets": keys(tickets), "recipient": {"email": email}, **extra})
    return response


@pytest.fixture
def served() -> Iterator[str]:
    """The app served by uvicorn on a loopback port; yields its base URL."""
    app = create_app(frozen_config())
    app.simulator.load_fixtures(None)  # a PostgreSQL test database keeps earlier tests' rows
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):  # wait (real time) for the socket, not for simulated work
        if server.started:
            break
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def tt(client: TestClient) -> TestClient:
    return client

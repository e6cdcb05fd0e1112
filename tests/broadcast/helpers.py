"""What the broadcast, mpdeleter, shsyncx and marketplaceapis tests share.

The default fixtures hold the documentation's user 9147 (key
``sim-broker-key-9147``) and its listing 23140895 (section 127, row 10,
seats 105-108), live on Stubhub, TicketNetwork, Vivid and Seatgeek. Each
test package's conftest reuses :func:`app` (one app per module, reset per test).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import MARKETPLACE_HEADERS, frozen_config

USER = 9147
KEY = "sim-broker-key-9147"
LISTING = "23140895"
LIVE_ON = {"Stubhub", "TicketNetwork", "Vivid", "Seatgeek"}
SEATS = [{"row": "10", "seat": s} for s in ("105", "106", "107", "108")]


def view(client: TestClient, listing_id: str = LISTING) -> dict[str, Any]:
    response = client.get(f"/_sim/listings/{listing_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_marketplace(client: TestClient, listing_id: str = LISTING) -> dict[str, dict[str, Any]]:
    return {copy["marketplace"]: copy for copy in view(client, listing_id)["marketplaces"]}


def available(client: TestClient, listing_id: str = LISTING) -> dict[str, int]:
    """Seats each marketplace the listing is live on can sell now."""
    return {name: copy["seats_available"]
            for name, copy in by_marketplace(client, listing_id).items() if copy["live"]}


def hold(client: TestClient, market: str, order_id: str, tickets: list[dict[str, str]],
         hold_length: int = 15) -> httpx.Response:
    return client.post(f"/sales/v1/{market}", headers=MARKETPLACE_HEADERS, json={
        "hold_length": hold_length, "order_id": order_id, "section": "127",
        "broker": str(USER), "listing_id": LISTING, "tickets": tickets})


def release(client: TestClient, market: str, order_id: str) -> httpx.Response:
    return client.request("DELETE", f"/sales/v1/{market}", headers=MARKETPLACE_HEADERS,
                          json={"order_id": order_id, "broker": str(USER),
                                "listing_id": LISTING})


def invoice(client: TestClient, market: str, order_id: str, tickets: list[dict[str, str]]
            ) -> httpx.Response:
    return client.post(f"/sales/v1/{market}/invoice", headers=MARKETPLACE_HEADERS, json={
        "order_id": order_id, "predelivered": True, "delivery_option": "PDF",
        "payout": {"price": 35.5, "currency": "USD"}, "section": "127", "tickets": tickets,
        "broker": str(USER), "listing_id": LISTING})


def mpdelete(client: TestClient, payload: Any, key: str | None = KEY) -> httpx.Response:
    """A delete sent as the documentation's Python example sends it (data=json.dumps)."""
    headers = {"Content-Type": "application/json"} | ({"Authorization": key} if key else {})
    return client.request("DELETE", "/mpdeleter/v2", headers=headers,
                          content=json.dumps(payload))


@pytest.fixture(scope="module")
def shared_app() -> Any:
    """One app per test module: building one (nine specs) costs ~0.5 s, a reset ~0.1 s."""
    return create_app(frozen_config())


@pytest.fixture
def app(shared_app: Any) -> Any:
    """The module's app, reset to the default fixtures (the clock only moves forward)."""
    shared_app.simulator.load_fixtures(None)
    return shared_app

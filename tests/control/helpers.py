"""Shared bits of the control-plane tests: a hold request and rule helpers."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import MARKETPLACE_HEADERS

HOLD_PATH = "/sales/v1/Stubhub"


def hold(order_id: str, seat: str = "19") -> dict[str, Any]:
    return {"order_id": order_id, "hold_length": 5, "section": "211", "broker": "BRK8060",
            "listing_id": "87000000", "tickets": [{"row": "B", "seat": seat}]}


def post_hold(client: TestClient, order_id: str, seat: str = "19",
              **headers: str) -> Any:
    return client.post(HOLD_PATH, json=hold(order_id, seat),
                       headers={**MARKETPLACE_HEADERS, **headers})


def add_rule(client: TestClient, rule: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/_sim/faults", json=rule)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body

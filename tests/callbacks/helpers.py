"""A simulator on a frozen clock with the sales fixtures, wired to a loopback receiver."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from starlette.testclient import TestClient

from simulator.runtime import Simulator
from simulator.services.callbacks.receiver import Receiver
from tests.conftest import MARKETPLACE_HEADERS, fresh_app
from tests.sales_fixtures import SEATED, document, invoice_body
from tests.served import served

SECRET = "mp-secret"
HOOK_SECRET = "hook-secret"
A1 = [{"row": "A", "seat": "1"}]
#: A guard against a hang, not a timing assertion: each awaited event comes in milliseconds.
HANG_GUARD_SECONDS = 30.0


@dataclass
class Env:
    client: TestClient
    simulator: Simulator
    receiver: Receiver
    url: str

    def advance(self, seconds: float) -> None:
        response = self.client.post("/_sim/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text

    def invoice(self, order_id: str, tickets: list[dict[str, str]] = A1, **changes: Any
                ) -> dict[str, Any]:
        body = {**invoice_body(order_id, tickets, listing=SEATED), **changes}
        response = self.client.post("/sales/v1/Stubhub/invoice", json=body,
                                    headers=MARKETPLACE_HEADERS)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def wait(self, **query: Any) -> list[dict[str, Any]]:
        response = self.client.get("/_sim/deliveries/wait", params={"timeout": 20, **query})
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["deliveries"]
        return found

    def settle(self, **query: Any) -> list[dict[str, Any]]:
        """Matching deliveries once none is being sent or due at the simulated now."""
        response = self.client.get("/_sim/deliveries/wait", params={
            "timeout": HANG_GUARD_SECONDS, "settled": "true", **query})
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["deliveries"]
        return found

    def log(self, **query: Any) -> list[dict[str, Any]]:
        response = self.client.get("/_sim/deliveries", params=query)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["deliveries"]
        return found

    def status(self, order_id: str) -> str:
        response = self.client.get("/sales/v1/stubhub/order",
                                   params={"user_id": 8060, "order_id": order_id},
                                   headers={"x-api-key": "sim-broker-key"})
        assert response.status_code == 200, response.text
        return str(response.json()["order_status"])


def register(client: TestClient, base: str) -> None:
    done = client.put("/_sim/marketplaces/Stubhub/callbacks",
                      json={"base_url": f"{base}/mp", "secret": SECRET})
    assert done.status_code == 200, done.text
    hook = client.put("/_sim/brokers/8060/webhook",
                      json={"url": f"{base}/hook", "secret": HOOK_SECRET})
    assert hook.status_code == 200, hook.text


@contextmanager
def environment(transport: httpx.BaseTransport | None = None, fixtures: bool = True,
                **settings: Any) -> Iterator[Env]:
    """A fresh simulator; calls go to a served reference receiver (or ``transport``)."""
    receiver = Receiver(SECRET, HOOK_SECRET)
    app = fresh_app(settings={"callbacks": {"transport": transport, **settings}})
    with served(receiver.app()) as url, TestClient(app) as client:
        if fixtures:
            assert client.post("/_sim/fixtures", json=document()).status_code == 200
        register(client, url)
        try:
            yield Env(client, app.simulator, receiver, url)
        finally:
            app.simulator.close()


def minutes(n: float) -> float:
    return timedelta(minutes=n).total_seconds()

"""Self-test of ``--callbacks-url``: the reference receiver passes; each injected bug is caught."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from conformance.callbacks import check_callbacks
from simulator.services.callbacks.receiver import Receiver
from tests.served import served

Handler = Callable[[httpx.Request], httpx.Response]


def test_the_reference_receiver_passes_every_call() -> None:
    with served(Receiver().app()) as url:
        checks = check_callbacks(f"{url}/mp", timeout_seconds=5)
    kinds = {c.name.split()[0] for c in checks}
    assert {"confirm", "reject", "fulfill", "airbill", "get_order",
            "sale_notification"} <= kinds
    assert [c for c in checks if not c.passed] == []


def _buggy(bug: str) -> Handler:
    """A receiver with one bug on confirm calls; everything else answers correctly."""
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/confirm"):
            if bug == "wrong field":
                return httpx.Response(200, json={"ok": True})
            if bug == "wrong status":
                return httpx.Response(500, json={"message": "boom"})
            raise httpx.ReadTimeout("no answer")
        if request.url.path.endswith("/airbill"):
            return httpx.Response(200, content=b"%PDF-1.4\n%%EOF\n",
                                  headers={"content-type": "application/pdf"})
        if request.method == "GET":
            order_id = request.url.path.rsplit("/", 1)[-1]
            return httpx.Response(200, json={
                "order_id": order_id, "order_status": "Confirmed", "in_hand_date": "2030-01-01",
                "delivery_method": "PDF", "buyer": {"first_name": "A", "last_name": "B",
                                                    "email": "a@b.test"}})
        return httpx.Response(200, json={"success": True})

    return handle


@pytest.mark.parametrize("bug", ["wrong field", "wrong status", "no answer"])
def test_each_injected_bug_is_reported(bug: str) -> None:
    checks = check_callbacks("http://127.0.0.1:9/mp", timeout_seconds=2,
                             transport=httpx.MockTransport(_buggy(bug)))
    failed = [c for c in checks if not c.passed]
    assert failed and all(c.name.startswith("confirm") for c in failed), failed
    reason = failed[0].reason
    expected = {"wrong field": "success", "wrong status": "HTTP 500",
                "no answer": "timed out"}[bug]
    assert expected in reason, reason

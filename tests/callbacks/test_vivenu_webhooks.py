"""vivenu ticket-transfer events reach the seller's webhook through the delivery engine."""

from __future__ import annotations

from starlette.testclient import TestClient

from simulator.core.outbound.signing import verify
from simulator.services.callbacks.deliveries import body_bytes
from simulator.services.callbacks.receiver import Receiver
from tests.conftest import fresh_app
from tests.served import served


def test_rejecting_the_documented_transfer_sends_ticket_transfer_rejected() -> None:
    receiver = Receiver("seller-secret")
    app = fresh_app()
    with served(receiver.app()) as url, TestClient(app) as client:
        seller = client.get("/api/ticket-transfers/string",
                            headers={"Authorization": "Bearer sim-seller-key"})
        assert seller.status_code == 200, seller.text
        seller_id = seller.json()["sellerId"]
        put = client.put(f"/_sim/sellers/{seller_id}/webhook",
                         json={"url": f"{url}/vivenu", "secret": "seller-secret"})
        assert put.status_code == 200, put.text
        assert client.put("/_sim/sellers/nobody/webhook",
                          json={"url": f"{url}/x", "secret": "s"}).status_code == 404
        rejected = client.post("/api/ticket-transfers/string/reject", json={"secret": "string"})
        assert rejected.status_code == 200, rejected.text
        client.post("/_sim/clock/advance", json={"seconds": 1})  # the outbox timer's instant
        found = client.get("/_sim/deliveries/wait",
                           params={"kind": "ticket_transfer", "timeout": 20})
        assert found.status_code == 200, found.text
        [delivery] = found.json()["deliveries"]
        assert delivery["body"]["type"] == "ticketTransfer.rejected"
        assert delivery["body"]["data"]["ticketTransfer"]["status"] == "REJECTED"
        [got] = [r for r in receiver.received if r["path"] == "/vivenu"]
        assert got["signature_ok"] is True and got["body"] == delivery["body"]
        headers = delivery["attempts"][0]["request_headers"]
        assert verify("seller-secret", headers["X-Ticketsim-Timestamp"],
                      body_bytes(delivery["body"]) or b"", headers["X-Ticketsim-Signature"])
    app.simulator.close()

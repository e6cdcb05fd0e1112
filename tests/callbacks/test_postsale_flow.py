"""Each post-sale trigger end to end: API, SimClock, a loopback receiver, the delivery log."""

from __future__ import annotations

import base64
import json
from typing import Any

from simulator.core.outbound.signing import verify
from tests.callbacks.helpers import HOOK_SECRET, SECRET, environment, minutes

#: The documented example body (seed "Webhooks / Sale Notification"), its shape.
DOC_EXAMPLE_KEYS = {
    "message", "invoice", "invoice_recipient", "recipient"}
DOC_ATTRIBUTES = {
    "sale_date", "completed_date", "cancelled_date", "invoice_status", "cust_first_name",
    "cust_last_name", "ticket_quantity", "total_cost", "ROI", "ROI_percentage", "total",
    "commission", "amount_due", "total_sold", "net_profit", "profit_margin_percentage",
    "sns_status", "broker_direct", "buyer_po_id", "items"}
DOC_ITEM = {
    "listing_id", "listing_historic_id", "section", "row", "seat", "item_status", "event_id",
    "event_date", "event_time", "event_name", "event_headliner", "event_headliner_id",
    "event_headliner_type", "event_headliner_category", "venue_id", "venue_name",
    "venue_city", "venue_state", "venue_country_code", "item_price", "item_sold_price",
    "item_sold_price_usd", "item_cost", "face", "location", "is_hard", "external_notes",
    "owner_notes", "inhand", "purchaser", "order_number", "payment_id", "payment_status",
    "payment_date", "owner", "inhand_date", "barcode"}


def _messages(env: Any, order_id: str) -> list[str]:
    return [d["body"]["message"] for d in env.log(kind="sale_notification", order_id=order_id)]


def test_invoice_sends_the_documented_created_webhook_signed() -> None:
    with environment() as env:
        invoice = env.invoice("o1")
        [delivery] = env.wait(kind="sale_notification", order_id="o1")
        body = delivery["body"]
        assert body["message"] == f"Invoice {invoice['invoice_id']} created"
        assert set(body) == DOC_EXAMPLE_KEYS
        data = body["invoice"]["data"]
        assert data["type"] == "sales" and data["id"] == invoice["invoice_id"]
        assert set(data["attributes"]) == DOC_ATTRIBUTES
        [item] = data["attributes"]["items"]["data"]
        assert set(item["attributes"]) == DOC_ITEM
        assert (item["attributes"]["section"], item["attributes"]["row"],
                item["attributes"]["seat"]) == ("21", "A", 1)
        assert body["invoice"]["links"] == {"self": f"/v0/sales/{invoice['invoice_id']}"}
        assert body["invoice"]["meta"] == {"total_data": 1}
        [got] = [r for r in env.receiver.received if r["path"] == "/hook"]
        assert got["body"] == body
        attempt = delivery["attempts"][0]
        headers = attempt["request_headers"]
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        assert verify(HOOK_SECRET, headers["X-Ticketsim-Timestamp"], raw,
                      headers["X-Ticketsim-Signature"])
        assert not verify(SECRET, headers["X-Ticketsim-Timestamp"], raw,
                          headers["X-Ticketsim-Signature"])
        assert got["idempotency_key"] == delivery["id"]


def test_pdf_sale_is_confirmed_then_fulfilled_with_decodable_tickets() -> None:
    from simulator.pdf.decode import decode_pdf

    with environment() as env:
        env.invoice("o1", [{"row": "A", "seat": "1"}, {"row": "A", "seat": "2"}])
        assert env.status("o1") == "Pending"
        env.advance(minutes(1))
        [confirm] = env.wait(kind="confirm", order_id="o1")
        assert confirm["url"].endswith("/mp/orders/o1/confirm")
        assert confirm["body"]["broker"] == "BRK8060" and confirm["findings"] == []
        assert env.status("o1") == "Confirmed"
        env.advance(minutes(5))
        [fulfill] = env.wait(kind="fulfill", order_id="o1")
        assert env.status("o1") == "Completed"
        files = fulfill["body"]["files"]
        assert [(f["row"], f["seat"]) for f in files] == [("A", "1"), ("A", "2")]
        for file in files:
            [ticket] = decode_pdf(base64.b64decode(file["data"]))
            decoded = ticket.to_dict()
            assert (decoded["section"], decoded["row"], decoded["seat"]) == (
                "21", file["row"], file["seat"])
            assert {b["data"] for b in decoded["barcodes"]} >= set(file["barcodes"])
        env.wait(kind="sale_notification", order_id="o1")
        assert "Invoice 12121221 fulfilled" in _messages(env, "o1")
        polls = env.wait(kind="get_order", order_id="o1")
        assert polls and all(p["findings"] == [] for p in polls)


def test_hard_sale_fetches_the_airbill_then_ships_then_completes() -> None:
    with environment() as env:
        env.invoice("h1", delivery_option="HARD")
        env.advance(minutes(1))
        env.wait(kind="confirm", order_id="h1")
        env.advance(3600)
        [airbill] = env.wait(kind="airbill", order_id="h1")
        assert airbill["method"] == "GET" and airbill["attempts"][0]["body_excerpt"].startswith(
            "<") and airbill["findings"] == []
        assert env.status("h1") == "Shipped"
        env.advance(172800)
        env.wait(kind="fulfill", order_id="h1")
        assert env.status("h1") == "Completed"


def test_magic_order_is_rejected_instead_of_confirmed() -> None:
    with environment() as env:
        env.invoice("SIM-REJECT-1")
        env.advance(minutes(1))
        [reject] = env.wait(kind="reject", order_id="SIM-REJECT-1")
        assert "SIM-REJECT" in reject["body"]["reason"]
        assert env.log(kind="confirm", order_id="SIM-REJECT-1") == []
        state = env.client.get("/_sim/postsale/stubhub/SIM-REJECT-1").json()
        assert state["status"] == "REJECTED"


def test_control_plane_actions_send_the_documented_messages() -> None:
    with environment() as env:
        invoice_id = env.invoice("o1")["invoice_id"]
        client = env.client
        assert client.put("/_sim/postsale/Stubhub/o1/price", json={"price": 50}).status_code == 200
        assert client.put("/_sim/postsale/Stubhub/o1/recipient", json={
            "first_name": "Ann", "last_name": "Lee", "email": "ann@x.test"}).status_code == 200
        assert client.post("/_sim/postsale/Stubhub/o1/cancel").status_code == 200
        assert client.post("/_sim/postsale/Stubhub/o1/reject").status_code == 409
        for _ in range(20):  # each wait returns once another delivery succeeded
            if len(env.log(kind="sale_notification", status="SUCCEEDED")) == 4:
                break
            env.wait(kind="sale_notification", order_id="o1")
        assert _messages(env, "o1") == [
            f"Invoice {invoice_id} created",
            f"Invoice {invoice_id} notification with price update",
            f"Invoice {invoice_id} notification with recipient update",
            f"Invoice {invoice_id} cancelled"]
        last = env.log(kind="sale_notification")[-1]["body"]
        assert last["invoice_recipient"] == {"first_name": "Ann", "last_name": "Lee",
                                             "email": "ann@x.test"}
        assert last["invoice"]["data"]["attributes"]["total_cost"] == 50
        assert last["invoice"]["data"]["attributes"]["cancelled_date"] is not None
        assert client.post("/_sim/postsale/Stubhub/nope/cancel").status_code == 404


def test_predelivered_sale_is_created_and_fulfilled() -> None:
    with environment() as env:
        invoice_id = env.invoice("p1", predelivered=True)["invoice_id"]
        [hook] = env.wait(kind="sale_notification", order_id="p1")
        assert hook["body"]["message"] == f"Invoice {invoice_id} created and fulfilled"


def test_registration_refuses_bad_input() -> None:
    with environment() as env:
        put = env.client.put
        assert put("/_sim/marketplaces/Nowhere/callbacks",
                   json={"base_url": "http://127.0.0.1/x", "secret": "s"}).status_code == 404
        bad = put("/_sim/marketplaces/Stubhub/callbacks",
                  json={"base_url": "ftp://x", "secret": "s"})
        assert bad.status_code == 400 and "base_url" in bad.json()["message"]
        bad = put("/_sim/marketplaces/Stubhub/callbacks", json={
            "base_url": "http://127.0.0.1/x", "secret": "s", "paths": {"confirm": "/{nope}"}})
        assert bad.status_code == 400 and "nope" in bad.json()["message"]
        assert put("/_sim/brokers/1/webhook",
                   json={"url": "http://127.0.0.1/h", "secret": "s"}).status_code == 404
        assert env.client.get("/_sim/deliveries", params={"kind": "x"}).status_code == 400
        assert env.client.get("/_sim/deliveries/wait",
                              params={"timeout": 0, "order_id": "none"}).status_code == 408

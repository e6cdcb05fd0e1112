"""The reference receiver: a marketplace and a broker webhook, as ``marketplace-callbacks.yaml``
describes them (``ticketsim receiver --port N``).

It answers every confirm / reject / fulfill with ``{"success": true}``,
serves an airbill PDF, answers get-order with every documented output for
what it was told so far, accepts sale notifications and vivenu webhooks, and
keeps everything it got (``GET /_received``). Signatures are checked when
it knows the secrets (``--secret``, repeatable); a bad one is answered 401. Paths are
matched on their tail, so any base URL prefix works (``/mp/stubhub/orders/...``).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator.core.outbound.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

__all__ = ["AIRBILL_PDF", "Receiver"]

#: A minimal valid one-page PDF (the shipping label).
AIRBILL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 288 432]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n")
STATUS_AFTER = {"confirm": "Confirmed", "airbill": "Shipped", "fulfill": "Completed"}


class Receiver:
    """State of one reference receiver; :meth:`app` is its ASGI app."""

    def __init__(self, *secrets: str) -> None:
        self.secrets = secrets
        self.received: list[dict[str, Any]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/_received", self._list, methods=["GET"]),
            Route("/{path:path}", self._any, methods=["GET", "POST", "PUT"]),
        ])

    async def _list(self, _request: Request) -> Response:
        with self._lock:
            return JSONResponse({"received": list(self.received)})

    async def _any(self, request: Request) -> Response:
        raw = await request.body()
        signed = self._signed(request, raw)
        body = _json(raw)
        call, order_id = _call_of(request.url.path)
        with self._lock:
            self.received.append({"method": request.method, "path": request.url.path,
                                  "query": dict(request.query_params), "call": call,
                                  "signature_ok": signed, "body": body,
                                  "idempotency_key": request.headers.get("idempotency-key")})
        if signed is False:
            return JSONResponse({"message": "bad signature"}, status_code=401)
        if call is None:
            return JSONResponse({"received": True})
        return self._answer(call, order_id or "", body, request)

    def _answer(self, call: str, order_id: str, body: Any, request: Request) -> Response:
        order = self.orders.setdefault(order_id, {
            "order_id": order_id, "order_status": "Pending", "in_hand_date": None,
            "delivery_method": None})
        if isinstance(body, dict):
            order["delivery_method"] = body.get("delivery_method") or order["delivery_method"]
            order["broker"] = body.get("broker")
        if call in STATUS_AFTER:
            order["order_status"] = STATUS_AFTER[call]
        if call == "airbill":
            return Response(AIRBILL_PDF, media_type="application/pdf")
        if call == "get_order":
            return JSONResponse({
                **order, "in_hand_date": order["in_hand_date"] or "2030-01-01",
                "delivery_method": order["delivery_method"] or "PDF",
                "buyer": {"first_name": "Ann", "last_name": "Buyer",
                          "email": "ann.buyer@example.com"}})
        return JSONResponse({"success": True})

    def _signed(self, request: Request, raw: bytes) -> bool | None:
        if not self.secrets:
            return None
        stamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        return any(verify(secret, stamp, raw, signature) for secret in self.secrets)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _call_of(path: str) -> tuple[str | None, str | None]:
    """(call name, order id) from a default-template path tail ``/orders/{id}[/call]``."""
    parts = path.rstrip("/").split("/")
    if "orders" not in parts:
        return None, None
    index = len(parts) - 1 - parts[::-1].index("orders")
    tail = parts[index + 1:]
    if len(tail) == 1:
        return "get_order", tail[0]
    if len(tail) == 2 and tail[1] in ("confirm", "reject", "fulfill", "airbill"):
        return tail[1], tail[0]
    return None, None

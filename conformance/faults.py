"""A deliberately broken simulator, for the self-test only.

:class:`FaultInjector` wraps the simulator's ASGI app and injects exactly one
contract bug, chosen by name from :data:`FAULTS`. It is reached only through
the hidden ``--inject-fault`` option, which the self-test passes to a nested
run of the suite (``test_selftest.py``) to prove that each bug is reported.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FAULTS", "FaultInjector"]

FAULTS: dict[str, str] = {
    "drop_required_field": "create_invoice's 200 body has no invoice_id (a required field)",
    "wrong_field_type": "create_hold's 200 body carries expires_at as a number, not a date-time",
    "undocumented_status": "create_hold answers 201 (undocumented) where it should answer 200",
    "server_error": "the sales API crashes (500, text/plain) where it should answer 404",
    "ignores_missing_key": "sales requests without x-api-key run as if the default key was sent",
    "released_seats_stay_blocked": "a released hold's seats still refuse other holds (409)",
}

SALES = "/sales/v1"
HOLD_PATH = re.compile(r"^/sales/v1/(?!catalogue/?$)[^/]+/?$")
BROKER_PATHS = re.compile(r"^/sales/v1/(catalogue|[^/]+/order)/?$")


class FaultInjector:
    """ASGI middleware around the simulator that breaks one documented behaviour."""

    def __init__(self, app: ASGIApp, fault: str) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        self.app = app
        self.fault = fault
        self.blocked: set[tuple[str, str, str]] = set()  # (listing, row, seat) released

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(SALES):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        method, path = scope["method"], scope["path"]
        if self.fault == "ignores_missing_key":
            scope = _with_default_key(scope)
        if self.fault == "released_seats_stay_blocked" and method == "POST" and HOLD_PATH.match(
                path) and self._blocks(body):
            await _respond(send, 409, {"message": "Seats unavailable: held for another order"})
            return
        status, headers, payload = await _call(self.app, scope, body)
        status, headers, payload = self._break(method, path, body, status, headers, payload)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _blocks(self, body: bytes) -> bool:
        request = _json(body)
        if not isinstance(request, dict) or not isinstance(request.get("tickets"), list):
            return False
        wanted = {(str(request.get("listing_id")), str(t.get("row")), str(t.get("seat")))
                  for t in request["tickets"] if isinstance(t, dict)}
        return bool(wanted & self.blocked)

    def _break(self, method: str, path: str, request: bytes, status: int,
               headers: list[tuple[bytes, bytes]], payload: bytes
               ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        body = _json(payload)
        hold = method == "POST" and bool(HOLD_PATH.match(path))
        fault = self.fault
        if fault == "drop_required_field" and status == 200 and path.endswith("/invoice"):
            body.pop("invoice_id", None)
        elif fault == "wrong_field_type" and status == 200 and hold:
            body["expires_at"] = 1_700_000_000
        elif fault == "undocumented_status" and status == 200 and hold:
            status = 201
        elif fault == "server_error" and status == 404:
            text = b"Internal Server Error"
            return 500, _headers(headers, b"text/plain; charset=utf-8", len(text)), text
        elif fault == "released_seats_stay_blocked" and status == 200 and method == "DELETE":
            for ticket in body.get("tickets", ()):
                self.blocked.add((str(body.get("listing_id")), str(ticket.get("row")),
                                  str(ticket.get("seat"))))
            return status, headers, payload
        else:
            return status, headers, payload
        encoded = json.dumps(body).encode()
        return status, _headers(headers, b"application/json", len(encoded)), encoded


def _json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return None


def _headers(headers: list[tuple[bytes, bytes]], content_type: bytes, length: int
             ) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
    return [*kept, (b"content-type", content_type), (b"content-length", str(length).encode())]


def _with_default_key(scope: Scope) -> Scope:
    from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

    headers = list(scope["headers"])
    if any(name.lower() == b"x-api-key" for name, _ in headers):
        return scope
    key = DEFAULT_BROKER_KEY if BROKER_PATHS.match(scope["path"]) else DEFAULT_MARKETPLACE_KEY
    return {**scope, "headers": [*headers, (b"x-api-key", key.encode())]}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _call(app: ASGIApp, scope: Scope, body: bytes
                ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    sent = False
    complete = asyncio.Event()

    async def receive() -> Message:
        nonlocal sent
        if sent:  # like a client: disconnect only once the response is complete
            await complete.wait()
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                complete.set()

    await app(scope, receive, send)
    return int(start["status"]), list(start.get("headers", [])), b"".join(chunks)


async def _respond(send: Callable[[Message], Awaitable[None]], status: int,
                   body: dict[str, Any]) -> None:
    encoded = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": _headers([], b"application/json", len(encoded))})
    await send({"type": "http.response.body", "body": encoded})

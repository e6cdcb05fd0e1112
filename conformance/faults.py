"""Deliberately broken targets, for the self-test only: one contract bug at a time.

:class:`FaultInjector` is ASGI middleware that breaks exactly one documented
behaviour, chosen by name from :data:`FAULTS`. It wraps either the
in-process simulator (hidden option ``--inject-fault``) or the forwarding
app of :mod:`conformance.proxy`, so the same bugs are injected in-process
and over real HTTP in front of ``ticketsim serve``.

The faults are generic over the served specs (every product API's 2xx, 4xx
and credentials; the control plane under ``/_sim``), except the state bug,
which needs a lifecycle: sales holds are its example.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.core.http.bodies import read_body

__all__ = ["FAULTS", "FaultInjector", "read_body"]

FAULTS: dict[str, str] = {
    "drop_field": "every 2xx JSON body of the product APIs loses its first field",
    "wrong_type": "the first field of every 2xx JSON body of the product APIs has the "
                  "wrong JSON type",
    "server_error": "every 2xx of the product APIs becomes a 500 (body kept)",
    "undocumented_status": "every 2xx of the product APIs becomes an undocumented 299",
    "auth_ignored": "product requests without credentials run with the default key of "
                    "their operation",
    "html_errors": "every 4xx of the product APIs answers an HTML page (text/html)",
    "control_plane_corrupted": "every answer under /_sim is an HTML page with status 200",
    "released_hold_still_blocking": "(sales example) a released hold's seats still refuse "
                                    "other holds with 409",
}

CONTROL_PLANE = "/_sim"
HTML = b"<!doctype html><html><body><h1>Error</h1><p>Something went wrong.</p></body></html>"
# The state bug's example: sales holds (POST /sales/v1/{marketplace}) and releases (DELETE).
HOLD_PATH = re.compile(r"^/sales/v1/(?!catalogue/?$)[^/]+/?$")

Headers = list[tuple[bytes, bytes]]


class FaultInjector:
    """ASGI middleware around a target that breaks one documented behaviour."""

    def __init__(self, app: ASGIApp, fault: str, *, everywhere: bool = False) -> None:
        """``everywhere``: break the answers of every path, the control plane's included
        (as a proxy corrupting everything would), not only the product APIs'."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        from conformance.specs import OperationIndex, served

        self.app = app
        self.fault = fault
        self.services = served()
        self.index = OperationIndex(self.services)
        self.product = ("/",) if everywhere else tuple(
            s.base_path for s in self.services if s.product)
        self.blocked: set[tuple[str, str, str]] = set()  # (listing, row, seat) released

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        body = await read_body(receive)
        control = path == CONTROL_PLANE or path.startswith(CONTROL_PLANE + "/")
        product = path.startswith(self.product)
        if self.fault == "auth_ignored" and product:
            scope = self._with_default_key(scope)
        if self.fault == "released_hold_still_blocking" and method == "POST" and (
                HOLD_PATH.match(path) and self._blocks(body)):
            await _respond(send, 409, b"application/json",
                           b'{"message": "Seats unavailable: held for another order"}')
            return
        status, headers, payload = await _call(self.app, scope, body)
        if control and self.fault == "control_plane_corrupted":
            status, headers, payload = 200, _headers(headers, b"text/html", len(HTML)), HTML
        elif product:
            status, headers, payload = self._break(method, path, status, headers, payload)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _break(self, method: str, path: str, status: int, headers: Headers, payload: bytes
               ) -> tuple[int, Headers, bytes]:
        fault, success = self.fault, 200 <= status < 300
        if fault == "server_error" and success:
            return 500, headers, payload
        if fault == "undocumented_status" and success:
            return 299, headers, payload
        if fault == "html_errors" and 400 <= status < 500:
            return status, _headers(headers, b"text/html; charset=utf-8", len(HTML)), HTML
        body = _json(payload)
        if not success or not isinstance(body, dict) or not body:
            return status, headers, payload
        first = next(iter(body))
        if fault == "drop_field":
            del body[first]
        elif fault == "wrong_type":
            body[first] = "1700000000" if isinstance(body[first], int | float) else 1700000000
        elif fault == "released_hold_still_blocking" and method == "DELETE" and HOLD_PATH.match(
                path):
            self.blocked.update((str(body.get("listing_id")), str(t.get("row")),
                                 str(t.get("seat"))) for t in body.get("tickets", ())
                                if isinstance(t, dict))
            return status, headers, payload
        else:
            return status, headers, payload
        encoded = json.dumps(body).encode()
        return status, _headers(headers, b"application/json", len(encoded)), encoded

    def _blocks(self, body: bytes) -> bool:
        request = _json(body)
        if not isinstance(request, dict) or not isinstance(request.get("tickets"), list):
            return False
        wanted = {(str(request.get("listing_id")), str(t.get("row")), str(t.get("seat")))
                  for t in request["tickets"] if isinstance(t, dict)}
        return bool(wanted & self.blocked)

    def _with_default_key(self, scope: Scope) -> Scope:
        """The request as if it carried the simulator's key for its operation's role."""
        from conformance import policy
        from conformance.target import Target
        from simulator.services.platform.keys import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

        operation = self.index.match(scope["method"], scope["path"])
        if operation is None:
            return scope
        spec = next(s for s in self.services if s.base_path == operation.base_path)
        schemes = spec.document.get("components", {}).get("securitySchemes", {})
        defaults = Target(api_key=DEFAULT_MARKETPLACE_KEY, broker_key=DEFAULT_BROKER_KEY)
        key = policy.credential(operation.service, operation.operation_id, defaults)
        added = policy.security_headers(schemes, operation, key or "")
        present = {name.lower() for name, _ in scope["headers"]}
        if not added or any(name.lower().encode() in present for name in added):
            return scope
        extra = [(name.lower().encode(), value.encode()) for name, value in added.items()]
        return {**scope, "headers": [*scope["headers"], *extra]}


def _json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return None


def _headers(headers: Headers, content_type: bytes, length: int) -> Headers:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
    return [*kept, (b"content-type", content_type), (b"content-length", str(length).encode())]




async def _call(app: ASGIApp, scope: Scope, body: bytes) -> tuple[int, Headers, bytes]:
    """Run ``app`` on one buffered request and buffer its whole response."""
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
                   content_type: bytes, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": _headers([], content_type, len(body))})
    await send({"type": "http.response.body", "body": body})

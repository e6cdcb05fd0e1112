"""What real clients send: JSON bodies without (or with the wrong) ``Content-Type``.

The documentation's own examples send JSON with ``curl -d`` (which declares
``application/x-www-form-urlencoded``) or with Python's
``requests.post(data=json.dumps(...))`` (no ``Content-Type`` at all). For an
operation that consumes only JSON, this middleware reads such a body and

- declares it ``application/json`` when it parses as JSON, so it is
  validated and handed over like any JSON body;
- answers 400 ``{"message": ...}`` saying the body is not JSON otherwise.

Every JSON request body is parsed by :func:`parse_json`, which refuses a body
nested past the parser's recursion limit (``[[[[...]]]]``, a few hundred KB)
with a 400 instead of letting the ``RecursionError`` become a 500.

Other declared types (``multipart/form-data``, ``application/octet-stream``,
...) pass through untouched, and so do operations that accept them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.core.errors import BodyTooLarge
from simulator.core.http.operations import resolve
from simulator.core.specs import HTTP_METHODS

__all__ = ["NOT_JSON", "TOO_DEEP", "JsonBodies", "JsonOperations", "NestedTooDeeply", "not_json",
           "parse_json", "read_body"]

#: Declared types that real clients send by accident with a JSON body.
LOOSE_TYPES = frozenset({"", "application/x-www-form-urlencoded", "text/plain"})
JSON_TYPES = ("application/json",)
NOT_JSON = "The request body is not valid JSON"
TOO_DEEP = "The request body nests arrays or objects too deeply to be read"


class NestedTooDeeply(ValueError):
    """A JSON body nested past the parser's recursion limit."""


def parse_json(body: str | bytes, **options: Any) -> Any:
    """``json.loads(body, **options)``; too deep a nesting raises :class:`NestedTooDeeply`."""
    try:
        return json.loads(body, **options)
    except RecursionError:
        raise NestedTooDeeply(TOO_DEEP) from None


def not_json(exc: ValueError) -> str:
    """The one wording of a body that does not parse as JSON, with where it broke."""
    if isinstance(exc, NestedTooDeeply):
        return TOO_DEEP
    if isinstance(exc, json.JSONDecodeError):
        return f"{NOT_JSON}: {exc.msg} at line {exc.lineno} column {exc.colno}"
    return f"{NOT_JSON}: {exc}"


class JsonOperations:
    """Which (method, path) of the served specs consume JSON bodies only."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str]]] = []

    def add_spec(self, base_path: str, spec: dict[str, Any]) -> None:
        for template, item in spec.get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(
                base_path.rstrip("/") + template)) + "/?$")
            for method, operation in item.items():
                if method not in HTTP_METHODS or not isinstance(operation, dict):
                    continue
                body = resolve(spec, operation.get("requestBody", {}))
                content = body.get("content", {}) if isinstance(body, dict) else {}
                if content and all(kind.startswith(JSON_TYPES) for kind in content):
                    self._routes.append((method.upper(), pattern))

    def consumes_json(self, method: str, path: str) -> bool:
        return any(m == method and p.match(path) for m, p in self._routes)


def _declared_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


class JsonBodies:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, operations: JsonOperations) -> None:
        self.app = app
        self.operations = operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or _declared_type(scope) not in LOOSE_TYPES
                or not self.operations.consumes_json(scope["method"], scope["path"])):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body.strip():
            try:
                parse_json(body)
            except ValueError as exc:
                response = JSONResponse({"message": not_json(exc)}, status_code=400)
                await response(scope, receive, send)
                return
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        await self.app(scope, _replay(body, receive), send)


async def read_body(receive: Receive, limit: int | None = None) -> bytes:
    """The whole body of an ASGI request; with a ``limit``, :class:`BodyTooLarge` at the
    message that passes it (none is read after it)."""
    chunks = []
    received = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        received += len(chunk)
        if limit is not None and received > limit:
            raise BodyTooLarge(limit, received)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay

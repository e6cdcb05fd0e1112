"""The one place where errors become HTTP responses.

Every error, whether raised by domain code (:mod:`simulator.core.errors`), by
Connexion's validation and security layers, or by Starlette's router,
leaves as ``{"message": "..."}`` JSON with a status the operation documents.
No ``problem+json``, and no 500 for anything a client can send.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from simulator.core.errors import SimError
from simulator.core.specs import HTTP_METHODS

log = logging.getLogger("ticketsim")


def json_error(status: int, message: str, headers: dict[str, str] | None = None
               ) -> ConnexionResponse:
    """A response in the documented error shape."""
    return ConnexionResponse(
        status_code=status, mimetype="application/json", content_type="application/json",
        body=json.dumps({"message": message}), headers=dict(headers or {}),
    )


class AllowIndex:
    """Which methods each documented path template allows, for 405 ``Allow`` headers.

    Starlette's router reports only the first matching route's methods;
    the specs know them all.
    """

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], set[str]]] = []

    def add_spec(self, base_path: str, spec: dict[str, Any]) -> None:
        for template, item in spec.get("paths", {}).items():
            pattern = re.sub(r"\{[^/]+\}", "[^/]+", base_path.rstrip("/") + template)
            methods = {m.upper() for m in item if m in HTTP_METHODS}
            self._routes.append((re.compile(f"^{pattern}/?$"), methods))

    def allowed(self, path: str) -> list[str]:
        """Methods allowed on ``path``, following the router's choice of route."""
        static = [m for p, m in self._routes if p.match(path) and "[^/]+" not in p.pattern]
        matches = static or [m for p, m in self._routes if p.match(path)]
        return sorted(matches[0]) if matches else []


def _problem_message(exc: HTTPException) -> str:
    status = exc.status_code
    if status == 401:
        return "Unauthorized"
    if status == 403:
        return "Forbidden."
    detail = getattr(exc, "detail", None) or getattr(exc, "title", None)
    return str(detail) if detail else {404: "Not Found", 405: "Method Not Allowed"}.get(
        status, "Bad request")


def handlers(allow: AllowIndex) -> Iterable[tuple[type[Exception], Any]]:
    """(exception class, handler) pairs to register on the Connexion app.

    The handlers are coroutines: Connexion runs a plain function in a thread
    pool, a thread hop for every error answer.
    """

    async def sim_error(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, SimError)
        if exc.status >= 500:
            log.warning("%s: %s", type(exc).__name__, exc.message)
        return json_error(exc.status, exc.message)

    async def http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allow.allowed(request.url.path))
        if exc.status_code >= 500:
            log.error("HTTP %s: %s", exc.status_code, exc.detail)
        return json_error(exc.status_code, _problem_message(exc), headers)

    async def bad_encoding(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
        return json_error(400, "The request body is not valid UTF-8 JSON")

    async def bad_form(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return json_error(400, f"The multipart/form-data body cannot be parsed: {exc}")

    async def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        log.exception("Unexpected error", exc_info=exc)
        return json_error(500, "Internal error")

    return (
        (SimError, sim_error),
        (ProblemException, http_error),
        (HTTPException, http_error),
        (UnicodeDecodeError, bad_encoding),
        (MultiPartException, bad_form),
        (Exception, unexpected),
    )

"""One log line per request: method, path, status, latency, operationId, fault applied.

:class:`RequestLog` is an outer ASGI middleware. It times each HTTP request
from its first byte in to its response's start line, reads the operationId
Connexion's router resolved (``scope["extensions"]["connexion_routing"]``)
and the fault a fault-injection middleware applied (that middleware writes a
short description under ``scope["state"]["ticketsim_fault"]``), then

- logs the line on the ``ticketsim.requests`` logger, as text or JSON
  (:class:`TextFormat`, :class:`JsonFormat`; ``serve --log-format``), and
- keeps the last entries in a :class:`RequestRecorder` ring, so a test
  harness can show what the server saw when an assertion fails.

Secrets never reach a line: query parameters whose name looks like a key,
token, secret, password or signature are replaced by ``***``, and the
caller's API key is shown as its first four characters only.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FAULT_STATE_KEY", "OPERATION_STATE_KEY", "JsonFormat", "RequestEntry", "RequestLog",
           "RequestRecorder", "TextFormat", "redact_key", "redact_query", "shown_status"]

LOGGER = "ticketsim.requests"
#: Where a fault-injection middleware records what it did to the request.
FAULT_STATE_KEY = "ticketsim_fault"
#: Where the steering layer records the operationId it found (a fault or ``Prefer``
#: answers before Connexion routes the request).
OPERATION_STATE_KEY = "ticketsim_operation"
SECRET_NAME = re.compile(r"key|token|secret|passw|signature|sig$|auth", re.IGNORECASE)
CREDENTIAL_HEADERS = (b"x-api-key", b"authorization")
REDACTED = "***"
SHOWN_KEY_CHARS = 4
#: Shorter keys are not shown at all: four characters of a six-character token are most of it.
SHOWN_KEY_MIN_LENGTH = 12


def redact_query(query: str) -> str:
    """``query`` with the value of every secret-looking parameter replaced by ``***``."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, REDACTED if SECRET_NAME.search(name) else value)
                      for name, value in pairs], safe="*,:/")


def redact_key(value: str) -> str:
    """An API key or ``Authorization`` value shown as its first characters only."""
    token = value.split(" ", 1)[-1] if value.lower().startswith(("bearer ", "basic ")) else value
    if not token:
        return ""
    return token[:SHOWN_KEY_CHARS] + "…" if len(token) >= SHOWN_KEY_MIN_LENGTH else "…"


@dataclass(frozen=True, slots=True)
class RequestEntry:
    """What one request did, as logged."""

    method: str
    path: str
    query: str
    status: int | None  # None: the connection was dropped without an answer
    latency_ms: float
    operation_id: str | None
    fault: str | None
    key: str | None

    @property
    def shown_status(self) -> str:
        """The status as logs and pages show it ("dropped": no answer was sent)."""
        return shown_status(self.status)


def shown_status(status: Any) -> str:
    """A logged status as shown: the code, or "dropped" when none was sent (None)."""
    return "dropped" if status is None else str(status)


class TextFormat(logging.Formatter):
    """``POST /sales/v1/Stubhub 200 3.1ms create_hold key=sim-… fault=-``"""

    def format(self, record: logging.LogRecord) -> str:
        entry: RequestEntry | None = getattr(record, "request", None)
        if entry is None:
            return super().format(record)
        target = f"{entry.path}?{entry.query}" if entry.query else entry.path
        return (f"{entry.method} {target} {entry.shown_status} {entry.latency_ms:.1f}ms "
                f"{entry.operation_id or '-'} key={entry.key or '-'} fault={entry.fault or '-'}")


class JsonFormat(logging.Formatter):
    """One JSON object per line, the :class:`RequestEntry` fields plus ``time``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: RequestEntry | None = getattr(record, "request", None)
        if entry is None:
            return json.dumps({"time": record.created, "message": record.getMessage()})
        return json.dumps({"time": round(record.created, 3), **asdict(entry)})


class RequestRecorder:
    """The last ``size`` entries, newest last (memory stays flat whatever the traffic)."""

    def __init__(self, size: int = 200) -> None:
        self._entries: deque[RequestEntry] = deque(maxlen=size)

    def add(self, entry: RequestEntry) -> None:
        self._entries.append(entry)

    def tail(self, count: int) -> list[RequestEntry]:
        """The last ``count`` entries, oldest first."""
        entries = list(self._entries)
        return entries[-count:] if count > 0 else []

    def clear(self) -> None:
        self._entries.clear()


def _credential(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name in CREDENTIAL_HEADERS:
            return redact_key(value.decode("latin-1"))
    return None


class RequestLog:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, recorder: RequestRecorder | None = None) -> None:
        self.app = app
        self.recorder = recorder
        self.log = logging.getLogger(LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Shared with the inner middlewares even when they copy the scope.
        extensions = scope.setdefault("extensions", {})
        state = scope.setdefault("state", {})
        started = time.perf_counter()
        status: list[int | None] = [None]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception:
            if status[0] is None:  # the server's error handler, outside, answers 500
                status[0] = 500
            raise
        finally:
            routing = extensions.get("connexion_routing") or {}
            # The resolver's dotted handler name ends with the spec's operationId.
            operation = (str(routing.get("operation_id") or "").rsplit(".", 1)[-1]
                         or state.get(OPERATION_STATE_KEY))
            fault = state.get(FAULT_STATE_KEY)
            entry = RequestEntry(
                method=scope.get("method", ""), path=scope.get("path", ""),
                query=redact_query(scope.get("query_string", b"").decode("latin-1")),
                status=status[0],
                latency_ms=round((time.perf_counter() - started) * 1000, 2),
                operation_id=operation,
                fault=str(fault) if fault else None, key=_credential(scope))
            if self.recorder is not None:
                self.recorder.add(entry)
            if self.log.isEnabledFor(logging.INFO):
                # Logger.info without its caller lookup (a stack walk per request);
                # the formats never show the source line.
                self.log.handle(self.log.makeRecord(
                    LOGGER, logging.INFO, __file__, 0, "%s %s %s",
                    (entry.method, entry.path, entry.status), None, extra={"request": entry}))

"""The request journal: every product request and its answer, in a bounded ring.

:class:`Journaling` (ASGI middleware, outermost of the steering stack) notes
each request outside ``/_sim``: simulated and real time, method, path,
query and headers with secrets redacted, the body (first ``body_bytes``),
status, response body (likewise), latency, service and ``operationId``, the
fault rule or ``Prefer`` that answered. A body over the size limit
(:mod:`simulator.core.http.bodylimit`) is answered here by the refusal and
noted with no body kept, ``body_size`` the bytes read before refusing.
:class:`Journal` keeps the newest ``size`` entries (a ``deque`` with
``maxlen``: memory stays flat whatever the traffic), lists them with filters
and paging, and verifies counts with near-misses, as WireMock's ``verify`` does.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.core.errors import BadRequest, BodyTooLarge
from simulator.core.http.asgi import read_body, replay
from simulator.core.http.bodylimit import refusal
from simulator.core.http.matching import Facts, RequestMatch
from simulator.core.http.operations import is_control_path
from simulator.core.http.requestlog import OPERATION_STATE_KEY, redact_query
from simulator.core.instants import zulu

if TYPE_CHECKING:
    from simulator.core.http.steering import Steering

__all__ = ["REDACTED", "Entry", "Journal", "Journaling", "Verdict"]

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie",
                            "set-cookie"})
NEAR_MISSES = 3


def _text(data: bytes, limit: int) -> tuple[str, bool]:
    return data[:limit].decode("utf-8", errors="replace"), len(data) > limit


@dataclass(slots=True)
class Entry:
    """One journaled request and its answer (bodies already cut to the limit)."""

    entry_id: int
    sim_time: datetime
    real_time: float
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    body_size: int
    status: int | None
    response_body: str
    response_size: int
    latency_ms: float
    service: str | None
    operation_id: str | None
    fault: str | None
    prefer: str | None

    def facts(self) -> Facts:
        return Facts(self.method, self.path, self.service, self.operation_id, self.headers,
                     self.body.encode(), self.status)

    def to_json(self, body_bytes: int) -> dict[str, Any]:
        return {
            "id": self.entry_id, "time": zulu(self.sim_time),
            "real_time": zulu(datetime.fromtimestamp(self.real_time, UTC)),
            "method": self.method, "path": self.path, "query": self.query,
            "headers": self.headers, "body": self.body,
            "body_truncated": self.body_size > body_bytes, "body_size": self.body_size,
            "status": self.status, "response_body": self.response_body,
            "response_truncated": self.response_size > body_bytes,
            "response_size": self.response_size, "latency_ms": round(self.latency_ms, 3),
            "service": self.service, "operationId": self.operation_id,
            "fault": self.fault, "prefer": self.prefer,
        }


def redact(headers: dict[str, str]) -> dict[str, str]:
    """Headers with the values of credentials replaced."""
    return {name: REDACTED if name in SECRET_HEADERS else value
            for name, value in headers.items()}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer of a verification: did the count hold, and the closest misses if not."""

    ok: bool
    count: int
    expected: dict[str, int | None]
    near_misses: list[tuple[Entry, list[dict[str, Any]]]]


def parse_count(value: Any) -> tuple[int, int | None]:
    """``n`` (exactly) or ``{"min": a, "max": b}`` (either bound optional); default at least 1."""
    if value is None:
        return 1, None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, value
    if isinstance(value, dict) and set(value) <= {"min", "max"}:
        low, high = value.get("min", 0), value.get("max")
        for bound in (low, high):
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool)
                                      or bound < 0):
                raise BadRequest("count.min and count.max must be integers >= 0")
        if high is not None and high < low:
            raise BadRequest("count.max must not be less than count.min")
        return int(low), high
    raise BadRequest("count must be an integer >= 0 or an object {min, max}")


class Journal:
    """A ring of the newest ``size`` entries (thread-safe)."""

    def __init__(self, size: int, body_bytes: int) -> None:
        if size < 1:
            raise ValueError("the journal keeps at least one entry")
        self.size = size
        self.body_bytes = body_bytes
        self._entries: deque[Entry] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self.recorded = 0
        self._lock = threading.Lock()

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def add(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)
            self.recorded += 1

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count

    def __len__(self) -> int:
        return len(self._entries)

    def newest_first(self) -> list[Entry]:
        with self._lock:
            return list(reversed(self._entries))

    def find(self, match: RequestMatch, since: datetime | None = None) -> list[Entry]:
        """Entries ``match`` selects, newest first (``since``: at or after that instant)."""
        return [entry for entry in self.newest_first()
                if (since is None or entry.sim_time >= since) and match.matches(entry.facts())]

    def verify(self, match: RequestMatch, low: int, high: int | None,
               since: datetime | None = None) -> Verdict:
        entries = [e for e in self.newest_first() if since is None or e.sim_time >= since]
        matched = sum(1 for entry in entries if match.matches(entry.facts()))
        ok = matched >= low and (high is None or matched <= high)
        misses: list[tuple[Entry, list[dict[str, Any]]]] = []
        if not ok:
            scored = [(entry, match.differences(entry.facts())) for entry in entries]
            misses = sorted(((e, d) for e, d in scored if d), key=lambda pair: len(pair[1])
                            )[:NEAR_MISSES]
        return Verdict(ok, matched, {"min": low, "max": high}, misses)


class Journaling:
    """ASGI middleware noting every product request (see the module docstring)."""

    def __init__(self, app: ASGIApp, steering: Steering) -> None:
        self.app = app
        self.steering = steering

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from simulator.core.http.steering import NOTE_KEY, RequestNote

        if scope["type"] != "http" or is_control_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        steering, journal = self.steering, self.steering.journal
        started, wall = time.perf_counter(), time.time()
        sim_time = steering.simulator.clock.now()
        app, body = self.app, b""
        try:
            body = await read_body(receive)
            size = len(body)
        except BodyTooLarge as exc:  # journaled as answered: the refusal, no body kept
            app, size = refusal(exc), exc.received
        method, path = str(scope["method"]), str(scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", ())}
        route = steering.index.find(method, path)
        facts = Facts(method, path, route.service if route else None,
                      route.operation_id if route else None, headers, body,
                      url=f"{scope.get('scheme', 'http')}://{headers.get('host', '')}{path}")
        note = RequestNote(route, facts)
        if route is not None:  # for the request log: a fault or Prefer answers before routing
            scope.setdefault("state", {})[OPERATION_STATE_KEY] = route.operation_id
        answer: dict[str, Any] = {"status": None, "chunks": [], "size": 0}

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = int(message["status"])
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if answer["size"] < journal.body_bytes:
                    answer["chunks"].append(chunk[: journal.body_bytes - answer["size"]])
                answer["size"] += len(chunk)
            await send(message)

        try:
            await app({**scope, NOTE_KEY: note}, replay(body, receive), noting)
        finally:
            request_text, _ = _text(body, journal.body_bytes)
            response_text, _ = _text(b"".join(answer["chunks"]), journal.body_bytes)
            journal.add(Entry(
                journal.next_id(), sim_time, wall, method, path,
                redact_query(scope.get("query_string", b"").decode("latin-1")), redact(headers),
                request_text, size, answer["status"], response_text, answer["size"],
                (time.perf_counter() - started) * 1000, facts.service, facts.operation_id,
                note.fault, note.prefer))

"""Fault rules: make chosen requests fail, slow down, drop or come back garbled.

A rule (``POST /_sim/faults``) is a :class:`~simulator.core.http.matching.RequestMatch`,
an :class:`Action`, a probability and an optional count (the next N matching
requests only). The newest active rule that matches a request applies. The
k-th request a rule considers draws from a generator seeded by the rule's
``seed`` and k (:func:`draw`): same seed, same hits, whichever process of the
simulator makes the k-th draw. The rules live in the simulator's
:class:`~simulator.core.http.faultbook.FaultBook`.

Actions, in order: ``latency_ms`` (fixed, or ``{"min", "max"}``) waits
without blocking the event loop; ``drop`` closes the connection without an
answer; ``status`` answers instead of the service (``body``, or the
operation's documented body for that status), so nothing changes state;
``corrupt`` (``truncate`` / ``garble``) damages the body sent, the service's
own when no ``status`` is set (the work is done, the answer is lost in
transit).

Inbound rules apply to every product request (never to ``/_sim``).
Outbound rules (``direction: outbound``) apply to the simulator's own calls
(PDF inputs, webhooks, callbacks): :func:`outbound_fault` is the hook and
:class:`FaultTransport` the httpx transport that applies it.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.core.errors import BadRequest
from simulator.core.http.asgi import drop_connection, respond
from simulator.core.http.matching import Facts, RequestMatch
from simulator.core.http.requestlog import FAULT_STATE_KEY
from simulator.core.http.samples import body_for

if TYPE_CHECKING:
    from simulator.core.http.steering import RequestNote, Steering

__all__ = ["Action", "Corruption", "Direction", "FaultRule", "FaultTransport", "Faults", "Hit",
           "draw", "outbound_fault"]

MAX_LATENCY_MS = 600_000


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Corruption(StrEnum):
    TRUNCATE = "truncate"
    GARBLE = "garble"


def _number(value: Any, name: str, low: float, high: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise BadRequest(f"{name} must be a number from {low:g} to {high:g}")
    return float(value)


def _integer(value: Any, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BadRequest(f"{name} must be an integer from {low} to {high}")
    return value


@dataclass(frozen=True, slots=True)
class Action:
    """What a rule does to the requests it hits (see the module docstring)."""

    status: int | None = None
    body: Any = None
    latency_ms: tuple[float, float] = (0.0, 0.0)
    drop: bool = False
    corrupt: Corruption | None = None

    @classmethod
    def from_json(cls, value: Any) -> Action:
        if not isinstance(value, dict):
            raise BadRequest("action must be an object")
        unknown = sorted(set(value) - {"status", "body", "latency_ms", "drop", "corrupt"})
        if unknown:
            raise BadRequest(f"action has unknown field '{unknown[0]}'")
        status = value.get("status")
        if status is not None:
            status = _integer(status, "action.status", 100, 599)
        latency = value.get("latency_ms", 0)
        if isinstance(latency, dict):
            low = _number(latency.get("min", 0), "action.latency_ms.min", 0, MAX_LATENCY_MS)
            high = _number(latency.get("max", low), "action.latency_ms.max", 0, MAX_LATENCY_MS)
            if high < low:
                raise BadRequest("action.latency_ms.max must not be less than its min")
        else:
            low = high = _number(latency, "action.latency_ms", 0, MAX_LATENCY_MS)
        drop = value.get("drop", False)
        if not isinstance(drop, bool):
            raise BadRequest("action.drop must be true or false")
        corrupt = value.get("corrupt")
        if corrupt is not None and corrupt not in set(Corruption):
            raise BadRequest("action.corrupt must be 'truncate' or 'garble'")
        action = cls(status, value.get("body"), (low, high), drop,
                     Corruption(corrupt) if corrupt else None)
        if not (status or high or drop or corrupt):
            raise BadRequest("action must set at least one of status, latency_ms, drop, corrupt")
        return action

    def to_json(self) -> dict[str, Any]:
        low, high = self.latency_ms
        latency: Any = low if low == high else {"min": low, "max": high}
        return {"status": self.status, "body": self.body, "latency_ms": latency,
                "drop": self.drop, "corrupt": str(self.corrupt) if self.corrupt else None}


def draw(seed: int, consideration: int) -> random.Random:
    """The generator of a rule's ``consideration``-th look at a request (1-based).

    Seeded by both, so the k-th look draws the same numbers whichever process
    makes it: a rule's hits are reproducible with one worker or many.
    """
    return random.Random(f"{seed}/{consideration}")


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One rule as posted, with its counters as last read (``hits``, ``considered``)."""

    rule_id: str
    match: RequestMatch
    action: Action
    direction: Direction = Direction.INBOUND
    probability: float = 1.0
    count: int | None = None
    seed: int = 0
    hits: int = 0
    considered: int = 0

    @classmethod
    def from_json(cls, rule_id: str, value: Any, hits: int = 0, considered: int = 0
                  ) -> FaultRule:
        if not isinstance(value, dict):
            raise BadRequest("A fault rule must be a JSON object")
        unknown = sorted(set(value) - {"match", "action", "probability", "count", "seed",
                                       "direction"})
        if unknown:
            raise BadRequest(f"Unknown field '{unknown[0]}' in the fault rule")
        if "action" not in value:
            raise BadRequest("'action' is required")
        direction = value.get("direction", "inbound")
        if direction not in set(Direction):
            raise BadRequest("direction must be 'inbound' or 'outbound'")
        count = value.get("count")
        seed = _integer(value.get("seed", 0), "seed", -(2**63), 2**63 - 1)
        return cls(rule_id, RequestMatch.from_json(value.get("match")),
                   Action.from_json(value["action"]), Direction(direction),
                   _number(value.get("probability", 1.0), "probability", 0, 1),
                   None if count is None else _integer(count, "count", 1, 10**9), seed,
                   hits, considered)

    @property
    def active(self) -> bool:
        return self.count is None or self.hits < self.count

    def to_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, "direction": str(self.direction),
                "match": self.match.to_json(), "action": self.action.to_json(),
                "probability": self.probability, "count": self.count, "seed": self.seed,
                "hits": self.hits, "considered": self.considered,
                "remaining": None if self.count is None else self.count - self.hits,
                "active": self.active}

    def applies(self, facts: Facts, direction: Direction) -> bool:
        """Whether this rule looks at a request of ``direction`` with these facts."""
        return self.direction is direction and self.match.matches(facts)

    def hits_draw(self, rng: random.Random) -> bool:
        """Whether the look that drew ``rng`` hits (a sure rule draws nothing)."""
        return self.probability >= 1.0 or rng.random() < self.probability


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule applied to one request, with the generator of that look (latency, garble)."""

    rule: FaultRule
    rng: random.Random

    def latency_seconds(self) -> float:
        low, high = self.rule.action.latency_ms
        return (low if low == high else self.rng.uniform(low, high)) / 1000


def corrupt(body: bytes, how: Corruption, rng: random.Random) -> bytes:
    """``body`` cut in half, or with its bytes replaced by seeded noise (same length)."""
    if how is Corruption.TRUNCATE:
        return body[: len(body) // 2]
    return bytes(rng.getrandbits(8) for _ in range(len(body)))


def fault_body(rule: FaultRule, note: RequestNote) -> tuple[str | None, bytes]:
    """The answer of a rule with a status: its body, the documented one, or a message."""
    status = rule.action.status or 500
    if rule.action.body is not None:
        return "application/json", json.dumps(rule.action.body).encode()
    route = note.route
    documented = route.responses().get(str(status)) if route is not None else None
    if documented is not None and route is not None:
        kind, body = body_for(documented, route.document)
        if kind is not None:
            return kind, body
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return "application/json", json.dumps({"message": f"{phrase} (fault rule {rule.rule_id})"}
                                          ).encode()


class Faults:
    """ASGI middleware applying inbound rules (inside the journal, which notes the rule)."""

    def __init__(self, app: ASGIApp, steering: Steering) -> None:
        self.app = app
        self.steering = steering

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from simulator.core.http.steering import note_of

        note = note_of(scope)
        # The journal (outside) read the clock for this request, which synced the simulator:
        # the book sees any other process's change of the rules without a read of its own.
        hit = self.steering.faults.pick(note.facts) if note is not None else None
        if hit is None or note is None:
            await self.app(scope, receive, send)
            return
        rule, rng = hit.rule, hit.rng
        note.fault = rule.rule_id
        scope.setdefault("state", {})[FAULT_STATE_KEY] = f"rule {rule.rule_id}"  # request log
        action = rule.action
        if action.latency_ms[1]:
            await asyncio.sleep(hit.latency_seconds())
        if action.drop:
            await drop_connection(send)
            return
        if action.status:
            content_type, body = fault_body(rule, note)
            if action.corrupt:
                body = corrupt(body, action.corrupt, rng)
            await respond(send, action.status, body, content_type)
            return
        if action.corrupt:
            await self.app(scope, receive, _corrupting(send, action.corrupt, rng))
            return
        await self.app(scope, receive, send)


def _corrupting(send: Send, how: Corruption, rng: random.Random) -> Send:
    """A ``send`` that holds the response back, then sends its body damaged."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = corrupt(b"".join(chunks), how, rng)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


# --- outbound -----------------------------------------------------------------------


def outbound_fault(simulator: Any, method: str, url: str) -> Hit | None:
    """The outbound rule that applies to the simulator's own ``method url`` call, if any.

    The hook for every outbound caller (PDF fetches, webhook and callback
    deliveries): the caller applies the returned rule's action itself, or
    sends through :class:`FaultTransport`, which does. Shared, the simulator
    is synced first (no request did it for this call), so a rule posted to
    another process applies here too.
    """
    from simulator.core.http.steering import steering_of

    simulator.sync()
    book = steering_of(simulator).faults
    parsed = httpx.URL(url)
    facts = Facts(method=method.upper(), path=parsed.path, url=str(parsed))
    return book.pick(facts, Direction.OUTBOUND)


class FaultTransport(httpx.BaseTransport):
    """An httpx transport applying the simulator's outbound rules around ``inner``.

    Runs on the caller's (worker) thread, so latency is a real wait there.
    A dropped call raises ``httpx.RemoteProtocolError`` as a closed connection does.
    """

    def __init__(self, simulator: Any, inner: httpx.BaseTransport | None = None) -> None:
        self.simulator = simulator
        self._inner = inner
        self._lock = threading.Lock()

    @property
    def inner(self) -> httpx.BaseTransport:
        """The real transport; httpx's own is made on the first call (its TLS context
        costs ~0.1 s, which start-up need not pay)."""
        with self._lock:
            if self._inner is None:
                self._inner = httpx.HTTPTransport()
            return self._inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hit = outbound_fault(self.simulator, request.method, str(request.url))
        if hit is None:
            return self.inner.handle_request(request)
        rule, action = hit.rule, hit.rule.action
        if action.latency_ms[1]:
            time.sleep(hit.latency_seconds())
        if action.drop:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response "
                                            f"(fault rule {rule.rule_id})", request=request)
        if action.status:
            body = json.dumps(action.body if action.body is not None else {
                "message": f"fault rule {rule.rule_id}"}).encode()
            if action.corrupt:
                body = corrupt(body, action.corrupt, hit.rng)
            return httpx.Response(action.status, content=body, request=request,
                                  headers={"content-type": "application/json"})
        response = self.inner.handle_request(request)
        if action.corrupt:
            data = corrupt(response.read(), action.corrupt, hit.rng)
            headers = {k: v for k, v in response.headers.items() if k.lower() not in
                       ("content-length", "content-encoding", "transfer-encoding")}
            return httpx.Response(response.status_code, content=data, request=request,
                                  headers=headers)
        return response

    def close(self) -> None:
        """Close the inner transport (a client closes it after each fetch), if one was made."""
        with self._lock:
            inner = self._inner
        if inner is not None:
            inner.close()

"""The durable delivery queue and log: what to send where, every attempt, what was found.

Delivery lifecycle, declared as a transition table::

    PENDING → DUE → SENDING → SUCCEEDED | FAILED
    PENDING → SENDING       → PENDING      (a retry is scheduled; a restart
                                            also puts SENDING back to PENDING)

DUE means "its instant came on the clock, waiting for a sender": the timer
marks it so, and then no longer wakes for it.

An attempt's simulated instant is the instant it was due: the engine is
modelled as sending exactly on time, so the log is the same however the
clock was advanced. A delivery is SUCCEEDED once the receiver answered 2xx
(and, for an airbill, a PDF or a URL); a 2xx answer that breaks the contract
(a missing field, ``success`` not a boolean, an undocumented order status) is
kept as a *finding* on the delivery, for the marketplace team to see.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select

from simulator.core.errors import BadRequest
from simulator.core.ids import new_hex
from simulator.core.instants import aware, naive, zulu
from simulator.core.lifecycle import Lifecycle
from simulator.core.outbound import doorbell
from simulator.core.outbound.retry import backoff
from simulator.core.store import generation
from simulator.core.timers import Timer
from simulator.services.callbacks.tables import deliveries, delivery_attempts

D = deliveries
A = delivery_attempts


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DUE = "DUE"
    SENDING = "SENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


DELIVERY: Lifecycle[DeliveryStatus] = Lifecycle(D, D.c.status, {
    None: {DeliveryStatus.PENDING},
    DeliveryStatus.PENDING: {DeliveryStatus.DUE, DeliveryStatus.SENDING},
    DeliveryStatus.DUE: {DeliveryStatus.SENDING},
    DeliveryStatus.SENDING: {DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED,
                             DeliveryStatus.PENDING},
}, noun="delivery")


class Kind(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"
    FULFILL = "fulfill"
    AIRBILL = "airbill"
    GET_ORDER = "get_order"
    SALE_NOTIFICATION = "sale_notification"
    TICKET_TRANSFER = "ticket_transfer"


#: Calls answered with ``{"success": true|false}`` (marketplace-callbacks.yaml).
SUCCESS_ANSWERS = frozenset({Kind.CONFIRM, Kind.REJECT, Kind.FULFILL})
ORDER_STATUSES = ("Pending", "Confirmed", "Shipped", "Completed")
ORDER_REQUIRED = ("order_id", "order_status", "in_hand_date", "delivery_method")
TRANSFER_DELIVERIES = frozenset({"MOBILE_TRANSFER", "FLASH"})


@dataclass(frozen=True, slots=True)
class Outbound:
    """A call to queue: where, how, what (``body`` JSON or None for GET)."""

    kind: Kind
    method: str
    url: str
    secret: str
    body: Mapping[str, Any] | None = None
    expect: Mapping[str, Any] | None = None
    marketplace: str | None = None
    user_id: int | None = None
    order_id: str | None = None
    invoice_id: int | None = None


def enqueue(conn: Connection, due: datetime, call: Outbound) -> str:
    """Queue ``call`` to be sent at ``due``; returns the delivery id (its idempotency key)."""
    delivery_id = new_hex(conn, 24, kind="delivery")
    seq = (conn.execute(select(func.max(D.c.seq))).scalar() or 0) + 1
    conn.execute(D.insert().values(
        id=delivery_id, seq=seq, kind=str(call.kind), marketplace=call.marketplace,
        user_id=call.user_id, order_id=call.order_id, invoice_id=call.invoice_id,
        method=call.method, url=call.url, secret=call.secret,
        body=dict(call.body) if call.body is not None else None,
        expect=dict(call.expect) if call.expect is not None else None,
        status=DELIVERY.initial(DeliveryStatus.PENDING), attempts=0,
        next_attempt_at=naive(due), created_at=naive(due), findings=[]))
    doorbell.ring(conn)
    return delivery_id


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery taken for one attempt (number ``number``, made at simulated ``at``)."""

    id: str
    kind: Kind
    method: str
    url: str
    secret: str
    body: bytes | None
    number: int
    at: datetime
    #: The state it was taken from: its attempt is recorded only into that state.
    generation: str | None = None


class StaleClaim(Exception):
    """The delivery was taken before a reset or fixtures load: the state it belonged
    to is gone (a new delivery may even have its id), so its attempt is not recorded."""


def body_bytes(body: Any) -> bytes | None:
    """The exact bytes sent (and signed) for a stored JSON body."""
    if body is None:
        return None
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def claim_due(conn: Connection, now: datetime, limit: int) -> list[Claim]:
    """Take up to ``limit`` PENDING deliveries due by ``now``, oldest first, as SENDING."""
    rows = conn.execute(select(D).where(
        D.c.status.in_((DeliveryStatus.PENDING, DeliveryStatus.DUE)),
        D.c.next_attempt_at <= naive(now),
    ).order_by(D.c.next_attempt_at, D.c.seq).limit(max(0, limit))).all()
    claims = []
    state = generation(conn) if rows else None
    for row in rows:
        DELIVERY.move(conn, D.c.id == row.id, DeliveryStatus.SENDING)
        claims.append(Claim(row.id, Kind(row.kind), row.method, row.url, row.secret,
                            body_bytes(row.body), row.attempts + 1, aware(row.next_attempt_at),
                            state))
    return claims


def requeue_interrupted(conn: Connection, now: datetime) -> int:
    """After a restart: attempts that never got an answer recorded are due again."""
    return DELIVERY.move_all(conn, D.c.status == DeliveryStatus.SENDING,
                             DeliveryStatus.PENDING)


def next_due(conn: Connection) -> datetime | None:
    due = conn.execute(select(func.min(D.c.next_attempt_at)).where(
        D.c.status == DeliveryStatus.PENDING)).scalar()
    return aware(due) if due else None


def wake_sender(conn: Connection, now: datetime) -> None:
    """Deliveries came due on the clock: mark them DUE and wake the runtime that sends."""
    DELIVERY.move_all(conn, (D.c.status == DeliveryStatus.PENDING)
                      & (D.c.next_attempt_at <= naive(now)), DeliveryStatus.DUE)
    doorbell.ring(conn)


TIMER = Timer("callbacks.deliveries", next_due, wake_sender, tables=frozenset({"deliveries"}))


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one attempt got (plain data: the domain never sees the HTTP client)."""

    status: int | None
    body: bytes
    content_type: str
    latency_ms: float
    error: str | None
    permanent: bool
    request_headers: Mapping[str, str]
    excerpt: str


@dataclass(frozen=True, slots=True)
class Finished:
    """A recorded attempt: whether the delivery is now done, and what it concerned."""

    delivered: bool
    kind: Kind
    marketplace: str | None
    order_id: str | None
    at: datetime


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def judge(kind: Kind, expect: Mapping[str, Any] | None, attempt: Attempt
          ) -> tuple[bool, list[str]]:
    """(the call counts as delivered, contract findings) for a 2xx answer of ``kind``."""
    answer = _json(attempt.body)
    if kind in SUCCESS_ANSWERS:
        if not isinstance(answer, dict) or not isinstance(answer.get("success"), bool):
            return True, [f"{kind}: the answer must be {{\"success\": true|false}}, "
                          f"got {attempt.excerpt[:120]!r}"]
        return True, [] if answer["success"] else [f"{kind}: the marketplace answered "
                                                   "success=false"]
    if kind is Kind.AIRBILL:
        if attempt.content_type.startswith("application/pdf") or attempt.body[:5] == b"%PDF-":
            return attempt.body[:5] == b"%PDF-", ([] if attempt.body[:5] == b"%PDF-" else
                                                 ["airbill: application/pdf answer is not a PDF"])
        url = answer.get("url") if isinstance(answer, dict) else None
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            return True, []
        return False, ["airbill: the answer is neither a PDF nor {\"url\": \"http...\"}"]
    if kind is Kind.GET_ORDER:
        return True, order_findings(answer, expect or {})
    return True, []


def order_findings(answer: Any, expect: Mapping[str, Any]) -> list[str]:
    """What a get-order answer gets wrong against the documented outputs."""
    if not isinstance(answer, dict):
        return ["get_order: the answer is not a JSON object"]
    found = [f"get_order: required field '{name}' is missing"
             for name in ORDER_REQUIRED if answer.get(name) in (None, "")]
    status = answer.get("order_status")
    if status is not None and status not in ORDER_STATUSES:
        found.append(f"get_order: order_status {status!r} is not one of "
                     f"{', '.join(ORDER_STATUSES)}")
    if answer.get("order_id") not in (None, expect.get("order_id")):
        found.append(f"get_order: order_id {answer.get('order_id')!r} is not "
                     f"{expect.get('order_id')!r}")
    if expect.get("delivery_method") in TRANSFER_DELIVERIES:
        buyer = answer.get("buyer")
        if not isinstance(buyer, dict) or not all(
                buyer.get(k) for k in ("first_name", "last_name", "email")):
            found.append("get_order: buyer (first_name, last_name, email) is required "
                         "for a transfer sale")
    return found


def finish_attempt(conn: Connection, claim: Claim, attempt: Attempt, *, max_attempts: int,
                   backoff_seconds: float, jitter: float) -> Finished:
    """Record the attempt; SUCCEEDED, FAILED or PENDING again at the backoff instant.

    :class:`StaleClaim` when the state it was claimed from has been replaced.
    """
    if generation(conn) != claim.generation:
        raise StaleClaim(claim.id)
    row = conn.execute(select(D).where(D.c.id == claim.id)).one()
    conn.execute(A.insert().values(
        delivery_id=claim.id, number=claim.number, at=naive(claim.at),
        request_headers=dict(attempt.request_headers), status=attempt.status,
        body_excerpt=attempt.excerpt, latency_ms=attempt.latency_ms, error=attempt.error))
    answered = attempt.error is None and attempt.status is not None
    delivered, findings = (judge(Kind(row.kind), row.expect, attempt)
                           if answered and 200 <= (attempt.status or 0) < 300 else (False, []))
    values: dict[str, Any] = {"attempts": claim.number,
                              "findings": [*row.findings, *findings]}
    if delivered:
        DELIVERY.move(conn, D.c.id == claim.id, DeliveryStatus.SUCCEEDED,
                      finished_at=naive(claim.at), next_attempt_at=None, **values)
    elif attempt.permanent or claim.number >= max_attempts:
        DELIVERY.move(conn, D.c.id == claim.id, DeliveryStatus.FAILED,
                      finished_at=naive(claim.at), next_attempt_at=None, **values)
    else:
        rng = random.Random(f"{claim.id}:{claim.number}")
        delay = backoff(claim.number, backoff_seconds, jitter, rng)
        DELIVERY.move(conn, D.c.id == claim.id, DeliveryStatus.PENDING,
                      next_attempt_at=naive(claim.at + delay), **values)
    doorbell.ring(conn)
    return Finished(delivered, Kind(row.kind), row.marketplace, row.order_id, claim.at)


# --- the log -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LogFilter:
    """The query of ``GET /_sim/deliveries`` (and ``/wait``)."""

    kind: str | None = None
    marketplace: str | None = None
    order_id: str | None = None
    status: str | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in {str(k) for k in Kind}:
            raise BadRequest(f"kind must be one of {', '.join(Kind)}, not {self.kind!r}")
        if self.status is not None and self.status not in {str(s) for s in DeliveryStatus}:
            raise BadRequest(f"status must be one of {', '.join(DeliveryStatus)}, "
                             f"not {self.status!r}")

    def conditions(self) -> list[Any]:
        found: list[Any] = []
        for column, value in ((D.c.kind, self.kind), (D.c.order_id, self.order_id),
                              (D.c.status, self.status), (D.c.user_id, self.user_id)):
            if value is not None:
                found.append(column == value)
        if self.marketplace is not None:
            found.append(func.lower(D.c.marketplace) == self.marketplace.strip().casefold())
        return found


def _view(row: Any, attempts: list[Any]) -> dict[str, Any]:
    return {
        "id": row.id, "kind": row.kind, "status": row.status, "marketplace": row.marketplace,
        "user_id": row.user_id, "order_id": row.order_id, "invoice_id": row.invoice_id,
        "method": row.method, "url": row.url, "body": row.body,
        "created_at": zulu(row.created_at), "next_attempt_at": zulu(row.next_attempt_at),
        "finished_at": zulu(row.finished_at), "findings": row.findings,
        "attempts": [{"number": a.number, "at": zulu(a.at),
                      "request_headers": a.request_headers, "status": a.status,
                      "body_excerpt": a.body_excerpt, "latency_ms": a.latency_ms,
                      "error": a.error} for a in attempts],
    }


def list_deliveries(conn: Connection, wanted: LogFilter, limit: int = 100,
                    *, succeeded_only: bool = False) -> list[dict[str, Any]]:
    """Matching deliveries, oldest first, each with every attempt."""
    conditions = wanted.conditions()
    if succeeded_only:
        conditions.append(D.c.status == DeliveryStatus.SUCCEEDED)
    rows = conn.execute(select(D).where(and_(True, *conditions)).order_by(D.c.seq)
                        .limit(limit)).all()
    attempts: dict[str, list[Any]] = {}
    for attempt in conn.execute(select(A).where(A.c.delivery_id.in_([r.id for r in rows]))
                                .order_by(A.c.delivery_id, A.c.number)):
        attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return [_view(row, attempts.get(row.id, [])) for row in rows]


def in_flight(conn: Connection, now: datetime, wanted: LogFilter) -> bool:
    """Whether a delivery matching ``wanted`` may still succeed without another request.

    Deliveries being sent or due now always count; a retry scheduled later
    counts only when the filter names the order (waiting for a future instant
    of an order is deliberate, waiting on anything at all is not).
    """
    active = _busy_now(now)
    if wanted.order_id is not None:
        active.append(D.c.status == DeliveryStatus.PENDING)
    return _any(conn, active, wanted)


def busy_now(conn: Connection, now: datetime, wanted: LogFilter) -> bool:
    """Whether a delivery matching ``wanted`` is being sent or due at ``now``.

    False means the engine has settled for these deliveries at this instant:
    each has succeeded, failed for good, or waits for a later retry.
    """
    return _any(conn, _busy_now(now), wanted)


def _any(conn: Connection, states: list[ColumnElement[bool]], wanted: LogFilter) -> bool:
    """Whether a delivery matching ``wanted`` is in any of ``states``."""
    query = select(D.c.id).where(or_(*states), *wanted.conditions()).limit(1)
    return conn.execute(query).first() is not None


def _busy_now(now: datetime) -> list[ColumnElement[bool]]:
    return [D.c.status.in_((DeliveryStatus.DUE, DeliveryStatus.SENDING)),
            (D.c.status == DeliveryStatus.PENDING) & (D.c.next_attempt_at <= naive(now))]

"""The transfer requests' steps on the SimClock, and the transfer statuses derived from them.

Each request carries the instant of its next step (``due_at``) and the
durations in force when its transfer started. :data:`STEPS` declares, per
status, where a request goes on success and on failure, which check can
fail it and what success does to its tickets; :data:`DERIVE` declares how a
transfer's status follows from its requests. The moves themselves go
through the lifecycles of :mod:`.states`, which refuse anything else.

Work is applied by the declared timers and also lazily at the start of
every operation (:func:`apply_due`), so answers are exact at any instant.

Magic recipient emails (documented in the README) force the failure paths:
the local part (before ``@``, ignoring a ``+tag``) ``fail-verify``,
``fail-email``, ``partial`` (the first request is emailed, the others fail)
or ``fail-recall``; ``instant`` makes every step of the transfer take no
simulated time (for smoke tests on a frozen clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update

from simulator.core.ids import new_hex
from simulator.core.instants import naive
from simulator.core.timers import Timer
from simulator.services.inventory import crawl
from simulator.services.inventory.proofs import record_proof
from simulator.services.inventory.states import (
    REQUEST,
    TRANSFER,
    Status,
    recall_status,
    sent_status,
)
from simulator.services.inventory.tables import (
    account_holdings,
    inventory_tickets,
    inventory_transfers,
    primary_accounts,
    transfer_requests,
    transfer_tickets,
)

R = transfer_requests
X = inventory_transfers
T = inventory_tickets

FAIL_VERIFY = "fail-verify"
FAIL_EMAIL = "fail-email"
PARTIAL = "partial"
FAIL_RECALL = "fail-recall"
INSTANT = "instant"
EMAIL_ERROR = "Service error: Can not confirm transfer"
RECALL_ERROR = "Service error: Can not recall transfer"


def magic_of(email: str) -> str:
    """The magic word of a recipient email: its local part without a ``+tag``, lowercased."""
    return email.partition("@")[0].partition("+")[0].strip().casefold()


def durations_for(email: str, durations: dict[str, Any]) -> dict[str, Any]:
    """The step durations of a transfer to ``email`` (all zero for ``instant@``)."""
    return {name: 0.0 for name in durations} if magic_of(email) == INSTANT else durations


def _tickets(conn: Connection, request_id: int) -> list[Any]:
    return list(conn.execute(
        select(T.c.id, T.c.primary_id).join(transfer_tickets,
                                            transfer_tickets.c.ticket_id == T.c.id)
        .where(transfer_tickets.c.request_id == request_id).order_by(T.c.id)))


def _verify_problem(conn: Connection, row: Any) -> str | None:
    """Why the request's tickets cannot be transferred from the account now, if they cannot."""
    if not conn.execute(select(primary_accounts.c.has_credentials).where(
            primary_accounts.c.id == row.account_id)).scalar():
        return "No credentials found."
    if magic_of(row.recipient_email) == FAIL_VERIFY:
        return "Tickets are not available for transfer (recipient fail-verify@)"
    held = set(conn.execute(select(account_holdings.c.primary_id).where(
        account_holdings.c.account_id == row.account_id)).scalars())
    missing = [str(t.id) for t in _tickets(conn, row.id) if t.primary_id not in held]
    if missing:
        return f"Tickets are no longer in the account: {', '.join(missing)}"
    return None


def _email_problem(conn: Connection, row: Any) -> str | None:
    word = magic_of(row.recipient_email)
    if word == FAIL_EMAIL or (word == PARTIAL and row.position > 0):
        return EMAIL_ERROR
    return None


def _recall_problem(conn: Connection, row: Any) -> str | None:
    return RECALL_ERROR if magic_of(row.recipient_email) == FAIL_RECALL else None


def _start_job(conn: Connection, row: Any) -> dict[str, Any]:
    return {"transfer_job_id": new_hex(conn, 32, kind="transfer-job")}


def _set_transferred(conn: Connection, row: Any, value: bool) -> list[Any]:
    tickets = _tickets(conn, row.id)
    conn.execute(update(T).where(T.c.id.in_([t.id for t in tickets])).values(transferred=value))
    return tickets


def _emailed(conn: Connection, row: Any) -> dict[str, Any]:
    tickets = _set_transferred(conn, row, True)
    number = str(10_000_000 + int(new_hex(conn, 12, kind="fulfillment"), 16) % 90_000_000)
    return {"fulfillment_id": number,
            "response": {"transaction_id": number, "tickets": [t.primary_id for t in tickets]}}


def _recalled(conn: Connection, row: Any) -> dict[str, Any]:
    _set_transferred(conn, row, False)
    return {}


Check = Callable[[Connection, Any], str | None]
Effect = Callable[[Connection, Any], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Step:
    """What happens to a request due in one status."""

    success: Status
    failure: Status | None = None
    check: Check | None = None  # returns the error message that sends it to ``failure``
    on_success: Effect | None = None  # extra values of the row, and ticket changes
    then: str | None = None  # the duration (InventorySettings field) until its next step


STEPS: dict[Status, Step] = {
    Status.PENDING: Step(Status.VERIFYING, on_success=_start_job, then="verify_seconds"),
    Status.VERIFYING: Step(Status.VERIFIED, Status.FAILED_VERIFY, _verify_problem,
                           then="email_seconds"),
    Status.VERIFIED: Step(Status.EMAILED, Status.FAILED, _email_problem, _emailed),
    Status.RECALLING: Step(Status.RECALLED, Status.FAILED_RECALL, _recall_problem, _recalled),
}

#: How a transfer in each status follows its requests (None: not yet).
DERIVE: dict[Status, Callable[[list[Status]], Status | None]] = {
    Status.PENDING: sent_status,
    Status.RECALLING: recall_status,
}

_DUE = select(R, X.c.recipient_email).join(X, X.c.id == R.c.transfer_id)


def _step(conn: Connection, row: Any) -> None:
    step = STEPS[Status(row.status)]
    problem = step.check(conn, row) if step.check else None
    where = R.c.id == row.id
    if problem is not None and step.failure is not None:
        REQUEST.move(conn, where, step.failure, error_message=problem, due_at=None)
        return
    values = step.on_success(conn, row) if step.on_success else {}
    due = (row.due_at + timedelta(seconds=float(row.durations[step.then]))
           if step.then else None)
    REQUEST.move(conn, where, step.success, due_at=due, error_message=None, **values)


def settle(conn: Connection, now: datetime, transfer_id: int) -> Status | None:
    """Move the transfer to the status its requests now give, if they give one."""
    transfer = conn.execute(select(X).where(X.c.id == transfer_id)).one()
    derive = DERIVE.get(Status(transfer.status))
    if derive is None:
        return None
    statuses = [Status(s) for s in conn.execute(
        select(R.c.status).where(R.c.transfer_id == transfer_id)).scalars()]
    target = derive(statuses)
    if target is None:
        return None
    TRANSFER.move(conn, X.c.id == transfer_id, target)
    if target is Status.EMAILED and transfer.upload_proof and transfer.marketplace:
        record_proof(conn, now, transfer_id, transfer.marketplace)
    return target


def process_requests(conn: Connection, now: datetime) -> int:
    """Take every request step due by ``now``, in due order; returns how many were taken."""
    until = naive(now)
    taken = 0
    while True:
        rows = conn.execute(_DUE.where(R.c.due_at <= until)
                            .order_by(R.c.due_at, R.c.id)).all()
        if not rows:
            return taken
        for row in rows:
            _step(conn, row)
        for transfer_id in dict.fromkeys(row.transfer_id for row in rows):
            settle(conn, now, transfer_id)
        taken += len(rows)


def next_request_due(conn: Connection) -> datetime | None:
    """When the earliest request step is due (for the scheduler)."""
    due = conn.execute(select(func.min(R.c.due_at))).scalar()
    return due.replace(tzinfo=UTC) if due else None


def apply_due(conn: Connection, now: datetime) -> None:
    """Everything due by ``now``: request steps and finished crawls."""
    process_requests(conn, now)
    crawl.apply_due_crawls(conn, now)


TIMERS = (
    Timer("inventory.transfers", next_request_due, process_requests,
          tables=frozenset({"transfer_requests"})),
    Timer("inventory.crawls", crawl.next_crawl_due, crawl.apply_due_crawls,
          tables=frozenset({"crawl_jobs"})),
)

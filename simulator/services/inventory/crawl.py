"""What a primary account holds, and the crawl that copies it into the inventory.

``account_holdings`` is the primary seller's side: test authors change it
through the control plane (``/_sim/primary-accounts``). Nothing a client
reads changes until a crawl (POST /crawl/refresh) runs for the account and,
``crawl_seconds`` later on the SimClock, brings ``inventory_tickets`` in line:
tickets that left the account get ``expired: true``, tickets that came back
get ``expired: false``, new ones appear with fresh ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from simulator.core.errors import BadRequest, Conflict, NotFound
from simulator.core.ids import new_hex
from simulator.core.instants import naive
from simulator.services.inventory import queries
from simulator.services.inventory.states import CRAWL, CrawlStatus
from simulator.services.inventory.tables import (
    account_holdings,
    crawl_jobs,
    inventory_tickets,
    primary_accounts,
)

H = account_holdings
T = inventory_tickets
A = primary_accounts
NO_CREDENTIALS = "No credentials found."
UNKNOWN_ACCOUNT = "Account not found."
HELD_FIELDS = ("barcode", "event", "venue", "local_date", "section", "row", "seat")


def crawl_refresh(conn: Connection, now: datetime, user_id: int, account_ids: list[int] | None,
                  crawl_user_id: int | None, crawl_seconds: float) -> dict[str, Any]:
    """Start a crawl of each account (of the whole user when ``crawl_user_id`` is given).

    Keyed by account id as a string: ``job_id`` of the crawl (an account
    already being crawled keeps its running job) or ``err_msg``.
    """
    apply_due_crawls(conn, now)
    if crawl_user_id is not None:  # documented: the user ID wins over the account list
        if crawl_user_id != user_id:
            raise NotFound(f"User {crawl_user_id} not found")
        wanted = list(conn.execute(select(A.c.id).where(A.c.user_id == user_id)
                                   .order_by(A.c.id)).scalars())
    elif account_ids:
        wanted = list(dict.fromkeys(account_ids))
    else:
        raise BadRequest("account_ids must list at least one account (or give user_id)")
    owned = {row.id: row for row in conn.execute(select(A).where(
        A.c.user_id == user_id, A.c.id.in_([a for a in wanted if a <= queries.MAX_ID])))}
    due = naive(now) + timedelta(seconds=crawl_seconds)
    return {str(account_id): _start(conn, now, owned.get(account_id), due)
            for account_id in wanted}


def _start(conn: Connection, now: datetime, account: Any, due: datetime) -> dict[str, str]:
    if account is None:
        return {"job_id": "", "err_msg": UNKNOWN_ACCOUNT}
    if not account.has_credentials:
        return {"job_id": "", "err_msg": NO_CREDENTIALS}
    running = conn.execute(select(crawl_jobs.c.job_id).where(
        crawl_jobs.c.account_id == account.id,
        crawl_jobs.c.status == CrawlStatus.RUNNING)).scalar()
    if running is None:
        running = new_hex(conn, 22, kind="crawl")
        conn.execute(crawl_jobs.insert().values(
            job_id=running, account_id=account.id, status=CRAWL.initial(CrawlStatus.RUNNING),
            created_at=naive(now), due_at=due))
    return {"job_id": str(running), "err_msg": ""}


def next_crawl_due(conn: Connection) -> datetime | None:
    """When the earliest running crawl finishes (for the scheduler)."""
    due = conn.execute(select(func.min(crawl_jobs.c.due_at)).where(
        crawl_jobs.c.status == CrawlStatus.RUNNING)).scalar()
    return due.replace(tzinfo=UTC) if due else None


def apply_due_crawls(conn: Connection, now: datetime) -> int:
    """Finish every crawl due by ``now``, in order; returns how many finished."""
    jobs = conn.execute(select(crawl_jobs).where(
        crawl_jobs.c.status == CrawlStatus.RUNNING,
        crawl_jobs.c.due_at <= naive(now))
        .order_by(crawl_jobs.c.due_at, crawl_jobs.c.job_id)).all()
    for job in jobs:
        sync_account(conn, job.account_id)
        CRAWL.move(conn, crawl_jobs.c.job_id == job.job_id, CrawlStatus.DONE, due_at=None)
    return len(jobs)


@dataclass(frozen=True, slots=True)
class CrawlResult:
    added: int
    expired: int
    returned: int


def sync_account(conn: Connection, account_id: int) -> CrawlResult:
    """Bring the account's inventory tickets in line with what it holds now."""
    held = {row.primary_id: row for row in conn.execute(
        select(H).where(H.c.account_id == account_id))}
    known = {row.primary_id: row for row in conn.execute(
        select(T.c.id, T.c.primary_id, T.c.expired).where(T.c.account_id == account_id))}
    gone = [row.id for key, row in known.items() if key not in held and not row.expired]
    back = [row.id for key, row in known.items() if key in held and row.expired]
    if gone:
        conn.execute(update(T).where(T.c.id.in_(gone)).values(expired=True))
    if back:
        conn.execute(update(T).where(T.c.id.in_(back)).values(expired=False))
    new = [row for key, row in held.items() if key not in known]
    if new:
        owner = conn.execute(select(A.c.user_id).where(A.c.id == account_id)).scalar_one()
        first = int(conn.execute(select(func.max(T.c.id))).scalar() or 0) + 1
        conn.execute(T.insert(), [
            {"id": first + n, "user_id": owner, "account_id": account_id,
             "primary_id": row.primary_id, "transferred": False, "expired": False,
             **{name: getattr(row, name) for name in HELD_FIELDS}}
            for n, row in enumerate(sorted(new, key=lambda r: r.primary_id))])
    return CrawlResult(added=len(new), expired=len(gone), returned=len(back))


# -- the primary account's side, for the control plane ------------------------------


def _account(conn: Connection, account_id: int) -> Any:
    row = conn.execute(select(A).where(A.c.id == min(account_id, queries.MAX_ID))).first()
    if row is None:
        raise NotFound(f"Primary account {account_id} not found")
    return row


def holding_view(row: Any) -> dict[str, Any]:
    return {"primary_id": row.primary_id, "barcode": row.barcode, "event": row.event,
            "venue": row.venue, "local_date": queries.local_stamp(row.local_date),
            "section": row.section, "row": row.row, "seat": row.seat}


def list_holdings(conn: Connection, account_id: int) -> dict[str, Any]:
    """What the primary account holds now (whatever the inventory says)."""
    account = _account(conn, account_id)
    rows = conn.execute(select(H).where(H.c.account_id == account.id)
                        .order_by(H.c.primary_id)).all()
    return {"account_id": account.id, "user_id": account.user_id,
            "username": account.username, "account_type": account.account_type,
            "has_credentials": bool(account.has_credentials),
            "tickets": [holding_view(row) for row in rows]}


def add_holding(conn: Connection, now: datetime, account_id: int, ticket: dict[str, Any]
                ) -> dict[str, Any]:
    """Put a ticket into the primary account (visible to clients after a crawl)."""
    account = _account(conn, account_id)
    local_date = queries.lower_bound("local_date", str(ticket["local_date"]))
    primary_id = str(ticket.get("primary_id") or new_hex(conn, 16, kind="primary-ticket"))
    if conn.execute(select(H.c.primary_id).where(H.c.account_id == account.id,
                                                 H.c.primary_id == primary_id)).first():
        raise Conflict(f"primary_id '{primary_id}' is already in account {account.id}")
    values = {"account_id": account.id, "primary_id": primary_id,
              "barcode": ticket.get("barcode"), "event": str(ticket["event"]),
              "venue": str(ticket["venue"]), "local_date": local_date,
              "section": str(ticket["section"]), "row": str(ticket["row"]),
              "seat": str(ticket["seat"])}
    conn.execute(H.insert().values(**values))
    return holding_view(conn.execute(select(H).where(H.c.account_id == account.id,
                                                     H.c.primary_id == primary_id)).one())


def remove_holding(conn: Connection, now: datetime, account_id: int, primary_id: str
                   ) -> dict[str, Any]:
    """Take a ticket out of the primary account (it expires at the next crawl)."""
    account = _account(conn, account_id)
    removed = conn.execute(delete(H).where(H.c.account_id == account.id,
                                           H.c.primary_id == primary_id)).rowcount
    if not removed:
        raise NotFound(f"Account {account.id} holds no ticket '{primary_id}'")
    return {"account_id": account.id, "primary_id": primary_id, "removed": True}

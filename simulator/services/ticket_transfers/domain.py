"""Ticket transfers: create, accept, reject, expire, and single reads.

The rules of vivenu's "Ticket Transfers" section. Every function takes an
open transaction and the current simulated instant; none reads the wall
clock. States move only through :data:`~.model.TRANSFER` (a guarded update),
so a finished transfer is refused by the table, and of two concurrent
accept/reject calls exactly one wins. Due expiries are applied first in
every operation (and by the timer in :mod:`.expiry`), so a transfer is
EXPIRED from its ``expiresAt`` on, exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from simulator.core.errors import BadRequest, Forbidden, NotFound
from simulator.core.ids import new_hex
from simulator.core.lifecycle import TransitionRefused
from simulator.services.ticket_transfers import tickets as ticket_rules
from simulator.services.ticket_transfers.errors import TransferFinished, WrongSecret
from simulator.services.ticket_transfers.model import (
    HISTORY_OF,
    TRANSFER,
    Json,
    Origin,
    Record,
    TicketRole,
    TicketStatus,
    TransferStatus,
    history_entry,
    millis,
    private_view,
    public_view,
)
from simulator.services.ticket_transfers.outbox import record_event
from simulator.services.ticket_transfers.settings import TransferSettings
from simulator.services.ticket_transfers.tables import (
    tt_claims,
    tt_events,
    tt_sellers,
    tt_tickets,
    tt_transfer_tickets,
    tt_transfers,
)
from simulator.services.ticket_transfers.tickets import TicketKey

__all__ = ["CreateRequest", "accept_transfer", "create_transfer", "expire_due",
           "get_private", "get_public", "public_of", "reject_transfer",
           "seller_of_key"]


@dataclass(frozen=True, slots=True)
class CreateRequest:
    """The Create Ticket Transfer payload."""

    tickets: tuple[TicketKey, ...]
    recipient: dict[str, Any]
    child_event_id: str | None = None
    requires_acceptance: bool = True

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> CreateRequest:
        recipient = {k: str(v) for k, v in dict(body["recipient"]).items()
                     if k in ("email", "customerId", "phone") and v is not None}
        return cls(
            tickets=tuple(TicketKey(str(t["id"]), str(t["secret"])) for t in body["tickets"]),
            recipient=recipient, child_event_id=body.get("childEventId") or None,
            requires_acceptance=bool(body.get("requiresAcceptance", True)))


def _transfer(conn: Connection, transfer_id: str, seller_id: str | None = None) -> Any:
    query = select(tt_transfers).where(tt_transfers.c.transfer_id == transfer_id)
    if seller_id is not None:
        query = query.where(tt_transfers.c.seller_id == seller_id)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"Ticket transfer '{transfer_id}' not found")
    return row


def _with_secret(conn: Connection, transfer_id: str, secret: str) -> Any:
    row = _transfer(conn, transfer_id)
    if not ticket_rules.same_secret(secret, row.secret):
        raise WrongSecret(f"secret: not the secret of ticket transfer '{transfer_id}'")
    return row


def _move(conn: Connection, row: Any, target: TransferStatus, when: datetime,
          actor: str | None, **values: Any) -> dict[str, Any]:
    """Move ``row`` to ``target`` through the table, with its history entry; the new row."""
    entry = history_entry(new_hex(conn, 24, kind="history"), when, HISTORY_OF[target], actor)
    changes = {"history": [*row.history, entry], "updated_at": when, **values}
    try:
        TRANSFER.move(conn, tt_transfers.c.transfer_id == row.transfer_id, target, **changes)
    except TransitionRefused:
        raise TransferFinished(f"The ticket transfer is {row.status}; it cannot become "
                               f"{target}") from None
    moved = {**row._mapping, **changes, "status": str(target)}
    if target is not TransferStatus.CREATED:
        conn.execute(delete(tt_claims).where(tt_claims.c.transfer_id == row.transfer_id))
    record_event(conn, when, HISTORY_OF[target], moved)
    return moved


def expire_due(conn: Connection, now: datetime) -> int:
    """EXPIRE every open transfer whose ``expiresAt`` has come, at that instant."""
    due = conn.execute(select(tt_transfers).where(
        tt_transfers.c.status == TransferStatus.CREATED, tt_transfers.c.expires_at <= now)
        .order_by(tt_transfers.c.expires_at, tt_transfers.c.transfer_id)).all()
    for row in due:
        _move(conn, row, TransferStatus.EXPIRED, row.expires_at, None)
    return len(due)


def public_of(conn: Connection, row: Record) -> Json:
    """Public shape: the issued tickets once transferred, else the transfer's own."""
    if row["status"] == TransferStatus.TRANSFERRED:
        ids = [item["ticketId"] for item in row["outcome"]]
    else:
        ids = list(row["ticket_ids"])
    return public_view(row, [t._mapping for t in ticket_rules.by_ids(conn, ids)])


def _event_of(conn: Connection, tickets: Sequence[Any], child_event_id: str | None
              ) -> tuple[str, str | None]:
    """(eventId, groupEventId) of a transfer of ``tickets`` (for one season child)."""
    events = {t.event_id for t in tickets}
    if len(events) > 1:
        raise BadRequest("tickets: all tickets of a transfer must belong to the same event")
    event_id = events.pop()
    if child_event_id is None:
        row = conn.execute(select(tt_events.c.group_event_id).where(
            tt_events.c.event_id == event_id)).first()
        return event_id, (row.group_event_id if row else None)
    child = conn.execute(select(tt_events).where(tt_events.c.event_id == child_event_id)).first()
    if child is None or child.group_event_id != event_id:
        raise BadRequest(f"childEventId: '{child_event_id}' is not a child event of the "
                         f"tickets' event '{event_id}'")
    excluded = [t.ticket_id for t in tickets if child_event_id in t.excluded_event_ids]
    if excluded:
        raise BadRequest(f"tickets: ticket '{excluded[0]}' is no longer valid for event "
                         f"'{child_event_id}'")
    return child_event_id, event_id


def _claim(conn: Connection, transfer_id: str, tickets: Sequence[Any], scope: str) -> None:
    """Claim the tickets for an open transfer; one open transfer per ticket (and child)."""
    ids = [t.ticket_id for t in tickets]
    clash = select(tt_claims.c.ticket_id).where(tt_claims.c.ticket_id.in_(ids))
    if scope:
        clash = clash.where(tt_claims.c.scope.in_(("", scope)))
    taken = conn.execute(clash.limit(1)).first()
    if taken is not None:
        raise BadRequest(f"tickets: ticket '{taken.ticket_id}' is already in an open "
                         "ticket transfer")
    conn.execute(tt_claims.insert(), [{"ticket_id": i, "scope": scope,
                                       "transfer_id": transfer_id} for i in ids])


def create_transfer(conn: Connection, now: datetime, request: CreateRequest,
                    settings: TransferSettings) -> Json:
    """Open a transfer of tickets named by id and secret (or transfer them at once)."""
    now = millis(now)
    expire_due(conn, now)
    if not request.tickets:
        raise BadRequest("tickets: name at least one ticket")
    if len(request.tickets) > settings.max_tickets:
        raise BadRequest(f"tickets: at most {settings.max_tickets} tickets per transfer")
    tickets = ticket_rules.by_keys(conn, request.tickets)
    invalid = [t.ticket_id for t in tickets if t.status != TicketStatus.VALID]
    if invalid:
        raise BadRequest(f"tickets: ticket '{invalid[0]}' was transferred and is no "
                         "longer valid")
    event_id, group_event_id = _event_of(conn, tickets, request.child_event_id)
    transfer_id = new_hex(conn, 24, kind="ticketTransfer")
    _claim(conn, transfer_id, tickets, request.child_event_id or "")
    owner = tickets[0]
    sender = {"customerId": owner.customer_id, "email": owner.email, "name": owner.name}
    TRANSFER.initial(TransferStatus.CREATED)
    values = {
        "transfer_id": transfer_id, "secret": new_hex(conn, 32, kind="transferSecret"),
        "seller_id": owner.seller_id, "event_id": event_id, "group_event_id": group_event_id,
        "child_event_id": request.child_event_id, "status": str(TransferStatus.CREATED),
        "origin": str(Origin.CUSTOMER), "ticket_ids": [t.ticket_id for t in tickets],
        "sender": {k: v for k, v in sender.items() if v}, "recipient": request.recipient,
        "sender_customer_id": owner.customer_id, "sender_email": owner.email,
        "recipient_customer_id": request.recipient.get("customerId"),
        "recipient_email": request.recipient["email"], "outcome": [],
        "history": [history_entry(new_hex(conn, 24, kind="history"), now,
                                  HISTORY_OF[TransferStatus.CREATED], owner.customer_id)],
        "expires_at": ticket_rules.expires_at(conn, now, tickets, settings),
        "created_at": now, "updated_at": now,
    }
    conn.execute(tt_transfers.insert().values(**values))
    conn.execute(tt_transfer_tickets.insert(), [
        {"transfer_id": transfer_id, "ticket_id": t.ticket_id, "role": TicketRole.ORIGIN}
        for t in tickets])
    record_event(conn, now, HISTORY_OF[TransferStatus.CREATED], values)
    if request.requires_acceptance:
        return public_of(conn, values)
    row = _transfer(conn, transfer_id)
    local = str(request.recipient["email"]).split("@", 1)[0]
    return public_of(conn, _accept(conn, now, row, list(row.ticket_ids), local, ""))


def _accept(conn: Connection, now: datetime, row: Any, chosen: list[str], prename: str,
            lastname: str) -> dict[str, Any]:
    """Issue new tickets for ``chosen`` to the recipient and mark the transfer TRANSFERRED."""
    customer_id = ticket_rules.recipient_customer(conn, row.seller_id, dict(row.recipient),
                                                  prename, lastname)
    names = ticket_rules.customer_names(conn, customer_id) or (prename, lastname)
    name = " ".join(part for part in (prename or names[0], lastname or names[1]) if part)
    origins = ticket_rules.by_ids(conn, chosen)
    issued = [{"ticketId": new_hex(conn, 24, kind="ticket"), "originTicketId": t.ticket_id}
              for t in origins]
    recipient = {**row.recipient, "customerId": customer_id}
    moved = _move(conn, row, TransferStatus.TRANSFERRED, now, customer_id, outcome=issued,
                  recipient=recipient, recipient_customer_id=customer_id)
    child = row.child_event_id
    conn.execute(tt_tickets.insert(), [{
        "ticket_id": new["ticketId"], "secret": new_hex(conn, 16, kind="ticketSecret"),
        "seller_id": t.seller_id, "event_id": child or t.event_id,
        "ticket_type_id": t.ticket_type_id, "ticket_name": t.ticket_name,
        "seating_info": t.seating_info, "customer_id": customer_id,
        "email": recipient["email"], "name": name,
        "excluded_event_ids": [] if child else list(t.excluded_event_ids),
        "status": TicketStatus.VALID, "origin_ticket_id": t.ticket_id, "created_at": now,
    } for new, t in zip(issued, origins, strict=True)])
    conn.execute(tt_transfer_tickets.insert(), [
        {"transfer_id": row.transfer_id, "ticket_id": new["ticketId"],
         "role": TicketRole.ISSUED} for new in issued])
    for t in origins:  # the origin's secret stops working (for the child event only)
        change: dict[str, Any] = ({"excluded_event_ids": [*t.excluded_event_ids, child]}
                                  if child else {"status": TicketStatus.INVALID})
        conn.execute(update(tt_tickets).where(tt_tickets.c.ticket_id == t.ticket_id)
                     .values(**change))
    return moved


def accept_transfer(conn: Connection, now: datetime, transfer_id: str, secret: str,
                    prename: str, lastname: str, ticket_ids: Sequence[str] | None) -> Json:
    """The recipient accepts all tickets, or the subset ``ticket_ids`` (the rest go back)."""
    now = millis(now)
    expire_due(conn, now)
    row = _with_secret(conn, transfer_id, secret)
    if not prename.strip() or not lastname.strip():
        raise BadRequest("prename and lastname: give the recipient's first and last name")
    chosen = list(row.ticket_ids)
    if ticket_ids is not None:
        wanted = list(dict.fromkeys(ticket_ids))
        foreign = [i for i in wanted if i not in row.ticket_ids]
        if foreign:
            raise BadRequest(f"ticketIds: ticket '{foreign[0]}' is not part of this transfer")
        if not wanted:
            raise BadRequest("ticketIds: name at least one ticket of the transfer")
        chosen = [i for i in row.ticket_ids if i in wanted]
    return public_of(conn, _accept(conn, now, row, chosen, prename.strip(), lastname.strip()))


def reject_transfer(conn: Connection, now: datetime, transfer_id: str, secret: str) -> Json:
    """The recipient declines: the sender keeps the tickets and may transfer them again."""
    now = millis(now)
    expire_due(conn, now)
    row = _with_secret(conn, transfer_id, secret)
    return public_of(conn, _move(conn, row, TransferStatus.REJECTED, now,
                               row.recipient_customer_id))


def get_public(conn: Connection, now: datetime, transfer_id: str, secret: str) -> Json:
    """The public shape, for whoever holds the transfer's secret (else 404)."""
    expire_due(conn, now)
    row = _transfer(conn, transfer_id)
    if not ticket_rules.same_secret(secret, row.secret):
        raise NotFound(f"Ticket transfer '{transfer_id}' not found")
    return public_of(conn, row._mapping)


def get_private(conn: Connection, now: datetime, seller_id: str, transfer_id: str) -> Json:
    """The private shape, for the seller the transfer belongs to (others get 404)."""
    expire_due(conn, now)
    return private_view(_transfer(conn, transfer_id, seller_id)._mapping)


def seller_of_key(conn: Connection, key: str) -> str:
    """The seller whose API key this is (a seller-role key without a seller is refused)."""
    row = conn.execute(select(tt_sellers.c.seller_id).where(tt_sellers.c.api_key == key)).first()
    if row is None:
        raise Forbidden("Forbidden. This API key belongs to no seller")
    return str(row.seller_id)

"""States, the declared transfer lifecycle, and the documented JSON shapes.

Transfer lifecycle (``tt_transfers.status``)::

    (new) → CREATED → TRANSFERRED | REJECTED | EXPIRED

A transfer made with ``requiresAcceptance: false`` is created and moved to
TRANSFERRED in the same transaction, so its history reads created,
transferred. Nothing leaves a final state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from simulator.core.instants import aware
from simulator.core.lifecycle import Lifecycle
from simulator.services.ticket_transfers.tables import tt_transfers

Json = dict[str, Any]
#: A stored row as a mapping (a SQLAlchemy ``RowMapping`` or the values just written).
Record = Mapping[Any, Any]


class TransferStatus(StrEnum):
    CREATED = "CREATED"
    REJECTED = "REJECTED"
    TRANSFERRED = "TRANSFERRED"
    EXPIRED = "EXPIRED"


class Origin(StrEnum):
    CUSTOMER = "customer"
    STUBHUB = "stubhub"


class HistoryType(StrEnum):
    """vivenu's history types; an accept is recorded as ``transferred``."""

    CREATED = "created"
    TRANSFERRED = "transferred"
    REJECTED = "rejected"
    EXPIRED = "expired"


class TicketStatus(StrEnum):
    VALID = "VALID"
    INVALID = "INVALID"  # transferred away: its secret no longer works


class TicketRole(StrEnum):
    ORIGIN = "ORIGIN"
    ISSUED = "ISSUED"


TRANSFER = Lifecycle(tt_transfers, tt_transfers.c.status, {
    None: {TransferStatus.CREATED},
    TransferStatus.CREATED: {TransferStatus.TRANSFERRED, TransferStatus.REJECTED,
                             TransferStatus.EXPIRED},
}, noun="ticket transfer")

#: The history type each reachable state is recorded as.
HISTORY_OF: dict[TransferStatus, HistoryType] = {
    TransferStatus.CREATED: HistoryType.CREATED,
    TransferStatus.TRANSFERRED: HistoryType.TRANSFERRED,
    TransferStatus.REJECTED: HistoryType.REJECTED,
    TransferStatus.EXPIRED: HistoryType.EXPIRED,
}


def millis(moment: datetime) -> datetime:
    """``moment`` at vivenu's precision (milliseconds), so stored and shown instants agree."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def stamp(moment: datetime | None) -> str | None:
    """vivenu's ISO timestamps: milliseconds and ``Z`` (``2030-01-23T23:00:00.123Z``)."""
    if moment is None:
        return None
    moment = aware(moment)
    # isoformat, not strftime: %Y is not zero-padded below the year 1000 on glibc
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def history_entry(entry_id: str, now: datetime, kind: HistoryType, user_id: str | None
                  ) -> Json:
    """One ``history[]`` item (``userId`` is left out when no customer acted)."""
    entry: Json = {"_id": entry_id, "date": stamp(now), "type": str(kind)}
    if user_id:
        entry["userId"] = user_id
    return entry


def private_view(row: Record) -> Json:
    """The documented Ticket Transfer object (private reads and lists)."""
    return {
        "_id": row["transfer_id"], "secret": row["secret"], "ticketIds": list(row["ticket_ids"]),
        "eventId": row["event_id"], "groupEventId": row["group_event_id"],
        "sellerId": row["seller_id"], "status": row["status"], "origin": row["origin"],
        "recipient": dict(row["recipient"]), "sender": dict(row["sender"]),
        "outcome": {"tickets": list(row["outcome"])}, "history": list(row["history"]),
        "expiresAt": stamp(row["expires_at"]), "createdAt": stamp(row["created_at"]),
        "updatedAt": stamp(row["updated_at"]),
    }


def ticket_view(ticket: Record) -> Json:
    """A ticket as the public shape expands it in ``tickets[]``."""
    view: Json = {"id": ticket["ticket_id"], "ticketName": ticket["ticket_name"]}
    if ticket["seating_info"]:
        view["seatingInfo"] = dict(ticket["seating_info"])
    view |= {"secret": ticket["secret"], "email": ticket["email"], "name": ticket["name"],
             "excludedEventIds": list(ticket["excluded_event_ids"]),
             "createdAt": stamp(ticket["created_at"])}
    return view


def public_view(row: Record, tickets: Sequence[Record]) -> Json:
    """The documented public shape: no seller, origin or history; tickets expanded."""
    return {
        "_id": row["transfer_id"], "secret": row["secret"], "sender": dict(row["sender"]),
        "recipient": dict(row["recipient"]), "status": row["status"],
        "outcome": {"tickets": list(row["outcome"])}, "eventId": row["event_id"],
        "groupEventId": row["group_event_id"], "createdAt": stamp(row["created_at"]),
        "tickets": [ticket_view(t) for t in tickets],
    }

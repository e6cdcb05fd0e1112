"""POST /transfer, POST /recall and GET /transfers.

A transfer is created at once (``{"transfer_id": n}``) and then moves on
the SimClock (see :mod:`.steps`). Its tickets are mapped when it is created:
a ticket that cannot be mapped makes it FAILED_MAPPING with a
``mapping_error``, and it has no requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, distinct, exists, func, select, tuple_

from simulator.core.errors import NotFound
from simulator.core.ids import new_hex
from simulator.core.instants import naive
from simulator.services.inventory import queries
from simulator.services.inventory.derived import tallies_kept, ticket_tallies, transfer_texts
from simulator.services.inventory.mapping import (
    TicketMissing,
    TicketRequest,
    TicketsUnavailable,
    map_tickets,
)
from simulator.services.inventory.states import REQUEST, STATUS_CODES, TRANSFER, Status
from simulator.services.inventory.steps import apply_due, durations_for
from simulator.services.inventory.substrings import Substrings
from simulator.services.inventory.tables import (
    inventory_tickets,
    inventory_transfers,
    transfer_requests,
    transfer_tickets,
)
from simulator.services.inventory.tickets import ticket_conditions, ticket_view

X = inventory_transfers
W = transfer_texts
R = transfer_requests
T = inventory_tickets
TT = transfer_tickets

#: How each primary seller's transfers are carried out (``transfer_type``).
TRANSFER_TYPES: dict[str, str] = {
    "Ticketmaster": "tradedesk",
    "Tickets.com": "ticketscom",
    "Ticketmaster Account Manager": "accountmanager",
    "MLB Ballpark App": "ballpark",
    "Seatgeek": "seatgeek",
    "AXS": "axs",
}
NO_RESULTS = "No Results Found"


@dataclass(frozen=True, slots=True)
class TransferOrder:
    """The body of POST /transfer (after the spec's validation)."""

    recipient_email: str
    first_name: str
    last_name: str
    tickets: list[TicketRequest]
    order_id: str | None = None
    invoice_id: str | None = None
    marketplace: str | None = None
    note: str | None = None
    force: bool = False
    upload_proof: bool = False


def _mapping(conn: Connection, user_id: int, order: TransferOrder) -> tuple[list[Any], str | None]:
    try:
        return map_tickets(conn, user_id, order.tickets, force=order.force,
                           barcode_transfer=True), None
    except TicketMissing as exc:
        return [], f"{NO_RESULTS}: {exc.message}"
    except TicketsUnavailable as exc:
        return [], exc.message


def create_transfer(conn: Connection, now: datetime, user_id: int, order: TransferOrder,
                    durations: dict[str, Any]) -> dict[str, Any]:
    """Start a transfer: one PENDING request per primary account of the mapped tickets."""
    apply_due(conn, now)
    durations = durations_for(order.recipient_email, durations)
    groups, mapping_error = _mapping(conn, user_id, order)
    status = TRANSFER.initial(Status.FAILED_MAPPING if mapping_error else Status.PENDING)
    start = naive(now)
    transfer_id = conn.execute(X.insert().values(
        user_id=user_id, start_time=start, order_id=order.order_id, invoice_id=order.invoice_id,
        marketplace=order.marketplace, recipient_email=order.recipient_email,
        recipient_first_name=order.first_name, recipient_last_name=order.last_name,
        note=order.note, status=status, mapping_error=mapping_error,
        upload_proof=order.upload_proof)).inserted_primary_key[0]  # type: ignore[index]
    due = start + timedelta(seconds=float(durations["verify_start_seconds"]))
    for position, group in enumerate(groups):
        transfer_type = TRANSFER_TYPES.get(group.account_type, group.account_type.lower())
        token = (new_hex(conn, 32, kind="tradedesk").upper() if transfer_type == "tradedesk"
                 else None)
        request_id = conn.execute(R.insert().values(
            transfer_id=transfer_id, position=position, account_id=group.account_id,
            username=group.username, account_type=group.account_type,
            transfer_type=transfer_type, tradedesk_token=token,
            status=REQUEST.initial(Status.PENDING), due_at=due, durations=durations,
        )).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(TT.insert(), [{"request_id": request_id, "ticket_id": row.id}
                                   for row in group.tickets])
    return {"transfer_id": int(transfer_id)}


def _owned(conn: Connection, user_id: int, transfer_id: int) -> Any:
    row = conn.execute(select(X.c.id).where(X.c.id == min(transfer_id, queries.MAX_ID),
                                            X.c.user_id == user_id)).first()
    if row is None:
        raise NotFound(f"Transfer {transfer_id} not found")
    return row


def recall_transfer(conn: Connection, now: datetime, user_id: int, transfer_id: int
                    ) -> dict[str, Any]:
    """Start recalling an EMAILED or PARTIAL transfer's emailed requests (409 otherwise)."""
    apply_due(conn, now)
    _owned(conn, user_id, transfer_id)
    TRANSFER.move(conn, X.c.id == transfer_id, Status.RECALLING)
    for request in conn.execute(select(R.c.id, R.c.durations).where(
            R.c.transfer_id == transfer_id, R.c.status == Status.EMAILED)).all():
        due = naive(now) + timedelta(
            seconds=float(request.durations["recall_seconds"]))
        REQUEST.move(conn, R.c.id == request.id, Status.RECALLING, due_at=due,
                     error_message=None)
    return {"transfer_id": transfer_id}


@dataclass(frozen=True, slots=True)
class TransferFilter:
    """The documented query parameters of GET /transfers."""

    id: int | None = None
    order_id: str | None = None
    invoice_id: str | None = None
    account_ids: list[int] | None = None
    date_time_from: datetime | None = None
    date_time_to: datetime | None = None
    venue: str | None = None
    event: str | None = None
    event_date_from: datetime | None = None
    event_date_to: datetime | None = None
    section: str | None = None
    row: str | None = None
    seat: str | None = None

    @classmethod
    def from_query(cls, query: dict[str, Any]) -> TransferFilter:
        return cls(
            id=query.get("id"), order_id=query.get("order_id"),
            invoice_id=query.get("invoice_id"),
            account_ids=queries.id_list("account_id", query.get("account_id")),
            date_time_from=queries.lower_bound("date_time_from", query.get("date_time_from")),
            date_time_to=queries.upper_bound("date_time_to", query.get("date_time_to")),
            venue=query.get("venue"), event=query.get("event"),
            event_date_from=queries.lower_bound("event_date_from",
                                                query.get("event_date_from")),
            event_date_to=queries.upper_bound("event_date_to", query.get("event_date_to")),
            section=query.get("section"), row=query.get("row"), seat=query.get("seat"),
        )

    @property
    def on_transfers(self) -> bool:
        """Whether a filter on the transfers themselves (id, order, invoice, start time,
        account) is given."""
        return any(value is not None for value in (
            self.id, self.order_id, self.invoice_id, self.date_time_from, self.date_time_to,
            self.account_ids))

    @property
    def substrings(self) -> Substrings:
        return Substrings(venue=self.venue, event=self.event)

    @property
    def tickets_by_text_only(self) -> bool:
        """Whether ``venue`` / ``event`` are the only filters on the tickets."""
        return self.substrings.given and all(value is None for value in (
            self.event_date_from, self.event_date_to, self.section, self.row, self.seat))

    def _texts_matching(self, user_id: int) -> ColumnElement[bool]:
        """The user's transferred tickets whose event and venue the substrings match:
        each distinct pair is tested once (in the tallies), then found by index.
        A transfer's tickets are its user's (mapping looks them up by user)."""
        C = ticket_tallies
        pairs = select(C.c.event, C.c.venue).where(C.c.user_id == user_id,
                                                   *self.substrings.conditions(C))
        return and_(W.c.user_id == user_id, tuple_(W.c.event, W.c.venue).in_(pairs))

    def conditions(self, conn: Connection, user_id: int,
                   counting: bool = False) -> list[ColumnElement[bool]]:
        """The filters. Substrings alone go through the kept transfer texts (SQLite);
        otherwise the ticket filters are a per-transfer ``EXISTS``, which a page (in id
        order, stopping when full) tests on few transfers, except that a ``count`` with
        no filter on the transfers themselves (``counting``) reads the transferred
        tickets once rather than following each transfer to its tickets."""
        found: list[ColumnElement[bool]] = [X.c.user_id == user_id]
        for column, value in (("id", self.id), ("order_id", self.order_id),
                              ("invoice_id", self.invoice_id)):
            if value is not None:
                found.append(X.c[column] == value)
        if self.date_time_from is not None:
            found.append(X.c.start_time >= self.date_time_from)
        if self.date_time_to is not None:
            found.append(X.c.start_time < self.date_time_to)
        if self.account_ids is not None:
            found.append(X.c.id.in_(select(R.c.transfer_id).where(
                R.c.account_id.in_(self.account_ids))))
        on_tickets = ticket_conditions(
            T, date_from=self.event_date_from, date_to=self.event_date_to,
            substrings=self.substrings, section=self.section, row=self.row, seat=self.seat)
        if self.tickets_by_text_only and tallies_kept(conn):
            found.append(X.c.id.in_(select(W.c.transfer_id).where(self._texts_matching(user_id))))
        elif on_tickets and counting and not self.on_transfers:
            found.append(X.c.id.in_(
                select(R.c.transfer_id).select_from(TT)
                .join(T, T.c.id == TT.c.ticket_id).join(R, R.c.id == TT.c.request_id)
                .where(*on_tickets)))
        elif on_tickets:
            found.append(exists().where(R.c.transfer_id == X.c.id,
                                        TT.c.request_id == R.c.id, T.c.id == TT.c.ticket_id,
                                        *on_tickets))
        return found

    def count(self, conn: Connection, user_id: int) -> int:
        """How many of the user's transfers match (the documented ``count``)."""
        if self.tickets_by_text_only and not self.on_transfers and tallies_kept(conn):
            return int(conn.execute(select(func.count(distinct(W.c.transfer_id)))
                                    .where(self._texts_matching(user_id))).scalar() or 0)
        return queries.count_of(conn, X.c.id, self.conditions(conn, user_id, counting=True))


def _status(value: str) -> dict[str, Any]:
    status = Status(value)
    return {"status": str(status), "status_code": STATUS_CODES[status]}


def _request_view(row: Any, tickets: list[dict[str, Any]]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row.id, "account_id": row.account_id, "username": row.username,
        "account_type": row.account_type, "transfer_type": row.transfer_type,
    }
    if row.tradedesk_token is not None:
        view["tradedesk_token"] = row.tradedesk_token
    return view | _status(row.status) | {
        "transfer_job_id": row.transfer_job_id, "fulfillment_id": row.fulfillment_id,
        "response": row.response, "error_message": row.error_message, "tickets": tickets}


def _transfer_view(row: Any, requests: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row.id, "start_time": queries.utc_stamp(row.start_time), "user_id": row.user_id,
        "order_id": row.order_id, "invoice_id": row.invoice_id, "marketplace": row.marketplace,
        "recipient_email": row.recipient_email,
        "recipient_first_name": row.recipient_first_name,
        "recipient_last_name": row.recipient_last_name, "note": row.note,
        **_status(row.status), "mapping_error": row.mapping_error, "requests": requests,
    }


def get_transfers(conn: Connection, now: datetime, user_id: int, wanted: TransferFilter,
                  page: queries.Page) -> dict[str, Any]:
    """``count`` of the user's matching transfers and one page of them, with requests."""
    apply_due(conn, now)
    conditions = wanted.conditions(conn, user_id)
    rows = conn.execute(page.apply(select(X).where(*conditions).order_by(X.c.id))).all()
    ids = [row.id for row in rows]
    requests = conn.execute(select(R).where(R.c.transfer_id.in_(ids))
                            .order_by(R.c.transfer_id, R.c.position)).all()
    tickets: dict[int, list[dict[str, Any]]] = {}
    for ticket in conn.execute(
            select(TT.c.request_id, T).join(T, T.c.id == TT.c.ticket_id)
            .where(TT.c.request_id.in_([r.id for r in requests]))
            .order_by(TT.c.request_id, T.c.id)):
        tickets.setdefault(ticket.request_id, []).append(ticket_view(ticket))
    by_transfer: dict[int, list[dict[str, Any]]] = {}
    for request in requests:
        by_transfer.setdefault(request.transfer_id, []).append(
            _request_view(request, tickets.get(request.id, [])))
    return {"count": wanted.count(conn, user_id),
            "transfers": [_transfer_view(row, by_transfer.get(row.id, [])) for row in rows]}

"""The ticket-transfer fixture sections: sellers (with API keys), their events,
customers, ticket types, tickets, and some transfers in every state.

Document keys (each a list; names follow vivenu's casing):

- ``sellers``: ``{_id, name, apiKey}`` (the key is added to the platform's
  ``api_keys`` with role ``seller``);
- ``seller_events``: ``{_id, sellerId, name, groupEventId, start}``; a child
  event of a season (or of an event group) names its parent in ``groupEventId``;
- ``customers``: ``{_id, sellerId, email, prename, lastname, phone}``;
- ``ticket_types``: ``{_id, sellerId, name, transferSettings: {expiresAfter:
  {offset, unit}}}`` (unit minutes|hours|days|weeks; ``expiresAfter: null``:
  transfers never expire; no ``transferSettings``: the service default);
- ``tickets``: ``{_id, secret, sellerId, eventId, ticketTypeId, ticketName,
  seatingInfo, customerId, email, name, excludedEventIds, status, originTicketId,
  createdAt}`` (status VALID, or INVALID once transferred away);
- ``ticket_transfers``: the private Ticket Transfer object plus ``childEventId``.

The default seller also owns what the documentation's examples name: ticket
``string`` (secret ``string``, a season card), the season's child event
``string``, and the open transfer ``string`` (secret ``string``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows, when
from simulator.services.platform.tables import api_keys
from simulator.services.ticket_transfers.fixtures_data import SectionMaker
from simulator.services.ticket_transfers.keys import DEFAULT_SELLER_KEY
from simulator.services.ticket_transfers.model import TicketRole, TransferStatus
from simulator.services.ticket_transfers.tables import (
    tt_claims,
    tt_customers,
    tt_events,
    tt_sellers,
    tt_ticket_types,
    tt_tickets,
    tt_transfer_tickets,
    tt_transfers,
)
from simulator.services.ticket_transfers.tickets import NEVER

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

SECTIONS = ("sellers", "seller_events", "customers", "ticket_types", "tickets",
            "ticket_transfers")


def generate(ctx: FixtureContext) -> dict[str, Any]:
    """Sellers with events, customers, tickets and transfers (the first is the default)."""
    maker = SectionMaker(ctx)
    for n in range(max(1, ctx.size("sellers", 3))):
        maker.seller(DEFAULT_SELLER_KEY if n == 0 else f"{DEFAULT_SELLER_KEY}-{n + 1}",
                     documented=n == 0)
    return maker.document


def _expiry(item: dict[str, Any]) -> tuple[int | None, str | None]:
    settings = item.get("transferSettings")
    if settings is None or "expiresAfter" not in settings:
        return None, None
    after = settings["expiresAfter"]
    if after is None:
        return None, NEVER
    unit = str(after["unit"])
    if unit not in ("minutes", "hours", "days", "weeks"):
        raise ValueError(f"expiresAfter.unit '{unit}' is not minutes, hours, days or weeks")
    return int(after["offset"]), unit


def _optional_when(value: Any) -> datetime | None:
    return when(value) if value else None


def _transfer_row(item: dict[str, Any]) -> dict[str, Any]:
    recipient, sender = dict(item.get("recipient") or {}), dict(item.get("sender") or {})
    return {
        "transfer_id": str(item["_id"]), "secret": str(item["secret"]),
        "seller_id": str(item["sellerId"]), "event_id": str(item["eventId"]),
        "group_event_id": item.get("groupEventId"), "child_event_id": item.get("childEventId"),
        "status": str(TransferStatus(item["status"])), "origin": str(item.get("origin",
                                                                             "customer")),
        "ticket_ids": [str(i) for i in item["ticketIds"]], "sender": sender,
        "recipient": recipient, "sender_customer_id": sender.get("customerId"),
        "sender_email": sender.get("email"), "recipient_customer_id": recipient.get("customerId"),
        "recipient_email": recipient.get("email"),
        "outcome": list((item.get("outcome") or {}).get("tickets", [])),
        "history": list(item.get("history", [])), "expires_at": _optional_when(
            item.get("expiresAt")),
        "created_at": when(item["createdAt"]), "updated_at": when(item["updatedAt"]),
    }


def _links(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in document.get("ticket_transfers", []):
        for ticket_id in item["ticketIds"]:
            found.append({"transfer_id": item["_id"], "ticket_id": ticket_id,
                          "role": TicketRole.ORIGIN})
        for issued in (item.get("outcome") or {}).get("tickets", []):
            found.append({"transfer_id": item["_id"], "ticket_id": issued["ticketId"],
                          "role": TicketRole.ISSUED})
    return found


def _claims(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"ticket_id": ticket_id, "scope": item.get("childEventId") or "",
             "transfer_id": item["_id"]}
            for item in document.get("ticket_transfers", [])
            if item["status"] == TransferStatus.CREATED for ticket_id in item["ticketIds"]]


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert the sections (and each seller's key into the platform's ``api_keys``)."""
    return insert_rows(conn, document, {
        "sellers": (tt_sellers, lambda d: [
            {"seller_id": str(s["_id"]), "name": str(s.get("name", "")),
             "api_key": str(s["apiKey"])} for s in d.get("sellers", [])]),
        "seller_keys": (api_keys, lambda d: [
            {"key": str(s["apiKey"]), "role": "seller", "user_id": None,
             "marketplace_id": None, "label": f"seller {s['_id']}"}
            for s in d.get("sellers", [])]),
        "seller_events": (tt_events, lambda d: [
            {"event_id": str(e["_id"]), "seller_id": str(e["sellerId"]),
             "name": str(e.get("name", "")), "group_event_id": e.get("groupEventId"),
             "start": _optional_when(e.get("start"))} for e in d.get("seller_events", [])]),
        "customers": (tt_customers, lambda d: [
            {"customer_id": str(c["_id"]), "seller_id": str(c["sellerId"]),
             "email": str(c["email"]), "prename": str(c.get("prename", "")),
             "lastname": str(c.get("lastname", "")), "phone": c.get("phone")}
            for c in d.get("customers", [])]),
        "ticket_types": (tt_ticket_types, lambda d: [
            {"ticket_type_id": str(t["_id"]), "seller_id": str(t["sellerId"]),
             "name": str(t.get("name", "")), **dict(zip(("expires_offset", "expires_unit"),
                                                        _expiry(t), strict=True))}
            for t in d.get("ticket_types", [])]),
        "tickets": (tt_tickets, lambda d: [
            {"ticket_id": str(t["_id"]), "secret": str(t["secret"]),
             "seller_id": str(t["sellerId"]), "event_id": str(t["eventId"]),
             "ticket_type_id": str(t["ticketTypeId"]), "ticket_name": str(t["ticketName"]),
             "seating_info": t.get("seatingInfo"), "customer_id": t.get("customerId"),
             "email": str(t.get("email", "")), "name": str(t.get("name", "")),
             "excluded_event_ids": [str(i) for i in t.get("excludedEventIds", [])],
             "status": str(t.get("status", "VALID")), "origin_ticket_id": t.get("originTicketId"),
             "created_at": when(t["createdAt"])} for t in d.get("tickets", [])]),
        "ticket_transfers": (tt_transfers, lambda d: [
            _transfer_row(item) for item in d.get("ticket_transfers", [])]),
        "ticket_transfer_tickets": (tt_transfer_tickets, _links),
        "ticket_transfer_claims": (tt_claims, _claims),
    })


__all__ = ["DEFAULT_SELLER_KEY", "SECTIONS", "generate", "load"]

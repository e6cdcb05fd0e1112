"""HTTP glue for ``openapi/ticket-transfers.yaml`` (vivenu's Ticket Transfers).

Public operations are authorised by secrets in the request; private ones by
a seller's key (``Authorization: Bearer <key>``), whose seller is the tenant.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException

from simulator.core.errors import Forbidden
from simulator.core.http.context import principal, sim
from simulator.services.platform.auth import Role
from simulator.services.ticket_transfers import domain, queries
from simulator.services.ticket_transfers.tickets import TicketKey

Body = dict[str, Any]
Result = tuple[Any, int]
#: Path segments of POST operations that GET /ticket-transfers/{id}/{secret} also matches.
ACTIONS = frozenset({"accept", "reject"})


def _seller(token_info: Body) -> str:
    caller = principal(token_info)
    if caller.role is not Role.SELLER:
        raise Forbidden("Forbidden. This operation needs a seller API key")
    return sim().query(domain.seller_of_key, caller.key)


def _filters(query: Body, **fixed: Any) -> queries.Filters:
    statuses = query.get("status")
    return queries.Filters(
        statuses=tuple(statuses) if isinstance(statuses, list) else
        ((statuses,) if statuses else ()),
        event_id=query.get("eventId"), child_event_id=query.get("childEventId"),
        origin=query.get("origin"), customer_id=query.get("customerId"),
        seller_id=query.get("sellerId"), sender=query.get("sender"),
        recipient=query.get("recipient"), ticket_ids=tuple(query.get("ticketIds") or ()),
        updated=queries.parse_range("updatedAt", query.get("updatedAt")), **fixed)


async def create_ticket_transfer(body: Body) -> Result:
    request = domain.CreateRequest.from_json(body)
    simulator = sim()
    return simulator.run(domain.create_transfer, request,
                         simulator.settings["ticket_transfers"]), 200


async def accept_ticket_transfer(id: str, body: Body) -> Result:
    ticket_ids = body.get("ticketIds")
    return sim().run(domain.accept_transfer, id, str(body["secret"]), str(body["prename"]),
                     str(body["lastname"]),
                     [str(i) for i in ticket_ids] if ticket_ids is not None else None), 200


async def reject_ticket_transfer(id: str, body: Body) -> Result:
    return sim().run(domain.reject_transfer, id, str(body["secret"])), 200


async def get_public_ticket_transfer(id: str, secret: str) -> Result:
    if secret in ACTIONS:  # GET /ticket-transfers/{id}/accept: that path is POST only
        raise HTTPException(405)
    return sim().read(domain.get_public, id, secret), 200


async def get_ticket_transfer(id: str, token_info: Body) -> Result:
    return sim().read(domain.get_private, _seller(token_info), id), 200


async def list_ticket_transfers(token_info: Body, **query: Any) -> Result:
    seller_id = _seller(token_info)
    return sim().read(queries.list_private, seller_id, _filters(query),
                      query.get("top", 25), query.get("skip", 0)), 200


async def list_public_ticket_transfers(**query: Any) -> Result:
    tickets = query.get("tickets") or {}
    keys = [TicketKey(str(item.get("id", "")), str(item.get("secret", "")))
            for _index, item in sorted(tickets.items(), key=lambda pair: str(pair[0]))]
    return sim().read(queries.list_public, keys, _filters(query)), 200

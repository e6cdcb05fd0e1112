"""HTTP glue for ``openapi/inventory.yaml`` (Transfer Service / Primary Transfers).

The caller's token is a 1Ticket user's (a broker key): that user is the
tenant of every operation and sees only its own accounts, tickets and
transfers.
"""

from __future__ import annotations

from typing import Any

from simulator.core.errors import Forbidden
from simulator.core.http.context import principal, sim
from simulator.services.inventory import crawl, mapping, tickets, transfers
from simulator.services.inventory.queries import Page
from simulator.services.inventory.settings import InventorySettings
from simulator.services.platform.auth import Role

Body = dict[str, Any]
Result = tuple[Body, int]


def _tenant(token_info: Body) -> int:
    """The 1Ticket user the token belongs to (marketplace keys are refused)."""
    caller = principal(token_info)
    if caller.role is not Role.BROKER or caller.user_id is None:
        raise Forbidden("Forbidden. This operation needs a 1Ticket user's token")
    return int(caller.user_id)


def _settings() -> InventorySettings:
    found: InventorySettings = sim().settings["inventory"]
    return found


async def get_tickets(token_info: Body, page_size: int | None = None, page: int | None = None,
                      **query: Any) -> Result:
    user_id = _tenant(token_info)
    return sim().read(tickets.get_tickets, user_id, tickets.TicketFilter.from_query(query),
                      Page.of(page_size, page)), 200


async def map_tickets(body: Body, token_info: Body) -> Result:
    user_id = _tenant(token_info)
    wanted = mapping.parse_tickets(body.get("tickets"))
    return sim().run(mapping.map_view, user_id, wanted, bool(body.get("force", False))), 200


async def create_transfer(body: Body, token_info: Body, upload_proof: bool = False) -> Result:
    user_id = _tenant(token_info)
    order = transfers.TransferOrder(
        recipient_email=body["recipient_email"], first_name=body["first_name"],
        last_name=body["last_name"], tickets=mapping.parse_tickets(body.get("tickets")),
        order_id=body.get("order_id"), invoice_id=body.get("invoice_id"),
        marketplace=body.get("marketplace"), note=body.get("note"),
        force=bool(body.get("force", False)), upload_proof=upload_proof)
    return sim().run(transfers.create_transfer, user_id, order,
                     _settings().durations()), 200


async def get_transfers(token_info: Body, page_size: int | None = None,
                        page: int | None = None, **query: Any) -> Result:
    user_id = _tenant(token_info)
    return sim().read(transfers.get_transfers, user_id,
                      transfers.TransferFilter.from_query(query), Page.of(page_size, page)), 200


async def recall_transfer(body: Body, token_info: Body) -> Result:
    user_id = _tenant(token_info)
    return sim().run(transfers.recall_transfer, user_id, int(body["transfer_id"])), 200


async def crawl_refresh(body: Body, token_info: Body) -> Result:
    user_id = _tenant(token_info)
    return sim().run(crawl.crawl_refresh, user_id, body.get("account_ids"), body.get("user_id"),
                     _settings().crawl_seconds), 200

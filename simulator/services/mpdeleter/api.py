"""HTTP glue for ``openapi/mpdeleter.yaml`` (Broadcast Inventory: Marketplace Deletes)."""

from __future__ import annotations

from typing import Any

from simulator.core.http.context import principal, sim
from simulator.services.mpdeleter import domain as mpdeleter

Body = dict[str, Any]
Result = tuple[Body, int]


async def delete_listing(token_info: Body, body: Any = None) -> Result:
    request = mpdeleter.DeleteRequest.from_json(body)
    mpdeleter.check_caller(principal(token_info), request)
    return sim().run(mpdeleter.delete_listing, request), 200

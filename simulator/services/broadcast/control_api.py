"""HTTP glue for ``openapi/control-listings.yaml`` (``/_sim/listings``, control plane)."""

from __future__ import annotations

from typing import Any

from simulator.core.http.context import sim
from simulator.services.broadcast import view

Body = dict[str, Any]
Result = tuple[Body, int]


async def get_listing(listing_id: str) -> Result:
    return sim().run(view.listing_view, listing_id), 200


async def set_delete_failures(listing_id: str, body: Body) -> Result:
    simulator = sim()
    ids = {simulator.marketplace(str(name)).id for name in body["marketplaces"]}
    return simulator.run(view.set_delete_failures, listing_id, ids), 200

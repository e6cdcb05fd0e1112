"""HTTP glue for ``openapi/shsyncx.yaml`` (Broadcast Inventory Management: StubHub Updates)."""

from __future__ import annotations

from typing import Any

from simulator.core.http.context import principal, sim
from simulator.services.platform import auth
from simulator.services.shsyncx import domain as shsyncx

Body = dict[str, Any]
Result = tuple[Body, int]


def _sync(item: shsyncx.ItemSync, token_info: Body) -> Result:
    auth.require_broker(principal(token_info), item.user_id)
    return sim().run(shsyncx.sync_item, item), 200


async def sync_item(body: Body, token_info: Body) -> Result:
    return _sync(shsyncx.ItemSync.v1(body), token_info)


async def update_item_price(body: Body, token_info: Body) -> Result:
    return _sync(shsyncx.ItemSync.v2(body), token_info)

"""HTTP glue for ``openapi/marketplaceapis.yaml`` (Recipient Data)."""

from __future__ import annotations

from typing import Any

from simulator.core.http.context import principal, sim
from simulator.services.marketplaceapis import domain as recipients
from simulator.services.platform import auth

Body = dict[str, Any]
Result = tuple[Body, int]


async def get_recipient(marketplace_id: str, user_id: str, order_id: str, token_info: Body
                        ) -> Result:
    query = recipients.RecipientQuery.from_params(marketplace_id, user_id, order_id)
    auth.require_broker(principal(token_info), query.user_id)
    return sim().query(recipients.recipient, query), 200

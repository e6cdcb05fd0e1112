"""HTTP glue for ``openapi/sales.yaml`` (Sale Order Processing)."""

from __future__ import annotations

from typing import Any

from simulator.core.http.context import principal, sim
from simulator.services.platform import auth
from simulator.services.sales import domain as sales

Body = dict[str, Any]
Result = tuple[Body, int]


def _for_marketplace(marketplace_name: str, token_info: Body, operation: Any, *args: Any
                     ) -> Body:
    """Run a marketplace operation after checking the key may act for that marketplace."""
    simulator = sim()
    market = simulator.marketplace(marketplace_name)
    auth.require_marketplace(principal(token_info), market)
    result: Body = simulator.run(operation, market, *args)
    return result


async def create_hold(marketplace_name: str, body: Body, token_info: Body) -> Result:
    request = sales.SaleRequest.from_json(body)
    return _for_marketplace(marketplace_name, token_info, sales.create_hold,
                            int(body["hold_length"]), request), 200


async def release_hold(marketplace_name: str, body: Body, token_info: Body) -> Result:
    request = sales.SaleRequest.from_json(body)
    return _for_marketplace(marketplace_name, token_info, sales.release_hold, request), 200


async def create_invoice(marketplace_name: str, body: Body, token_info: Body) -> Result:
    request = sales.SaleRequest.from_json(body)
    payout = sales.Payout(float(body["payout"]["price"]),
                          str(body["payout"].get("currency") or "USD"))
    return _for_marketplace(marketplace_name, token_info, sales.create_invoice,
                            request, payout, sales.Buyer.from_json(body.get("buyer"))), 200


async def get_order(marketplace_name: str, user_id: int, order_id: str, token_info: Body
                    ) -> Result:
    auth.require_broker(principal(token_info), user_id)
    simulator = sim()
    market = simulator.marketplace(marketplace_name)
    return simulator.read(sales.get_order, market, user_id, order_id), 200


async def catalogue_sale(body: Body, token_info: Body) -> Result:
    user_id = str(body["user_id"]).strip()
    auth.require_broker(principal(token_info), user_id)
    return sim().run(sales.catalogue_sale, user_id, body), 200


async def catalogue_sale_by_get(body: Body, token_info: Body) -> Result:
    """The catalogue operation sent as GET with its JSON body (the documented Python example)."""
    return await catalogue_sale(body, token_info)

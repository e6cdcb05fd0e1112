"""HTTP glue of the post-sale control plane (``/_sim/marketplaces``, ``/_sim/brokers``,
``/_sim/deliveries``, ``/_sim/postsale``); see ``openapi/control-*.yaml``."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import BadRequest, NotFound
from simulator.core.http.context import sim
from simulator.services.callbacks import postsale, registrations, vivenu
from simulator.services.callbacks.deliveries import LogFilter, list_deliveries
from simulator.services.callbacks.runtime import Deliveries
from simulator.services.platform.marketplaces import Marketplace

Body = dict[str, Any]
Result = tuple[Any, int]

MAX_WAIT_SECONDS = 60.0


def _now(operation: Any, *args: Any) -> Any:
    """Run a rule that needs no instant inside one transaction."""
    return sim().run(lambda conn, _now, *a: operation(conn, *a), *args)


def _market(name: str) -> Marketplace:
    """The marketplace a control-plane path names; unknown names are 404 (a path resource)."""
    try:
        return sim().marketplace(name)
    except BadRequest as exc:
        raise NotFound(exc.message) from None


async def put_marketplace_callbacks(name: str, body: Body) -> Result:
    market = _market(name)
    return _now(registrations.register_marketplace, market, body), 200


async def put_broker_webhook(user_id: int, body: Body) -> Result:
    return _now(registrations.register_webhook, user_id, body), 200


async def put_seller_webhook(seller_id: str, body: Body) -> Result:
    return _now(vivenu.register_seller, seller_id, body), 200


def _filter(kind: str | None, marketplace: str | None, order_id: str | None,
            status: str | None, user_id: int | None) -> LogFilter:
    return LogFilter(kind, marketplace, order_id, status, user_id)


async def list_deliveries_log(kind: str | None = None, marketplace: str | None = None,
                              order_id: str | None = None, status: str | None = None,
                              user_id: int | None = None, limit: int = 100) -> Result:
    wanted = _filter(kind, marketplace, order_id, status, user_id)
    return {"deliveries": sim().query(list_deliveries, wanted, limit)}, 200


async def wait_delivery(kind: str | None = None, marketplace: str | None = None,
                        order_id: str | None = None, user_id: int | None = None,
                        timeout: float | None = None, settled: bool = False) -> Result:
    seconds = sim().config.long_poll_seconds if timeout is None else timeout
    if not 0 <= seconds <= MAX_WAIT_SECONDS:
        raise BadRequest(f"timeout must be between 0 and {MAX_WAIT_SECONDS:g} seconds")
    wanted = _filter(kind, marketplace, order_id, None, user_id)
    engine = Deliveries.of(sim())
    found = await (engine.settle(wanted, seconds) if settled else engine.wait(wanted, seconds))
    return {"deliveries": found}, 200


async def get_postsale(marketplace: str, order_id: str) -> Result:
    market = _market(marketplace)
    return sim().run(lambda conn, now: (postsale.apply_due(conn, now),
                                        postsale.view(conn, market.id, order_id))[1]), 200


def _act(marketplace: str, order_id: str, action: str, value: Any = None) -> Result:
    market = _market(marketplace)
    return sim().run(postsale.act, market, order_id, action, value), 200


async def reject_sale(marketplace: str, order_id: str, body: Body | None = None) -> Result:
    return _act(marketplace, order_id, "reject", (body or {}).get("reason"))


async def cancel_sale(marketplace: str, order_id: str) -> Result:
    return _act(marketplace, order_id, "cancel")


async def update_price(marketplace: str, order_id: str, body: Body) -> Result:
    return _act(marketplace, order_id, "price", body["price"])


async def update_recipient(marketplace: str, order_id: str, body: Body) -> Result:
    return _act(marketplace, order_id, "recipient", body)

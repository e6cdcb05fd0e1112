"""Recipient data: who bought an order on a marketplace, for the ticket transfer.

The buyer lives on the marketplace's side: fixture orders carry it, and so
does an order invoiced through the sales API with a ``buyer``; for one
invoiced without, the marketplace's buyer is a Faker person drawn
deterministically from the fixtures seed, the marketplace and the order id
(the same order always has the same buyer).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from simulator.core.errors import BadRequest, NotFound
from simulator.core.ids import ID_KEY
from simulator.core.store import meta
from simulator.services.platform.tables import marketplaces
from simulator.services.sales.tables import orders

if TYPE_CHECKING:
    from faker import Faker

_FAKER_LOCK = threading.Lock()


@functools.cache
def _faker() -> Faker:
    """One Faker, made on the first invented buyer (importing Faker slows start-up)."""
    from faker import Faker

    return Faker()


def _number(name: str, value: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12:
        raise BadRequest(f"{name} '{value}' is not a number")
    return int(text)


@dataclass(frozen=True, slots=True)
class RecipientQuery:
    marketplace_id: int
    user_id: int
    order_id: str

    @classmethod
    def from_params(cls, marketplace_id: str, user_id: str, order_id: str) -> RecipientQuery:
        """The query of the three documented parameters; ids must be numbers."""
        if not order_id.strip():
            raise BadRequest("order_id must not be empty")
        return cls(_number("marketplace_id", marketplace_id), _number("user_id", user_id),
                   order_id.strip())


def invented_buyer(seed: int, marketplace_id: int, order_id: str) -> dict[str, str]:
    """The marketplace's buyer of an order 1Ticket knows no buyer for (deterministic)."""
    with _FAKER_LOCK:
        fake = _faker()
        fake.seed_instance(f"{seed}:{marketplace_id}:{order_id}")
        first, last = fake.first_name(), fake.last_name()
        domain = fake.free_email_domain()
    return {"first_name": first, "last_name": last,
            "email": f"{first}.{last}@{domain}".lower().replace(" ", "")}


def recipient(conn: Connection, query: RecipientQuery) -> dict[str, Any]:
    """The buyer of the user's order on the marketplace, in the documented shape."""
    vendor = conn.execute(select(marketplaces.c.name)
                          .where(marketplaces.c.id == query.marketplace_id)).scalar()
    if vendor is None:
        raise NotFound(f"Unknown marketplace_id {query.marketplace_id}")
    order = conn.execute(select(orders.c.order_id, orders.c.user_id, orders.c.buyer).where(
        orders.c.marketplace_id == query.marketplace_id,
        orders.c.order_id == query.order_id)).first()
    if order is None or order.user_id != query.user_id:
        raise NotFound(f"Order '{query.order_id}' not found on {vendor} for user "
                       f"{query.user_id}")
    buyer = order.buyer
    if not buyer:
        state = conn.execute(select(meta.c.value).where(meta.c.key == ID_KEY)).scalar()
        buyer = invented_buyer(int((state or {}).get("seed", 1)), query.marketplace_id,
                               order.order_id)
    return {"order_number": order.order_id, "vendor": vendor, "email": buyer["email"],
            "first_name": buyer["first_name"], "last_name": buyer["last_name"]}

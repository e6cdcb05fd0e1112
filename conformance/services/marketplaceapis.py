"""Conformance tables of Recipient Data (``openapi/marketplaceapis.yaml``)."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.data import KnownData
from conformance.grounding import Case, with_values
from conformance.policy import Role

ROLES: dict[str, Role] = {"get_recipient": Role.BROKER}


def _recipient(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
    orders = [order for order in data.orders if order.marketplace_id is not None]
    if not orders or data.user_id is None:
        return None
    return st.sampled_from(orders).map(lambda order: with_values(case, query={
        "marketplace_id": str(order.marketplace_id), "user_id": str(data.user_id),
        "order_id": order.order_id}))


GROUNDERS = {"get_recipient": _recipient}

REFUSES_VALID_INPUT: dict[str, str] = {
    "get_recipient": "400 for a marketplace_id or user_id that is not a number (declared as "
                     "strings so that the message names the parameter)",
}

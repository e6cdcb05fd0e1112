"""Conformance tables of StubHub Sync X (``openapi/shsyncx.yaml``)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.data import KnownData
from conformance.grounding import Case, with_values
from conformance.policy import Role

ROLES: dict[str, Role] = {"sync_item": Role.BROKER, "update_item_price": Role.BROKER}

UNKNOWN = "1"  # a POS listing id no fixture user has

#: Real calendar values in the documented formats (generated ones match only the shape).
_DATES = {"event_date": "08/23/2018", "event_time": "07:05 PM", "in_hand_date": "2018-03-28"}


def _item(*, full: bool) -> Any:
    def ground(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
        if not data.listings or data.user_id is None or not isinstance(case.body, dict):
            return None
        prices = st.integers(0, 10**6).map(lambda cents: f"{cents / 100:.2f}")
        # Mostly known listings; sometimes one the user does not have (404).
        tickets = st.sampled_from([*(item.listing_id for item in data.listings), UNKNOWN])
        return st.tuples(tickets, prices).map(
            lambda picked: with_values(case, body={
                "user_id": data.user_id, "ticket_id": picked[0], "price": picked[1],
                **(_DATES if full else {})}, drop=("sh_listing_id",)))

    return ground


GROUNDERS = {"sync_item": _item(full=True), "update_item_price": _item(full=False)}

_FORMATS = ("400 for a price that is not a number, or a date or time in the documented "
            "shape that is not a real one (13/45/2018)")
REFUSES_VALID_INPUT: dict[str, str] = {"sync_item": _FORMATS, "update_item_price": _FORMATS}

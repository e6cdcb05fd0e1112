"""Steer some positive fuzz cases onto data that exist at the target.

A generated listing id never exists, so pure fuzzing only reaches 404s and
never checks a successful body against its schema. For each operation named
in a service's ``GROUNDERS`` (``conformance/services/<name>.py``), half of the
positive cases get their identifying fields replaced by known data
(:mod:`conformance.data`); the rest stay random. Negative cases are never
touched, so they stay invalid. This module keeps the shared helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from conformance import services as tables
from conformance.data import KnownData, KnownListing

__all__ = ["Grounder", "catalogue", "ground", "order", "sale", "with_values"]

Case = Any  # schemathesis.Case; kept loose to avoid importing Schemathesis here
Grounder = Callable[[Case, KnownData], st.SearchStrategy[Case] | None]


def _seats(listing: KnownListing) -> st.SearchStrategy[list[dict[str, str]]]:
    row, seats = next(iter(listing.seats.items()))
    return st.lists(st.sampled_from(seats), min_size=1, max_size=min(2, len(seats)),
                    unique=True).map(lambda chosen: [{"row": row, "seat": s} for s in chosen])


def with_values(case: Case, *, path: dict[str, Any] | None = None,
                query: dict[str, Any] | None = None, body: dict[str, Any] | None = None,
                drop: tuple[str, ...] = ()) -> Case:
    """``case`` with some path, query and body values replaced (``drop``: body keys removed)."""
    if path:
        case.path_parameters = {**(case.path_parameters or {}), **path}
    if query:
        case.query = {**(case.query or {}), **query}
    if body is not None:
        merged = {k: v for k, v in {**case.body, **body}.items() if k not in drop}
        case.body = merged
    return case


def sale(case: Case, data: KnownData, *, with_seats: bool) -> st.SearchStrategy[Case] | None:
    if not data.listings or not isinstance(case.body, dict):
        return None
    everywhere = data.marketplaces or (data.marketplace,)
    chosen = st.sampled_from(data.listings).flatmap(lambda listing: st.tuples(
        st.sampled_from(listing.marketplaces or everywhere), st.just(listing), _seats(listing)))

    def apply(picked: tuple[str, KnownListing, list[dict[str, str]]]) -> Case:
        market, listing, tickets = picked
        body: dict[str, Any] = {"listing_id": listing.listing_id, "broker": listing.broker}
        if with_seats:
            body |= {"section": listing.section, "tickets": tickets}
        return with_values(case, path={"marketplace_name": market}, body=body,
                           drop=("in_hand_date",))

    return chosen.map(apply)


def order(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
    if not data.orders or data.user_id is None:
        return None
    return st.sampled_from(data.orders).map(lambda order: with_values(
        case, path={"marketplace_name": order.marketplace},
        query={"user_id": data.user_id, "order_id": order.order_id}))


def catalogue(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
    if not data.orders or data.user_id is None or not isinstance(case.body, dict):
        return None
    return st.sampled_from(data.orders).map(lambda order: with_values(
        case, body={"user_id": str(data.user_id), "order_id": order.order_id,
                    "marketplace": order.marketplace, "seats": ",".join(order.seats)},
        drop=("marketplace_id",)))


def ground(service: str, operation_id: str, case: Case, data: KnownData
           ) -> st.SearchStrategy[Case]:
    """The case as generated, or (half the time) moved onto known data."""
    grounder = tables.grounders().get((service, operation_id))
    grounded = grounder(case, data) if grounder is not None else None
    if grounded is None:
        return st.just(case)
    return st.booleans().flatmap(lambda use: grounded if use else st.just(case))

"""Conformance tables of the listings control plane (``openapi/control-listings.yaml``)."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.data import KnownData
from conformance.grounding import Case, with_values


def _listing(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
    if not data.listings:
        return None
    return st.sampled_from(data.listings).map(
        lambda listing: with_values(case, path={"listing_id": listing.listing_id}))


def _failures(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
    if not data.listings or not isinstance(case.body, dict):
        return None
    return st.sampled_from(data.listings).flatmap(lambda listing: st.lists(
        st.sampled_from(listing.marketplaces or (data.marketplace,)), max_size=3).map(
        lambda names: with_values(case, path={"listing_id": listing.listing_id},
                                  body={"marketplaces": names})))


GROUNDERS = {"get_listing": _listing, "set_delete_failures": _failures}

REFUSES_VALID_INPUT: dict[str, str] = {
    "set_delete_failures": "400 for a marketplace name that does not exist or that the "
                           "listing was never broadcast to",
}

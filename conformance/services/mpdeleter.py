"""Conformance tables of MPDeleter (``openapi/mpdeleter.yaml``)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.data import KnownData
from conformance.grounding import Case, with_values
from conformance.policy import Role

#: "a key may delete only its own user's listings": the broker's key.
ROLES: dict[str, Role] = {"delete_listing": Role.BROKER}

UNKNOWN = "1"  # a POS listing id no fixture user has


def _delete(case: Case, data: KnownData) -> st.SearchStrategy[Case] | None:
    if not data.listings or data.user_id is None:
        return None
    if not isinstance(case.body, dict):
        case.body = {}
    user_id: Any = data.user_id
    # Mostly known listings; sometimes one the user does not have (404).
    listing_ids = st.sampled_from([*(item.listing_id for item in data.listings), UNKNOWN])
    return st.tuples(listing_ids, st.booleans()).map(
        lambda picked: with_values(case, body={
            "user_id": str(user_id) if picked[1] else user_id, "listing_id": picked[0]}))


GROUNDERS = {"delete_listing": _delete}

REFUSES_VALID_INPUT: dict[str, str] = {
    "delete_listing": "documented 400 'Invalid input: user_id and listing_id are required.': "
                      "the schema leaves them optional so that the documented wording, not "
                      "the validator's, answers a body without them",
}

CHECK_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("use_after_free", "delete_listing"):
        "DELETE /v2 deletes the listing named in the body from marketplaces; /v2 stays, "
        "and deleting again answers 200 with a 404 result per marketplace, as documented",
}

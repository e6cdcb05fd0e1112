"""Conformance tables of vivenu's ticket transfers (``openapi/ticket-transfers.yaml``).

Private reads are a seller's calls (``--seller-key``); the customer
operations need no key, only secrets. Positive cases are steered onto the
documentation's own example entities (ticket, transfer and child event
``string``, secret ``string``), which the default fixtures carry.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.data import KnownData
from conformance.grounding import Case, with_values
from conformance.policy import Role

DOCUMENTED = "string"  # id and secret of the documented examples' ticket and transfer

ROLES: dict[str, Role] = {
    "get_ticket_transfer": Role.SELLER,
    "list_ticket_transfers": Role.SELLER,
}


def _create(case: Case, _data: KnownData) -> st.SearchStrategy[Case] | None:
    if not isinstance(case.body, dict):
        return None
    return st.just(with_values(case, body={
        "tickets": [{"id": DOCUMENTED, "secret": DOCUMENTED}], "childEventId": DOCUMENTED}))


def _transfer(case: Case, _data: KnownData) -> st.SearchStrategy[Case] | None:
    body = {"secret": DOCUMENTED} if isinstance(case.body, dict) else None
    return st.just(with_values(case, path={"id": DOCUMENTED}, body=body,
                               drop=("ticketIds",)))


def _public_read(case: Case, _data: KnownData) -> st.SearchStrategy[Case] | None:
    return st.just(with_values(case, path={"id": DOCUMENTED, "secret": DOCUMENTED}))


def _public_list(case: Case, _data: KnownData) -> st.SearchStrategy[Case] | None:
    """The documented ticket and secret, in the wire form (``tickets[0][id]=``).

    Cases arrive with their deepObject parameters already expanded into
    bracketed keys, so a nested ``{"tickets": {...}}`` set here would be sent as
    its Python repr (and refused): the generated ``tickets[...]`` keys are
    replaced by the documented ticket's.
    """
    kept = {key: value for key, value in (case.query or {}).items()
            if key != "tickets" and not key.startswith("tickets[")}
    case.query = {**kept, "tickets[0][id]": DOCUMENTED, "tickets[0][secret]": DOCUMENTED}
    return st.just(case)


GROUNDERS: dict[str, Any] = {
    "create_ticket_transfer": _create,
    "accept_ticket_transfer": _transfer,
    "reject_ticket_transfer": _transfer,
    "get_public_ticket_transfer": _public_read,
    "get_ticket_transfer": lambda case, data: st.just(with_values(case,
                                                                  path={"id": DOCUMENTED})),
    "list_public_ticket_transfers": _public_list,
}

REFUSES_VALID_INPUT: dict[str, str] = {
    "create_ticket_transfer": "documented 400: tickets already in an open transfer, of "
                              "different events, no longer valid, or not of that season",
    "accept_ticket_transfer": "documented 400: the transfer is no longer CREATED, or "
                              "ticketIds names tickets outside it",
    "reject_ticket_transfer": "documented 400: the transfer is no longer CREATED",
    "list_public_ticket_transfers": "documented 400: no tickets given (their secrets are "
                                    "the caller's credential)",
    "list_ticket_transfers": "400 for an updatedAt bound that is not an ISO date",
}

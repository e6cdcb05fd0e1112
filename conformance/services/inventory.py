"""Conformance tables of the inventory service (``openapi/inventory.yaml``).

Every operation is a 1Ticket user's (the broker key). Grounders steer half
the positive cases onto the default fixtures' documented entities: ticket
1111 and the White Sox ticket, account 166889, transfer 17 (EMAILED, so a
recall succeeds) and the crawl example's accounts 1234 and 5678.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import strategies as st

from conformance.data import KnownData
from conformance.grounding import Case, Grounder, with_values
from conformance.policy import Role

ROLES: dict[str, Role] = {operation: Role.BROKER for operation in (
    "get_tickets", "map_tickets", "create_transfer", "get_transfers", "recall_transfer",
    "crawl_refresh")}

KNOWN_TICKETS = (1111, 1112)
RECALLABLE_TRANSFER = 17
KNOWN_TRANSFERS = (17, 18)
CRAWL_ACCOUNTS = [1234, 5678]
#: transfer -> transfers by id -> recall is three calls deep: more scenarios reach its end.
STATEFUL_SCENARIOS = 50
LINK_SETTLES_WITH = {
    "RecallListedTransfer": (409, "a transfer created in the same scenario is still PENDING "
                                  "on the frozen clock, and only EMAILED or PARTIAL ones recall"),
}
#: transfer -> transfers by id -> recall is three calls deep: more scenarios reach its end.

#: transfer -> transfers by id -> recall is three calls deep: more scenarios reach its end.

#: transfer -> transfers by id -> recall is three calls deep: more scenarios reach its end.



@cache
def recallable_ticket() -> int:
    """The ticket of the default fixtures' EMAILED transfer (its link leads to a recall)."""
    from simulator import fixturegen

    transfers = fixturegen.load_default().get("inventory_transfers", [])
    found = [t for t in transfers if t["id"] == RECALLABLE_TRANSFER]
    return int(found[0]["requests"][0]["ticket_ids"][0]) if found else KNOWN_TICKETS[0]


def _tickets(case: Case, _data: KnownData) -> st.SearchStrategy[Case]:
    return st.sampled_from([{"id": "1111"}, {"id": str(recallable_ticket())},
                            {"account_id": "166889, 1234"},
                            {"event": "giants", "venue": "scottsdale"}]).map(
        lambda query: with_values(case, query=query))


def _body_tickets(case: Case, _data: KnownData, **extra: Any) -> st.SearchStrategy[Case] | None:
    if not isinstance(case.body, dict):
        return None
    return st.sampled_from(KNOWN_TICKETS).map(lambda ticket_id: with_values(
        case, body={"tickets": [{"id": ticket_id}], "force": True, **extra}))


def _transfers(case: Case, _data: KnownData) -> st.SearchStrategy[Case]:
    return st.sampled_from(KNOWN_TRANSFERS).map(
        lambda transfer_id: with_values(case, query={"id": transfer_id}))


def _recall(case: Case, _data: KnownData) -> st.SearchStrategy[Case] | None:
    if not isinstance(case.body, dict):
        return None
    return st.just(with_values(case, body={"transfer_id": RECALLABLE_TRANSFER}))


def _crawl(case: Case, _data: KnownData) -> st.SearchStrategy[Case] | None:
    if not isinstance(case.body, dict):
        return None
    return st.just(with_values(case, body={"account_ids": CRAWL_ACCOUNTS}, drop=("user_id",)))


GROUNDERS: dict[str, Grounder] = {
    "get_tickets": _tickets,
    "map_tickets": _body_tickets,
    # instant@: the transfer is EMAILED at once, so the links can recall it on a frozen clock
    "create_transfer": lambda case, data: _body_tickets(
        case, data, recipient_email="instant@example.com"),
    "get_transfers": _transfers,
    "recall_transfer": _recall,
    "crawl_refresh": _crawl,
}

_DATES = "400 for a date matching the pattern that does not exist (2019-02-30)"
REFUSES_VALID_INPUT: dict[str, str] = {
    "get_tickets": _DATES,
    "get_transfers": _DATES,
    "map_tickets": "documented 400: a ticket not found (the message is the ticket), or "
                   "already transferred/expired without force",
    "create_transfer": "400 for a ticket naming nothing the simulator knows (only unknown "
                       "fields) or an impossible local_date",
    "crawl_refresh": "400 when user_id is absent and account_ids is empty",
}

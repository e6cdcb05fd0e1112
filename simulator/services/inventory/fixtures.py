"""The inventory service's fixture sections: primary accounts, their tickets, transfers.

Every fixture broker gets one account at each of the six supported primary
sellers (every fourth without stored credentials) holding tickets for the
platform's fixture events. The default document also holds the
documentation's own examples, so they work as written: user 8060's
Tickets.com account 166889 ("10330707") with ticket 1111 (Diamondbacks at
Giants) and the White Sox at Giants ticket 213/K/17, transfer 18 (RECALLED,
request 14), an EMAILED transfer 17 that can be recalled, and the crawl
example's accounts 1234 (with credentials) and 5678 (without).

What each account holds (``account_holdings``) starts equal to its tickets
that are not expired; only the control plane changes it afterwards.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows, when
from simulator.services.inventory.crawl import HELD_FIELDS
from simulator.services.inventory.tables import (
    account_holdings,
    inventory_tickets,
    inventory_transfers,
    primary_accounts,
    transfer_requests,
    transfer_tickets,
)
from simulator.services.inventory.transfers import TRANSFER_TYPES

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

SECTIONS = ("primary_accounts", "inventory_tickets", "inventory_transfers")

DOC_USER = 8060
DOC_ACCOUNT = 166889
ROW_NAMES = tuple("ABCDEFGHJKLMN")
#: Durations copied onto fixture requests (their steps are over; only recall uses one).
FIXTURE_DURATIONS = {"verify_start_seconds": 2.0, "verify_seconds": 10.0,
                     "email_seconds": 30.0, "recall_seconds": 20.0, "crawl_seconds": 60.0}


def _doc_accounts(ctx: FixtureContext) -> list[dict[str, Any]]:
    return [
        {"id": DOC_ACCOUNT, "user_id": DOC_USER, "username": "10330707",
         "account_type": "Tickets.com", "has_credentials": True},
        {"id": 1234, "user_id": DOC_USER, "username": ctx.fake.user_name(),
         "account_type": "Ticketmaster", "has_credentials": True},
        {"id": 5678, "user_id": DOC_USER, "username": ctx.fake.user_name(),
         "account_type": "AXS", "has_credentials": False},
    ]


def _doc_ticket(ticket_id: int, primary_id: str, event: str, local_date: str, section: str,
                row: str, seat: str, barcode: str, transferred: bool) -> dict[str, Any]:
    return {"id": ticket_id, "account_id": DOC_ACCOUNT, "primary_id": primary_id,
            "barcode": barcode, "event": event, "venue": "Scottsdale Stadium",
            "local_date": local_date, "section": section, "row": row, "seat": seat,
            "transferred": transferred, "expired": False}


DOC_TICKETS = [
    _doc_ticket(1111, "663338312", "Diamondbacks at Giants", "2019-03-23T13:05:00", "215", "N",
                "1", "843883426230857", True),
    _doc_ticket(1112, "663338313", "White Sox at Giants", "2019-02-25T13:05:00", "213", "K",
                "17", "660258794538", False),
]


def _primary_id(ctx: FixtureContext, account_type: str, local_date: datetime) -> str:
    rng = ctx.rng
    if account_type in ("Ticketmaster", "Ticketmaster Account Manager"):
        return (f"host-ticket/{rng.choice(('SEA', 'NYC', 'CHI', 'LAX'))}/"
                f"{rng.randint(10, 30)}-{rng.randint(10000, 99999)}/"
                f"{int(local_date.timestamp() * 1000)}/ESM{rng.randint(1000, 9999)}/"
                f"0x{rng.getrandbits(32):08X}")
    return str(rng.randint(100_000_000, 999_999_999))


def _account_tickets(ctx: FixtureContext, account: dict[str, Any], first_id: int,
                     events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rng = ctx.rng
    found: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 2)):
        event = rng.choice(events)
        local_date = when(event["event_date"]).replace(tzinfo=None)
        section, row = str(rng.randint(100, 340)), rng.choice(ROW_NAMES)
        first_seat = rng.randint(1, 20)
        for offset in range(rng.randint(2, 4)):
            found.append({
                "id": first_id + len(found), "account_id": account["id"],
                "primary_id": _primary_id(ctx, account["account_type"], local_date),
                "barcode": str(rng.randint(10**11, 10**16)), "event": event["name"],
                "venue": event["venue_name"], "local_date": local_date.isoformat(),
                "section": section, "row": row, "seat": str(first_seat + offset),
                "transferred": False, "expired": rng.random() < 0.1,
            })
    return found


def _doc_transfers(recallable: dict[str, Any]) -> list[dict[str, Any]]:
    """Transfer 18 of the documentation (RECALLED) and an EMAILED one (17) to recall."""
    recalled = {
        "id": 18, "start_time": "2019-02-20T09:58:43.078739", "user_id": DOC_USER,
        "order_id": "test1234", "invoice_id": "abc123", "marketplace": "stubhub",
        "recipient_email": "jason@1ticket.com", "recipient_first_name": "Jason",
        "recipient_last_name": "Knieriem", "note": "This is a Test", "status": "RECALLED",
        "mapping_error": None,
        "requests": [{"id": 14, "account_id": DOC_ACCOUNT, "username": "10330707",
                      "account_type": "Tickets.com", "status": "RECALLED",
                      "transfer_job_id": "ed247193bf384d95b1d2fc31660747e7",
                      "fulfillment_id": "34971427",
                      "response": {"transaction_id": "34971427", "tickets": ["663338312"]},
                      "error_message": None, "ticket_ids": [1111]}],
    }
    emailed = {
        **recalled, "id": 17, "start_time": "2019-02-19T15:12:07.512300", "order_id": "test1233",
        "invoice_id": "abc122", "note": "Recall me", "status": "EMAILED",
        "requests": [{"id": 13, "account_id": recallable["account_id"],
                      "username": recallable["username"], "account_type": "Ticketmaster",
                      "status": "EMAILED", "transfer_job_id": "b1df6b8388ae46f39f7aa8729d4cdad3",
                      "tradedesk_token": "7D9FD3E4BFE34EA9B20F0D0AEE905F5A",
                      "fulfillment_id": "34685265",
                      "response": {"transaction_id": "34685265",
                                   "tickets": [recallable["primary_id"]]},
                      "error_message": None, "ticket_ids": [recallable["id"]]}],
    }
    return [emailed, recalled]


def generate(ctx: FixtureContext) -> dict[str, Any]:
    """Accounts at every primary seller for every broker, their tickets, the doc examples."""
    events = ctx.document["events"]
    accounts = _doc_accounts(ctx)
    taken = {account["id"] for account in accounts}
    for broker in ctx.document["brokers"]:
        for n, account_type in enumerate(TRANSFER_TYPES):
            account_id = ctx.rng.randint(100_000, 999_999)
            while account_id in taken:
                account_id = ctx.rng.randint(100_000, 999_999)
            taken.add(account_id)
            accounts.append({"id": account_id, "user_id": broker["user_id"],
                             "username": ctx.fake.user_name(), "account_type": account_type,
                             "has_credentials": (n + broker["user_id"]) % 4 != 3})
    tickets = list(DOC_TICKETS)
    next_id = 200_000
    for account in accounts:
        if account["id"] == DOC_ACCOUNT:
            continue
        made = _account_tickets(ctx, account, next_id, events)
        tickets += made
        next_id += len(made)
    recallable = next(t for t in tickets if t["account_id"] == 1234 and not t["expired"])
    recallable["transferred"] = True
    by_id = {account["id"]: account for account in accounts}
    return {"primary_accounts": accounts, "inventory_tickets": tickets,
            "inventory_transfers": _doc_transfers(
                {**recallable, "username": by_id[1234]["username"]})}


def _ticket_row(ticket: dict[str, Any], owners: dict[int, int]) -> dict[str, Any]:
    return {**{k: ticket.get(k) for k in ("id", "account_id", "primary_id", "barcode", "event",
                                          "venue", "section", "row", "seat")},
            "user_id": owners[int(ticket["account_id"])],
            "local_date": datetime.fromisoformat(ticket["local_date"]).replace(tzinfo=None),
            "transferred": bool(ticket.get("transferred")),
            "expired": bool(ticket.get("expired"))}


def _request_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{
        "id": int(r["id"]), "transfer_id": int(t["id"]), "position": position,
        "account_id": int(r["account_id"]), "username": str(r["username"]),
        "account_type": str(r["account_type"]),
        "transfer_type": TRANSFER_TYPES.get(r["account_type"], str(r["account_type"]).lower()),
        "tradedesk_token": r.get("tradedesk_token"), "status": str(r["status"]),
        "transfer_job_id": r.get("transfer_job_id"), "fulfillment_id": r.get("fulfillment_id"),
        "response": r.get("response"), "error_message": r.get("error_message"),
        "due_at": None, "durations": dict(FIXTURE_DURATIONS),
    } for t in document.get("inventory_transfers", [])
        for position, r in enumerate(t.get("requests", []))]


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert accounts, tickets, what each account holds, and the fixture transfers."""
    owners = {int(a["id"]): int(a["user_id"]) for a in document.get("primary_accounts", [])}
    return insert_rows(conn, document, {
        "primary_accounts": (primary_accounts, lambda d: [
            {"id": int(a["id"]), "user_id": int(a["user_id"]), "username": str(a["username"]),
             "account_type": str(a["account_type"]),
             "has_credentials": bool(a.get("has_credentials", True))}
            for a in d.get("primary_accounts", [])]),
        "inventory_tickets": (inventory_tickets, lambda d: [
            _ticket_row(t, owners) for t in d.get("inventory_tickets", [])]),
        "account_holdings": (account_holdings, lambda d: [
            {"account_id": row["account_id"], "primary_id": row["primary_id"],
             **{name: row[name] for name in HELD_FIELDS}}
            for row in (_ticket_row(t, owners) for t in d.get("inventory_tickets", []))
            if not row["expired"]]),
        "inventory_transfers": (inventory_transfers, lambda d: [
            {**{k: t.get(k) for k in ("id", "user_id", "order_id", "invoice_id", "marketplace",
                                      "recipient_email", "recipient_first_name",
                                      "recipient_last_name", "note", "status",
                                      "mapping_error")},
             "start_time": datetime.fromisoformat(t["start_time"]).replace(tzinfo=None),
             "upload_proof": bool(t.get("upload_proof", False))}
            for t in d.get("inventory_transfers", [])]),
        "transfer_requests": (transfer_requests, _request_rows),
        "transfer_tickets": (transfer_tickets, lambda d: [
            {"request_id": int(r["id"]), "ticket_id": int(ticket_id)}
            for t in d.get("inventory_transfers", []) for r in t.get("requests", [])
            for ticket_id in r.get("ticket_ids", [])]),
    })

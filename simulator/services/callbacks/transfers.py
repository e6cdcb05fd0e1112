"""Fulfilment of MOBILE_TRANSFER and FLASH sales through a primary transfer (inventory).

The transfer is started through the inventory service's domain with
``upload_proof=true``. When the inventory service marks it EMAILED it records
a proof of transfer; :func:`send_proofs` (a timer watching ``proof_uploads``)
turns every pending proof into the fulfill call carrying the transfer id,
whether the transfer was started by a sale here or by a client's
``POST /transfer?upload_proof=true``. A transfer that fails rejects the sale.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from simulator.core.instants import aware, naive
from simulator.core.timers import Timer
from simulator.services.callbacks import postsale
from simulator.services.callbacks.deliveries import Kind
from simulator.services.callbacks.payloads import SaleFacts, callback_body
from simulator.services.callbacks.postsale import P, PostSale
from simulator.services.callbacks.settings import CallbackSettings
from simulator.services.inventory import proofs
from simulator.services.inventory import transfers as inventory
from simulator.services.inventory.mapping import TicketRequest
from simulator.services.inventory.queries import Page
from simulator.services.inventory.settings import InventorySettings
from simulator.services.inventory.states import ProofStatus
from simulator.services.inventory.tables import proof_uploads
from simulator.services.platform.marketplaces import by_name as marketplace_by_name

FAILED = frozenset({"FAILED", "FAILED_MAPPING", "PARTIAL"})


def _tickets(sale: SaleFacts) -> list[TicketRequest]:
    """The sold seats, with a barcode so Ticketmaster can transfer them unmapped."""
    when = naive(sale.event_date).isoformat() if sale.event_date else None
    return [TicketRequest.from_json(n, {
        "event": sale.event_name, "venue": sale.venue_name, "local_date": when,
        "section": sale.section, "row": row, "seat": seat,
        "barcode": f"{sale.invoice_id}{n:03d}"}) for n, (row, seat) in enumerate(sale.seats)]


def _recipient(sale: SaleFacts) -> tuple[str, str, str]:
    """Who receives the tickets: the catalogue's recipient, the order's buyer, or a stand-in."""
    given = sale.recipient or {}
    return (str(given.get("email") or f"buyer+{sale.order_id}@buyers.ticketsim.test"),
            str(given.get("first_name") or "Buyer"),
            str(given.get("last_name") or sale.order_id))


def start(conn: Connection, at: datetime, row: Any, sale: SaleFacts,
          settings: CallbackSettings) -> None:
    """Start the primary transfer of a confirmed transfer sale."""
    email, first, last = _recipient(sale)
    order = inventory.TransferOrder(
        recipient_email=email, first_name=first, last_name=last, tickets=_tickets(sale),
        order_id=sale.order_id, invoice_id=str(sale.invoice_id), marketplace=sale.marketplace,
        note=f"Your tickets for order {sale.order_id}", upload_proof=True)
    created = inventory.create_transfer(conn, at, sale.user_id, order,
                                        settings.inventory or InventorySettings().durations())
    postsale.move(conn, row, at, PostSale.TRANSFERRING,
                  at + timedelta(seconds=settings.transfer_check_seconds),
                  transfer_id=created["transfer_id"])


def check(conn: Connection, at: datetime, row: Any, sale: SaleFacts,
          settings: CallbackSettings) -> None:
    """A running transfer: reject the sale if it failed, else look again later."""
    found = inventory.get_transfers(conn, at, sale.user_id,
                                    inventory.TransferFilter(id=row.transfer_id), Page())
    status = found["transfers"][0]["status"] if found["transfers"] else "FAILED"
    if status in FAILED:
        postsale.reject(conn, at, row, sale, f"primary transfer {row.transfer_id} {status}")
        return
    conn.execute(P.update().where(postsale.key(row.marketplace_id, row.order_id)).values(
        next_step_at=naive(at + timedelta(seconds=settings.transfer_check_seconds))))


def send_proofs(conn: Connection, now: datetime) -> int:
    """Every pending proof of transfer becomes a fulfill call with its transfer id."""
    sent = 0
    for proof in proofs.pending_proofs(conn):
        at = aware(datetime.fromisoformat(proof["created_at"].replace("Z", "+00:00")))
        transfer_id = int(proof["transfer_id"])
        row = conn.execute(select(P).where(P.c.transfer_id == transfer_id)).first()
        if row is not None and row.status == PostSale.TRANSFERRING:
            sale = postsale.facts(conn, row.marketplace_id, row.order_id)
            postsale.complete(conn, at, row, sale, files=False, transfer_id=transfer_id)
            outcome = ProofStatus.SENT
        else:
            outcome = _proof_only(conn, at, transfer_id, proof["marketplace"])
        proofs.finish_proof(conn, transfer_id, outcome)
        sent += 1
    return sent


def _proof_only(conn: Connection, at: datetime, transfer_id: int, marketplace: str
                ) -> ProofStatus:
    """A client's own transfer with ``upload_proof=true``: fulfill call to its marketplace."""
    try:
        market = marketplace_by_name(conn, marketplace)
    except Exception:  # an unknown marketplace name: nowhere to upload to
        return ProofStatus.FAILED
    transfer = inventory_row(conn, transfer_id)
    sale = SaleFacts(
        invoice_id=int(transfer.invoice_id) if str(transfer.invoice_id or "").isdigit() else 0,
        order_id=str(transfer.order_id or ""), broker=str(transfer.user_id),
        user_id=transfer.user_id, marketplace=market.name, delivery="MOBILE_TRANSFER",
        predelivered=False, order_date=at, in_hand_date=None, listing_id="", listing_price=0.0,
        section="", seats=(), payout=None, event_id=None, event_name=None, event_date=None,
        venue_name=None, venue_city=None, recipient=None)
    queued = postsale.marketplace_call(conn, at, sale, market.id, Kind.FULFILL,
                                       callback_body(sale, transfer_id=str(transfer_id)))
    return ProofStatus.SENT if queued else ProofStatus.FAILED


def inventory_row(conn: Connection, transfer_id: int) -> Any:
    from simulator.services.inventory.tables import inventory_transfers

    return conn.execute(select(inventory_transfers).where(
        inventory_transfers.c.id == transfer_id)).one()


def next_proof(conn: Connection) -> datetime | None:
    due = conn.execute(select(func.min(proof_uploads.c.created_at)).where(
        proof_uploads.c.status == ProofStatus.PENDING)).scalar()
    return aware(due) if due else None


TIMER = Timer("callbacks.proofs", next_proof, send_proofs,
              tables=frozenset({"proof_uploads"}))

"""What the post-sale engine sends: callback bodies, ticket PDFs, the sale-notification body.

The sale-notification body reproduces the documented example field for
field (``invoice.data.attributes.items.data[]``, ``invoice_recipient``,
``recipient.data[]``, ``links``, ``meta``). Values the simulator has no
source for (ROI, commission, payment data) are null as in the example;
cost and face are derived from the listing price (see docs/callbacks.md).
"""

from __future__ import annotations

import base64
import dataclasses
import zlib
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from simulator.core.instants import naive

__all__ = ["Message", "SaleFacts", "callback_body", "sale_notification", "ticket_files"]


class Message(StrEnum):
    """The six documented messages (``{id}`` is the invoice id)."""

    CREATED = "Invoice {id} created"
    CREATED_AND_FULFILLED = "Invoice {id} created and fulfilled"
    FULFILLED = "Invoice {id} fulfilled"
    CANCELLED = "Invoice {id} cancelled"
    PRICE_UPDATE = "Invoice {id} notification with price update"
    RECIPIENT_UPDATE = "Invoice {id} notification with recipient update"

    def text(self, invoice_id: int) -> str:
        return self.value.format(id=invoice_id)

    def sns_status(self) -> str:
        """The example's ``sns_status`` ("invoice with recipient update") for this message."""
        return "invoice " + self.value.split("{id} ", 1)[1].replace("notification ", "")


#: City -> state of the fixture parks (the example's ``venue_state``).
STATES = {"Atlanta": "GA", "New York": "NY", "Chicago": "IL", "San Francisco": "CA",
          "Phoenix": "AZ", "Boston": "MA", "Los Angeles": "CA", "Seattle": "WA",
          "Houston": "TX", "Arlington": "TX", "Scottsdale": "AZ"}
LOCATIONS = {"PDF": "PDF", "BARCODE": "BARCODE", "FLASH": "FLASH_SEATS", "HARD": "HARD",
             "MOBILE": "MOBILE", "MOBILE_TRANSFER": "MOBILE_XFR"}
NOTES = {
    "MOBILE_TRANSFER": "Xfer MOBILE ENTRY. Scan your tickets from your phone for this event. "
                       "Do not print these tickets",
    "FLASH": "Flash seats: enter with the card or phone the tickets are transferred to",
    "HARD": "Hard tickets: shipped to the buyer",
}


@dataclasses.dataclass(frozen=True, slots=True)
class SaleFacts:
    """Everything about one invoiced sale that the bodies are made of."""

    invoice_id: int
    order_id: str
    broker: str
    user_id: int
    marketplace: str
    delivery: str
    predelivered: bool
    order_date: datetime
    in_hand_date: str | None
    listing_id: str
    listing_price: float
    section: str
    seats: tuple[tuple[str, str], ...]
    payout: float | None
    event_id: int | None
    event_name: str | None
    event_date: datetime | None
    venue_name: str | None
    venue_city: str | None
    recipient: Mapping[str, Any] | None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None


def _number(value: str) -> int | str:
    """Numeric strings as numbers, as the example prints listing ids and seats."""
    return int(value) if value.isdigit() and len(value) < 16 else value


def _small_id(text: str) -> int:
    return zlib.crc32(text.encode()) % 1000 + 1


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return naive(moment).isoformat(timespec="microseconds") + "+00:00"


def _item(sale: SaleFacts, index: int, row: str, seat: str) -> dict[str, Any]:
    when = naive(sale.event_date) if sale.event_date else None
    headliner = (sale.event_name or "").split(" at ")[-1] or None
    cost = round(sale.listing_price * 0.9, 2)
    return {"type": "items", "id": sale.invoice_id * 100 + index, "attributes": {
        "listing_id": _number(sale.listing_id), "listing_historic_id": [sale.listing_id],
        "section": sale.section, "row": row, "seat": _number(seat), "item_status": "Sold",
        "event_id": sale.event_id,
        "event_date": f"{when.date().isoformat()}T00:00:00+00:00" if when else None,
        "event_time": when.strftime("%I:%M %p") if when else None,
        "event_name": sale.event_name, "event_headliner": headliner,
        "event_headliner_id": _small_id(headliner) if headliner else None,
        "event_headliner_type": "Sport", "event_headliner_category": "MLB",
        "venue_id": _small_id(sale.venue_name) if sale.venue_name else None,
        "venue_name": sale.venue_name, "venue_city": sale.venue_city,
        "venue_state": STATES.get(sale.venue_city or ""), "venue_country_code": "US",
        "item_price": sale.listing_price, "item_sold_price": None, "item_sold_price_usd": None,
        "item_cost": cost, "face": cost, "location": LOCATIONS.get(sale.delivery, sale.delivery),
        "is_hard": sale.delivery == "HARD", "external_notes": NOTES.get(sale.delivery, ""),
        "owner_notes": "", "inhand": sale.predelivered, "purchaser": None,
        "order_number": None, "payment_id": None, "payment_status": "Unpaid",
        "payment_date": None, "owner": None, "inhand_date": None, "barcode": None,
    }}


def _recipient(sale: SaleFacts) -> dict[str, Any]:
    given = sale.recipient or {}
    return {"first_name": given.get("first_name"), "last_name": given.get("last_name"),
            "email": given.get("email")}


def sale_notification(sale: SaleFacts, message: Message) -> dict[str, Any]:
    """The documented webhook body of ``message`` for ``sale``."""
    link = f"/v0/sales/{sale.invoice_id}"
    recipient = _recipient(sale)
    items = [_item(sale, n, row, seat) for n, (row, seat) in enumerate(sale.seats, start=1)]
    return {
        "message": message.text(sale.invoice_id),
        "invoice": {
            "data": {
                "type": "sales", "id": sale.invoice_id,
                "attributes": {
                    "sale_date": _iso(sale.order_date), "completed_date": _iso(sale.completed_at),
                    "cancelled_date": _iso(sale.cancelled_at),
                    "invoice_status": ("Hard Delivery" if sale.delivery == "HARD"
                                       else "Electronic Delivery"),
                    "cust_first_name": recipient["first_name"],
                    "cust_last_name": recipient["last_name"],
                    "ticket_quantity": len(sale.seats), "total_cost": sale.payout,
                    "ROI": None, "ROI_percentage": None, "total": None, "commission": None,
                    "amount_due": None, "total_sold": None, "net_profit": None,
                    "profit_margin_percentage": None, "sns_status": message.sns_status(),
                    "broker_direct": None, "buyer_po_id": sale.order_id,
                    "items": {"data": items},
                },
                "links": {"self": link},
            },
            "links": {"self": link},
            "meta": {"total_data": 1},
        },
        "invoice_recipient": recipient,
        "recipient": {"data": [] if sale.recipient is None else [
            {"type": "invoicerecipient", "id": sale.invoice_id, "attributes": {
                **recipient, "event_id": sale.event_id, "event_name": sale.event_name,
                "section": sale.section, "row": row, "seat": seat},
             "links": {"self": f"{link}/recipient"}}
            for row, seat in sale.seats]},
    }


def callback_body(sale: SaleFacts, **extra: Any) -> dict[str, Any]:
    """The JSON body every marketplace callback carries (marketplace-callbacks.yaml)."""
    return {"broker": sale.broker, "order_id": sale.order_id, "invoice_id": sale.invoice_id,
            "marketplace": sale.marketplace, "delivery_method": sale.delivery, **extra}


def ticket_files(sale: SaleFacts) -> list[dict[str, Any]]:
    """One rendered ticket PDF per sold seat, for exactly this event, section, row and seat."""
    from simulator.pdf import render, synth  # heavy: loaded on the first PDF sale

    files = []
    for index, (row, seat) in enumerate(sale.seats, start=1):
        base = synth.TicketFactory(sale.invoice_id * 1000 + index).ticket()
        given = sale.recipient or {}
        ticket = dataclasses.replace(
            base, order_id=sale.order_id, event_name=sale.event_name or base.event_name,
            venue_name=sale.venue_name or base.venue_name, section=sale.section, row=row,
            seat=seat or f"GA-{index}",
            event_date=naive(sale.event_date) if sale.event_date else base.event_date,
            order_date=naive(sale.order_date),
            buyer_name=" ".join(filter(None, (given.get("first_name"), given.get("last_name"))))
            or base.buyer_name)
        data = render.render_tickets([ticket])
        files.append({
            "name": f"ticket-{sale.invoice_id}-{index}.pdf", "content_type": "application/pdf",
            "section": sale.section, "row": row, "seat": seat,
            "barcodes": [b.data for b in ticket.barcodes],
            "data": base64.b64encode(data).decode("ascii"),
        })
    return files

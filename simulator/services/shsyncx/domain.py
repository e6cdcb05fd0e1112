"""StubHub Sync X: a POS listing's item, synced to its StubHub copy.

``v1/item`` carries the whole item (price, seats, split, in-hand date,
flags) and lists the listing on StubHub if it is not there yet; ``v2/item``
changes only the price of a listing already on StubHub (404 otherwise).
``ticket_id`` is the POS listing id of the caller's listing.

The documentation's example is accepted as written even where it differs
from its own table: ``ticket_id`` and ``price`` as strings, ``split_quantity``
as free text, ``internal_action`` and ``notes`` null. What is really wrong
(a price that is not a number, a date that is not a date) is a 400 naming
the field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from simulator.core.errors import BadRequest
from simulator.services.broadcast import domain as broadcast
from simulator.services.broadcast.domain import CopyChange
from simulator.services.platform.marketplaces import by_id as marketplace_by_id

STUBHUB_ID = 1

#: Item fields of v1 stored on the StubHub copy as sent (after the checks below).
DETAIL_FIELDS = (
    "section", "row", "first_seat", "last_seat", "quantity", "split_option",
    "split_quantity", "in_hand_date", "hide_seats", "do_predeliver", "has_pdf",
    "has_barcodes", "has_edit", "electronic_transfer", "internal_action", "notes",
    "event_name", "venue_name", "event_date", "event_time", "event_id",
)

MESSAGES = {
    "created": "Listed on StubHub",
    "relisted": "Listed on StubHub again",
    "updated": "StubHub listing updated",
    "unchanged": "StubHub listing already up to date",
}


def _id(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise BadRequest(f"{name} '{value}' is not a number")
    return int(text)


#: A price sent as a string: a decimal number ("133.0", "1.5e2"), not what else float()
#: reads ("1_000", other scripts' digits, "inf", "nan").
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


def _price(value: Any) -> float:
    text = str(value).strip()
    if isinstance(value, bool) or not (
            isinstance(value, int | float) or _DECIMAL.fullmatch(text)):
        raise BadRequest(f"price '{value}' is not a number")
    price = float(value if isinstance(value, int | float) else text)
    if not math.isfinite(price):
        raise BadRequest(f"price '{value}' is not a number")
    return price


def _checked(value: Any, name: str, pattern: str, parse: str, shape: str) -> str:
    """``value`` if it has the documented shape and is a real date/time, else a 400."""
    text = str(value)
    try:
        if not re.fullmatch(pattern, text):
            raise ValueError(text)
        datetime.strptime(text.upper().replace(" ", ""), parse)
    except ValueError:
        raise BadRequest(f"{name} '{value}' is not {shape}") from None
    return text


#: name -> (shape, strptime format of the value without spaces, what to call it).
FORMATS = {
    "event_date": (r"\d{2}/\d{2}/\d{4}", "%m/%d/%Y", "a MM/DD/YYYY date"),
    "event_time": (r"\d{1,2}:\d{2} ?[AaPp][Mm]", "%I:%M%p", "an HH:MM AM/PM time"),
    "in_hand_date": (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d", "a YYYY-MM-DD date"),
}


def _details(body: dict[str, Any]) -> dict[str, Any]:
    """The v1 item's fields for the StubHub copy, dates and times checked."""
    details = {name: body.get(name) for name in DETAIL_FIELDS}
    for name, (pattern, parse, shape) in FORMATS.items():
        details[name] = _checked(body[name], name, pattern, parse, shape)
    return details


@dataclass(frozen=True, slots=True)
class ItemSync:
    """One sync request: whose listing, and what its StubHub copy should become."""

    user_id: int
    ticket_id: str
    change: CopyChange

    @classmethod
    def v1(cls, body: dict[str, Any]) -> ItemSync:
        sh_listing_id = body.get("sh_listing_id")
        currency = body.get("currency")
        return cls(_id(body, "user_id"), str(_id(body, "ticket_id")), CopyChange(
            price=_price(body["price"]), currency=str(currency).upper() if currency else None,
            details=_details(body), may_list=True,
            marketplace_listing_id=None if sh_listing_id is None else str(
                _id(body, "sh_listing_id"))))

    @classmethod
    def v2(cls, body: dict[str, Any]) -> ItemSync:
        return cls(_id(body, "user_id"), str(_id(body, "ticket_id")),
                   CopyChange(price=_price(body["price"])))


def sync_item(conn: Connection, now: datetime, item: ItemSync) -> dict[str, Any]:
    """Bring the StubHub copy of the user's listing in line with ``item``."""
    broadcast.owned_listing(conn, item.ticket_id, item.user_id)
    stubhub = marketplace_by_id(conn, STUBHUB_ID)
    result = broadcast.sync_copy(conn, now, item.ticket_id, stubhub, item.change)
    return {"message": MESSAGES[result.action], "user_id": item.user_id,
            "ticket_id": item.ticket_id, "sh_listing_id": result.marketplace_listing_id,
            "action": result.action, "changes": result.changes}

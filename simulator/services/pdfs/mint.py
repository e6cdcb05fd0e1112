"""Minting ticket PDFs for test authors (``POST /_sim/pdfs``).

A mint request names the tickets to draw, one per page: either given
fields (any field left out is filled from a random ticket, so a test only
states what it checks) or ``count`` random tickets. Randomness comes from
``seed``, so the same request mints the same tickets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from simulator.core.errors import BadRequest
from simulator.core.ids import new_hex
from simulator.pdf.model import BARCODE_TYPES, Barcode, TicketFields

__all__ = ["MAX_MINT_TICKETS", "MintRequest", "fresh_seed", "ticket_fields"]

MAX_MINT_TICKETS = 500
_TEXT = ("producer", "buyer_id", "buyer_name", "order_id", "event_name", "venue_name",
         "section", "row", "seat")
_OPTIONAL_TEXT = ("buyer_type", "portal")
_DATES = ("order_date", "event_date")
_FIELDS = frozenset((*_TEXT, *_OPTIONAL_TEXT, *_DATES, "disclosures", "barcodes"))


@dataclass(frozen=True, slots=True)
class MintRequest:
    """What to draw: given ticket fields (``count`` is then ignored), or ``count`` random ones."""

    tickets: tuple[Mapping[str, Any], ...]
    count: int
    seed: int | None
    producer: str | None
    symbology: str | None
    name: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> MintRequest:
        tickets = body.get("tickets") or []
        if not isinstance(tickets, list) or not all(isinstance(t, dict) for t in tickets):
            raise BadRequest("'tickets' must be a list of ticket objects")
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int):
            raise BadRequest("'count' must be an integer")
        count = len(tickets) or count  # given tickets decide the page count
        if not 1 <= count <= MAX_MINT_TICKETS:
            raise BadRequest(f"A PDF holds 1 to {MAX_MINT_TICKETS} tickets, not {count}")
        symbology = body.get("symbology")
        if symbology is not None and symbology not in BARCODE_TYPES:
            raise BadRequest(f"Unknown symbology {symbology!r}; one of {', '.join(BARCODE_TYPES)}")
        seed = body.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise BadRequest("'seed' must be an integer")
        producer = body.get("producer")
        if producer is not None and not isinstance(producer, str):
            raise BadRequest("'producer' must be a string")
        name = body.get("name") or "tickets.pdf"
        if not isinstance(name, str):
            raise BadRequest("'name' must be a string")
        return cls(tuple(tickets), count, seed, producer, symbology, name)


def ticket_fields(base: TicketFields, given: Mapping[str, Any], index: int) -> TicketFields:
    """``base`` with the fields of ``given`` (one ticket object of a mint request)."""
    unknown = sorted(set(given) - _FIELDS)
    if unknown:
        raise BadRequest(f"tickets[{index}]: unknown field(s) {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(_FIELDS))}")
    changes: dict[str, Any] = {}
    for key, value in given.items():
        where = f"tickets[{index}].{key}"
        if key in _TEXT or (key in _OPTIONAL_TEXT and value is not None):
            if not isinstance(value, str):
                raise BadRequest(f"{where} must be a string")
        elif key in _DATES:
            value = _date(value, where)
        elif key == "disclosures":
            if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
                raise BadRequest(f"{where} must be a list of strings")
        elif key == "barcodes":
            value = [_barcode(b, f"{where}[{n}]") for n, b in enumerate(_list(value, where))]
        changes[key] = value
    return dataclasses.replace(base, **changes)


def fresh_seed(conn: Connection, _now: datetime) -> int:
    """A seed for a mint request that named none: the state's next id, as a number."""
    return int(new_hex(conn, 15, kind="mint"), 16)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadRequest(f"{where} must be a list")
    return value


def _date(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(f"{where} must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{where} is not an ISO 8601 date-time: {value!r}") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _barcode(value: Any, where: str) -> Barcode:
    if not isinstance(value, dict) or not isinstance(value.get("data"), str):
        raise BadRequest(f"{where} must be an object with 'data' and 'type' strings")
    if value.get("type") not in BARCODE_TYPES:
        raise BadRequest(f"{where}.type must be one of {', '.join(BARCODE_TYPES)}")
    return Barcode(value["data"], value["type"])

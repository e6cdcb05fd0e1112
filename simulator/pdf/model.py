"""Data shapes of the PDF package: what the renderer takes, what the decoder gives.

``TicketFields`` is the renderer's input (typed values: datetimes, raw
disclosure strings). ``DecodedTicket`` is exactly the decoder's documented
ticket object (``/pdfs/v1/decoder``): strings for dates, normalized
disclosures, and ``None`` for every field that was not found on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "BARCODE_TYPES",
    "DATETIME_FORMAT",
    "Barcode",
    "DecodedTicket",
    "Disclosure",
    "TicketFields",
    "format_datetime",
]

#: The barcode type names of the decoder's documented glossary.
BARCODE_TYPES: tuple[str, ...] = (
    "AZTEC",
    "CODABAR",
    "CODE_128",
    "CODE_39",
    "CODE_93",
    "DATA_MATRIX",
    "EAN_13",
    "EAN_8",
    "ITF",
    "MAXICODE",
    "PDF_417",
    "QR_CODE",
    "RSS_14",
    "RSS_EXPANDED",
    "UPC_A",
    "UPC_E",
    "UPC_EAN_EXTENSION",
)

#: The documented wire format of ``order_date`` and ``event_date``.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def format_datetime(value: datetime) -> str:
    """Format a datetime as the decoder documents it: ``YYYY-MM-DDTHH:MM:SS``."""
    return value.strftime(DATETIME_FORMAT)


@dataclass(frozen=True, slots=True)
class Barcode:
    """One barcode: its decoded data and its documented type name."""

    data: str
    type: str

    def __post_init__(self) -> None:
        if self.type not in BARCODE_TYPES:
            raise ValueError(f"unknown barcode type {self.type!r}")

    def to_dict(self) -> dict[str, str]:
        """The documented JSON shape ``{"data": ..., "type": ...}``."""
        return {"data": self.data, "type": self.type}


@dataclass(frozen=True, slots=True)
class Disclosure:
    """A disclosure found on a ticket: table id, raw text as printed, normal form."""

    id: int
    string: str
    normalized: str

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape ``{"id", "string", "normalized"}``."""
        return {"id": self.id, "string": self.string, "normalized": self.normalized}


@dataclass(slots=True, kw_only=True)
class TicketFields:
    """Everything the renderer prints on one ticket page.

    Datetimes are printed to the minute (as real tickets are), so seconds
    are dropped on the page. ``disclosures`` are raw strings as a producer
    prints them (``"lim.vu"``); ``barcodes`` are drawn in list order, and a
    ``UPC_EAN_EXTENSION`` is drawn as the add-on of the EAN-13/UPC-A just
    before it.
    """

    producer: str
    buyer_id: str
    buyer_name: str
    buyer_type: str | None
    order_date: datetime
    order_id: str
    event_name: str
    event_date: datetime
    venue_name: str
    section: str
    row: str
    seat: str
    portal: str | None
    disclosures: list[str] = field(default_factory=list)
    barcodes: list[Barcode] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class DecodedTicket:
    """One ticket as the decoder documents it; ``None`` means "not found"."""

    page_number: int
    producer: str | None = None
    buyer_id: str | None = None
    buyer_name: str | None = None
    buyer_type: str | None = None
    order_date: str | None = None
    order_id: str | None = None
    event_name: str | None = None
    event_date: str | None = None
    venue_name: str | None = None
    section: str | None = None
    row: str | None = None
    seat: str | None = None
    portal: str | None = None
    disclosures: list[Disclosure] = field(default_factory=list)
    barcodes: list[Barcode] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON object, keys in the documented order."""
        return {
            "page_number": self.page_number,
            "producer": self.producer,
            "buyer_id": self.buyer_id,
            "buyer_name": self.buyer_name,
            "buyer_type": self.buyer_type,
            "order_date": self.order_date,
            "order_id": self.order_id,
            "event_name": self.event_name,
            "event_date": self.event_date,
            "venue_name": self.venue_name,
            "section": self.section,
            "row": self.row,
            "seat": self.seat,
            "portal": self.portal,
            "disclosures": [d.to_dict() for d in self.disclosures],
            "barcodes": [b.to_dict() for b in self.barcodes],
        }

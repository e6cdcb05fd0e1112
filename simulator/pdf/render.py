"""Render tickets to a PDF, one page per ticket in its producer's layout.

Output is deterministic: the same tickets give the same bytes (reportlab's
invariant mode leaves out the creation time and the random document id).
:func:`expected_decode` says what the decoder must read back from a page,
which is what the round-trip tests and the simulator's fixtures rely on.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from simulator.pdf.disclosures import normalize
from simulator.pdf.layouts import LAYOUTS
from simulator.pdf.model import DecodedTicket, Disclosure, TicketFields, format_datetime
from simulator.pdf.producers import get_producer

__all__ = ["expected_decode", "render_tickets"]


def render_tickets(tickets: Sequence[TicketFields]) -> bytes:
    """A PDF with one page per ticket, each in its producer's layout.

    Raises ``ValueError`` for no tickets, an unknown producer, or barcode
    data its symbology cannot carry.
    """
    if not tickets:
        raise ValueError("no tickets to render")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=True, pageCompression=1)
    canvas.setCreator("ticketsim")
    canvas.setTitle("Tickets")
    for ticket in tickets:
        try:
            producer = get_producer(ticket.producer)
        except KeyError as exc:
            raise ValueError(str(exc)) from exc
        layout = LAYOUTS[producer.name]
        size = layout.page_size(ticket)
        canvas.setPageSize(size)
        layout.draw(canvas, ticket, producer, size)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _printed(value: str | None) -> str | None:
    """A text field as it reads back from the page."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def expected_decode(ticket: TicketFields, page_number: int) -> DecodedTicket:
    """The ``DecodedTicket`` that decoding ``ticket``'s rendered page must give.

    Dates are printed to the minute, so seconds read back as ``00``; text
    prints on one line with single spaces, and blank text reads back as
    ``None``; raw disclosures outside the table cannot be recognised and are
    left out.
    """
    disclosures: list[Disclosure] = [
        d for d in (normalize(raw) for raw in ticket.disclosures) if d is not None
    ]
    return DecodedTicket(
        page_number=page_number,
        producer=get_producer(ticket.producer).name,
        buyer_id=_printed(ticket.buyer_id),
        buyer_name=_printed(ticket.buyer_name),
        buyer_type=_printed(ticket.buyer_type),
        order_date=format_datetime(ticket.order_date.replace(second=0, microsecond=0)),
        order_id=_printed(ticket.order_id),
        event_name=_printed(ticket.event_name),
        event_date=format_datetime(ticket.event_date.replace(second=0, microsecond=0)),
        venue_name=_printed(ticket.venue_name),
        section=_printed(ticket.section),
        row=_printed(ticket.row),
        seat=_printed(ticket.seat),
        portal=_printed(ticket.portal),
        disclosures=disclosures,
        barcodes=list(ticket.barcodes),
    )

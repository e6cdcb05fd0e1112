"""The three kinds of foreign layout the issue reported, drawn directly with reportlab."""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas

from simulator.pdf.barcodes import draw_barcodes
from simulator.pdf.decode import decode_pdf
from simulator.pdf.model import Barcode


def _decode(draw: Callable[[Canvas], None]) -> dict[str, object]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    [ticket] = decode_pdf(buffer.getvalue())
    return {k: v for k, v in ticket.to_dict().items() if v not in (None, [])}


def _headline(c: Canvas) -> None:
    c.setFont("Helvetica-Bold", 26)
    c.drawString(50, 740, "Taylor Swift | The Eras Tour")
    c.setFont("Helvetica", 12)
    c.drawString(50, 715, "SoFi Stadium · Inglewood, CA")
    c.drawString(50, 698, "SAT MAR 14 2026")
    c.drawString(200, 698, "8:00 PM")
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, 660, "SEC 112   ROW F   SEAT 7   GATE 4")
    c.setFont("Helvetica", 9)
    c.drawString(50, 630, "Order 55-10293/NY Purchased by Jane Roe")
    draw_barcodes(c, [Barcode("ABC123456789", "QR_CODE")], 50, 600, max_width=200)


def _times_table(c: Canvas) -> None:
    c.setFont("Times-Roman", 11)
    lines = [
        "Event: Hamilton",
        "Venue: Richard Rodgers Theatre",
        "Event Date: 03/14/2026 20:00",
        "Section: ORCH",
        "Row: K",
        "Seat(s): 108-109",
        "Entrance: Door 3",
        "Order #: 100234",
        "Ticket Holder: John Q. Public",
        "Order Date: 14 FEB 2026 09:12",
    ]
    for i, line in enumerate(lines):
        c.drawString(60, 720 - 16 * i, line)


def _courier_columns(c: Canvas) -> None:
    small, bold = ("Courier", 8), ("Courier-Bold", 11)
    c.setFont(*small)
    c.drawString(40, 740, "EVENT")
    c.drawString(40, 700, "VENUE")
    c.drawString(40, 660, "DATE                 DOORS")
    c.drawString(
        40, 620, "SEC        ROW     SEAT    ENTER VIA       ORDER NUMBER      ACCOUNT HOLDER"
    )
    c.setFont("Courier-Bold", 13)
    c.drawString(40, 728, "NEW YORK RANGERS VS BOSTON BRUINS")
    c.drawString(40, 688, "MADISON SQUARE GARDEN")
    c.setFont(*bold)
    c.drawString(40, 648, "March 14, 2026 at 7:00 PM")
    for x, value in ((40, "112"), (100, "F"), (140, "7"), (180, "Gate B"), (260, "55-10293/NY")):
        c.drawString(x, 608, value)
    c.drawString(350, 608, "Jane Roe")


def test_headline_venue_line_and_compact_seat_line() -> None:
    assert _decode(_headline) == {
        "page_number": 1,
        "event_name": "Taylor Swift | The Eras Tour",
        "venue_name": "SoFi Stadium",
        "event_date": "2026-03-14T20:00:00",
        "section": "112",
        "row": "F",
        "seat": "7",
        "portal": "Gate 4",
        "order_id": "55-10293/NY",
        "buyer_name": "Jane Roe",
        "barcodes": [{"data": "ABC123456789", "type": "QR_CODE"}],
    }


def test_label_value_table_in_times() -> None:
    assert _decode(_times_table) == {
        "page_number": 1,
        "event_name": "Hamilton",
        "venue_name": "Richard Rodgers Theatre",
        "event_date": "2026-03-14T20:00:00",
        "section": "ORCH",
        "row": "K",
        "seat": "108-109",
        "portal": "Door 3",
        "order_id": "100234",
        "buyer_name": "John Q. Public",
        "order_date": "2026-02-14T09:12:00",
    }


def test_labels_stacked_over_values_in_courier() -> None:
    assert _decode(_courier_columns) == {
        "page_number": 1,
        "event_name": "NEW YORK RANGERS VS BOSTON BRUINS",
        "venue_name": "MADISON SQUARE GARDEN",
        "event_date": "2026-03-14T19:00:00",
        "section": "112",
        "row": "F",
        "seat": "7",
        "portal": "Gate B",
        "order_id": "55-10293/NY",
        "buyer_name": "Jane Roe",
    }


def test_producer_from_domains_and_legal_lines() -> None:
    from simulator.pdf.producers import detect_producer

    assert detect_producer(["© 2026 Live Nation Entertainment, Inc."]) == "Ticketmaster"
    assert detect_producer(["Manage tickets at axs.com"]) == "AXS"
    assert detect_producer(["Open mlb.com/ballpark on your phone"]) == "MLB Ballpark"
    assert detect_producer(["Buy tickets at eventbrite.com"]) == "Eventbrite"
    assert detect_producer(["Jazz on the Lawn", "Riverside Park"]) is None


def test_code_128_starting_with_99_keeps_its_digits() -> None:
    def draw(c: Canvas) -> None:
        draw_barcodes(c, [Barcode("99tF9A2NJF64nUBFbDcuJ", "CODE_128")], 40, 700, max_width=400)

    assert _decode(draw)["barcodes"] == [{"data": "99tF9A2NJF64nUBFbDcuJ", "type": "CODE_128"}]

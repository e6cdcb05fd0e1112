"""One page layout per producer, drawn with reportlab.

The layouts differ the way real ones do, so that the decoder cannot lean on
one of them: page size (letter, landscape, phone-shaped), where values sit
relative to labels (caption above, same line after a colon, two-column
table, several labels in one line), label wording (``SECTION``/``Section``/
``SEC``, ``ENTRY``/``Enter via``/``Entrance``/``PORTAL``/``ENTER AT``), date
formats (see :mod:`simulator.pdf.producers`) and default symbology.

Text is drawn with the standard PDF fonts, so it stays extractable. Long
values are shrunk to fit their space rather than wrapped. Boilerplate is
worded so that it holds no label and no disclosure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from simulator.pdf.barcodes import draw_barcodes, measure_barcodes
from simulator.pdf.dates import format_date
from simulator.pdf.model import TicketFields
from simulator.pdf.producers import Producer

__all__ = ["LAYOUTS", "Layout"]

GREY = HexColor("#6B7280")
LIGHT = HexColor("#D1D5DB")
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
PHONE = (320.0, 660.0)
Size = tuple[float, float]


_FALLBACK_FONTS = {  # TrueType fonts for text the standard fonts cannot encode
    REGULAR: ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Vera.ttf"),
    BOLD: ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "VeraBd.ttf"),
}


@functools.cache
def _fallback(font: str) -> str:
    """Register (once) and name an embedded font for non-Windows-1252 text.

    DejaVu Sans where the system has it (Latin, Greek, Cyrillic), else the
    Bitstream Vera that ships with reportlab (Western European only).
    """
    name = f"Ticket-{font}"
    for path in _FALLBACK_FONTS[font]:
        try:
            pdfmetrics.registerFont(TTFont(name, path))
            return name
        except Exception:  # missing file: try the next one
            continue
    return font


def _font_for(text: str, font: str) -> str:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return _fallback(font)
    return font


def _text(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    font: str = REGULAR,
    size: float = 10,
    *,
    width: float | None = None,
    color: Color = black,
    align: str = "left",
) -> None:
    """Draw one line, shrunk to ``width`` if given.

    Whitespace runs (tabs, newlines) print as one space. Text outside
    Windows-1252 is drawn in an embedded TrueType font, so it stays
    extractable.
    """
    text = " ".join(text.split())
    font = _font_for(text, font)
    if width is not None:
        natural = stringWidth(text, font, size)
        if natural > width:
            size = max(4.0, size * width / natural)
    c.setFillColor(color)
    c.setFont(font, size)
    if align == "right":
        c.drawRightString(x, y, text)
    elif align == "center":
        c.drawCentredString(x, y, text)
    else:
        c.drawString(x, y, text)
    c.setFillColor(black)


def _caption_over(
    c: Canvas, x: float, y: float, caption: str, value: str, size: float, width: float
) -> None:
    """A small grey caption with its value just below (the value's baseline is lower)."""
    _text(c, x, y, caption, REGULAR, 7, color=GREY)
    _text(c, x, y - size - 3, value, BOLD, size, width=width)


def _lines(c: Canvas, x: float, y: float, lines: list[str], size: float, width: float) -> float:
    """Draw lines downwards from ``y``; return the y after the last one."""
    for line in lines:
        _text(c, x, y, line, REGULAR, size, width=width)
        y -= size + 5
    return y


def _purchase_lines(t: TicketFields, p: Producer, labels: tuple[str, ...]) -> list[str]:
    """``Label: value`` lines for order id, order date, name, account, type."""
    order, ordered, name, account, kind = labels
    lines = [
        f"{order}: {t.order_id}",
        f"{ordered}: {format_date(t.order_date, p.order_date_format)}",
        f"{name}: {t.buyer_name}",
        f"{account}: {t.buyer_id}",
    ]
    if t.buyer_type is not None:
        lines.append(f"{kind}: {t.buyer_type}")
    return lines


def _ticketmaster(c: Canvas, t: TicketFields, p: Producer, size: Size) -> None:
    """Letter page: blue brand band, captions over values, seat columns."""
    width, height = size
    c.setFillColor(HexColor("#026CDF"))
    c.rect(0, height - 56, width, 56, stroke=0, fill=1)
    _text(c, 36, height - 38, "ticketmaster", BOLD, 24, color=white)
    _text(c, width - 36, height - 34, "THIS IS YOUR TICKET", BOLD, 9, color=white, align="right")
    y = height - 104
    _caption_over(c, 40, y, "EVENT", t.event_name, 20, width - 80)
    _caption_over(c, 40, y - 44, "VENUE", t.venue_name, 12, width - 80)
    _caption_over(c, 40, y - 78, "DATE", format_date(t.event_date, p.event_date_format), 12, 300)
    columns = [("SECTION", t.section, 40, 100), ("ROW", t.row, 150, 70), ("SEAT", t.seat, 230, 70)]
    if t.portal is not None:
        columns.append(("ENTRY", t.portal, 310, 240))
    for caption, value, x, span in columns:
        _caption_over(c, x, y - 116, caption, value, 18, span - 8)
    bottom = min(draw_barcodes(c, t.barcodes, 40, y - 156, max_width=width - 80), 300)
    c.setStrokeColor(LIGHT)
    c.roundRect(24, bottom, width - 48, height - 80 - bottom, 8, stroke=1, fill=0)
    y = bottom - 24
    labels = ("Order #", "Order Date", "Name", "Account #", "Ticket Type")
    y = _lines(c, 40, y, _purchase_lines(t, p, labels), 9, width - 80)
    if t.disclosures:
        _text(c, 40, y - 6, "NOTES", REGULAR, 7, color=GREY)
        _lines(c, 40, y - 20, list(t.disclosures), 9, width - 80)
    _text(c, 40, 30, "Do not duplicate. Only the first scan is admitted.", REGULAR, 7, color=GREY)
    _text(c, width - 40, 30, "ticketmaster.com", REGULAR, 7, color=GREY, align="right")


def _axs(c: Canvas, t: TicketFields, p: Producer, size: Size) -> None:
    """Letter page: ``Label: value`` lines on the left, barcode on the right."""
    width, height = size
    _text(c, 40, height - 70, "AXS", BOLD, 34, color=HexColor("#0E4F9E"))
    _text(c, 128, height - 62, "Your tickets, delivered", REGULAR, 10, color=GREY)
    c.setStrokeColor(HexColor("#0E4F9E"))
    c.setLineWidth(2)
    c.line(40, height - 84, width - 40, height - 84)
    c.setLineWidth(1)
    _text(c, 40, height - 116, f"Event: {t.event_name}", BOLD, 15, width=width - 80)
    lines = [
        f"Venue: {t.venue_name}",
        f"Date: {format_date(t.event_date, p.event_date_format)}",
        f"Section: {t.section}",
        f"Row: {t.row}",
        f"Seat: {t.seat}",
    ]
    if t.portal is not None:
        lines.append(f"Enter via: {t.portal}")
    y = _lines(c, 40, height - 146, lines, 11, 270)
    draw_barcodes(c, t.barcodes, 330, height - 140, max_width=width - 370)
    labels = ("Order Number", "Purchased", "Purchaser", "Customer ID", "Ticket Type")
    y = _lines(c, 40, y - 20, _purchase_lines(t, p, labels), 10, 270)
    if t.disclosures:
        _text(c, 40, y - 8, "Restrictions", BOLD, 10)
        _lines(c, 40, y - 24, [f"• {d}" for d in t.disclosures], 10, 270)
    _text(c, 40, 36, "Present this page or your phone at the door. AXS", REGULAR, 7, color=GREY)


def _seatgeek(c: Canvas, t: TicketFields, p: Producer, size: Size) -> None:
    """Letter page: barcode first, then a two-column table of labels and values."""
    width, height = size
    coral = HexColor("#FF5B49")
    _text(c, width / 2, height - 60, "SeatGeek", BOLD, 26, color=coral, align="center")
    bottom = draw_barcodes(
        c, t.barcodes, 106, height - 90, max_width=width - 212, center=True, matrix_size=140
    )
    rows: list[tuple[str, str]] = [
        ("Event", t.event_name),
        ("Venue", t.venue_name),
        ("When", format_date(t.event_date, p.event_date_format)),
        ("Section", t.section),
        ("Row", t.row),
        ("Seat", t.seat),
    ]
    if t.portal is not None:
        rows.append(("Entrance", t.portal))
    rows += [
        ("Order", t.order_id),
        ("Ordered", format_date(t.order_date, p.order_date_format)),
        ("Name", t.buyer_name),
        ("Fan ID", t.buyer_id),
    ]
    if t.buyer_type is not None:
        rows.append(("Ticket Type", t.buyer_type))
    y = min(bottom, height - 300) - 10
    c.setStrokeColor(LIGHT)
    for label, value in rows:
        c.line(60, y - 6, width - 60, y - 6)
        _text(c, 60, y, label, REGULAR, 10, color=GREY)
        _text(c, 180, y, value, BOLD, 11, width=width - 240)
        y -= 22
    if t.disclosures:
        _text(c, 60, y - 10, "Ticket notes", BOLD, 10, color=coral)
        _lines(c, 60, y - 26, list(t.disclosures), 10, width - 120)
    _text(c, width / 2, 30, "Transfer or sell in the SeatGeek app.", REGULAR, 7, align="center")


def _tickets_com(c: Canvas, t: TicketFields, p: Producer, size: Size) -> None:
    """Landscape page: main ticket with one seat line, and a stub with the order."""
    width, height = size
    stub = width - 230
    c.setDash(4, 3)
    c.setStrokeColor(GREY)
    c.line(stub, 30, stub, height - 30)
    c.setDash()
    _text(c, 30, height - 54, "Tickets.com", BOLD, 20, color=HexColor("#B91C1C"))
    _text(c, stub - 20, height - 50, "OFFICIAL TICKET", BOLD, 10, align="right")
    main = stub - 50
    _text(c, 30, height - 96, f"EVENT: {t.event_name}", BOLD, 14, width=main)
    _text(c, 30, height - 118, f"LOCATION: {t.venue_name}", REGULAR, 11, width=main)
    when = format_date(t.event_date, p.event_date_format)
    _text(c, 30, height - 138, f"DATE/TIME: {when}", REGULAR, 11, width=main)
    _text(
        c, 30, height - 176, f"SEC {t.section}   ROW {t.row}   SEAT {t.seat}", BOLD, 18, width=main
    )
    if t.portal is not None:
        _text(c, 30, height - 200, f"PORTAL: {t.portal}", REGULAR, 11, width=main)
    bottom = draw_barcodes(c, t.barcodes, 30, height - 220, max_width=main)
    if t.disclosures:
        _text(c, 30, min(bottom, 120) - 6, " | ".join(t.disclosures), BOLD, 10, width=main)
    labels = ("ORDER", "ORDER DATE", "CUSTOMER", "ACCT #", "PRICE TYPE")
    _lines(c, stub + 16, height - 96, _purchase_lines(t, p, labels), 9, 190)
    _text(c, stub + 16, 40, "RETAIN THIS STUB", BOLD, 8, color=GREY)


def _mlb_ballpark(c: Canvas, t: TicketFields, p: Producer, size: Size) -> None:
    """Phone-shaped page: navy header, date and time apart, QR centred."""
    width, height = size
    c.setFillColor(HexColor("#041E42"))
    c.rect(0, height - 52, width, 52, stroke=0, fill=1)
    _text(c, 20, height - 33, "MLB Ballpark", BOLD, 17, color=white)
    _caption_over(c, 20, height - 76, "GAME", t.event_name, 14, width - 40)
    _caption_over(c, 20, height - 112, "LOCATION", t.venue_name, 11, width - 40)
    _caption_over(
        c, 20, height - 144, "DATE", format_date(t.event_date, p.event_date_format), 11, 130
    )
    _caption_over(c, 170, height - 144, "TIME", format_date(t.event_date, "{h}:%M %p ET"), 11, 130)
    for caption, value, x in (("SEC", t.section, 20), ("ROW", t.row, 120), ("SEAT", t.seat, 220)):
        _caption_over(c, x, height - 180, caption, value, 16, 90)
    y = height - 220
    if t.portal is not None:
        _caption_over(c, 20, y, "ENTER AT", t.portal, 11, width - 40)
        y -= 34
    bottom = draw_barcodes(
        c, t.barcodes, 16, y - 4, max_width=width - 32, center=True, matrix_size=150
    )
    y = min(bottom, 190) - 6
    labels = ("Order", "Purchased", "Ticket holder", "Account", "Ticket Type")
    y = _lines(c, 20, y, _purchase_lines(t, p, labels), 8, width - 40)
    if t.disclosures:
        _text(c, 20, y - 4, "Seat notes", BOLD, 8, color=GREY)
        _lines(c, 20, y - 16, list(t.disclosures), 8, width - 40)


@dataclass(frozen=True, slots=True)
class Layout:
    """How one producer's page is drawn.

    ``size`` is the usual page size; a page grows taller when its barcodes
    need more than ``barcode_room`` points (drawn ``barcode_width`` wide at
    most, 2D symbols up to ``matrix_size``), so nothing ever runs off it.
    """

    size: Size
    draw: Callable[[Canvas, TicketFields, Producer, Size], None]
    barcode_width: float
    matrix_size: float
    barcode_room: float

    def page_size(self, ticket: TicketFields) -> Size:
        """The page size for ``ticket``."""
        needed = measure_barcodes(
            ticket.barcodes, max_width=self.barcode_width, matrix_size=self.matrix_size
        )
        width, height = self.size
        return width, height + max(0.0, needed - self.barcode_room)


LAYOUTS: dict[str, Layout] = {
    "Ticketmaster": Layout(letter, _ticketmaster, 532, 120, 330),
    "AXS": Layout(letter, _axs, 242, 120, 560),
    "SeatGeek": Layout(letter, _seatgeek, 400, 140, 300),
    "Tickets.com": Layout(landscape(letter), _tickets_com, 512, 120, 320),
    "MLB Ballpark": Layout(PHONE, _mlb_ballpark, 288, 150, 170),
}

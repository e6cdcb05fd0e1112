"""A fixed corpus of ticket layouts drawn with fpdf2, a PDF library the simulator never uses.

Twelve hand-made layouts (headline tickets, ``Label: value`` tables,
stacked columns, two-column tables, stubs, phone tickets, receipts), each
drawn in three fonts (Helvetica, Times, Courier) with different data and
barcodes (QR, PDF417, Code 128 made by zxing-cpp, embedded as images):
36 pages, each with the fields it prints and how they must decode.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import zxingcpp
from fpdf import FPDF
from PIL import Image

from simulator.pdf.dates import format_date
from simulator.pdf.model import Barcode, format_datetime

__all__ = ["CASES", "Case", "render_case"]

_EVENTS = (
    ("Jane Roe Quartet: Spring Tour", "Blue Note Jazz Club", "New York, NY"),
    ("Boston Celtics vs Miami Heat", "TD Garden", "Boston, MA"),
    ("The Lumineers", "Red Rocks Amphitheatre", "Morrison, CO"),
    ("Hamilton", "Richard Rodgers Theatre", "New York, NY"),
    ("Seattle Kraken vs Vegas Golden Knights", "Climate Pledge Arena", "Seattle, WA"),
    ("Phoebe Bridgers Live", "Hollywood Bowl", "Los Angeles, CA"),
    ("Chicago Cubs vs St. Louis Cardinals", "Wrigley Field", "Chicago, IL"),
    ("An Evening with Elvis Costello", "Ryman Auditorium", "Nashville, TN"),
    ("Dallas Cowboys vs Philadelphia Eagles", "AT&T Stadium", "Arlington, TX"),
)
_BUYERS = ("Jane Roe", "John Q. Public", "Maria Gonzalez", "Wei Chen", "Olu Adeyemi", "Ann Lee")
_SEATS = (
    ("112", "F", "7"),
    ("FLR A", "12", "3"),
    ("ORCH", "K", "108"),
    ("Field Box 22", "AA", "4"),
)
_PORTALS = ("Gate 4", "Gate B", "North Entrance", "Portal 12", "Door 3")
_SYMBOLS = (
    ("QR_CODE", zxingcpp.BarcodeFormat.QRCode),
    ("PDF_417", zxingcpp.BarcodeFormat.PDF417),
    ("CODE_128", zxingcpp.BarcodeFormat.Code128),
)
FONTS = ("Helvetica", "Times", "Courier")


@dataclass(frozen=True, slots=True)
class Case:
    """One corpus page: its layout, font, data, and the fields it must decode to."""

    name: str
    layout: Callable[[FPDF, Case], None]
    font: str
    event: str
    venue: str
    city: str
    event_date: datetime
    order_date: datetime
    section: str
    row: str
    seat: str
    portal: str
    order_id: str
    buyer: str
    barcode: Barcode

    def when(self, pattern: str) -> str:
        return format_date(self.event_date, pattern)

    def ordered(self, pattern: str) -> str:
        return format_date(self.order_date, pattern)


def _code(pdf: FPDF, case: Case, x: float, y: float, width: float) -> None:
    """Draw the case's barcode as an image ``width`` points wide at (x, y) from the top."""
    kind = dict(_SYMBOLS)[case.barcode.type]
    symbol = zxingcpp.create_barcode(case.barcode.data, kind)
    raw = symbol.to_image(scale=4)
    image = Image.frombuffer("L", (raw.shape[1], raw.shape[0]), bytes(raw), "raw", "L", 0, 1)
    height = width * image.height / image.width
    pdf.image(image, x=x, y=y, w=width, h=height)


def _at(pdf: FPDF, x: float, y: float, text: str, size: float, style: str = "") -> None:
    """Text with its top-left corner at (x, y), y measured from the page top."""
    pdf.set_font(style=style, size=size)
    pdf.set_xy(x, y)
    pdf.cell(text=text)


# ---- the twelve layouts -------------------------------------------------------------


def _headline(pdf: FPDF, c: Case) -> None:
    """Headline event over a venue line, a date line, a compact seat line, no labels."""
    _at(pdf, 40, 40, c.event, 24, "B")
    _at(pdf, 40, 74, f"{c.venue}, {c.city}", 12)
    _at(pdf, 40, 92, c.when("%a, %b {d}, %Y {h}:%M %p"), 12)
    _at(pdf, 40, 130, f"SEC {c.section}   ROW {c.row}   SEAT {c.seat}", 16, "B")
    _at(pdf, 40, 156, f"Enter via: {c.portal}", 11)
    _code(pdf, c, 40, 190, 200)
    _at(pdf, 40, 420, f"Order # {c.order_id}", 10)
    _at(pdf, 260, 420, f"Purchased by {c.buyer}", 10)
    _at(pdf, 40, 440, f"Order Date: {c.ordered('%m/%d/%Y %H:%M')}", 10)


def _colon_table(pdf: FPDF, c: Case) -> None:
    """``Label: value`` lines, one per field."""
    lines = [
        f"Event: {c.event}",
        f"Venue: {c.venue}",
        f"Date: {c.when('%B {d}, %Y at {h}:%M %p')}",
        f"Section: {c.section}",
        f"Row: {c.row}",
        f"Seat: {c.seat}",
        f"Gate: {c.portal}",
        f"Order Number: {c.order_id}",
        f"Name: {c.buyer}",
        f"Purchase Date: {c.ordered('%b {d}, %Y')}",
    ]
    for i, line in enumerate(lines):
        _at(pdf, 50, 60 + 18 * i, line, 11)
    _code(pdf, c, 330, 60, 180)


def _stacked(pdf: FPDF, c: Case) -> None:
    """Labels stacked over values, in columns."""
    _at(pdf, 40, 40, "EVENT", 8)
    _at(pdf, 40, 52, c.event, 14, "B")
    _at(pdf, 40, 80, "VENUE", 8)
    _at(pdf, 40, 92, c.venue, 12)
    _at(pdf, 40, 116, "DATE", 8)
    _at(pdf, 40, 128, c.when("%m/%d/%Y %H:%M"), 12)
    for x, label, value in (
        (40, "SECTION", c.section),
        (170, "ROW", c.row),
        (250, "SEAT", c.seat),
        (330, "GATE", c.portal),
    ):
        _at(pdf, x, 160, label, 8)
        _at(pdf, x, 172, value, 14, "B")
    _at(pdf, 40, 206, "ORDER ID", 8)
    _at(pdf, 40, 218, c.order_id, 11)
    _at(pdf, 250, 206, "ACCOUNT HOLDER", 8)
    _at(pdf, 250, 218, c.buyer, 11)
    _code(pdf, c, 40, 260, 220)


def _two_columns(pdf: FPDF, c: Case) -> None:
    """A two-column table: labels left, values right, a wide gap between."""
    rows = (
        ("Performance", c.event),
        ("Location", c.venue),
        ("Date & Time", c.when("%a %d %b %Y, {h}:%M %p")),
        ("Sect", c.section),
        ("Rw", c.row),
        ("Seat(s)", c.seat),
        ("Entrance", c.portal),
        ("Confirmation #", c.order_id),
        ("Ticket Holder", c.buyer),
    )
    _code(pdf, c, 150, 30, 200)
    for i, (label, value) in enumerate(rows):
        _at(pdf, 60, 250 + 20 * i, label, 10)
        _at(pdf, 200, 250 + 20 * i, value, 11, "B")


def _stub(pdf: FPDF, c: Case) -> None:
    """Main part with a headline, and a stub on the right with stacked short labels."""
    _at(pdf, 30, 30, "ADMIT ONE", 9, "B")
    _at(pdf, 30, 50, c.event, 20, "B")
    _at(pdf, 30, 80, f"{c.venue} - {c.city}", 11)
    _at(pdf, 30, 98, c.when("%d %b %Y %H:%M").upper(), 11)
    _code(pdf, c, 30, 130, 200)
    for y, label, value in ((40, "Sec", c.section), (80, "Row", c.row), (120, "Seat", c.seat)):
        _at(pdf, 420, y, label, 8)
        _at(pdf, 420, y + 12, value, 14, "B")
    _at(pdf, 420, 170, f"Portal: {c.portal}", 9)
    _at(pdf, 420, 190, f"Conf #: {c.order_id}", 9)
    _at(pdf, 420, 210, f"Customer: {c.buyer}", 9)


def _phone(pdf: FPDF, c: Case) -> None:
    """Phone-shaped: centred headline, venue and date, seat columns, bare labels."""
    pdf.set_font(size=18, style="B")
    pdf.set_xy(0, 40)
    pdf.cell(w=pdf.w, text=c.event, align="C")
    pdf.set_font(size=11)
    pdf.set_xy(0, 66)
    pdf.cell(w=pdf.w, text=c.venue, align="C")
    pdf.set_xy(0, 82)
    pdf.cell(w=pdf.w, text=c.when("%A, %B {d}, %Y {h}:%M %p"), align="C")
    for x, label, value in ((30, "SEC", c.section), (130, "ROW", c.row), (210, "SEAT", c.seat)):
        _at(pdf, x, 110, label, 8)
        _at(pdf, x, 122, value, 13, "B")
    _code(pdf, c, 60, 160, 180)
    _at(pdf, 30, 380, f"Order {c.order_id}", 9)
    _at(pdf, 30, 396, f"Ticketholder: {c.buyer}", 9)
    _at(pdf, 30, 412, f"Enter via {c.portal}", 9)


def _doors(pdf: FPDF, c: Case) -> None:
    """Separate date and doors time, ``Label: value`` with other wordings."""
    lines = [
        f"Artist: {c.event}",
        f"Where: {c.venue}",
        f"Show Date: {c.when('%b {d}, %Y')}",
        f"Doors: {c.when('{h}:%M %p')}",
        f"Sec: {c.section}",
        f"Row: {c.row}",
        f"Seat: {c.seat}",
        f"Entry: {c.portal}",
        f"Confirmation Code: {c.order_id}",
        f"Guest Name: {c.buyer}",
    ]
    _code(pdf, c, 40, 30, 160)
    for i, line in enumerate(lines):
        _at(pdf, 240, 40 + 17 * i, line, 10)


def _one_line_pairs(pdf: FPDF, c: Case) -> None:
    """Several ``Label: value`` pairs typed in one line."""
    _at(pdf, 40, 40, c.event, 22, "B")
    _at(pdf, 40, 70, c.venue, 12)
    _at(pdf, 40, 88, c.when("%Y-%m-%d %H:%M"), 12)
    _at(pdf, 40, 120, f"Section: {c.section}  Row: {c.row}  Seat: {c.seat}", 12)
    _at(pdf, 40, 140, f"Order: {c.order_id}  Purchased by: {c.buyer}", 10)
    _at(pdf, 40, 160, f"Gate: {c.portal}", 10)
    _code(pdf, c, 40, 190, 200)


def _iso_labels(pdf: FPDF, c: Case) -> None:
    """ISO date under a long label, ``Event Name``/``Venue Name`` wordings, uppercase."""
    lines = [
        ("EVENT NAME", c.event),
        ("VENUE NAME", c.venue),
        ("EVENT DATE/TIME", format_datetime(c.event_date)),
        ("SECTION", c.section),
        ("ROW", c.row),
        ("SEAT", c.seat),
        ("PORTAL", c.portal),
        ("ORDER NUMBER", c.order_id),
        ("ACCOUNT HOLDER", c.buyer),
    ]
    for i, (label, value) in enumerate(lines):
        _at(pdf, 40, 50 + 30 * i, f"{label}:", 8)
        _at(pdf, 40, 60 + 30 * i, value, 11, "B")
    _code(pdf, c, 320, 50, 200)


def _receipt(pdf: FPDF, c: Case) -> None:
    """A receipt: the order date comes first, the event date under ``When``."""
    _at(pdf, 40, 40, "Order receipt", 16, "B")
    _at(pdf, 40, 66, f"Order Date: {c.ordered('%m/%d/%Y {h}:%M %p')}", 10)
    _at(pdf, 40, 82, f"Order #: {c.order_id}", 10)
    _at(pdf, 40, 98, f"Bill to: {c.buyer}", 10)
    _at(pdf, 40, 130, f"Event: {c.event}", 12, "B")
    _at(pdf, 40, 148, f"When: {c.when('%a, %b {d}, %Y {h}:%M %p')}", 11)
    _at(pdf, 40, 164, f"Location: {c.venue}", 11)
    _at(pdf, 40, 180, f"SEC {c.section}   ROW {c.row}   SEAT {c.seat}", 11)
    _at(pdf, 40, 196, f"Use Gate: {c.portal}", 11)
    _code(pdf, c, 40, 230, 200)


def _banner(pdf: FPDF, c: Case) -> None:
    """A dark banner with a brand, headline below, stacked seat block at the right."""
    pdf.set_fill_color(20, 40, 90)
    pdf.rect(0, 0, pdf.w, 50, style="F")
    pdf.set_text_color(255, 255, 255)
    _at(pdf, 30, 16, "Eventbrite", 18, "B")
    pdf.set_text_color(0, 0, 0)
    _at(pdf, 30, 70, c.event, 20, "B")
    _at(pdf, 30, 98, c.venue, 12)
    _at(pdf, 30, 114, c.when("%m/%d/%Y {h}:%M %p"), 12)
    for x, label, value in (
        (340, "SECTION", c.section),
        (430, "ROW", c.row),
        (490, "SEAT", c.seat),
    ):
        _at(pdf, x, 70, label, 8)
        _at(pdf, x, 82, value, 13, "B")
    _code(pdf, c, 30, 150, 210)
    _at(pdf, 300, 160, f"Entrance: {c.portal}", 10)
    _at(pdf, 300, 176, f"Order Number {c.order_id}", 10)
    _at(pdf, 300, 192, f"Name: {c.buyer}", 10)


def _columns_courier(pdf: FPDF, c: Case) -> None:
    """Column headers typed in one string with padding, values typed under them."""
    _at(pdf, 40, 40, c.event, 20, "B")
    _at(pdf, 40, 66, f"{c.venue} | {c.city}", 11)
    _at(pdf, 40, 84, c.when("%b {d}, %Y {h}:%M %p"), 11)
    pdf.set_font(size=9)
    widths = (16, 8, 8)
    header = "".join(f"{w:<{n}}" for w, n in zip(("SECTION", "ROW", "SEAT"), widths, strict=True))
    values = "".join(f"{v:<{n}}" for v, n in zip((c.section, c.row, c.seat), widths, strict=True))
    pdf.set_font("Courier", size=10)
    _at(pdf, 40, 116, header, 10)
    _at(pdf, 40, 130, values, 10)
    pdf.set_font(c.font)
    _at(pdf, 40, 160, f"Gate: {c.portal}", 10)
    _at(pdf, 40, 176, f"Order ID: {c.order_id}", 10)
    _at(pdf, 40, 192, f"Purchased by: {c.buyer}", 10)
    _code(pdf, c, 40, 220, 200)


_LAYOUTS: tuple[Callable[[FPDF, Case], None], ...] = (
    _headline,
    _colon_table,
    _stacked,
    _two_columns,
    _stub,
    _phone,
    _doors,
    _one_line_pairs,
    _iso_labels,
    _receipt,
    _banner,
    _columns_courier,
)
_SIZES = {_stub: (612.0, 300.0), _phone: (300.0, 480.0)}


def _case(index: int, layout: Callable[[FPDF, Case], None], font: str) -> Case:
    rng = random.Random(index)
    event, venue, city = _EVENTS[index % len(_EVENTS)]
    section, row, seat = _SEATS[index % len(_SEATS)]
    kind, _ = _SYMBOLS[index % len(_SYMBOLS)]
    data = f"TIX{rng.randrange(10**11):011d}" if kind != "CODE_128" else f"{rng.randrange(10**9)}"
    return Case(
        name=f"{layout.__name__.strip('_')}-{font.lower()}",
        layout=layout,
        font=font,
        event=event,
        venue=venue,
        city=city,
        event_date=datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(12, 22), 30),
        order_date=datetime(2025, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), 5),
        section=section,
        row=row,
        seat=seat,
        portal=_PORTALS[index % len(_PORTALS)],
        order_id=f"{rng.randint(10, 99)}-{rng.randint(10000, 99999)}/NY",
        buyer=_BUYERS[index % len(_BUYERS)],
        barcode=Barcode(data, kind),
    )


CASES: tuple[Case, ...] = tuple(
    _case(i * len(FONTS) + j, layout, font)
    for i, layout in enumerate(_LAYOUTS)
    for j, font in enumerate(FONTS)
)


def render_case(case: Case) -> bytes:
    """The case's page as a PDF made by fpdf2."""
    pdf = FPDF(unit="pt", format=_SIZES.get(case.layout, (612.0, 792.0)))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_page()
    pdf.set_font(case.font)
    case.layout(pdf, case)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()


def expected(case: Case) -> dict[str, object]:
    """The fields the case's page prints, as the decoder must return them."""
    fields: dict[str, object] = {
        "event_name": case.event,
        "venue_name": case.venue,
        "event_date": format_datetime(case.event_date),
        "section": case.section,
        "row": case.row,
        "seat": case.seat,
        "portal": case.portal,
        "order_id": case.order_id,
        "buyer_name": case.buyer,
    }
    if case.layout in (_headline, _colon_table, _receipt):
        fields["order_date"] = format_datetime(
            case.order_date
            if case.layout is not _colon_table
            else case.order_date.replace(hour=0, minute=0)
        )
    if case.layout is _banner:
        fields["producer"] = "Eventbrite"
    return fields

"""Randomised ticket layouts, so that tests decode layouts the decoder was not tuned to.

:func:`varied_ticket` draws, from one seed, a ticket (:class:`TicketFactory`)
and a layout for it: which wording of each label (any of
:data:`simulator.pdf.vocab.LABELS`, in any case), where each label sits
(left of its value with a colon or a gap, above it, or nowhere: a headline
event name over its venue and a date line), the fonts, the order of the
fields, the headline size, the seat block (one compact line, stacked
columns or one field per line), the date format and where the barcode
goes. :func:`render_varied` draws it with reportlab and says what the
decoder must read back: every field the layout printed, and the barcodes.

The five producer layouts of :mod:`simulator.pdf.layouts` are unchanged.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from simulator.pdf.barcodes import draw_barcodes
from simulator.pdf.dates import format_date
from simulator.pdf.model import TicketFields, format_datetime
from simulator.pdf.synth import TicketFactory
from simulator.pdf.vocab import LABELS

__all__ = ["DATE_FORMATS", "VariedTicket", "expected_fields", "render_varied", "varied_ticket"]

FONTS = (
    ("Helvetica", "Helvetica-Bold"),
    ("Times-Roman", "Times-Bold"),
    ("Courier", "Courier-Bold"),
)
DATE_FORMATS = (
    "%a, %b {d}, %Y {h}:%M %p",
    "%m/%d/%Y %H:%M",
    "%B {d}, %Y at {h}:%M %p",
    "%d %b %Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%A, %B {d}, %Y {h}:%M %p",
    "%b {d}, %Y · {h}:%M %p",
)
_PLACEMENTS = ("colon", "left", "above")
_SEAT_BLOCKS = ("compact", "columns", "lines")
_BARCODE_AT = ("top", "bottom", "right")
_TEXT_WIDTH = 300.0
_X = 40.0

# wordings that need a colon or a column of their own to be a label
_SHORT_SEAT = {
    "section": ("SEC", "Sec", "Section", "SECTION", "Sect"),
    "row": ("ROW", "Row", "Rw"),
    "seat": ("SEAT", "Seat", "Seats", "Seat(s)"),
}


@dataclass(slots=True)
class VariedTicket:
    """A ticket and the randomly chosen layout it is drawn in."""

    ticket: TicketFields
    font: tuple[str, str]
    headline: bool  # event name, venue and date printed without labels
    headline_size: float
    size: float  # body type size
    labels: dict[str, str] = field(default_factory=dict)  # field -> wording as printed
    placements: dict[str, str] = field(default_factory=dict)  # field -> colon | left | above
    order: list[str] = field(default_factory=list)  # body fields, top to bottom
    seat_block: str = "lines"
    event_date_format: str = DATE_FORMATS[0]
    order_date_format: str = DATE_FORMATS[1]
    barcode_at: str = "bottom"


def _cased(rng: random.Random, wording: str) -> str:
    return rng.choice((wording, wording.upper(), wording.title()))


def varied_ticket(seed: int) -> VariedTicket:
    """The ticket and layout of ``seed`` (the same seed, the same layout)."""
    rng = random.Random(seed)
    ticket = TicketFactory(rng.randrange(2**32)).ticket()
    varied = VariedTicket(
        ticket=ticket,
        font=rng.choice(FONTS),
        headline=rng.random() < 0.5,
        headline_size=rng.choice((18.0, 20.0, 22.0, 26.0)),
        size=rng.choice((9.0, 10.0, 11.0)),
        seat_block=rng.choice(_SEAT_BLOCKS),
        event_date_format=rng.choice(DATE_FORMATS),
        order_date_format=rng.choice(DATE_FORMATS),
        barcode_at=rng.choice(_BARCODE_AT),
    )
    body = ["order_id", "buyer_name", "order_date", "buyer_id"]
    if not varied.headline:
        body += ["event_name", "venue_name", "event_date"]
    if ticket.portal is not None:
        body.append("portal")
    if ticket.buyer_type is not None:
        body.append("buyer_type")
    rng.shuffle(body)
    varied.order = body
    for name in [*body, "section", "row", "seat"]:
        if name in _SHORT_SEAT and varied.seat_block != "lines":
            wording = rng.choice(_SHORT_SEAT[name])
        else:
            wording = _cased(rng, rng.choice(LABELS[name]))
        varied.labels[name] = wording
        varied.placements[name] = rng.choice(_PLACEMENTS)
    return varied


class _Pen:
    """Draws lines downwards from the top of the text column."""

    def __init__(self, canvas: Canvas, varied: VariedTicket, top: float) -> None:
        self.c, self.v, self.y = canvas, varied, top

    def text(
        self, x: float, text: str, size: float, *, bold: bool = False, width: float | None = None
    ) -> None:
        """Draw ``text`` at ``x``, shrunk to ``width`` (default: to the text column's edge)."""
        font = self.v.font[1] if bold else self.v.font[0]
        width = width or _TEXT_WIDTH - (x - _X)
        natural = stringWidth(text, font, size)
        if natural > width:
            size = max(4.0, size * width / natural)
        self.c.setFont(font, size)
        self.c.drawString(x, self.y, text)

    def down(self, by: float) -> None:
        self.y -= by

    def pair(self, label: str, value: str, placement: str) -> None:
        size = self.v.size
        if placement == "colon":
            self.text(_X, f"{label}: {value}", size)
        elif placement == "left":
            column = stringWidth(label, self.v.font[0], size) + 24
            self.text(_X, label, size)
            self.text(_X + column, value, size + 1, bold=True)
        else:
            self.text(_X, label, 7)
            self.down(size + 4)
            self.text(_X, value, size + 1, bold=True)
        self.down(size + 9)


def _value(varied: VariedTicket, name: str) -> str:
    t = varied.ticket
    if name == "event_date":
        return format_date(t.event_date, varied.event_date_format)
    if name == "order_date":
        return format_date(t.order_date, varied.order_date_format)
    value = getattr(t, name)
    assert isinstance(value, str)
    return value


def _seats(pen: _Pen, varied: VariedTicket) -> None:
    t, labels, size = varied.ticket, varied.labels, varied.size
    if varied.seat_block == "compact":
        line = "   ".join(f"{labels[n]} {getattr(t, n)}" for n in ("section", "row", "seat"))
        pen.text(_X, line, size + 3, bold=True)
        pen.down(size + 14)
    elif varied.seat_block == "columns":
        span = _TEXT_WIDTH / 3
        for i, name in enumerate(("section", "row", "seat")):
            pen.text(_X + i * span, labels[name], 7)
        pen.down(size + 6)
        for i, name in enumerate(("section", "row", "seat")):
            pen.text(_X + i * span, getattr(t, name), size + 4, bold=True, width=span - 12)
        pen.down(size + 14)
    else:
        for name in ("section", "row", "seat"):
            pen.pair(labels[name], getattr(t, name), varied.placements[name])


def render_varied(varied: VariedTicket) -> bytes:
    """A one-page PDF of ``varied``, drawn with reportlab."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=True)
    width, height = letter
    t = varied.ticket
    top = height - 50
    if varied.barcode_at == "top":
        top = min(draw_barcodes(canvas, t.barcodes, _X, top, max_width=_TEXT_WIDTH), top) - 30
    pen = _Pen(canvas, varied, top)
    if varied.headline:
        pen.text(_X, t.event_name, varied.headline_size, bold=True, width=width - 2 * _X)
        pen.down(varied.headline_size * 0.6 + 14)
        pen.text(_X, t.venue_name, varied.size + 2)
        pen.down(varied.size + 8)
        pen.text(_X, _value(varied, "event_date"), varied.size + 2)
        pen.down(varied.size + 20)
    for name in varied.order[: len(varied.order) // 2]:
        pen.pair(varied.labels[name], _value(varied, name), varied.placements[name])
    _seats(pen, varied)
    for name in varied.order[len(varied.order) // 2 :]:
        pen.pair(varied.labels[name], _value(varied, name), varied.placements[name])
    if varied.barcode_at == "bottom":
        draw_barcodes(canvas, t.barcodes, _X, pen.y - 20, max_width=_TEXT_WIDTH)
    elif varied.barcode_at == "right":
        try:
            draw_barcodes(canvas, t.barcodes, 360, height - 150, max_width=width - 380)
        except ValueError:  # a long 1D symbol: under the text instead
            draw_barcodes(canvas, t.barcodes, _X, pen.y - 20, max_width=_TEXT_WIDTH)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def expected_fields(varied: VariedTicket) -> dict[str, Any]:
    """The fields the page prints, as the decoder documents them.

    Every format in :data:`DATE_FORMATS` prints the minute, so dates read
    back to the minute.
    """
    t = varied.ticket
    fields: dict[str, Any] = {
        "event_name": t.event_name,
        "venue_name": t.venue_name,
        "event_date": format_datetime(t.event_date.replace(second=0, microsecond=0)),
        "order_date": format_datetime(t.order_date.replace(second=0, microsecond=0)),
        "order_id": t.order_id,
        "buyer_name": t.buyer_name,
        "buyer_id": t.buyer_id,
        "section": t.section,
        "row": t.row,
        "seat": t.seat,
    }
    if t.portal is not None:
        fields["portal"] = t.portal
    if t.buyer_type is not None:
        fields["buyer_type"] = t.buyer_type
    return {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in fields.items()}

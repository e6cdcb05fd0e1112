"""The decoder on inputs we did not make: errors, foreign PDFs, rotated pages."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from simulator.core.errors import BrokenPdf, EncryptedPdf, NotAPdf
from simulator.pdf.barcodes import draw_barcodes
from simulator.pdf.decode import decode_pdf
from simulator.pdf.model import Barcode, DecodedTicket
from simulator.pdf.render import expected_decode, render_tickets
from simulator.pdf.synth import TicketFactory


def _pdf(*lines: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter)
    for i, line in enumerate(lines):
        canvas.drawString(72, 720 - 16 * i, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_foreign_document_gives_empty_fields() -> None:
    data = _pdf(
        "Quarterly report",
        "Revenue grew 12% over the last quarter, driven by stronger demand.",
        "Headcount is flat. Gates open at nine for the all-hands meeting.",
    )
    assert decode_pdf(data) == [DecodedTicket(page_number=1)]
    assert decode_pdf(data)[0].to_dict()["barcodes"] == []


def test_a_foreign_ticket_reads_by_its_labels() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter)
    lines = [
        "Etix  -  Your Mobile Ticket",
        "Event: Jazz on the Lawn",
        "Location: Riverside Park Bandshell",
        "Date/Time: 08/21/2026 6:30 PM",
        "Sec GA   Row 1   Seat 14",
        "Purchased by: Ana Lima",
        "Confirmation #: ETX-77120",
        "Restrictions: Obstructed View",
    ]
    for i, line in enumerate(lines):
        canvas.drawString(72, 720 - 18 * i, line)
    draw_barcodes(canvas, [Barcode("96385074", "EAN_8")], 72, 520, max_width=300)
    canvas.showPage()
    canvas.save()
    [ticket] = decode_pdf(buffer.getvalue())
    assert ticket.producer == "Etix"
    assert ticket.event_name == "Jazz on the Lawn"
    assert ticket.venue_name == "Riverside Park Bandshell"
    assert ticket.event_date == "2026-08-21T18:30:00"
    assert (ticket.section, ticket.row, ticket.seat) == ("GA", "1", "14")
    assert ticket.buyer_name == "Ana Lima"
    assert ticket.order_id == "ETX-77120"
    assert [d.id for d in ticket.disclosures] == [12]
    assert ticket.barcodes == [Barcode("96385074", "EAN_8")]
    assert ticket.order_date is None and ticket.portal is None and ticket.buyer_id is None


def test_a_rotated_page_still_decodes() -> None:
    ticket = TicketFactory(11).ticket("Ticketmaster", "CODE_128")
    reader = PdfReader(io.BytesIO(render_tickets([ticket])))
    writer = PdfWriter()
    writer.add_page(reader.pages[0]).rotate(90)
    out = io.BytesIO()
    writer.write(out)
    [decoded] = decode_pdf(out.getvalue())
    assert decoded == expected_decode(ticket, 1)


@pytest.mark.parametrize("data", [b"", b"hello world", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"%PD"])
def test_not_a_pdf(data: bytes) -> None:
    with pytest.raises(NotAPdf):
        decode_pdf(data)


def test_truncated_pdf_is_broken() -> None:
    data = render_tickets([TicketFactory(1).ticket()])
    with pytest.raises(BrokenPdf):
        decode_pdf(data[: len(data) // 2])


def test_garbage_after_the_header_is_broken() -> None:
    with pytest.raises(BrokenPdf):
        decode_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n")


def test_a_password_protected_pdf_is_encrypted() -> None:
    with pytest.raises(EncryptedPdf):
        decode_pdf(_encrypted(_pdf("secret ticket"), "let-me-in"))


def test_an_owner_password_only_pdf_opens() -> None:
    ticket = TicketFactory(4).ticket("SeatGeek")
    data = _encrypted(render_tickets([ticket]), "")
    assert decode_pdf(data) == [expected_decode(ticket, 1)]


def test_dpi_is_bounded() -> None:
    with pytest.raises(ValueError):
        decode_pdf(_pdf("x"), dpi=10)


def test_decoding_at_a_higher_dpi_gives_the_same_result() -> None:
    ticket = TicketFactory(8).ticket("MLB Ballpark")
    assert decode_pdf(render_tickets([ticket]), dpi=300) == [expected_decode(ticket, 1)]


def test_too_many_pages_is_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    from simulator.core.errors import TooLarge
    from simulator.pdf import decode

    monkeypatch.setattr(decode, "MAX_PAGES", 1)
    data = render_tickets([TicketFactory(5).ticket(), TicketFactory(6).ticket()])
    with pytest.raises(TooLarge, match="2 pages"):
        decode_pdf(data)


def test_an_image_only_page_still_yields_its_barcode() -> None:
    from fpdf import FPDF

    from tests.pdf.corpus import CASES, _code

    case = CASES[0]
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    _code(pdf, case, 100, 100, 200)
    [ticket] = decode_pdf(bytes(pdf.output()))
    assert ticket == DecodedTicket(page_number=1, barcodes=[case.barcode])

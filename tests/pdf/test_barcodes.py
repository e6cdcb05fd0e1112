"""Each of the 17 documented barcode types is drawn, found and named back."""

from __future__ import annotations

import io
import random
from typing import Any

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from simulator.pdf.barcodes import draw_barcodes, group_addons, measure_barcodes, valid_data
from simulator.pdf.decode import decode_pdf
from simulator.pdf.model import BARCODE_TYPES, Barcode
from simulator.pdf.symbology import Linear, encode, gs1_check_digit, upce_to_upca

SAMPLES = 6


def _page_pdf(groups: list[list[Barcode]]) -> bytes:
    """One letter page per group, symbols drawn the way the layouts draw them."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=True)
    for group in groups:
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 740, "A page with one barcode")
        draw_barcodes(canvas, group, 72, 700, max_width=468)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _group(kind: str, rng: random.Random) -> list[Barcode]:
    if kind == "UPC_EAN_EXTENSION":
        host = rng.choice(("EAN_13", "UPC_A"))
        return [Barcode(valid_data(host, rng), host), Barcode(valid_data(kind, rng), kind)]
    return [Barcode(valid_data(kind, rng), kind)]


@pytest.mark.parametrize("kind", BARCODE_TYPES)
def test_type_round_trips(kind: str) -> None:
    rng = random.Random(kind)
    groups = [_group(kind, rng) for _ in range(SAMPLES)]
    decoded = decode_pdf(_page_pdf(groups))
    assert [page.barcodes for page in decoded] == groups


def test_several_symbols_on_a_page_come_back_in_order() -> None:
    rng = random.Random(5)
    group = [b for kind in ("QR_CODE", "CODE_128", "UPC_EAN_EXTENSION") for b in _group(kind, rng)]
    [page] = decode_pdf(_page_pdf([group]))
    assert page.barcodes == group


def test_measure_matches_draw() -> None:
    rng = random.Random(9)
    group = [b for kind in ("PDF_417", "EAN_8", "MAXICODE") for b in _group(kind, rng)]
    canvas = Canvas(io.BytesIO(), pagesize=letter)
    bottom = draw_barcodes(canvas, group, 72, 700, max_width=468)
    assert measure_barcodes(group, max_width=468) == pytest.approx(700 - bottom)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("EAN_13", "5901234123450"),  # wrong check digit
        ("EAN_13", "590123412345"),  # too short
        ("UPC_A", "03600029145X"),
        ("UPC_E", "01234567"),
        ("ITF", "12345"),  # odd length
        ("CODABAR", "123456"),  # no start/stop
        ("CODE_39", "lower case"),
        ("RSS_14", "0950110153001"),  # 13 digits
        ("RSS_EXPANDED", "0109501101530010"),  # no bracketed AIs
        ("UPC_EAN_EXTENSION", "123"),
        ("QR_CODE", ""),
        ("MAXICODE", "x" * 200),
    ],
)
def test_invalid_data_is_refused(kind: str, data: str) -> None:
    with pytest.raises(ValueError):
        encode(kind, data)


def test_an_add_on_needs_a_host() -> None:
    with pytest.raises(ValueError, match="must follow"):
        group_addons([Barcode("12", "UPC_EAN_EXTENSION")])
    with pytest.raises(ValueError, match="must follow"):
        group_addons([Barcode("96385074", "EAN_8"), Barcode("12", "UPC_EAN_EXTENSION")])
    host = Barcode("5901234123457", "EAN_13")
    assert group_addons([host, Barcode("12", "UPC_EAN_EXTENSION")]) == [
        (host, Barcode("12", "UPC_EAN_EXTENSION"))
    ]


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError):
        Barcode("123", "CODE_11")
    with pytest.raises(ValueError):
        valid_data("CODE_11", random.Random(1))


def test_check_digits() -> None:
    assert gs1_check_digit("590123412345") == "7"
    assert gs1_check_digit("03600029145") == "2"
    assert upce_to_upca("01234565") == "012345000065"


def test_a_page_full_of_graphics_falls_back_to_the_whole_page() -> None:
    """Barcodes drawn bar by bar (many small objects) inside a busy page still read."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter)
    canvas.rect(10, 10, 592, 772, stroke=1, fill=0)
    for i in range(30):  # decorative confetti
        canvas.circle(40 + 18 * i, 60, 3, stroke=0, fill=1)
    symbol = encode("CODE_128", "TICKET-42")
    assert isinstance(symbol, Linear)
    for i, bit in enumerate(symbol.modules):
        if bit == "1":
            canvas.rect(100 + i * 1.2, 400, 1.2, 60, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    [page] = decode_pdf(buffer.getvalue())
    assert page.barcodes == [Barcode("TICKET-42", "CODE_128")]


def test_a_raster_barcode_image_is_read() -> None:
    import zxingcpp
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = zxingcpp.create_barcode("https://tix.example/t/abc", zxingcpp.BarcodeFormat.QRCode)
    bitmap: Any = image.to_image(scale=8)
    height, width = bitmap.shape
    pil = Image.frombytes("L", (width, height), memoryview(bitmap).tobytes())
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter)
    canvas.drawImage(ImageReader(pil), 200, 400, width=144, height=144)
    canvas.showPage()
    canvas.save()
    [page] = decode_pdf(buffer.getvalue())
    assert page.barcodes == [Barcode("https://tix.example/t/abc", "QR_CODE")]


def test_pdfium_renders_what_we_draw() -> None:
    """Sanity: the helper PDF is a real PDF that PDFium opens."""
    data = _page_pdf([[Barcode("ABC-123", "CODE_93")]])
    assert len(pdfium.PdfDocument(data)) == 1

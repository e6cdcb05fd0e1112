"""Decode any PDF into the documented ticket objects, one per page.

For each page: phrases and their boxes come from PDFium's character boxes
(:mod:`simulator.pdf.text`, ~1 ms);
the producer is recognised by its brand mark; fields are read by their
labels and by layout, whatever the producer (:mod:`simulator.pdf.fields`); disclosures are
looked up in the table (:mod:`simulator.pdf.disclosures`) among the runs
that are not field labels or values; barcodes are read by zxing-cpp from
the page rendered at ``dpi`` (:mod:`simulator.pdf.scan`).

Every page yields one :class:`DecodedTicket`, in page order; a page that is
not a ticket simply has ``None`` fields and empty lists (an image-only,
scanned page still yields its barcodes). Bad input raises
:class:`NotAPdf`, :class:`EncryptedPdf`, :class:`BrokenPdf` or
:class:`TooLarge` (too many pages), never a library error.

Documents of more than a few pages are decoded on all cores by
:mod:`simulator.pdf.pool`, in page ranges; the result is the same.
"""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pypdfium2 as pdfium

from simulator.core.errors import BrokenPdf, TooLarge
from simulator.pdf import pool
from simulator.pdf._pdfium import PDFIUM_LOCK, open_document
from simulator.pdf.dates import parse_datetime
from simulator.pdf.disclosures import find_disclosures
from simulator.pdf.fields import Segment, extract_fields
from simulator.pdf.model import DecodedTicket, Disclosure, format_datetime
from simulator.pdf.producers import detect_producer
from simulator.pdf.scan import scan_page
from simulator.pdf.text import page_segments

__all__ = ["decode_pdf", "page_segments"]

MIN_DPI, MAX_DPI = 72, 600
MAX_PAGES = 5000  # a longer document is refused rather than keeping a job busy for minutes
TIMEOUT_BASE, TIMEOUT_PER_PAGE = 30.0, 1.0  # seconds; far above the ~5 ms a page takes


def _disclosures(segments: list[Segment], used: set[int]) -> list[Disclosure]:
    found: list[Disclosure] = []
    for i, segment in enumerate(segments):
        if i in used:
            continue
        for disclosure in find_disclosures(segment.text):
            if disclosure not in found:
                found.append(disclosure)
    return found


def _date(text: str | None, time_text: str | None = None) -> str | None:
    if text is None:
        return None
    value = parse_datetime(text, time_text)
    return None if value is None else format_datetime(value)


def _decode_page(document: pdfium.PdfDocument, index: int, dpi: int) -> DecodedTicket:
    page = document[index]
    try:
        textpage = page.get_textpage()
        try:
            segments = page_segments(textpage)
        finally:
            textpage.close()
        barcodes = scan_page(page, dpi)
    finally:
        page.close()
    extraction = extract_fields(segments)
    values = extraction.values
    return DecodedTicket(
        page_number=index + 1,
        producer=detect_producer(s.text for s in segments),
        buyer_id=values.get("buyer_id"),
        buyer_name=values.get("buyer_name"),
        buyer_type=values.get("buyer_type"),
        order_date=_date(values.get("order_date")),
        order_id=values.get("order_id"),
        event_name=values.get("event_name"),
        event_date=_date(values.get("event_date"), values.get("event_time"))
        or _date(values.get("event_time")),
        venue_name=values.get("venue_name"),
        section=values.get("section"),
        row=values.get("row"),
        seat=values.get("seat"),
        portal=values.get("portal"),
        disclosures=_disclosures(segments, extraction.used),
        barcodes=barcodes,
    )


def _decode_range(data: bytes, start: int, stop: int, dpi: int) -> list[DecodedTicket]:
    """Pages ``start`` to ``stop - 1`` of ``data``, decoded in this process."""
    with PDFIUM_LOCK:
        document = open_document(data)
        tickets: list[DecodedTicket] = []
        try:
            for i in range(start, min(stop, len(document))):
                try:
                    tickets.append(_decode_page(document, i, dpi))
                except (pdfium.PdfiumError, ValueError, OSError) as exc:
                    raise BrokenPdf(
                        f"Page {i + 1} of the PDF is damaged and cannot be read"
                    ) from exc
            return tickets
        finally:
            document.close()


def _page_count(data: bytes) -> int:
    with PDFIUM_LOCK:
        document = open_document(data)
        try:
            return len(document)
        finally:
            document.close()


def decode_pdf(data: bytes, dpi: int = 200, *, workers: int | None = None) -> list[DecodedTicket]:
    """One documented ticket object per page of the PDF ``data``.

    ``dpi`` is the resolution barcodes are read at (72-600; 200 reads
    every symbol this package draws). ``workers`` is how many processes
    decode a long document (default: ``TICKETSIM_DECODE_WORKERS``, else
    every core; 1 decodes in this process). Safe to call from several
    threads at once. Raises ``NotAPdf``, ``EncryptedPdf``, ``BrokenPdf``
    or ``TooLarge``.
    """
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}")
    data = bytes(data) if isinstance(data, bytearray) else data
    pages = _page_count(data)
    if pages > MAX_PAGES:
        raise TooLarge(f"The PDF has {pages} pages; the decoder reads at most {MAX_PAGES}")
    count = pool.worker_count(workers)
    ranges = pool.plan(pages, count)
    if len(ranges) == 1:
        return _decode_range(data, 0, pages, dpi)
    timeout = TIMEOUT_BASE + TIMEOUT_PER_PAGE * pages
    for _attempt in range(2):  # another caller's PDF may have broken the shared pool
        try:
            return pool.run_ranges(_decode_range, data, ranges, dpi, count, timeout)
        except BrokenProcessPool:
            if not pool.usable(count):  # no worker can start here: use this process
                return _decode_range(data, 0, pages, dpi)
        except TimeoutError:
            raise BrokenPdf("The PDF took too long to decode") from None
    raise BrokenPdf("The PDF made the PDF engine crash")

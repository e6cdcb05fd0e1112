"""Splitting and merging keep every ticket; bad input raises the package's errors."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader, PdfWriter

from simulator.core.errors import BrokenPdf, EncryptedPdf, NotAPdf, PdfError
from simulator.pdf.decode import decode_pdf
from simulator.pdf.producers import PRODUCERS
from simulator.pdf.render import render_tickets
from simulator.pdf.splitmerge import merge_pdfs, split_pdf
from simulator.pdf.synth import TicketFactory


@pytest.fixture(scope="module")
def document() -> bytes:
    factory = TicketFactory(99)
    return render_tickets([factory.ticket(p) for p in sorted(PRODUCERS) for _ in range(2)])


def test_split_then_merge_gives_the_same_tickets(document: bytes) -> None:
    pages = split_pdf(document)
    assert len(pages) == 10
    assert decode_pdf(merge_pdfs(pages)) == decode_pdf(document)


def test_each_split_page_is_its_ticket(document: bytes) -> None:
    whole = decode_pdf(document)
    for number, page in enumerate(split_pdf(document), start=1):
        [ticket] = decode_pdf(page)
        ticket.page_number = number
        assert ticket == whole[number - 1]


def test_merge_keeps_document_order(document: bytes) -> None:
    first, second = split_pdf(document)[:2]
    merged = decode_pdf(merge_pdfs([second, first, second]))
    originals = decode_pdf(document)
    assert [t.order_id for t in merged] == [
        originals[1].order_id,
        originals[0].order_id,
        originals[1].order_id,
    ]


def test_empty_merge_list() -> None:
    with pytest.raises(PdfError) as raised:
        merge_pdfs([])
    assert type(raised.value) is PdfError


def _merge_one(data: bytes) -> bytes:
    return merge_pdfs([data])


@pytest.mark.parametrize("run", [split_pdf, _merge_one])
def test_bad_inputs(run: Callable[[bytes], object], document: bytes) -> None:
    with pytest.raises(NotAPdf):
        run(b"<html>not a pdf</html>")
    with pytest.raises(BrokenPdf):
        run(document[: len(document) // 3])
    with pytest.raises(BrokenPdf):
        run(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    writer.encrypt(user_password="pw", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(EncryptedPdf):
        run(out.getvalue())


def test_merge_names_the_bad_input(document: bytes) -> None:
    with pytest.raises(NotAPdf, match="PDF 2 of 2"):
        merge_pdfs([document, b"nope"])

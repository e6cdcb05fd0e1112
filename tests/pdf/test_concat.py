"""The streaming concatenation writes a valid PDF with every page intact."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from simulator.pdf.concat import PdfConcatenator
from simulator.pdf.decode import decode_pdf
from simulator.pdf.render import expected_decode, render_tickets
from simulator.pdf.synth import TicketFactory


def test_concatenated_chunks_decode_like_one_document() -> None:
    factory = TicketFactory(31)
    chunks = [[factory.ticket() for _ in range(n)] for n in (3, 1, 4)]
    out = io.BytesIO()
    concatenator = PdfConcatenator(out)
    for chunk in chunks:
        concatenator.append(render_tickets(chunk))
    concatenator.close()
    data = out.getvalue()
    assert len(PdfReader(io.BytesIO(data), strict=True).pages) == concatenator.page_count == 8
    tickets = [t for chunk in chunks for t in chunk]
    assert decode_pdf(data) == [expected_decode(t, n) for n, t in enumerate(tickets, start=1)]


def test_nothing_to_write() -> None:
    with pytest.raises(ValueError):
        PdfConcatenator(io.BytesIO()).close()

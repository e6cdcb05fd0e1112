"""Tickets drawn by another PDF library (fpdf2) in layouts the simulator never drew."""

from __future__ import annotations

import pytest

from simulator.pdf.decode import decode_pdf
from tests.pdf.corpus import CASES, Case, expected, render_case


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_printed_field_and_the_barcode_decode(case: Case) -> None:
    [ticket] = decode_pdf(render_case(case))
    decoded = ticket.to_dict()
    wanted = expected(case)
    assert {k: decoded[k] for k in wanted} == wanted
    assert ticket.barcodes == [case.barcode]


def test_the_corpus_is_varied() -> None:
    assert len(CASES) >= 30
    assert len({(c.layout, c.font) for c in CASES}) == len(CASES)
    assert {c.barcode.type for c in CASES} == {"QR_CODE", "PDF_417", "CODE_128"}

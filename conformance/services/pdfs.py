"""Conformance tables of the PDF service (``openapi/pdfs.yaml``)."""

from __future__ import annotations

REFUSES_VALID_INPUT: dict[str, str] = {
    "decode_pdf": "documented 400 (BadInput) when the URL cannot be fetched or is not a PDF",
}

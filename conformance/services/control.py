"""Conformance tables of the control plane (``openapi/control.yaml``)."""

from __future__ import annotations

REFUSES_VALID_INPUT: dict[str, str] = {
    "load_fixtures": "400 for a document whose ids clash or dangle (not expressible in a schema)",
    "mint_pdf": "400 for tickets whose barcodes cannot be drawn together (cross-field rule)",
}

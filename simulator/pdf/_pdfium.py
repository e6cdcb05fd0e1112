"""Opening PDFs with pypdfium2, safely: one lock, and library errors mapped.

PDFium is not thread-safe, not even across different documents, and the
API layer may run decodes in worker threads. Every pypdfium2 call in this
package therefore runs under :data:`PDFIUM_LOCK`. It is a process-wide
mutex, not simulation state. To use more than one core, the decoder runs
in worker processes, each with its own PDFium (:mod:`simulator.pdf.pool`).
"""

from __future__ import annotations

import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from simulator.core.errors import BrokenPdf, EncryptedPdf, NotAPdf

__all__ = ["PDFIUM_LOCK", "check_magic", "open_document"]

PDFIUM_LOCK = threading.RLock()
_MAGIC_WINDOW = 1024  # PDF readers accept junk before "%PDF-" within the first KiB
_EOF_WINDOW = 2048


def check_magic(data: bytes) -> None:
    """Raise ``NotAPdf`` unless ``data`` starts (within 1 KiB) with ``%PDF-``.

    Also raise ``BrokenPdf`` for a file with no ``%%EOF`` in its last 2 KiB
    (Acrobat wants it in the last 1 KiB): a truncated download, which PDFium
    would otherwise half-repair in silence.
    """
    if not isinstance(data, bytes | bytearray) or b"%PDF-" not in data[:_MAGIC_WINDOW]:
        raise NotAPdf()
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise BrokenPdf("The PDF is truncated (no %%EOF marker)")


def open_document(data: bytes) -> pdfium.PdfDocument:
    """Open ``data`` with PDFium; the caller holds :data:`PDFIUM_LOCK`.

    Raises ``NotAPdf``, ``EncryptedPdf`` (a password is needed) or
    ``BrokenPdf`` (unparseable, or no pages).
    """
    check_magic(data)
    try:
        return pdfium.PdfDocument(bytes(data))
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedPdf() from exc
        raise BrokenPdf() from exc

"""Split a PDF into one PDF per page, and merge PDFs into one, with pypdf.

These back the documented splitter and merger. Pages are copied as they
are (content, fonts, images), so a split page decodes exactly like the page
it came from. Bad input raises the package's errors, never pypdf's:
``NotAPdf``, ``EncryptedPdf`` (a password is needed), ``BrokenPdf``; an empty
merge list is a ``PdfError``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError, FileNotDecryptedError

from simulator.core.errors import BrokenPdf, EncryptedPdf, PdfError
from simulator.pdf._pdfium import check_magic

__all__ = ["merge_pdfs", "split_pdf"]


def _read(data: bytes, which: str = "The PDF") -> PdfReader:
    """A reader over ``data`` with at least one page, decrypted if it can be."""
    try:
        check_magic(data)
    except PdfError as exc:
        if which == "The PDF":
            raise
        raise type(exc)(f"{which}: {exc.message}") from None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise EncryptedPdf(f"{which} is encrypted")
        if len(reader.pages) == 0:
            raise BrokenPdf(f"{which} has no pages")
    except PdfError:
        raise
    except (DependencyError, FileNotDecryptedError) as exc:  # e.g. AES without a crypto library
        raise EncryptedPdf(f"{which} is encrypted") from exc
    except Exception as exc:  # pypdf raises many kinds of error for damaged files
        raise BrokenPdf(f"{which} is damaged and cannot be read") from exc
    return reader


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def split_pdf(data: bytes) -> list[bytes]:
    """One single-page PDF per page of ``data``, in page order."""
    reader = _read(data)
    pages: list[bytes] = []
    try:
        for page in reader.pages:
            writer = PdfWriter()
            writer.add_page(page)
            pages.append(_write(writer))
    except Exception as exc:
        raise BrokenPdf("The PDF is damaged and cannot be split") from exc
    return pages


def merge_pdfs(documents: Sequence[bytes]) -> bytes:
    """One PDF with the pages of ``documents``, in order."""
    if not documents:
        raise PdfError("There are no PDFs to merge")
    writer = PdfWriter()
    for number, data in enumerate(documents, start=1):
        which = f"PDF {number} of {len(documents)}"
        reader = _read(data, which)
        try:
            writer.append(reader)
        except Exception as exc:
            raise BrokenPdf(f"{which} is damaged and cannot be merged") from exc
    try:
        return _write(writer)
    except Exception as exc:
        raise BrokenPdf("The merged PDF could not be written") from exc

"""Concatenate PDFs into one file page by page, in constant memory.

pypdf's writer keeps every object of the result in memory until it writes,
and reportlab builds its whole output in memory too; for 10,000 tickets
that is a few hundred megabytes. :class:`PdfConcatenator` instead copies
each appended PDF's pages (and the objects they use: contents, resources,
fonts) to the output stream at once, renumbered, and keeps only the byte
offsets of what it wrote. The page tree, catalogue and cross-reference
table are written by :meth:`PdfConcatenator.close`.

It is meant for the renderer's own output: it copies pages, not document
parts such as outlines, forms or metadata. For arbitrary PDFs use
:func:`simulator.pdf.splitmerge.merge_pdfs`.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

__all__ = ["PdfConcatenator"]

_CATALOG, _PAGES, _INFO = 1, 2, 3  # object numbers written by close()
_Renumber = Callable[[IndirectObject], IndirectObject]


class PdfConcatenator:
    """Write the pages of several PDFs to ``stream`` as one PDF."""

    def __init__(self, stream: BinaryIO, *, creator: str = "ticketsim") -> None:
        self._out = stream
        self._creator = creator
        self._offsets: dict[int, int] = {}
        self._next = _INFO + 1
        self._pages: list[int] = []
        self._out.write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n")

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def append(self, data: bytes) -> None:
        """Copy every page of the PDF ``data`` to the output, in order."""
        reader = PdfReader(io.BytesIO(data))
        numbers: dict[tuple[int, int], int] = {}
        queue: deque[tuple[int, IndirectObject]] = deque()

        def renumber(ref: IndirectObject) -> IndirectObject:
            key = (ref.idnum, ref.generation)
            if key not in numbers:
                numbers[key] = self._next
                self._next += 1
                queue.append((numbers[key], ref))
            return IndirectObject(numbers[key], 0, None)

        for page in reader.pages:
            reference = page.indirect_reference
            if reference is None:  # pragma: no cover - pages of a file are indirect
                raise ValueError("a page without an object number")
            self._pages.append(renumber(reference).idnum)
        while queue:
            number, ref = queue.popleft()
            self._write(number, self._copy(ref.get_object(), renumber))

    def _copy(self, obj: PdfObject | None, renumber: _Renumber) -> PdfObject:
        """``obj`` with its references renumbered; a page hangs under our tree."""
        if isinstance(obj, IndirectObject):
            return renumber(obj)
        if isinstance(obj, DictionaryObject):
            copy = _RawStream(StreamObject.get_data(obj)) if isinstance(obj, StreamObject) else None
            target: DictionaryObject = copy if copy is not None else DictionaryObject()
            is_page = obj.get("/Type") == "/Page"
            for key, value in obj.items():
                if key == "/Parent" and is_page:
                    target[NameObject(key)] = IndirectObject(_PAGES, 0, None)
                elif key != "/Length" or copy is None:
                    target[NameObject(key)] = self._copy(value, renumber)
            return target
        if isinstance(obj, ArrayObject):
            return ArrayObject(self._copy(item, renumber) for item in obj)
        if obj is None:  # pragma: no cover - a dangling reference
            return NumberObject(0)
        return obj

    def _write(self, number: int, obj: PdfObject) -> None:
        self._offsets[number] = self._out.tell()
        self._out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self._out)
        self._out.write(b"\nendobj\n")

    def close(self) -> None:
        """Write the page tree, catalogue, info and cross-reference table."""
        if not self._pages:
            raise ValueError("no pages to write")
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self._pages),
                NameObject("/Count"): NumberObject(len(self._pages)),
            }
        )
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
            }
        )
        info = DictionaryObject(
            {
                NameObject("/Creator"): TextStringObject(self._creator),
                NameObject("/Producer"): TextStringObject(self._creator),
            }
        )
        self._write(_PAGES, pages)
        self._write(_CATALOG, catalog)
        self._write(_INFO, info)
        start = self._out.tell()
        size = self._next
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        lines += [f"{self._offsets[n]:010d} 00000 n \n" for n in range(1, size)]
        lines.append(
            f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R /Info {_INFO} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n"
        )
        self._out.write("".join(lines).encode())


class _RawStream(StreamObject):
    """A stream copied with its encoded bytes as they are (no re-compression)."""

    def __init__(self, raw: bytes) -> None:
        super().__init__()
        StreamObject.set_data(self, raw)

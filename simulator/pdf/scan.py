"""Find and read the barcodes of one PDF page with pypdfium2 and zxing-cpp.

Reading a whole 200-dpi letter page costs zxing-cpp 25-60 ms; reading only
where barcodes can be costs a few. A barcode on a PDF page is drawn as an
image, a form XObject, one complex path (as our renderer does), or many
small bars/modules; text is never a barcode, except with barcode fonts. So
the scanner:

1. collects the bounds of those graphics objects (images, forms, dense
   paths; small shapes only in groups) and merges neighbours into regions
   (plus a quiet-zone margin);
2. renders each region alone at ``dpi`` and reads it;
3. falls back to the whole page when there are no regions, when the
   regions cover most of the page, when the page is rotated, or when the
   regions gave nothing (a barcode font, an odd drawing).

zxing-cpp finds a MaxiCode only when it fills much of the image it reads,
so a MaxiCode is read through its region, not by the whole-page fallback.

Barcodes come back in reading order (top to bottom, then left to right),
duplicates of the same symbol removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp

from simulator.pdf.barcode_names import READ_FORMATS, from_zxing
from simulator.pdf.model import Barcode

__all__ = ["Region", "candidate_regions", "scan_page"]

_STRONG_SEGMENTS = 12  # a path this complex is worth reading on its own...
_DENSITY = 1 / 500  # ...if it is dense: a frame around the page is not a barcode
_SMALL = 12.0  # points: bars and modules are thinner than this
_WEAK_CLUSTER = 10  # this many small shapes together may be a barcode
_NEAR = 6.0  # points: shapes closer than this belong together
_MARGIN = 12.0  # points of quiet zone around a region
_MAX_OBJECTS = 400  # more than this: read the whole page instead
_MAX_COVER = 0.45  # regions covering more of the page: read the whole page
_MAX_PIXELS = 40e6  # a larger full-page render is read at a lower resolution


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle in PDF page coordinates (points, y up)."""

    left: float
    bottom: float
    right: float
    top: float

    def grown(self, by: float) -> Region:
        return Region(self.left - by, self.bottom - by, self.right + by, self.top + by)

    def touches(self, other: Region) -> bool:
        return not (
            self.right < other.left
            or other.right < self.left
            or self.top < other.bottom
            or other.top < self.bottom
        )

    def union(self, other: Region) -> Region:
        return Region(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )

    @property
    def area(self) -> float:
        return max(0.0, self.right - self.left) * max(0.0, self.top - self.bottom)


@dataclass(slots=True)
class _Cluster:
    region: Region
    strong: bool
    members: int


def _objects(page: pdfium.PdfPage) -> Iterable[tuple[Region, bool]]:
    """(bounds, is_strong) of the page's graphics objects that may be barcodes."""
    kinds = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
    for obj in page.get_objects(filter=kinds, max_depth=0):
        left, bottom, right, top = obj.get_bounds()
        region = Region(left, bottom, right, top)
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            yield region, True
            continue
        segments = pdfium_c.FPDFPath_CountSegments(obj.raw)
        if segments >= _STRONG_SEGMENTS and segments >= _DENSITY * region.area:
            yield region, True
        elif min(right - left, top - bottom) < _SMALL:
            yield region, False


def candidate_regions(page: pdfium.PdfPage) -> list[Region] | None:
    """Regions worth reading, or ``None`` when the whole page should be read."""
    if page.get_rotation() % 360:
        return None
    found = list(_objects(page))
    if not found or len(found) > _MAX_OBJECTS:
        return None
    clusters: list[_Cluster] = []
    for region, strong in found:
        merged = _Cluster(region.grown(_NEAR), strong, 1)
        keep: list[_Cluster] = []
        for cluster in clusters:
            if cluster.region.touches(merged.region):
                merged = _Cluster(
                    merged.region.union(cluster.region),
                    merged.strong or cluster.strong,
                    merged.members + cluster.members,
                )
            else:
                keep.append(cluster)
        clusters = [*keep, merged]
    regions = [
        c.region.grown(_MARGIN - _NEAR) for c in clusters if c.strong or c.members >= _WEAK_CLUSTER
    ]
    left, bottom, right, top = page.get_bbox()
    box = Region(left, bottom, right, top)
    clipped = [
        Region(max(r.left, left), max(r.bottom, bottom), min(r.right, right), min(r.top, top))
        for r in regions
    ]
    visible = [r for r in clipped if r.right - r.left >= _SMALL and r.top - r.bottom >= _SMALL]
    if not visible or sum(r.area for r in visible) > _MAX_COVER * box.area:
        return None
    return visible


@dataclass(frozen=True, slots=True)
class _Found:
    barcodes: list[Barcode]
    box: Region  # page coordinates


def _read(page: pdfium.PdfPage, region: Region | None, dpi: int) -> list[_Found]:
    """Render ``region`` (or the whole page) at ``dpi`` and read its barcodes."""
    page_box = Region(*page.get_bbox())
    box = region or page_box
    crop = (
        box.left - page_box.left,
        box.bottom - page_box.bottom,
        page_box.right - box.right,
        page_box.top - box.top,
    )
    scale = dpi / 72
    pixels = box.area * scale * scale
    if pixels > _MAX_PIXELS:  # a poster-sized page: keep memory bounded
        scale *= (_MAX_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, crop=crop, grayscale=True, no_smoothpath=True)
    try:
        results = zxingcpp.read_barcodes(
            bitmap.to_pil(),
            formats=zxingcpp.BarcodeFormats(list(READ_FORMATS)),
            ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Read,
        )
    finally:
        bitmap.close()
    found: list[_Found] = []
    for result in results:
        barcodes = from_zxing(result)
        if barcodes:
            found.append(_Found(barcodes, _page_box(result, box.left, box.top, scale)))
    return found


def _page_box(result: Any, left: float, top: float, scale: float) -> Region:
    """The result's bounding box in page coordinates."""
    p = result.position
    xs = [q.x for q in (p.top_left, p.top_right, p.bottom_left, p.bottom_right)]
    ys = [q.y for q in (p.top_left, p.top_right, p.bottom_left, p.bottom_right)]
    return Region(
        left + min(xs) / scale, top - max(ys) / scale, left + max(xs) / scale, top - min(ys) / scale
    )


def _dedupe(found: list[_Found]) -> list[_Found]:
    """Drop repeated reads of one symbol, keeping the read with its add-on."""
    kept: list[_Found] = []
    for item in sorted(found, key=lambda f: -len(f.barcodes)):
        if not any(
            k.barcodes[0] == item.barcodes[0] and k.box.grown(2).touches(item.box) for k in kept
        ):
            kept.append(item)
    return kept


def scan_page(page: pdfium.PdfPage, dpi: int = 200) -> list[Barcode]:
    """All documented barcodes on ``page``, in reading order.

    The caller holds :data:`simulator.pdf._pdfium.PDFIUM_LOCK`.
    """
    regions = candidate_regions(page)
    found: list[_Found] = []
    for region in regions or ():
        found.extend(_read(page, region, dpi))
    if not found:
        found = _read(page, None, dpi)
    ordered = sorted(_dedupe(found), key=lambda f: (-round(f.box.top / 8), f.box.left))
    return [barcode for item in ordered for barcode in item.barcodes]

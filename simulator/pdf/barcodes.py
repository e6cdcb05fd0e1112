"""Draw the 17 documented barcode types on a reportlab canvas, and name them back.

Drawing: every symbol is vector (one filled path per symbol), so it stays
sharp at any resolution the decoder renders at. 1D symbols come from
python-barcode's module string where it has the symbology, from zxing-cpp's
writer otherwise; 2D symbols (AZTEC, DATA_MATRIX, PDF_417, QR_CODE) from
zxing-cpp's module bitmap; MAXICODE from zxing-cpp's SVG (hexagons and
bullseye rings). See :mod:`simulator.pdf.symbology` for the data rules.
Module sizes and origins are whole pixels at 200 dpi (0.36 pt), the
decoder's default resolution, so bars render without blur there.

A ``UPC_EAN_EXTENSION`` is an add-on, not a symbol of its own: it is drawn
to the right of the EAN-13 or UPC-A that precedes it in the list (9 modules
apart, as GS1 specifies), and the decoder reads it with zxing-cpp's
``ean_add_on_symbol=Read``. An add-on without such a host is refused.

Naming back (:func:`from_zxing`, from :mod:`simulator.pdf.barcode_names`)
and valid random data (:func:`valid_data`, from
:mod:`simulator.pdf.barcode_data`) are re-exported here.

All 17 types round-trip through render → decode (see ``tests/pdf``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from simulator.pdf.barcode_data import valid_data
from simulator.pdf.barcode_names import READ_FORMATS, from_zxing
from simulator.pdf.model import Barcode
from simulator.pdf.symbology import Geometry, Hexagonal, Linear, Matrix, encode

__all__ = [
    "ADDON_HOSTS",
    "READ_FORMATS",
    "draw_barcode",
    "draw_barcodes",
    "from_zxing",
    "group_addons",
    "measure_barcode",
    "measure_barcodes",
    "valid_data",
]

PIXEL = 72 / 200  # one pixel at 200 dpi, in points
LINEAR_MODULE = 3 * PIXEL
MIN_LINEAR_MODULE = 2 * PIXEL
MAX_MATRIX_MODULE = 8 * PIXEL
MIN_MATRIX_MODULE = 3 * PIXEL
MAXICODE_WIDTH = 96.0  # points; the standard symbol is about 1.1 inch wide
ADDON_GAP = 9  # modules between an EAN/UPC symbol and its add-on
ADDON_HOSTS = ("EAN_13", "UPC_A")


def _snap(value: float) -> float:
    """Round a coordinate to the 200-dpi pixel grid."""
    return round(value / PIXEL) * PIXEL


def _runs(modules: str) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules."""
    runs: list[tuple[int, int]] = []
    start = -1
    for i, m in enumerate(modules + "0"):
        if m == "1" and start < 0:
            start = i
        elif m != "1" and start >= 0:
            runs.append((start, i - start))
            start = -1
    return runs


@dataclass(frozen=True, slots=True)
class _Plan:
    """A symbol sized for the page: geometry, module size, overall size."""

    geometry: Geometry
    addon: Linear | None
    module: float
    width: float
    height: float


def _plan_linear(main: Linear, addon: Linear | None, max_width: float, bar_height: float) -> _Plan:
    total = 2 * main.quiet + len(main.modules) + (ADDON_GAP + len(addon.modules) if addon else 0)
    module = LINEAR_MODULE
    while total * module > max_width and module > MIN_LINEAR_MODULE + 1e-9:
        module -= PIXEL
    if total * module > max_width + 1e-6:
        raise ValueError(f"a 1D symbol of {total} modules does not fit in {max_width:.0f} pt")
    return _Plan(main, addon, module, total * module, _snap(bar_height))


def _plan_matrix(symbol: Matrix, max_width: float, size: float) -> _Plan:
    span_w = len(symbol.rows[0]) + 2 * symbol.quiet
    span_h = len(symbol.rows) + 2 * symbol.quiet
    module = min(MAX_MATRIX_MODULE, max_width / span_w, size / span_h)
    module = max(MIN_MATRIX_MODULE, int(module / PIXEL + 1e-9) * PIXEL)
    if span_w * module > max_width + 1e-6:
        raise ValueError(f"a 2D symbol {span_w} modules wide does not fit in {max_width:.0f} pt")
    return _Plan(symbol, None, module, span_w * module, span_h * module)


def _plan(
    barcode: Barcode, addon: Barcode | None, max_width: float, bar_height: float, matrix_size: float
) -> _Plan:
    geometry = encode(barcode.type, barcode.data)
    if addon is not None and barcode.type not in ADDON_HOSTS:
        raise ValueError("only EAN_13 and UPC_A barcodes take an add-on")
    if isinstance(geometry, Linear):
        addon_geometry = encode(addon.type, addon.data) if addon is not None else None
        assert addon_geometry is None or isinstance(addon_geometry, Linear)
        return _plan_linear(geometry, addon_geometry, max_width, bar_height)
    if isinstance(geometry, Matrix):
        return _plan_matrix(geometry, max_width, matrix_size)
    scale = MAXICODE_WIDTH / geometry.width
    return _Plan(geometry, None, scale, (geometry.width + 2) * scale, (geometry.height + 2) * scale)


def _paint_linear(c: Canvas, plan: _Plan, main: Linear, x: float, y: float) -> None:
    module, path = plan.module, c.beginPath()
    left = x + main.quiet * module
    for start, length in _runs(main.modules):
        path.rect(left + start * module, y, length * module, plan.height)
    if plan.addon is not None:
        addon_left = left + (len(main.modules) + ADDON_GAP) * module
        addon_height = _snap(plan.height * 0.85)
        for start, length in _runs(plan.addon.modules):
            path.rect(addon_left + start * module, y, length * module, addon_height)
    c.drawPath(path, stroke=0, fill=1)


def _paint_matrix(c: Canvas, plan: _Plan, symbol: Matrix, x: float, y: float) -> None:
    module, path = plan.module, c.beginPath()
    left, top = x + symbol.quiet * module, y + plan.height - symbol.quiet * module
    for r, row in enumerate(symbol.rows):
        for start, length in _runs(row):
            path.rect(left + start * module, top - (r + 1) * module, length * module, module)
    c.drawPath(path, stroke=0, fill=1)


def _paint_hexagonal(c: Canvas, plan: _Plan, symbol: Hexagonal, x: float, y: float) -> None:
    scale = plan.module

    def page(px: float, py: float) -> tuple[float, float]:  # 1-module quiet zone, y up
        return x + (px + 1) * scale, y + (symbol.height + 1 - py) * scale

    path = c.beginPath()
    for polygon in symbol.polygons:
        path.moveTo(*page(*polygon[0]))
        for point in polygon[1:]:
            path.lineTo(*page(*point))
        path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.saveState()
    for cx, cy, radius, stroke in symbol.rings:
        c.setLineWidth(stroke * scale)
        c.circle(*page(cx, cy), radius * scale, stroke=1, fill=0)
    c.restoreState()


def group_addons(barcodes: Sequence[Barcode]) -> list[tuple[Barcode, Barcode | None]]:
    """Pair each EAN-13/UPC-A with the UPC_EAN_EXTENSION that follows it.

    Raises ``ValueError`` for an add-on that has no such host.
    """
    groups: list[tuple[Barcode, Barcode | None]] = []
    for barcode in barcodes:
        if barcode.type == "UPC_EAN_EXTENSION":
            if not groups or groups[-1][1] is not None or groups[-1][0].type not in ADDON_HOSTS:
                raise ValueError("a UPC_EAN_EXTENSION must follow an EAN_13 or UPC_A barcode")
            groups[-1] = (groups[-1][0], barcode)
        else:
            groups.append((barcode, None))
    return groups


def measure_barcode(
    barcode: Barcode,
    *,
    max_width: float,
    bar_height: float = 54.0,
    matrix_size: float = 120.0,
    addon: Barcode | None = None,
) -> tuple[float, float]:
    """The (width, height) :func:`draw_barcode` would use, quiet zone included."""
    plan = _plan(barcode, addon, max_width, bar_height, matrix_size)
    return plan.width, plan.height


def draw_barcode(
    c: Canvas,
    barcode: Barcode,
    x: float,
    y: float,
    *,
    max_width: float,
    bar_height: float = 54.0,
    matrix_size: float = 120.0,
    addon: Barcode | None = None,
) -> tuple[float, float]:
    """Draw one symbol with its quiet zone, lower-left corner at (x, y).

    ``bar_height`` is the height of 1D bars, ``matrix_size`` the largest side
    of a 2D symbol; ``max_width`` bounds the width. ``addon`` is the
    UPC_EAN_EXTENSION of an EAN-13/UPC-A. Returns (width, height) in points.
    Raises ``ValueError`` if the data cannot be encoded or does not fit.
    """
    plan = _plan(barcode, addon, max_width, bar_height, matrix_size)
    x, y = _snap(x), _snap(y)
    geometry = plan.geometry
    if isinstance(geometry, Linear):
        _paint_linear(c, plan, geometry, x, y)
    elif isinstance(geometry, Matrix):
        _paint_matrix(c, plan, geometry, x, y)
    else:
        _paint_hexagonal(c, plan, geometry, x, y)
    return plan.width, plan.height


_CAPTION = ("Courier", 8.0)


def _stack(
    c: Canvas | None,
    barcodes: Sequence[Barcode],
    x: float,
    top: float,
    max_width: float,
    sizes: tuple[float, float, float],
    center: bool,
    caption_font: tuple[str, float] | None,
) -> float:
    """Lay out (and draw, if ``c`` is given) a stack of symbols; the lowest y."""
    bar_height, matrix_size, gap = sizes
    y = top
    for barcode, addon in group_addons(barcodes):
        plan = _plan(barcode, addon, max_width, bar_height, matrix_size)
        left = x + (max_width - plan.width) / 2 if center else x
        if c is not None:
            draw_barcode(
                c,
                barcode,
                left,
                y - plan.height,
                max_width=max_width,
                bar_height=bar_height,
                matrix_size=matrix_size,
                addon=addon,
            )
        y -= plan.height
        if isinstance(plan.geometry, Linear) and caption_font is not None:
            font, size = caption_font
            if c is not None:
                c.setFont(font, size)
                caption = barcode.data if addon is None else f"{barcode.data}  {addon.data}"
                c.drawCentredString(left + plan.width / 2, y - size - 2, caption)
            y -= size + 2
        y -= gap
    return y


def draw_barcodes(
    c: Canvas,
    barcodes: Sequence[Barcode],
    x: float,
    top: float,
    *,
    max_width: float,
    bar_height: float = 54.0,
    matrix_size: float = 120.0,
    gap: float = 14.0,
    center: bool = False,
    caption_font: tuple[str, float] | None = _CAPTION,
) -> float:
    """Stack ``barcodes`` downwards from ``top``; return the lowest y used.

    Symbols are left-aligned at ``x`` (or centred in ``max_width``); an
    add-on goes beside its host. 1D symbols get their data printed under
    them in ``caption_font``, as real tickets do, unless it is ``None``.
    """
    sizes = (bar_height, matrix_size, gap)
    return _stack(c, barcodes, x, top, max_width, sizes, center, caption_font)


def measure_barcodes(
    barcodes: Sequence[Barcode],
    *,
    max_width: float,
    bar_height: float = 54.0,
    matrix_size: float = 120.0,
    gap: float = 14.0,
    caption_font: tuple[str, float] | None = _CAPTION,
) -> float:
    """The height :func:`draw_barcodes` would use with the same arguments."""
    sizes = (bar_height, matrix_size, gap)
    return -_stack(None, barcodes, 0.0, 0.0, max_width, sizes, False, caption_font)

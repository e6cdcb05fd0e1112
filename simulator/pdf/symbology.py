"""Encode barcode data into drawable geometry, one function per symbol shape.

Three shapes cover the 17 documented types:

* ``Linear``: a module string (``"1"`` dark, ``"0"`` light) for 1D symbols.
  python-barcode builds CODE_39, EAN_13, EAN_8, UPC_A, ITF and CODABAR;
  zxing-cpp's writer (zint, since zxing-cpp 3.0) builds the ones
  python-barcode lacks or gets wrong: CODE_128 (python-barcode drops the
  "99" of data starting with it), CODE_93, UPC_E, RSS_14 (DataBar Omni),
  RSS_EXPANDED (DataBar Expanded, single row) and the EAN-2/EAN-5 add-on
  (UPC_EAN_EXTENSION).
* ``Matrix``: rows of square modules from zxing-cpp's writer for QR_CODE,
  DATA_MATRIX, AZTEC and PDF_417 (a PDF417 row is several modules high in
  the writer's bitmap, which keeps its aspect ratio).
* ``Hexagonal``: MaxiCode's hexagons and bullseye rings, read from the
  writer's SVG so they stay vector shapes.

Every function raises ``ValueError`` for data its symbology cannot carry
(wrong check digit, bad characters, odd ITF length...).

Data conventions (what the decoder reports back for each type):
EAN_13/EAN_8/UPC_A/UPC_E include their check digit (UPC_A 12 digits, UPC_E
8 digits with number system and check digit); RSS_14 is the 14-digit GTIN
without the ``(01)`` prefix; RSS_EXPANDED is the bracketed GS1 string
``(01)...(3202)...``; CODABAR keeps its start/stop letters (``A123456B``);
UPC_EAN_EXTENSION is the 2 or 5 add-on digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import zxingcpp
from barcode import get_barcode_class

__all__ = [
    "Geometry",
    "Hexagonal",
    "Linear",
    "Matrix",
    "encode",
    "gs1_check_digit",
    "upce_canonical",
    "upce_to_upca",
]


@dataclass(frozen=True, slots=True)
class Linear:
    """A 1D symbol: modules left to right, without quiet zones."""

    modules: str
    quiet: int = 10


@dataclass(frozen=True, slots=True)
class Matrix:
    """A 2D symbol: rows top to bottom of square modules, without quiet zones."""

    rows: tuple[str, ...]
    quiet: int = 4


@dataclass(frozen=True, slots=True)
class Hexagonal:
    """MaxiCode: hexagon polygons and bullseye rings in module units, y down."""

    width: float
    height: float
    polygons: tuple[tuple[tuple[float, float], ...], ...]
    rings: tuple[tuple[float, float, float, float], ...]  # cx, cy, radius, stroke width


Geometry = Linear | Matrix | Hexagonal

_F = zxingcpp.BarcodeFormat
_MATRIX_FORMATS = {
    "QR_CODE": _F.QRCode,
    "DATA_MATRIX": _F.DataMatrix,
    "AZTEC": _F.Aztec,
    "PDF_417": _F.PDF417,
}
_PYBARCODE = {
    "CODE_39": "code39",
    "EAN_13": "ean13",
    "EAN_8": "ean8",
    "UPC_A": "upca",
    "ITF": "itf",
    "CODABAR": "codabar",
}
_CODE39_CHARS = re.compile(r"[0-9A-Z\-. $/+%]+")
_CODE93_CHARS = re.compile(r"[0-9A-Z\-. $/+%]+")
_CODABAR = re.compile(r"[A-D][0-9\-$:/.+]+[A-D]")
_GS1_AI = re.compile(r"(\(\d{2,4}\)[^()]+)+")


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (EAN, UPC, ITF-14, GTIN)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def upce_canonical(upce: str) -> bool:
    """Whether an 8-digit UPC-E uses the zero suppression GS1 requires.

    Each UPC-A has one UPC-E form; e.g. a 6th digit of 3 needs a 3rd digit
    of 3-9 (else the 0-2 form applies). zint refuses the other forms.
    """
    d = upce[1:7]
    last = d[5]
    if last == "3":
        return d[2] not in "012"
    if last == "4":
        return d[3] != "0"
    if last in "56789":
        return d[4] != "0"
    return True


def upce_to_upca(upce: str) -> str:
    """Expand an 8-digit UPC-E (with number system and check digit) to UPC-A."""
    ns, d, check = upce[0], upce[1:7], upce[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body + check


def _require(ok: bool, kind: str, data: str, why: str) -> None:
    if not ok:
        raise ValueError(f"cannot encode {data!r} as {kind}: {why}")


def _check_digits(kind: str, data: str, length: int) -> None:
    _require(
        data.isascii() and data.isdigit() and len(data) == length,
        kind,
        data,
        f"needs {length} digits",
    )
    _require(gs1_check_digit(data[:-1]) == data[-1], kind, data, "wrong check digit")


def _validate(kind: str, data: str) -> None:
    """Refuse data the symbology cannot carry, before any library sees it."""
    _require(bool(data), kind, data, "empty")
    if kind == "EAN_13":
        _check_digits(kind, data, 13)
    elif kind == "EAN_8":
        _check_digits(kind, data, 8)
    elif kind == "UPC_A":
        _check_digits(kind, data, 12)
    elif kind == "UPC_E":
        _require(data.isascii() and data.isdigit() and len(data) == 8, kind, data, "needs 8 digits")
        _require(data[0] in "01", kind, data, "number system must be 0 or 1")
        _require(upce_canonical(data), kind, data, "not the canonical zero suppression")
        upca = upce_to_upca(data)
        _require(gs1_check_digit(upca[:-1]) == upca[-1], kind, data, "wrong check digit")
    elif kind == "RSS_14":
        _check_digits(kind, data, 14)
    elif kind == "ITF":
        _require(
            data.isascii() and data.isdigit() and len(data) % 2 == 0,
            kind,
            data,
            "needs an even digit count",
        )
        _require(len(data) >= 6, kind, data, "needs at least 6 digits")
    elif kind == "CODABAR":
        _require(
            _CODABAR.fullmatch(data) is not None,
            kind,
            data,
            "needs A-D start/stop around 0-9-$:/.+",
        )
    elif kind == "CODE_39":
        _require(_CODE39_CHARS.fullmatch(data) is not None, kind, data, "only 0-9 A-Z -. $/+%")
    elif kind == "CODE_93":
        _require(_CODE93_CHARS.fullmatch(data) is not None, kind, data, "only 0-9 A-Z -. $/+%")
    elif kind == "CODE_128":
        _require(all(32 <= ord(ch) < 127 for ch in data), kind, data, "only printable ASCII")
    elif kind == "RSS_EXPANDED":
        _require(_GS1_AI.fullmatch(data) is not None, kind, data, "needs bracketed GS1 AIs")
    elif kind == "UPC_EAN_EXTENSION":
        _require(
            data.isascii() and data.isdigit() and len(data) in (2, 5),
            kind,
            data,
            "needs 2 or 5 digits",
        )
    elif kind == "MAXICODE":
        _require(all(32 <= ord(ch) < 127 for ch in data), kind, data, "only printable ASCII")
        _require(len(data) <= 93, kind, data, "at most 93 characters")


def _zxing_rows(fmt: zxingcpp.BarcodeFormat, data: str) -> list[str]:
    """The writer's 1-pixel-per-module bitmap as rows of "0"/"1"."""
    image: Any = zxingcpp.create_barcode(data, fmt).to_image(scale=1, add_quiet_zones=False)
    height, width = image.shape
    raw = memoryview(image).tobytes()  # an 8-bit grayscale buffer
    return [
        "".join("1" if v < 128 else "0" for v in raw[r * width : (r + 1) * width])
        for r in range(height)
    ]


def _pybarcode(kind: str, data: str) -> str:
    name = _PYBARCODE[kind]
    options: dict[str, object] = {}
    code = data
    if kind == "CODE_39":
        options["add_checksum"] = False
    elif kind in ("ITF", "CODABAR"):
        options.update(narrow=1, wide=3)
    elif kind in ("EAN_13", "EAN_8", "UPC_A"):
        code = data[:-1]  # python-barcode appends the check digit itself
    symbol = get_barcode_class(name)(code, writer=None, **options)
    return str(symbol.build()[0])


def _hexagonal(data: str) -> Hexagonal:
    svg = zxingcpp.create_barcode(data, _F.MaxiCode).to_svg(add_quiet_zones=False)
    size = re.search(r'<svg width="([\d.]+)" height="([\d.]+)"', svg)
    if size is None:  # pragma: no cover - the writer always sizes its SVG
        raise ValueError("unexpected MaxiCode SVG")
    polygons: list[tuple[tuple[float, float], ...]] = []
    for path in re.findall(r'<path d="([^"]+)"', svg):
        for shape in path.split("Z"):
            points = tuple(
                (float(x), float(y)) for x, y in re.findall(r"[ML]([\d.]+) ([\d.]+)", shape)
            )
            if len(points) >= 3:
                polygons.append(points)
    rings = tuple(
        (float(cx), float(cy), float(r), float(sw))
        for cx, cy, r, sw in re.findall(
            r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"[^>]*stroke-width="([\d.]+)"', svg
        )
    )
    return Hexagonal(float(size.group(1)), float(size.group(2)), tuple(polygons), rings)


def encode(kind: str, data: str) -> Geometry:
    """The geometry of ``data`` in symbology ``kind`` (a documented type name)."""
    _validate(kind, data)
    try:
        if kind in _PYBARCODE:
            return Linear(_pybarcode(kind, data))
        if kind in _MATRIX_FORMATS:
            return Matrix(tuple(_zxing_rows(_MATRIX_FORMATS[kind], data)), quiet=4)
        if kind == "MAXICODE":
            return _hexagonal(data)
        if kind == "CODE_128":  # python-barcode drops a leading "99" (code set C)
            return Linear(_zxing_rows(_F.Code128, data)[0])
        if kind == "CODE_93":
            return Linear(_zxing_rows(_F.Code93, data)[0])
        if kind == "UPC_E":
            return Linear(_zxing_rows(_F.UPCE, data)[0], quiet=9)
        if kind == "RSS_14":
            return Linear(_zxing_rows(_F.DataBar, data)[0], quiet=2)
        if kind == "RSS_EXPANDED":
            return Linear(_zxing_rows(_F.DataBarExp, data)[0], quiet=2)
        if kind == "UPC_EAN_EXTENSION":
            fmt = _F.EAN2 if len(data) == 2 else _F.EAN5
            return Linear(_zxing_rows(fmt, data)[0], quiet=5)
    except Exception as exc:  # python-barcode and zxing-cpp raise their own errors
        raise ValueError(f"cannot encode {data!r} as {kind}: {exc}") from exc
    raise ValueError(f"unknown barcode type {kind!r}")

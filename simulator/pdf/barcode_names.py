"""zxing-cpp's barcode results under the decoder's documented type names.

The 1Ticket glossary uses Java ZXing's names; zxing-cpp names and splits
things differently: DataBar is RSS_14 (reported here, as Java ZXing does,
as the 14-digit GTIN without the ``(01)`` prefix), DataBar Expanded is
RSS_EXPANDED, a UPC-A is read as an EAN-13 with a leading 0, a UPC-E is
expanded to 13 digits (the 8 printed digits are in the result's extras),
and an EAN-2/EAN-5 add-on (UPC_EAN_EXTENSION) comes as an extra of its
EAN/UPC symbol, read with ``ean_add_on_symbol=Read``.
"""

from __future__ import annotations

from typing import Any

import zxingcpp

from simulator.pdf.model import Barcode

__all__ = ["READ_FORMATS", "from_zxing"]

_F = zxingcpp.BarcodeFormat
#: The formats the decoder asks zxing-cpp for: the documented types, and of
#: each family only the variants Java ZXing reads (the 1Ticket type names
#: are Java ZXing's), so that e.g. a Code 39 is never reinterpreted as an
#: Italian pharmacode (Code 32), and tiny Aztec runes or Micro QR codes
#: cannot appear out of page graphics.
READ_FORMATS: tuple[zxingcpp.BarcodeFormat, ...] = (
    _F.AztecCode,
    _F.Codabar,
    _F.Code39Std,
    _F.Code93,
    _F.Code128,
    _F.DataMatrix,
    _F.EAN13,
    _F.EAN8,
    _F.ITF,
    _F.MaxiCode,
    _F.PDF417,
    _F.CompactPDF417,
    _F.QRCodeModel1,
    _F.QRCodeModel2,
    _F.DataBarOmni,
    _F.DataBarStk,
    _F.DataBarStkOmni,
    _F.DataBarExp,
    _F.DataBarExpStk,
    _F.UPCA,
    _F.UPCE,
)
_SYMBOLOGY_TYPES: dict[zxingcpp.BarcodeFormat, str] = {
    _F.Aztec: "AZTEC",
    _F.Codabar: "CODABAR",
    _F.Code39: "CODE_39",
    _F.Code93: "CODE_93",
    _F.Code128: "CODE_128",
    _F.DataMatrix: "DATA_MATRIX",
    _F.ITF: "ITF",
    _F.MaxiCode: "MAXICODE",
    _F.PDF417: "PDF_417",
    _F.QRCode: "QR_CODE",
}


def from_zxing(result: Any) -> list[Barcode]:
    """The documented barcode(s) of one zxing-cpp result.

    Usually one; an EAN/UPC symbol read with its add-on gives two (the
    symbol, then a ``UPC_EAN_EXTENSION``). Formats outside the documented
    glossary give none.
    """
    fmt, symbology, text = result.format, result.symbology, result.text
    extra: dict[str, Any] = result.extra or {}
    if symbology == _F.DataBar:
        if fmt in (_F.DataBarExp, _F.DataBarExpStk):
            return [Barcode(text, "RSS_EXPANDED")]
        return [Barcode(text.removeprefix("(01)"), "RSS_14")]
    if symbology == _F.EANUPC:
        return _from_eanupc(fmt, text, extra)
    kind = _SYMBOLOGY_TYPES.get(symbology)
    return [Barcode(text, kind)] if kind else []


def _from_eanupc(fmt: zxingcpp.BarcodeFormat, text: str, extra: dict[str, Any]) -> list[Barcode]:
    addon = str(extra.get("EanAddOn") or "")
    main = text.replace(" ", "")
    if addon and main.endswith(addon):
        main = main[: -len(addon)]
    if fmt in (_F.EAN2, _F.EAN5):
        return [Barcode(main, "UPC_EAN_EXTENSION")]
    if fmt == _F.UPCE:
        symbol = Barcode(str(extra.get("UPCE") or main[-8:]), "UPC_E")
    elif fmt == _F.EAN8:
        symbol = Barcode(main, "EAN_8")
    elif fmt == _F.UPCA or (len(main) == 13 and main.startswith("0")):
        symbol = Barcode(main[-12:], "UPC_A")
    else:
        symbol = Barcode(main, "EAN_13")
    return [symbol, Barcode(addon, "UPC_EAN_EXTENSION")] if addon else [symbol]

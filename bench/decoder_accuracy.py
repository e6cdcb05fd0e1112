"""Accuracy of the decoder per field: on the fpdf2 corpus and on randomised layouts.

    .venv/bin/python bench/decoder_accuracy.py [--layouts 2000]

The corpus is ``tests/pdf/corpus.py`` (36 pages, 12 hand-made layouts in
three fonts, drawn with fpdf2); the randomised layouts are
:func:`simulator.pdf.varied.varied_ticket` for seeds 0..N-1. Prints, per
field, how many printed values read back exactly, and the barcode rate.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.pdf.decode import decode_pdf
from simulator.pdf.model import Barcode
from simulator.pdf.varied import expected_fields, render_varied, varied_ticket
from tests.pdf.corpus import CASES, expected, render_case

Sample = tuple[bytes, dict[str, Any], list[Barcode]]


def _corpus() -> Iterable[Sample]:
    for case in CASES:
        yield render_case(case), expected(case), [case.barcode]


def _varied(count: int) -> Iterable[Sample]:
    for seed in range(count):
        varied = varied_ticket(seed)
        yield render_varied(varied), expected_fields(varied), varied.ticket.barcodes


def _report(title: str, samples: Iterable[Sample]) -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    pages = barcodes_ok = 0
    for data, wanted, barcodes in samples:
        [ticket] = decode_pdf(data)
        decoded = ticket.to_dict()
        pages += 1
        barcodes_ok += ticket.barcodes == barcodes
        for name, value in wanted.items():
            total[name] += 1
            right[name] += decoded[name] == value
    print(f"{title}: {pages} pages")
    for name in sorted(total):
        share = 100 * right[name] / total[name]
        print(f"  {name:<12} {right[name]:>5}/{total[name]:<5} {share:6.2f} %")
    fields = sum(right.values()), sum(total.values())
    print(f"  all fields   {fields[0]:>5}/{fields[1]:<5} {100 * fields[0] / fields[1]:6.2f} %")
    print(f"  barcodes     {barcodes_ok:>5}/{pages:<5} {100 * barcodes_ok / pages:6.2f} % of pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--layouts", type=int, default=2000)
    args = parser.parse_args()
    _report("corpus (fpdf2)", _corpus())
    _report("randomised layouts", _varied(args.layouts))


if __name__ == "__main__":
    main()

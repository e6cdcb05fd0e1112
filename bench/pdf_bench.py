"""Benchmark of the PDF package: generation and decoding speed, barcode recovery.

    .venv/bin/python bench/pdf_bench.py [--pages 200] [--seed 1] [--dpi 200]

Generates ``--pages`` synthetic tickets (producers and symbologies mixed:
every third ticket uses one of the 17 types in turn, the others their
producer's default), renders them into one PDF, then decodes it in this one
process pinned to one core. Prints pages generated per second, pages
decoded per second, the barcode recovery rate (barcodes read back exactly,
data and type, over barcodes drawn) and the rate of pages whose every field
reads back. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.pdf.decode import decode_pdf
from simulator.pdf.model import BARCODE_TYPES, TicketFields
from simulator.pdf.producers import PRODUCERS
from simulator.pdf.render import expected_decode, render_tickets
from simulator.pdf.synth import TicketFactory


def _pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to core {core}"
    return "not pinned (no sched_setaffinity)"


def _tickets(pages: int, seed: int) -> list[TicketFields]:
    factory = TicketFactory(seed)
    producers = sorted(PRODUCERS)
    return [
        factory.ticket(
            producers[i % len(producers)], BARCODE_TYPES[(i // 3) % 17] if i % 3 == 0 else None
        )
        for i in range(pages)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--out", type=Path, help="keep the generated PDF here")
    args = parser.parse_args()
    pinned = _pin_to_one_core()

    start = time.perf_counter()
    tickets = _tickets(args.pages, args.seed)
    synthesized = time.perf_counter()
    data = render_tickets(tickets)
    rendered = time.perf_counter()
    if args.out:
        args.out.write_bytes(data)

    decoded = decode_pdf(data, dpi=args.dpi)
    finished = time.perf_counter()

    drawn = sum(len(t.barcodes) for t in tickets)
    recovered = 0
    exact_pages = 0
    for page, (ticket, result) in enumerate(zip(tickets, decoded, strict=True), start=1):
        expected = expected_decode(ticket, page)
        remaining = list(result.barcodes)
        for barcode in expected.barcodes:
            if barcode in remaining:
                remaining.remove(barcode)
                recovered += 1
        exact_pages += expected == result

    print(f"pages                 {args.pages} ({len(data) / 1024:.0f} KiB, {pinned})")
    print(f"synthesize            {args.pages / (synthesized - start):8.1f} tickets/s")
    print(f"render                {args.pages / (rendered - synthesized):8.1f} pages/s")
    print(f"generate (both)       {args.pages / (rendered - start):8.1f} pages/s")
    decode_rate = args.pages / (finished - rendered)
    print(f"decode at {args.dpi} dpi      {decode_rate:8.1f} pages/s (one core)")
    print(f"barcode recovery      {recovered}/{drawn} = {100 * recovered / drawn:.2f} %")
    print(
        f"pages fully decoded   {exact_pages}/{args.pages} = {100 * exact_pages / args.pages:.2f} %"
    )


if __name__ == "__main__":
    main()

"""Benchmark of the PDF package: generation and decoding speed, barcode recovery.

    .venv/bin/python bench/pdf_bench.py [--pages 200] [--seed 1] [--dpi 200] [--workers 1]

Generates ``--pages`` synthetic tickets (producers and symbologies mixed:
every third ticket uses one of the 17 types in turn, the others their
producer's default), renders them into one PDF, then decodes it: with
``--workers 1`` (the default) in this one process pinned to one core; with
``--workers N`` on the decoder's pool of N processes (started and warmed
before the clock starts, as in a running server), then also with one
worker for comparison, best of ``--repeat`` runs each. Prints pages generated per second, pages
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


def _best_rate(data: bytes, dpi: int, workers: int, repeat: int) -> float:
    """Pages per second decoding ``data`` on ``workers`` processes, best of ``repeat``."""
    pages = len(decode_pdf(data, dpi=dpi, workers=workers))  # warm the pool
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        decode_pdf(data, dpi=dpi, workers=workers)
        best = min(best, time.perf_counter() - start)
    return pages / best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--out", type=Path, help="keep the generated PDF here")
    parser.add_argument("--workers", type=int, default=1, help="decoding processes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting (best kept)")
    args = parser.parse_args()
    pinned = _pin_to_one_core() if args.workers == 1 else f"{args.workers} workers"

    start = time.perf_counter()
    tickets = _tickets(args.pages, args.seed)
    synthesized = time.perf_counter()
    data = render_tickets(tickets)
    rendered = time.perf_counter()
    if args.out:
        args.out.write_bytes(data)

    decoded = decode_pdf(data, dpi=args.dpi, workers=args.workers)
    finished = time.perf_counter()
    if args.workers > 1:
        rates = {w: _best_rate(data, args.dpi, w, args.repeat) for w in (1, args.workers)}

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
    if args.workers > 1:
        for w, rate in rates.items():
            print(f"decode at {args.dpi} dpi      {rate:8.1f} pages/s ({w} worker(s), best)")
        print(f"speed-up              {rates[args.workers] / rates[1]:8.2f} x")
    else:
        decode_rate = args.pages / (finished - rendered)
        print(f"decode at {args.dpi} dpi      {decode_rate:8.1f} pages/s (one core)")
    print(f"barcode recovery      {recovered}/{drawn} = {100 * recovered / drawn:.2f} %")
    print(
        f"pages fully decoded   {exact_pages}/{args.pages} = {100 * exact_pages / args.pages:.2f} %"
    )


if __name__ == "__main__":
    main()

"""Benchmark of the post-sale engine: 1,000 sales through their whole post-sale life.

    .venv/bin/python bench/postsale_bench.py [--sales 1000] [--delivery PDF]

An in-memory simulator on a frozen clock invoices ``--sales`` sales (one seat
each, through the domain, not HTTP), with the marketplace and the broker
registered at a reference receiver served on a loopback port. The clock is
advanced through each sale's life (confirm, fulfill with a rendered ticket
PDF, get-order polls, sale notifications); the run ends when every delivery
has succeeded. Prints deliveries per second (real time from the first
invoice until the last delivery succeeded) and peak memory (tracemalloc,
plus the process's max RSS). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.runtime import Simulator
from simulator.services.callbacks import registrations
from simulator.services.callbacks.receiver import Receiver
from simulator.services.callbacks.tables import deliveries
from simulator.services.platform.marketplaces import by_name
from simulator.services.sales import domain as sales
from tests.served import served


def _document(count: int) -> dict[str, Any]:
    seats = [str(n) for n in range(1, count + 1)]
    return {
        "marketplaces": [{"id": 1, "name": "Stubhub"}],
        "brokers": [{"user_id": 8060, "broker_id": "BRK8060", "name": "B", "email": "b@x.test"}],
        "api_keys": [],
        "events": [{"id": 1, "name": "Mets at Braves", "venue_name": "Truist Park",
                    "venue_city": "Atlanta", "event_date": "2031-05-19T23:20:00+00:00"}],
        "listings": [{"listing_id": "L1", "user_id": 8060, "event_id": 1, "section": "21",
                      "price": 10.0, "seats": {"A": seats}}],
    }


def _counts(sim: Simulator) -> dict[str, int]:
    rows = sim.query(lambda conn: conn.execute(
        select(deliveries.c.status, func.count()).group_by(deliveries.c.status)).all())
    return {status: count for status, count in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--delivery", default="PDF")
    parser.add_argument("--trace-memory", action="store_true",
                        help="Peak Python memory with tracemalloc (slows the run ~2x).")
    args = parser.parse_args()
    if args.trace_memory:
        tracemalloc.start()
    sim = Simulator(SimConfig(db=":memory:", clock=ClockMode.FROZEN))
    sim.load_fixtures(_document(args.sales))
    receiver = Receiver()
    with served(receiver.app()) as url:
        market = sim.query(by_name, "Stubhub")
        sim.run(lambda conn, now: registrations.register_marketplace(
            conn, market, {"base_url": f"{url}/mp", "secret": "s"}))
        sim.run(lambda conn, now: registrations.register_webhook(
            conn, 8060, {"url": f"{url}/hook", "secret": "s"}))
        started = time.perf_counter()
        for n in range(1, args.sales + 1):
            request = sales.SaleRequest(f"B-{n}", "BRK8060", "L1", "21",
                                        (sales.SeatRequest("A", str(n)),),
                                        delivery_option=args.delivery)
            sim.run(sales.create_invoice, market, request, sales.Payout(35.5))
        invoiced = time.perf_counter() - started
        for minutes in (1, 5, 60, 60 * 48):
            sim.change_clock(lambda clock, m=minutes: clock.advance(timedelta(minutes=m)))
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            counts = _counts(sim)
            if set(counts) <= {"SUCCEEDED", "FAILED"}:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
    counts = _counts(sim)
    total = sum(counts.values())
    _current, peak = tracemalloc.get_traced_memory() if args.trace_memory else (0, 0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.sales} {args.delivery} sales: {total} deliveries {counts} "
          f"in {elapsed:.1f} s ({invoiced:.1f} s invoicing) -> {total / elapsed:.0f} "
          f"deliveries/s; receiver got {len(receiver.received)}; "
          f"peak traced memory {peak / 2**20:.0f} MiB, max RSS {rss_mb:.0f} MiB")
    sim.close()


if __name__ == "__main__":
    main()

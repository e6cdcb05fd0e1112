"""Journal memory: RSS after 10,000 and after 1,000,000 journaled requests.

Requests go through the real journal middleware (``Journaling``) of a real
simulator, with the default ring (10,000 entries) and body limit, around a
trivial inner app, so the figure is the journal's own cost, not the
services'. The journal is bounded: RSS after 1,000,000 requests must stay
within 10 % of RSS after 10,000 (the ring is full by then).

    .venv/bin/python bench/journal_bench.py [--requests 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import time
from pathlib import Path
from typing import Any

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.core.http.journal import Journaling
from simulator.core.http.steering import steering_of
from simulator.runtime import Simulator

BODY = json.dumps({"order_id": "o" * 20, "hold_length": 5, "section": "211", "broker": "BRK8060",
                   "listing_id": "87000000", "tickets": [{"row": "B", "seat": str(s)}
                                                         for s in range(8)]}).encode()
ANSWER = json.dumps({"message": "Successfully reserved requested tickets",
                     "tickets": [{"row": "B", "seat": str(s)} for s in range(8)]}).encode()


def rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def inner(_scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": ANSWER})


async def drive(middleware: Journaling, count: int, start: int) -> None:
    async def send(_message: Any) -> None:
        return None

    for number in range(start, start + count):
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": BODY, "more_body": False}

        scope = {"type": "http", "method": "POST", "path": "/sales/v1/Stubhub",
                 "query_string": f"n={number}".encode(), "scheme": "http",
                 "headers": [(b"host", b"127.0.0.1:8080"), (b"x-api-key", b"secret"),
                             (b"content-type", b"application/json")]}
        await middleware(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--warm", type=int, default=10_000)
    args = parser.parse_args()
    simulator = Simulator(SimConfig(db=":memory:", clock=ClockMode.FROZEN))
    steering = steering_of(simulator)
    middleware = Journaling(inner, steering)
    started = time.perf_counter()
    asyncio.run(drive(middleware, args.warm, 0))
    gc.collect()
    warm = rss_mb()
    asyncio.run(drive(middleware, args.requests - args.warm, args.warm))
    gc.collect()
    final = rss_mb()
    elapsed = time.perf_counter() - started
    journal = steering.journal
    growth = (final - warm) / warm * 100
    print(f"journal size {journal.size}, body bytes {journal.body_bytes}, "
          f"entries kept {len(journal)}, recorded {journal.recorded}")
    print(f"RSS after {args.warm:,} requests: {warm:.1f} MB")
    print(f"RSS after {args.requests:,} requests: {final:.1f} MB ({growth:+.1f} %)")
    print(f"{args.requests / elapsed:,.0f} journaled requests/s through the middleware")
    simulator.close()
    if abs(growth) > 10:
        raise SystemExit("RSS grew by more than 10 %: the journal is not bounded")


if __name__ == "__main__":
    main()

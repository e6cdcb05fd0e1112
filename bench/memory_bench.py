"""Flat memory: the server's RSS after 10,000 mixed requests and after many more.

Starts ``ticketsim serve`` (pinned to core 0, file-backed SQLite) and drives a
mix with wrk (pinned to core 1): a hold of a new seat, the order status of a
fixture order, a page of primary transfers, a hold with a bad body (400) and
a hold of an unknown listing (404), in turn. wrk runs in chunks; the RSS of
the server (``/proc/<pid>/status``) is read after each, and the figure
compared is RSS after ``--requests`` against RSS after 10,000 (target: within
10 %). One million requests take about half an hour at this server's speed
on a loaded machine; ``--requests`` sets a shorter run.

    python bench/memory_bench.py [--requests 1000000] [--listings 5000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import (
    Line,
    free_port,
    machine,
    rss_mb,
    running,
    ticketsim_command,
    write_lines,
    wrk,
)
from run import JSON_HEADERS, SALES, hold_lines, order_line, transfers_line

from simulator import fixturegen

WARM = 10_000
TARGET_GROWTH = 0.10


def mixed_lines(document: dict) -> list[Line]:
    holds = hold_lines(document, "Stubhub")
    order, transfers = order_line(document), transfers_line()
    bad = Line("POST", f"{SALES}/Stubhub", JSON_HEADERS, {"order_id": "x", "hold_length": "20"})
    unknown = Line("POST", f"{SALES}/Stubhub", JSON_HEADERS, {
        **holds[0].body, "order_id": "bench-unknown", "listing_id": "no-such-listing"})
    lines: list[Line] = []
    for hold in holds:
        lines += [hold, order, transfers, bad, unknown]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--chunk-seconds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        document = fixturegen.generate(seed=11, listings=args.listings)
        fixtures = tmp / "fixtures.json"
        fixturegen.write(document, fixtures)
        requests = write_lines(mixed_lines(document), tmp / "mixed.tsv")
        port = free_port()
        order = order_line(document)
        with running(ticketsim_command(port, tmp / "memory.sqlite3", fixtures), port,
                     order.path, order.headers) as server:
            start = rss_mb(server.pid)
            done, warm_rss, curve = 0, None, []
            while done < args.requests:
                seconds = 2 if warm_rss is None else args.chunk_seconds
                got = wrk(port, requests, seconds)
                done += got.requests
                rss = rss_mb(server.pid)
                curve.append((done, rss))
                print(f"  after {done:9d} requests: RSS {rss:7.1f} MB  ({got.show()})",
                      flush=True)
                if warm_rss is None and done >= WARM:
                    warm_rss = (done, rss)
            assert warm_rss is not None
            end = curve[-1]
    growth = end[1] / warm_rss[1] - 1
    print(f"memory benchmark: {machine()}; RSS at start {start:.1f} MB")
    print(f"  RESULT RSS after {warm_rss[0]} requests {warm_rss[1]:.1f} MB, after {end[0]} "
          f"{end[1]:.1f} MB: {100 * growth:+.1f} % "
          f"(target within {100 * TARGET_GROWTH:.0f} %: "
          f"{'met' if abs(growth) <= TARGET_GROWTH else 'MISSED'})")


if __name__ == "__main__":
    main()

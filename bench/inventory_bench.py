"""Inventory scale benchmark: filtered pages of GET /tickets (1,000,000 tickets) and
GET /transfers (100,000 transfers), through the whole app, on a file SQLite database.

Rows are generated straight into the database with bulk inserts (one tenant,
user 8060, holds them all: the worst case for its queries). Prints ms per
request (median and p95 over repeated requests). Not part of the tests.

    .venv/bin/python bench/inventory_bench.py [--tickets N] [--transfers N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.config import SimConfig
from simulator.core.clock import ClockMode

HEADERS = {"Authorization": "Bearer sim-broker-key"}
BASE = "/inventory1ticket/public/v1"
USER = 8060
ACCOUNTS = range(3_000_000, 3_000_050)
EVENTS = [f"{away} at {home}" for away in ("Cubs", "Mets", "Braves", "Dodgers", "Astros")
          for home in ("Giants", "Mariners", "Rangers", "Yankees")]
START = datetime(2027, 1, 1, 13, 5)


def fill(engine: object, tickets: int, transfers: int) -> None:
    rng = random.Random(7)
    raw = engine.raw_connection()  # type: ignore[attr-defined]
    cur = raw.cursor()
    cur.execute("BEGIN")
    cur.executemany("INSERT INTO primary_accounts VALUES (?, ?, ?, ?, ?)",
                    [(a, USER, f"bench{a}", "Ticketmaster", 1) for a in ACCOUNTS])
    batch = []
    for n in range(tickets):
        event = EVENTS[n % len(EVENTS)]
        when = START + timedelta(days=(n // 400) % 365)
        batch.append((10_000_000 + n, USER, ACCOUNTS[n % len(ACCOUNTS)], f"p{n}",
                      str(rng.randint(10**11, 10**12)), event, f"{event.split()[-1]} Park",
                      when.isoformat(sep=" "), str(100 + n % 200), "ABCDEFGH"[n % 8],
                      str(n % 30), 0, int(n % 50 == 0)))
        if len(batch) == 50_000:
            cur.executemany("INSERT INTO inventory_tickets VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    if batch:
        cur.executemany("INSERT INTO inventory_tickets VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    durations = json.dumps({"recall_seconds": 20})
    rows, requests, links = [], [], []
    for n in range(transfers):
        transfer_id = 1_000_000 + n
        started = START - timedelta(days=400) + timedelta(minutes=5 * n)
        rows.append((transfer_id, USER, started.isoformat(sep=" "), f"order-{n}",
                     f"inv-{n}", "stubhub", "buyer@x.test", "Ann", "Lee", None, "EMAILED",
                     None, 0))
        requests.append((transfer_id, transfer_id, 0, ACCOUNTS[n % len(ACCOUNTS)], "bench",
                         "Ticketmaster", "tradedesk", None, "EMAILED", "0" * 32, "1",
                         None, None, None, durations))
        links.append((transfer_id, 10_000_000 + (n * 7) % tickets))
    cur.executemany("INSERT INTO inventory_transfers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    cur.executemany("INSERT INTO transfer_requests VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    requests)
    cur.executemany("INSERT INTO transfer_tickets VALUES (?, ?)", links)
    cur.execute("COMMIT")
    cur.execute("ANALYZE")
    raw.close()


def timed(client: TestClient, path: str, params: dict[str, object], repeat: int) -> str:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(BASE + path, params=params, headers=HEADERS)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.text
    body = response.json()
    count = body["count"]
    page = len(body.get("tickets", body.get("transfers", [])))
    samples.sort()
    return (f"GET {path} {params}: count {count}, page {page}: median "
            f"{statistics.median(samples):.1f} ms, p95 {samples[int(len(samples) * .95) - 1]:.1f}"
            " ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--transfers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(SimConfig(db=str(Path(folder) / "bench.db"), clock=ClockMode.FROZEN))
        began = time.perf_counter()
        fill(app.simulator.store.engine, args.tickets, args.transfers)  # type: ignore[attr-defined]
        print(f"generated {args.tickets:,} tickets and {args.transfers:,} transfers in "
              f"{time.perf_counter() - began:.0f} s")
        with TestClient(app) as client:
            for path, params in (
                ("/tickets", {"account_id": "3000007", "date_from": "2027-03-01",
                              "date_to": "2027-03-31", "page_size": 50}),
                ("/tickets", {"event": "cubs at giants", "date_from": "2027-06-01",
                              "date_to": "2027-06-07", "page_size": 100}),
                ("/tickets", {"section": "215", "row": "H", "seat": "25", "page_size": 100}),
                ("/tickets", {"page_size": 100, "page": 3}),
                ("/transfers", {"date_time_from": "2026-01-01", "date_time_to": "2026-01-03",
                                "page_size": 50}),
                ("/transfers", {"order_id": "order-77777"}),
                ("/transfers", {"account_id": "3000007", "page_size": 50, "page": 2}),
                ("/transfers", {"page_size": 100, "page": 5}),
            ):
                print(timed(client, path, params, args.repeat))


if __name__ == "__main__":
    main()

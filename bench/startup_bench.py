"""How soon ``ticketsim serve`` answers its first request, on the default fixtures.

Starts ``ticketsim serve`` (pinned to core 0) on a fresh database file and
polls ``GET /sales/v1/{marketplace}/order`` of a fixture order every 10 ms
until it answers 200; then again on the database the first start left (a
restart). Prints the median of ``--runs`` starts of each kind. Target: 1 s.

    python bench/startup_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from common import BROKER_KEY, free_port, machine, stop, ticketsim_command, wait_answering

from simulator import fixturegen

TARGET_SECONDS = 1.0


def first_answer(db: Path, path: str) -> float:
    port = free_port()
    server = subprocess.Popen(ticketsim_command(port, db, None), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        return wait_answering(port, server, path, {"x-api-key": BROKER_KEY}, timeout=60)
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    document = fixturegen.load_default()
    order = document["orders"][0]
    names = {m["id"]: m["name"] for m in document["marketplaces"]}
    path = (f"/sales/v1/{names[order['marketplace_id']]}/order?user_id={order['user_id']}"
            f"&order_id={order['order_id']}")
    fresh, restart = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            db = Path(tmp) / f"start-{run}.sqlite3"
            fresh.append(first_answer(db, path))
            restart.append(first_answer(db, path))
    print(f"start-up benchmark: {machine()}")
    for name, found in (("fresh database", fresh), ("restart", restart)):
        median = statistics.median(found)
        print(f"  RESULT first answer after start, {name}: median {median:.2f} s "
              f"(min {min(found):.2f}, max {max(found):.2f}, {len(found)} runs); "
              f"target {TARGET_SECONDS:.0f} s: {'met' if median <= TARGET_SECONDS else 'MISSED'}")


if __name__ == "__main__":
    main()

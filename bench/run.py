"""Hold throughput and latency of one simulator process pinned to one core.

Starts ``ticketsim serve`` on a loopback port with a large generated fixture
set, drives ``POST /sales/v1/{marketplace}`` holds with wrk (pinned to the
other core; every request holds a different free seat for a new order), and
prints requests/s and p50/p99 latency. Not a test: figures go in the README.

    python bench/run.py [--seconds 15] [--connections 32] [--listings 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulator import fixturegen

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed for the benchmark: apt-get install wrk")
    return found


def hold_bodies(document: dict, out: Path) -> int:
    """One hold body per free seat of every listing, each for a new order."""
    sold = {(o["listing_id"], s["row"], s["seat"]) for o in document["orders"]
            for s in o["seats"]}
    brokers = {b["user_id"]: b["broker_id"] for b in document["brokers"]}
    count = 0
    with out.open("w") as handle:
        for listing in document["listings"]:
            for row, seats in listing["seats"].items():
                for seat in seats:
                    if (listing["listing_id"], row, seat) in sold:
                        continue
                    body = {"order_id": f"bench-{count}", "hold_length": 20,
                            "section": listing["section"],
                            "broker": brokers[listing["user_id"]],
                            "listing_id": listing["listing_id"],
                            "tickets": [{"row": row, "seat": seat}]}
                    handle.write(json.dumps(body) + "\n")
                    count += 1
    return count


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--listings", type=int, default=20000)
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = Path(tmp) / "fixtures.json"
        document = fixturegen.generate(seed=11, listings=args.listings)
        fixturegen.write(document, fixtures)
        holds = Path(tmp) / "holds.json"
        bodies = hold_bodies(document, holds)
        port = free_port()
        server = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, "-m", "simulator.cli", "serve",
             "--port", str(port), "--db", str(Path(tmp) / "bench.sqlite3"),
             "--fixtures", str(fixtures), "--clock", "frozen"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port)
            result = subprocess.run(
                ["taskset", "-c", "1", wrk, "-t1", f"-c{args.connections}",
                 f"-d{args.seconds}s", "-s", str(HERE / "hold.lua"), "--latency",
                 f"http://127.0.0.1:{port}"],
                env={**os.environ, "HOLDS_FILE": str(holds)}, capture_output=True, text=True,
                check=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH")), "")
    figures = dict(re.findall(r"(\w+)=([\d.]+)", line))
    print(f"hold benchmark: server pinned to 1 core, file-backed SQLite (WAL), "
          f"{args.connections} connections, {args.seconds} s, {bodies} distinct seats")
    print(f"  throughput: {figures.get('rps')} holds/s   p50 {figures.get('p50_ms')} ms   "
          f"p99 {figures.get('p99_ms')} ms   non-2xx {figures.get('non2xx')}   "
          f"socket errors {figures.get('errors')}")


if __name__ == "__main__":
    main()

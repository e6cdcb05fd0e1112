"""Scale-out benchmark: N workers on one SQLite file, and 3 replicas over one PostgreSQL.

1. ``serve --workers 1`` vs ``--workers 2`` on one SQLite file, holds driven
   by wrk (``bench/hold.lua``, one free seat per request). The servers use
   cores 0-1 (``taskset``); wrk runs pinned to core 1, so with two workers
   the load generator shares a core with one of them.
2. Three ``serve --db postgresql://...`` replicas over one throwaway
   PostgreSQL (``scripts/with-postgres`` sets ``TICKETSIM_TEST_DB``), one
   wrk per replica replaying the *same* seats (every seat is contended by
   three replicas), while a thread advances the shared clock through the
   replicas in turn so hold-expiry timers fire on all of them. Reports
   holds/s, p99, seats held by two live holds (must be 0) and timer
   refirings (must be 0), read from the database afterwards.

    python bench/scale_bench.py [--seconds 10]            # part 1 only
    scripts/with-postgres python bench/scale_bench.py     # both parts
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.run import ensure_wrk, free_port, wait_for  # noqa: E402
from tests.scale.cluster import free_seats  # noqa: E402


def write_holds(path: Path, count: int) -> None:
    with path.open("w") as handle:
        for n, seat in enumerate(free_seats(count)):
            handle.write(json.dumps({**seat, "order_id": f"bench-{n}", "hold_length": 1}) + "\n")


def serve(db: str, workers: int, cpus: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    server = subprocess.Popen(
        ["taskset", "-c", cpus, sys.executable, "-m", "simulator.cli", "serve", "--port",
         str(port), "--db", db, "--workers", str(workers), "--clock", "frozen"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(port)
    for _ in range(100):  # every worker answers (the parent binds before they start)
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sim/clock", timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return server, port


def stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, 15)
    server.wait(timeout=20)


def wrk(port: int, holds: Path, seconds: int, connections: int, cpu: str
        ) -> dict[str, float]:
    result = subprocess.run(
        ["taskset", "-c", cpu, ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s",
         "-s", str(HERE / "hold.lua"), "--latency", f"http://127.0.0.1:{port}"],
        env={**os.environ, "HOLDS_FILE": str(holds)}, capture_output=True, text=True,
        check=True)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH")), "")
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def workers_part(seconds: int, connections: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        holds = Path(tmp) / "holds.json"
        write_holds(holds, 1000)
        rates = {}
        for workers, cpus in ((1, "0"), (2, "0,1")):
            server, port = serve(str(Path(tmp) / f"w{workers}.sqlite3"), workers, cpus)
            try:
                figures = wrk(port, holds, seconds, connections, "1")
            finally:
                stop(server)
            rates[workers] = figures.get("rps", 0.0)
            print(f"SQLite, {workers} worker(s) on core(s) {cpus}, wrk on core 1: "
                  f"{figures.get('rps')} holds/s  p50 {figures.get('p50_ms')} ms  "
                  f"p99 {figures.get('p99_ms')} ms  non-2xx {figures.get('non2xx')}")
        print(f"  scaling 2 workers / 1 worker: {rates[2] / max(rates[1], 1e-9):.2f}x")


def replicas_part(db: str, seconds: int, connections: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        holds = Path(tmp) / "holds.json"
        write_holds(holds, 1000)
        started = [serve(db, 1, "0,1") for _ in range(3)]
        try:
            httpx.post(f"http://127.0.0.1:{started[0][1]}/_sim/reset", timeout=60)
            done = threading.Event()

            def advance() -> None:  # hold-expiry timers fire across the replicas
                turn = 0
                while not done.wait(1.0):
                    port = started[turn % 3][1]
                    httpx.post(f"http://127.0.0.1:{port}/_sim/clock/advance",
                               json={"seconds": 30}, timeout=30)
                    turn += 1

            mover = threading.Thread(target=advance)
            mover.start()
            results: list[dict[str, float]] = [{} for _ in started]
            runs = [threading.Thread(target=lambda i=i: results.__setitem__(
                i, wrk(started[i][1], holds, seconds, connections, "0,1"))) for i in range(3)]
            for run in runs:
                run.start()
            for run in runs:
                run.join()
            done.set()
            mover.join()
        finally:
            for server, _ in started:
                stop(server)
    engine = create_engine(db)
    with engine.connect() as conn:
        live = Counter((row.listing_id, seat["row"], seat["seat"])
                       for row in conn.execute(text(
                           "SELECT listing_id, seats FROM holds WHERE status = 'HELD'"))
                       for seat in row.seats)
        timers = conn.execute(text("SELECT name, fires, refires FROM timer_runs")).all()
        expired = conn.execute(text("SELECT count(*) FROM holds WHERE status = 'EXPIRED'")
                               ).scalar()
    engine.dispose()
    total = sum(r.get("rps", 0.0) for r in results)
    answered_200 = sum(r.get("requests", 0.0) - r.get("non2xx", 0.0) for r in results)
    print(f"PostgreSQL, 3 replicas (cores 0-1, wrk per replica on cores 0-1), "
          f"{connections} connections each, {seconds} s, the same seats on every replica:")
    print(f"  {total:.0f} requests/s in all, {answered_200:.0f} holds granted, "
          f"p99 {max(r.get('p99_ms', 0.0) for r in results):.2f} ms (worst replica)")
    print(f"  seats in two live holds: {sum(1 for n in live.values() if n > 1)}   "
          f"holds expired by timers: {expired}   timer refirings: "
          f"{sum(r.refires for r in timers)}   firings: "
          f"{ {r.name: r.fires for r in timers} }")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    workers_part(args.seconds, args.connections)
    db = os.environ.get("TICKETSIM_TEST_DB", "")
    if db.startswith("postgresql"):
        replicas_part(db, args.seconds, args.connections // 2)
    else:
        print("(PostgreSQL part skipped: run under scripts/with-postgres)")


if __name__ == "__main__":
    main()

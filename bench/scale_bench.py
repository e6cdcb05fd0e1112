"""Scale-out benchmark: N workers on one SQLite file, and 3 replicas over one PostgreSQL.

1. ``serve --workers 1`` next to ``--workers 2`` on one SQLite file,
   alternating, ``--rounds`` times, for two mixes driven by wrk
   (``bench/requests.lua``, 32 connections):

   - ``holds``: ``POST /sales/v1/Stubhub``, every request holding a different
     free seat (each run on a new database file): writes, which SQLite
     serialises on its one writer whatever the number of processes;
   - ``reads``: ``GET .../order`` of a fixture order and ``GET .../transfers``
     (a 25-item page) in turn: WAL readers, which run in parallel.

   One worker runs on core 0, two on cores 0-1; wrk is pinned to core 1 in
   both cases, so with two workers the load generator shares a core with one
   of them (the machine has two cores: there is no third for it).

   The machine's own peer, each round: one worker on core 0 again, while a
   busy loop keeps core 1 busy beside wrk. On this VM a process runs slower
   while the other core is busy (its vCPUs share the host's resources), which
   no server can escape: "1 worker, core 1 busy" against "1 worker" is what
   the machine takes away, and 2 workers against twice that figure is how
   far from this machine's own ceiling the simulator scales.
2. Three ``serve --db postgresql://...`` replicas over one throwaway
   PostgreSQL (``scripts/with-postgres`` sets ``TICKETSIM_TEST_DB``), one
   wrk per replica replaying the *same* seats (every seat is contended by
   three replicas, holds of one minute), while a thread advances the shared
   clock by 90 s every second through the replicas in turn, so hold-expiry
   timers fire on all of them and seats are held again. Replicas and wrk all
   share cores 0-1. Reports holds/s, p99, and from the database afterwards:
   seats held twice at once (two holds of one seat whose lifetimes overlap:
   must be 0) and timer refirings (must be 0).

Not a test: figures go in docs/scaleout.md. Absolute figures depend on the
machine's load (printed); compare the ratios measured in the same run.

    python bench/scale_bench.py [--seconds 10] [--rounds 2]     # part 1 only
    scripts/with-postgres python bench/scale_bench.py           # both parts
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import httpx
from common import (
    Figures,
    free_port,
    load_average,
    machine,
    wait_answering,
    write_lines,
    wrk,
)
from run import WARM_SECONDS, hold_lines, median, order_line, split_warm_up, transfers_line
from sqlalchemy import create_engine, text

from simulator import fixturegen
from simulator.core.store import database_url

MARKETPLACE = "Stubhub"


@contextlib.contextmanager
def busy_core(core: str | None) -> Iterator[None]:
    """Keep ``core`` busy with a Python busy loop meanwhile (None: nothing)."""
    if core is None:
        yield
        return
    loop = subprocess.Popen(["taskset", "-c", core, sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        loop.kill()
        loop.wait()


#: (label, workers, server cores, core kept busy meanwhile): one round of part 1.
SET_UPS = (("1 worker", 1, "0", None), ("1 worker, core 1 busy", 1, "0", "1"),
           ("2 workers", 2, "0,1", None))


@contextlib.contextmanager
def serving(db: str, workers: int, cpus: str) -> Iterator[tuple[int, int]]:
    """``ticketsim serve --workers N`` over ``db`` pinned to ``cpus``; its port and pid.

    Its own session, so that stopping it stops the workers it started too.
    """
    port = free_port()
    server = subprocess.Popen(
        ["taskset", "-c", cpus, sys.executable, "-m", "simulator.cli", "serve", "--port",
         str(port), "--db", db, "--workers", str(workers), "--clock", "frozen",
         "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_answering(port, server, "/_sim/clock")
        yield port, server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


def workers_part(seconds: int, rounds: int, connections: int) -> None:
    document = fixturegen.load_default()
    print(f"Part 1: SQLite file, serve --workers 1 (core 0) vs 2 (cores 0-1), wrk -t1 "
          f"-c{connections} on core 1, {seconds} s per run, {rounds} rounds")
    with tempfile.TemporaryDirectory() as tmp:
        holds, warm_holds = split_warm_up(hold_lines(document, MARKETPLACE))
        reads = [order_line(document), transfers_line()]
        files = {  # mix: (measured, warm-up)
            "holds": (write_lines(holds, Path(tmp) / "holds.tsv"),
                      write_lines(warm_holds, Path(tmp) / "holds-warm.tsv")),
            "reads": (write_lines(reads, Path(tmp) / "reads.tsv"),) * 2,
        }
        run = 0
        for mix, (requests, warm) in files.items():
            seen: dict[str, list[Figures]] = {label: [] for label, *_ in SET_UPS}
            for _ in range(rounds):
                for label, workers, cpus, busy in SET_UPS:
                    run += 1
                    with serving(str(Path(tmp) / f"run{run}.sqlite3"), workers, cpus) as (
                            port, pid), busy_core(busy):
                        wrk(port, warm, WARM_SECONDS, connections)  # every worker warmed up
                        seen[label].append(wrk(port, requests, seconds, connections,
                                               server=pid))
                    print(f"  {mix:5s} {label:22s}: {seen[label][-1].show()}  "
                          f"(load {load_average()})", flush=True)
            report(mix, seen)


def report(mix: str, seen: dict[str, list[Figures]]) -> None:
    """The ratios of one mix, by round and of the medians."""
    one, busy, two = (seen[label] for label, *_ in SET_UPS)

    def by_round(top: list[Figures], bottom: list[Figures], times: float = 1.0) -> str:
        ratios = [t.rps / max(times * b.rps, 1e-9) for t, b in zip(top, bottom, strict=True)]
        return (f"{', '.join(f'{r:.2f}x' for r in ratios)} by round, "
                f"median {statistics.median(ratios):.2f}x")

    print(f"  {mix}: 2 workers / 1 worker = {by_round(two, one)}; medians "
          f"{median(one).rps:.0f} -> {median(two).rps:.0f} req/s; server CPU per request "
          f"{median(one).cpu_ms or 0:.3f} -> {median(two).cpu_ms or 0:.3f} ms")
    print(f"  {mix}: the machine: 1 worker with core 1 busy / 1 worker = {by_round(busy, one)};"
          f" 2 workers / twice that = {by_round(two, busy, 2.0)}")


def overlapping_holds(db: str) -> tuple[int, int, int]:
    """(seats held twice at once, holds made, holds expired), read from the database."""
    engine = create_engine(database_url(db))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT listing_id, seats, created_at, expires_at, status FROM holds "
                "WHERE order_id LIKE 'bench-%'")).all()
    finally:
        engine.dispose()
    lives: dict[tuple[str, str, str], list[tuple[object, object]]] = defaultdict(list)
    for row in rows:
        for seat in row.seats:
            place = seat.get("place") or seat["seat"]  # GA: every place a seat of its own
            lives[(row.listing_id, seat["row"], place)].append(
                (row.created_at, row.expires_at))
    twice = 0
    for spans in lives.values():
        spans.sort(key=lambda span: str(span[0]))
        twice += any(str(later[0]) < str(earlier[1])
                     for earlier, later in pairwise(spans))
    expired = sum(1 for row in rows if row.status == "EXPIRED")
    return twice, len(rows), expired


def timer_counts(db: str) -> tuple[int, dict[str, int]]:
    """(refirings over all timers, firings by timer)."""
    engine = create_engine(database_url(db))
    try:
        with engine.connect() as conn:
            timers = conn.execute(text("SELECT name, fires, refires FROM timer_runs")).all()
    finally:
        engine.dispose()
    return sum(t.refires for t in timers), {t.name: t.fires for t in timers if t.fires}


def replicas_part(db: str, seconds: int, connections: int) -> None:
    document = fixturegen.load_default()
    holds = [replace(line, body={**line.body, "hold_length": 1})
             for line in hold_lines(document, MARKETPLACE)]
    print(f"Part 2: PostgreSQL, 3 replicas (serve --db postgresql://..., cores 0-1), one "
          f"wrk -t1 -c{connections} per replica (cores 0-1), {seconds} s, the same "
          f"{len(holds)} seats on every replica, clock +90 s every second "
          f"(load {load_average()})")
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        requests = write_lines(holds, Path(tmp) / "holds.tsv")
        ports = [stack.enter_context(serving(db, 1, "0,1"))[0] for _ in range(3)]
        httpx.post(f"http://127.0.0.1:{ports[0]}/_sim/reset", timeout=60).raise_for_status()
        done = threading.Event()
        advances: list[int] = []

        def advance() -> None:  # hold-expiry timers fire across the replicas
            while not done.wait(1.0):
                port = ports[len(advances) % 3]
                advances.append(httpx.post(f"http://127.0.0.1:{port}/_sim/clock/advance",
                                           json={"seconds": 90}, timeout=30).status_code)

        results: list[Figures | None] = [None] * 3

        def drive(index: int) -> None:
            results[index] = wrk(ports[index], requests, seconds, connections, cpus="0,1")

        threads = [threading.Thread(target=advance)] + [
            threading.Thread(target=drive, args=(i,)) for i in range(3)]
        for thread in threads[1:]:
            thread.start()
        threads[0].start()
        for thread in threads[1:]:
            thread.join()
        done.set()
        threads[0].join()
    figures = [f for f in results if f is not None]
    for port, found in zip(ports, figures, strict=True):
        print(f"  replica :{port}: {found.show()}")
    twice, made, expired = overlapping_holds(db)
    refires, fires = timer_counts(db)
    total = sum(f.rps for f in figures)
    print(f"  {total:.0f} hold requests/s in all (a replica repeating another's order "
          f"gets it back, 200; a seat held for another order is a 409), p99 "
          f"{max(f.p99_ms for f in figures):.1f} ms (worst replica); clock advances "
          f"{len(advances)} (non-200: {sum(1 for s in advances if s != 200)})")
    print(f"  seats held twice at once: {twice}   timer refirings: {refires}   "
          f"holds made {made} ({made / seconds:.0f}/s), expired by the timer {expired}   "
          f"firings by timer: {fires}")
    print(f"  load average after: {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--part", choices=("workers", "replicas", "both"), default="both")
    args = parser.parse_args()
    print(machine())
    if args.part in ("workers", "both"):
        workers_part(args.seconds, args.rounds, args.connections)
    if args.part in ("replicas", "both"):
        db = os.environ.get("TICKETSIM_TEST_DB", "")
        if db.startswith("postgresql"):
            replicas_part(db, args.seconds, args.connections // 2)
        else:
            print("(PostgreSQL part skipped: run under scripts/with-postgres)")


if __name__ == "__main__":
    main()

"""Throughput and latency of ticketsim next to Prism's static mock, on one core each.

Each server in turn (ticketsim, Prism, ticketsim, Prism, ...) is pinned to
core 0 and driven by wrk pinned to core 1 with 32 connections:

- ``hold``: ``POST /sales/v1/{marketplace}``, every request holding a different
  free seat for a new order (file-backed SQLite in WAL mode, request
  validation on, seat claims, expiry timers: the hold's full behaviour);
- ``order``: ``GET /sales/v1/{marketplace}/order`` of a fixture order;
- ``transfers``: ``GET /inventory1ticket/public/v1/transfers`` (a page of the
  primary-transfer service's list).

Prism (``@stoplight/prism-cli``, installed by npm into bench/.prism) mocks the
same specs from their static examples with request validation on. Without
npm the Prism rounds are skipped with a message. Then ticketsim's own cost of
response validation: the same hold and list workloads with ``serve``'s
default (validation on) and ``--no-validate-responses``, alternating.

Each round also reads the server's CPU time (every thread and child process,
from /proc) per answered request: on a shared machine the throughput of a
pinned server moves with the other load on its core, its CPU per request
much less, so the RESULT lines give both ratios.

``--baseline DIR`` adds a third server to every workload: ticketsim run from
another source tree (``git archive <rev> | tar -x -C DIR``), for before/after
ratios measured in the same run.

Not a test: figures go in docs/speed.md.

    python bench/run.py [--seconds 10] [--rounds 2] [--listings 5000] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import (
    BROKER_KEY,
    MARKETPLACE_KEY,
    Figures,
    Line,
    ensure_prism,
    free_port,
    load_average,
    machine,
    prism_command,
    running,
    ticketsim_command,
    write_lines,
    wrk,
)

from simulator import fixturegen
from simulator.core.specs import load_spec

SALES, INVENTORY = "/sales/v1", "/inventory1ticket/public/v1"
JSON_HEADERS = {"Content-Type": "application/json", "x-api-key": MARKETPLACE_KEY}


def hold_lines(document: dict, marketplace: str) -> list[Line]:
    """One hold per free seat of every listing live on ``marketplace``, each a new order."""
    sold = {(o["listing_id"], s["row"], s["seat"]) for o in document["orders"]
            for s in o["seats"]}
    brokers = {b["user_id"]: b["broker_id"] for b in document["brokers"]}
    market = next(m["id"] for m in document["marketplaces"] if m["name"] == marketplace)
    live = {b["listing_id"]: market in b["marketplaces"] for b in document["broadcasts"]}
    lines = []
    for listing in document["listings"]:
        if not live.get(listing["listing_id"], True):
            continue  # not listed on this marketplace: the hold would be a 404
        for row, seats in listing["seats"].items():
            for seat in seats:
                if (listing["listing_id"], row, seat) in sold:
                    continue
                lines.append(Line("POST", f"{SALES}/{marketplace}", JSON_HEADERS, {
                    "order_id": f"bench-{len(lines)}", "hold_length": 20,
                    "section": listing["section"], "broker": brokers[listing["user_id"]],
                    "listing_id": listing["listing_id"],
                    "tickets": [{"row": row, "seat": seat}]}))
    return lines


def order_line(document: dict) -> Line:
    order = document["orders"][0]
    names = {m["id"]: m["name"] for m in document["marketplaces"]}
    return Line("GET", f"{SALES}/{names[order['marketplace_id']]}/order"
                f"?user_id={order['user_id']}&order_id={order['order_id']}",
                {"x-api-key": BROKER_KEY})


def transfers_line() -> Line:
    return Line("GET", f"{INVENTORY}/transfers?page_size=25", {"x-api-key": BROKER_KEY})


def prism_spec(name: str, out: Path) -> Path:
    """The spec with its shared components merged in, with paths under the base path:
    Prism serves a spec's paths as written, ignoring ``servers``."""
    spec = load_spec(name)
    base = spec["servers"][0]["url"].rstrip("/")
    spec["paths"] = {base + path: item for path, item in spec["paths"].items()}
    spec["servers"] = [{"url": "/"}]
    out.write_text(json.dumps(spec))
    return out


#: Seconds of warm-up load before each measured run, and the requests it uses.
WARM_SECONDS = 1
WARM_REQUESTS = 3000


def split_warm_up(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """(measured, warm-up) requests: the warm-up takes the last :data:`WARM_REQUESTS`
    of a long list (holds: seats the measured run never reaches, so it does not replay
    holds the warm-up made), all of a short one (reads)."""
    if len(lines) <= 2 * WARM_REQUESTS:
        return lines, lines
    return lines[:-WARM_REQUESTS], lines[-WARM_REQUESTS:]


class Workload:
    """One kind of request: its request files (measured, warm-up) and the spec Prism
    mocks for it.

    Every server gets :data:`WARM_SECONDS` of the warm-up requests before it is
    measured: what is built on first use (validators, remembered routes, caches;
    Prism's too) and start-up's last collections then stay out of the figures.
    """

    def __init__(self, name: str, lines: list[Line], spec: str, tmp: Path) -> None:
        self.name = name
        measured, warm = split_warm_up(lines)
        self.file = write_lines(measured, tmp / f"{name}.tsv")
        self.warm = write_lines(warm, tmp / f"{name}-warm.tsv")
        self.spec = prism_spec(spec, tmp / f"prism-{spec}.json")
        self.ready = lines[0].path if lines[0].method == "GET" else f"{SALES}/openapi.json"
        self.ready_headers = lines[0].headers if lines[0].method == "GET" else {}


def median(figures: list[Figures]) -> Figures:
    """The round with the median throughput (the machine is shared: one round can stall)."""
    return sorted(figures, key=lambda f: f.rps)[len(figures) // 2]


def rounds(count: int, runners: dict[str, Callable[[], Figures]]) -> dict[str, Figures]:
    """Run each runner ``count`` times, alternating; the median round of each."""
    seen: dict[str, list[Figures]] = {name: [] for name in runners}
    for _ in range(count):
        for name, runner in runners.items():
            seen[name].append(runner())
            print(f"    {name:28s} {seen[name][-1].show()}", flush=True)
    return {name: median(found) for name, found in seen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--baseline", type=Path, help="another source tree to compare with")
    parser.add_argument("--only", choices=["hold", "order", "transfers"], action="append",
                        help="run only these workloads (repeatable)")
    parser.add_argument("--skip-validation-cost", action="store_true")
    args = parser.parse_args()
    prism = ensure_prism()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        document = fixturegen.generate(seed=11, listings=args.listings)
        fixtures = tmp / "fixtures.json"
        fixturegen.write(document, fixtures)
        marketplace = "Stubhub"
        holds = hold_lines(document, marketplace)
        workloads = [Workload("hold", holds, "sales.yaml", tmp),
                     Workload("order", [order_line(document)], "sales.yaml", tmp),
                     Workload("transfers", [transfers_line()], "inventory.yaml", tmp)]
        counter = iter(range(1_000_000))

        def ticketsim(work: Workload, extra: tuple[str, ...] = (),
                      source: Path | None = None) -> Callable[[], Figures]:
            def run() -> Figures:
                port = free_port()
                db = tmp / f"bench-{next(counter)}.sqlite3"  # fresh seats every round
                with running(ticketsim_command(port, db, fixtures, extra), port, work.ready,
                             work.ready_headers, source=source) as server:
                    wrk(port, work.warm, WARM_SECONDS, args.connections)
                    return wrk(port, work.file, args.seconds, args.connections, server=server.pid)
            return run

        def prism_mock(work: Workload) -> Callable[[], Figures]:
            def run() -> Figures:
                assert prism is not None
                port = free_port()
                with running(prism_command(prism, port, work.spec), port, work.ready,
                             work.ready_headers, any_status=True) as server:
                    wrk(port, work.warm, WARM_SECONDS, args.connections)
                    return wrk(port, work.file, args.seconds, args.connections, server=server.pid)
            return run

        print(f"{len(holds)} distinct seats; {args.connections} connections, "
              f"{args.seconds:g} s per round, {args.rounds} rounds, median round shown")
        for work in workloads:
            if args.only and work.name not in args.only:
                continue
            print(f"  {work.name}:")
            runners = {"ticketsim": ticketsim(work)}
            if prism is not None:
                runners["prism"] = prism_mock(work)
            if args.baseline:
                runners["baseline"] = ticketsim(work, source=args.baseline.resolve())
            got = rounds(args.rounds, runners)
            mine = got["ticketsim"]
            print(f"  RESULT {work.name}: ticketsim {mine.rps:.0f}/s (p99 {mine.p99_ms:.1f} ms)"
                  + "".join(f", {name} {peer.rps:.0f}/s (p99 {peer.p99_ms:.1f} ms): ratio "
                            f"ticketsim/{name} {mine.rps / peer.rps:.2f}x"
                            + (f" (by CPU per request {peer.cpu_ms / mine.cpu_ms:.2f}x: "
                               f"{mine.cpu_ms:.3f} against {peer.cpu_ms:.3f} ms)"
                               if mine.cpu_ms and peer.cpu_ms else "")
                            for name, peer in got.items() if name != "ticketsim"), flush=True)
        if args.skip_validation_cost:
            print(f"load average at the end: {load_average()}")
            return
        print("  response validation (serve's default) against --no-validate-responses:")
        for work in (workloads[0], workloads[2]):
            got = rounds(args.rounds, {
                f"{work.name} validated": ticketsim(work),
                f"{work.name} not validated": ticketsim(work, ("--no-validate-responses",))})
            on, off = got[f"{work.name} validated"], got[f"{work.name} not validated"]
            print(f"  RESULT {work.name} response validation costs "
                  f"{100 * (1 - on.rps / off.rps):.1f} % of throughput "
                  f"({on.rps:.0f}/s against {off.rps:.0f}/s)", flush=True)
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()

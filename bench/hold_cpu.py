"""CPU time per hold inside the app (no network), this tree against another build.

One persistent process per build (this tree, and ``--baseline DIR``: ticketsim
from another source tree, ``git archive <rev> | tar -x -C DIR``), both pinned
to core 0, each with the app built on a file database and its GC tuned as that build's
``serve`` does. The parent alternates batches of new-seat holds between them
(``POST /sales/v1/{marketplace}`` sent straight into the ASGI app) and reads
each batch's CPU time per hold: whatever else loads the shared core hits
both builds within seconds of each other, so the ratio holds better than
throughput over the network (bench/run.py). Not a test: figures go in
docs/speed.md. ``--rule JSON`` posts that fault rule (``POST /_sim/faults``)
into each build before the holds: a rule the holds do not match measures what
fault rules cost the requests they leave alone.

    python bench/hold_cpu.py [--batches 16] [--size 150] [--baseline DIR] [--rule JSON]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, SERVER_CORE, Line, load_average, machine

WARM_UP = 100  # holds before the first batch (first use of each operation's parts)


def serve_batches(fixtures: Path, rule: str | None = None) -> None:
    """Worker: build the app (with the fault ``rule``, if any), then run the batch sizes
    read from stdin, printing CPU ms/hold."""
    from run import hold_lines

    from simulator.app import create_app
    from simulator.config import SimConfig
    from simulator.workers import tune_gc

    document = json.loads(fixtures.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(SimConfig(db=f"{tmp}/sim.sqlite3", fixtures=fixtures))
        tune_gc()
        lines = iter(hold_lines(document, "Stubhub"))

        async def run(count: int) -> None:
            for _ in range(count):
                status = await call(app, next(lines))
                if status != 200:
                    sys.exit(f"a hold answered {status}")

        loop = asyncio.new_event_loop()  # one loop throughout, as a server's
        if rule is not None:
            posted = loop.run_until_complete(call(app, Line(
                "POST", "/_sim/faults", {"Content-Type": "application/json"}, json.loads(rule))))
            if posted != 201:
                sys.exit(f"the fault rule was refused ({posted})")
        loop.run_until_complete(run(WARM_UP))
        print("ready", flush=True)
        for text in sys.stdin:
            count = int(text)
            started = time.process_time()
            loop.run_until_complete(run(count))
            print(f"{(time.process_time() - started) * 1000 / count:.4f}", flush=True)
        loop.close()
        app.simulator.close()


async def call(app: Any, line: Line) -> int:
    """Send one request line into the ASGI app; its status."""
    body = json.dumps(line.body).encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in line.headers.items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": line.method, "scheme": "http", "path": line.path,
             "raw_path": line.path.encode(), "query_string": b"", "root_path": "",
             "headers": [*headers, (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))

    await app(scope, receive, send)
    return status[0]


def start(source: Path, fixtures: Path, rule: str | None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{Path(__file__).parent}",
           "PYTHONWARNINGS": "ignore"}
    worker = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, sys.executable, __file__, "--worker", str(fixtures),
         *([rule] if rule is not None else [])],
        cwd=source, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert worker.stdout is not None
    if worker.stdout.readline().strip() != "ready":
        sys.exit(f"the worker of {source} did not start")
    return worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=16)
    parser.add_argument("--size", type=int, default=150)
    parser.add_argument("--listings", type=int, default=3000)
    parser.add_argument("--baseline", type=Path, help="another source tree to compare with")
    parser.add_argument("--rule", help="a fault rule (JSON) to post into each build first")
    args = parser.parse_args()
    from simulator import fixturegen

    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        fixtures = Path(tmp) / "fixtures.json"
        fixturegen.write(fixturegen.generate(seed=11, listings=args.listings), fixtures)
        sources = {"ticketsim": ROOT}
        if args.baseline:
            sources["baseline"] = args.baseline.resolve()
        workers = {name: start(source, fixtures, args.rule) for name, source in sources.items()}
        seen: dict[str, list[float]] = {name: [] for name in workers}
        for batch in range(args.batches):
            order = list(workers.items())
            for name, worker in order if batch % 2 == 0 else reversed(order):
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write(f"{args.size}\n")
                worker.stdin.flush()
                seen[name].append(float(worker.stdout.readline()))
        for worker in workers.values():
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait()
    for name, figures in seen.items():
        print(f"  {name:10s} CPU per hold: median {statistics.median(figures):.3f} ms, "
              f"min {min(figures):.3f} ms ({args.batches} batches of {args.size})")
    if args.baseline:
        mine, base = seen["ticketsim"], seen["baseline"]
        ratio = statistics.median(mine) / statistics.median(base)
        pairwise = statistics.median(a / b for a, b in zip(mine, base, strict=True))
        print(f"  RESULT hold CPU ticketsim/baseline: median {ratio:.3f}x, "
              f"pairwise median {pairwise:.3f}x")
    print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--worker":
        serve_batches(Path(sys.argv[2]), sys.argv[3] if len(sys.argv) == 4 else None)
    else:
        main()

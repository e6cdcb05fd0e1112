"""Where a waiting long-poll's memory goes, in process: tracemalloc, by source file.

Builds the app as ``ticketsim serve`` does (in-memory database), starts a
splitter job with the PDF worker pool paused (the job stays RUNNING), then
sends ``--waiters`` concurrent ``GET /pdfs/v1/splitter/{id}/`` straight into
the ASGI app (no server, no sockets: uvicorn's per-connection objects are not
counted) and compares tracemalloc snapshots taken before and while they all
wait. Prints KB per waiter, in total and by file (the harness's own scope,
task and receive/send closures included, as a server's would be).

Memory, unlike speed, does not depend on the machine's load, so this figure
is steady where ``longpoll_bench.py``'s RSS is not. ``--baseline DIR`` runs
the same measurement on another source tree (e.g. ``git archive main``).

    python bench/longpoll_memory.py [--waiters 2000] [--top 15] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEY = b"sim-broker-key"
WARM_UP = 50


def _scope(method: str, path: str, body: bytes) -> dict[str, Any]:
    """A scope as uvicorn builds it."""
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "server": ("127.0.0.1", 8000),
            "client": ("127.0.0.1", 50000), "scheme": "http", "method": method,
            "root_path": "", "path": path, "raw_path": path.encode(), "query_string": b"",
            "state": {},
            "headers": [(b"host", b"127.0.0.1:8000"), (b"x-api-key", KEY),
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())]}


async def _call(app: Any, method: str, path: str, body: bytes,
                disconnect: asyncio.Event) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop()
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(method, path, body), receive, send)
    return sent


async def _json(app: Any, method: str, path: str, document: Any,
                disconnect: asyncio.Event) -> Any:
    sent = await _call(app, method, path, json.dumps(document).encode(), disconnect)
    return json.loads(b"".join(m.get("body", b"") for m in sent[1:]))


async def measure(waiters: int, top: int) -> dict[str, Any]:
    from simulator.app import create_app
    from simulator.config import SimConfig
    from simulator.services.pdfs.runtime import PdfJobs

    app = create_app(SimConfig(db=":memory:", long_poll_seconds=600,
                               base_url="http://127.0.0.1:8000"))
    disconnect = asyncio.Event()
    jobs = PdfJobs.of(app.simulator)
    minted = await _json(app, "POST", "/_sim/pdfs", {"count": 1, "seed": 1}, disconnect)
    jobs.pool.pause()
    job = await _json(app, "POST", "/pdfs/v1/splitter/", {"url": minted["url"]}, disconnect)
    path = f"/pdfs/v1/splitter/{job['job_id']}/"

    def start(count: int) -> list[asyncio.Task[Any]]:
        return [asyncio.create_task(_call(app, "GET", path, b"", disconnect))
                for _ in range(count)]

    async def all_waiting(count: int) -> None:
        while jobs.board.waiting() < count:
            await asyncio.sleep(0.01)

    tasks = start(WARM_UP)  # first-request caches are not a waiter's memory
    await all_waiting(WARM_UP)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    tasks += start(waiters)
    await all_waiting(WARM_UP + waiters)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    by_file = after.compare_to(before, "filename")
    total = sum(stat.size_diff for stat in by_file)
    jobs.pool.resume()
    answers = await asyncio.gather(*tasks)
    statuses = {json.loads(a[-1]["body"])["status"] for a in answers}
    app.simulator.close()
    return {
        "waiters": waiters, "kb_per_waiter": round(total / 1024 / waiters, 1),
        "answers": sorted(statuses),
        "by_file_bytes_per_waiter": {
            stat.traceback[0].filename.split("site-packages/")[-1].replace(os.getcwd() + "/", ""):
            round(stat.size_diff / waiters) for stat in by_file[:top]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiters", type=int, default=2000)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="another source tree to compare with")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(asyncio.run(measure(args.waiters, args.top))))
        return
    runs = {"ticketsim": None} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    found = {}
    for name, source in runs.items():
        env = {**os.environ, "PYTHONPATH": str(source)} if source else None
        out = subprocess.run([sys.executable, str(HERE / "longpoll_memory.py"), "--json",
                              "--waiters", str(args.waiters), "--top", str(args.top)],
                             cwd=source or HERE.parent, env=env, check=True,
                             capture_output=True, text=True).stdout
        found[name] = json.loads(out.strip().splitlines()[-1])
        print(f"{name}: {json.dumps(found[name], indent=2)}")
    mine = found["ticketsim"]["kb_per_waiter"]
    print(f"RESULT long-poll memory in process: {mine} KB a waiter "
          f"({args.waiters} waiters, tracemalloc, ASGI app only)"
          + (f"; baseline {found['baseline']['kb_per_waiter']} KB, ratio "
             f"{mine / found['baseline']['kb_per_waiter']:.2f}" if args.baseline else ""))


if __name__ == "__main__":
    main()

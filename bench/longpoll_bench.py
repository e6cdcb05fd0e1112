"""10,000 concurrent long-polls on one simulator process: its memory, and every answer in time.

Starts the simulator as a subprocess on a loopback port (this script in
``--serve`` mode: ``create_app`` + uvicorn, as ``ticketsim serve`` does;
SIGUSR2 pauses its PDF worker pool, so a job stays RUNNING until SIGUSR1).
Then:

1. mints a one-page PDF (``POST /_sim/pdfs``) and starts a splitter job on it;
2. phase "limit": opens N connections and sends ``GET /pdfs/v1/splitter/{id}``
   on each; every one must answer RUNNING within the long-poll limit + 1 s
   of being sent;
3. phase "wake": sends the GET again on every connection, lets the job run
   (SIGUSR1), and every one must answer SUCCEEDED within the limit + 1 s
   of being sent.

The server's RSS (``/proc/<pid>/status``) is sampled throughout. Not a test:
figures go in the README. Two figures have 10,000 waiting: the first phase's
peak (requests arriving at ``--rate``, on a fresh process) and the second's
(all arriving at once, after the first phase's 10,000 answers).

``--floor`` serves a bare Starlette app instead (what uvicorn and Starlette
cost a waiter, which the simulator cannot trim); ``--trace FRAMES`` prints
where the served process's memory grew between idle and all waiting
(tracemalloc slows the server: its RSS figures are then not valid).

    python bench/longpoll_bench.py [--waiters 10000] [--limit 25] [--floor]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from common import free_port, rss_mb, stop

from simulator.services.pdfs.runtime import PdfJobs

ROOT = Path(__file__).resolve().parent.parent
KEY = "sim-broker-key"


# --- the server (child process) ---------------------------------------------------------------


def serve(port: int, limit: float, http: str = "auto", loop: str = "auto",
          journal: int | None = None) -> None:
    """Run the simulator; SIGUSR2 pauses its PDF worker pool, SIGUSR1 lets it go.

    ``journal``: the request journal's size (default: ``SimConfig``'s, 10,000
    entries, full after the first phase's answers).
    """
    _trace_on_request()
    from simulator.app import create_app
    from simulator.config import SimConfig

    sizes = {} if journal is None else {"journal_size": journal}
    app = create_app(SimConfig(db=":memory:", long_poll_seconds=limit,
                               base_url=f"http://127.0.0.1:{port}", **sizes))
    pool = PdfJobs.of(app.simulator).pool
    signal.signal(signal.SIGUSR2, lambda *_: pool.pause())
    signal.signal(signal.SIGUSR1, lambda *_: pool.resume())
    gc.set_threshold(700, 10, 1000)  # as ``ticketsim serve`` does (see simulator/cli.py)
    _run_uvicorn(app, port, http, loop)


def serve_floor(port: int, limit: float, http: str = "auto", loop: str = "auto") -> None:
    """The floor: a bare Starlette app on the same uvicorn, speaking the same protocol.

    Its GET waits on one shared event (SIGUSR1 sets it) until ``limit``: what a
    waiting connection costs in uvicorn and Starlette alone, which no change to
    the simulator can trim.
    """
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    done = asyncio.Event()

    async def minted(_request: Request) -> JSONResponse:
        running = asyncio.get_running_loop()
        signal.signal(signal.SIGUSR1, lambda *_: running.call_soon_threadsafe(done.set))
        return JSONResponse({"url": "http://127.0.0.1/a.pdf", "job_id": "floor"})

    async def job(_request: Request) -> JSONResponse:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(limit):
                await done.wait()
        return JSONResponse({"status": "SUCCEEDED" if done.is_set() else "RUNNING"})

    app = Starlette(routes=[Route("/_sim/pdfs", minted, methods=["POST"]),
                            Route("/pdfs/v1/splitter/", minted, methods=["POST"]),
                            Route("/pdfs/v1/splitter/{job_id}/", job)])
    signal.signal(signal.SIGUSR2, lambda *_: None)
    _trace_on_request()
    _run_uvicorn(app, port, http, loop)


def _trace_on_request() -> None:
    """With ``TICKETSIM_TRACE=DIR``: trace allocations, and dump a snapshot on each SIGWINCH.

    Snapshots go to ``DIR/<n>.snap`` (written whole, then renamed); the
    benchmark asks for one when idle and one with every waiter waiting.
    """
    folder = os.environ.get("TICKETSIM_TRACE")
    if not folder:
        return
    tracemalloc.start(int(os.environ.get("TICKETSIM_TRACE_FRAMES", "8")))
    taken = iter(range(1_000_000))

    def dump(*_: object) -> None:
        gc.collect()
        path = Path(folder) / f"{next(taken)}.snap"
        tracemalloc.take_snapshot().dump(f"{path}.part")
        os.replace(f"{path}.part", path)

    signal.signal(signal.SIGWINCH, dump)


def _run_uvicorn(app: object, port: int, http: str, loop: str) -> None:
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning",  # type: ignore[arg-type]
                access_log=False, backlog=16384, timeout_keep_alive=600, http=http,
                loop=loop)


# --- the benchmark (parent process) -----------------------------------------------------------


class RssSampler(threading.Thread):
    """The server's RSS every 100 ms; ``peak`` since the last ``mark()``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.1)

    def mark(self) -> float:
        current = rss_mb(self.pid)
        self.peak = current
        return current


@dataclass
class Phase:
    name: str
    elapsed: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    def record(self, started: float, status: str) -> None:
        self.elapsed.append(time.monotonic() - started)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self, limit: float) -> dict[str, object]:
        times = sorted(self.elapsed) or [0.0]
        return {
            "answered": len(self.elapsed), "errors": self.errors, "statuses": self.statuses,
            "p50_s": round(statistics.median(times), 3),
            "p99_s": round(times[int(len(times) * 0.99) - 1 if len(times) > 1 else 0], 3),
            "max_s": round(times[-1], 3),
            "within_limit_plus_1s": sum(t <= limit + 1 for t in self.elapsed),
        }


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(v) for k, _, v in (h.partition(":") for h in lines[1:])
                  if k.lower() == "content-length")
    return status, await reader.readexactly(length)


async def http_json(port: int, method: str, path: str, body: object) -> dict[str, object]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = json.dumps(body).encode()
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {KEY}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                 .encode() + data)
    status, payload = await read_response(reader)
    writer.close()
    assert status in (200, 201), (status, payload)
    result: dict[str, object] = json.loads(payload)
    return result


@dataclass
class Run:
    """Shared state of the waiters: pacing, the wake gate, concurrency."""

    port: int
    request: bytes
    rate: float
    limit_phase: Phase = field(default_factory=lambda: Phase("limit"))
    wake_phase: Phase = field(default_factory=lambda: Phase("wake"))
    wake_gate: asyncio.Event = field(default_factory=asyncio.Event)
    resent: int = 0
    outstanding: int = 0
    max_outstanding: int = 0

    async def ask(self, phase: Phase, reader: asyncio.StreamReader,
                  writer: asyncio.StreamWriter) -> None:
        started = time.monotonic()
        writer.write(self.request)
        self.outstanding += 1
        self.max_outstanding = max(self.max_outstanding, self.outstanding)
        try:
            status, body = await read_response(reader)
        finally:
            self.outstanding -= 1
        phase.record(started, json.loads(body)["status"] if status == 200 else str(status))


async def waiter(run: Run, index: int, origin: float) -> None:
    """One connection: a long-poll that times out, then one woken by the job's end.

    Connections open at ``run.rate`` per second (the server must take each
    request in before its limit runs out); the second GETs go in a burst.
    """
    await asyncio.sleep(max(0.0, origin + index / run.rate - time.monotonic()))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", run.port)
    except OSError:
        run.limit_phase.errors += 1
        return
    phase = run.limit_phase
    try:
        await run.ask(phase, reader, writer)
        await run.wake_gate.wait()
        phase = run.wake_phase
        run.resent += 1
        await run.ask(phase, reader, writer)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        phase.errors += 1
    finally:
        writer.close()


async def snapshot(server: subprocess.Popen[bytes], trace: Path | None) -> None:
    """Ask a traced server (``--trace``) for a tracemalloc snapshot, and wait for it."""
    if trace is None:
        return
    path = trace / f"{len(list(trace.glob('*.snap')))}.snap"
    server.send_signal(signal.SIGWINCH)
    while not path.exists():
        await asyncio.sleep(0.1)


def traced_growth(trace: Path, waiters: int, top: int) -> list[str]:
    """The top allocation sites (by traceback) between the idle and all-waiting snapshots."""
    idle, waiting = (tracemalloc.Snapshot.load(str(trace / f"{n}.snap")) for n in (0, 1))
    stats = waiting.compare_to(idle, "traceback")
    lines = [f"traced growth: {sum(s.size_diff for s in stats) / 1024 / waiters:.2f} KB a waiter"]
    for stat in stats[:top]:
        lines.append(f"{stat.size_diff / waiters:8.0f} B/waiter  {stat.count_diff / waiters:5.1f} "
                     "blocks/waiter")
        lines += [f"      {frame.filename.split('site-packages/')[-1]}:{frame.lineno}"
                  for frame in stat.traceback]
    return lines


async def bench(port: int, server: subprocess.Popen[bytes], waiters: int, limit: float,
                rate: float, trace: Path | None = None) -> dict[str, object]:
    sampler = RssSampler(server.pid)
    sampler.start()
    minted = await http_json(port, "POST", "/_sim/pdfs", {"count": 1, "seed": 1})
    server.send_signal(signal.SIGUSR2)  # hold the job RUNNING
    await asyncio.sleep(0.2)
    job = await http_json(port, "POST", "/pdfs/v1/splitter/", {"url": minted["url"]})
    idle = sampler.mark()
    await snapshot(server, trace)
    request = (f"GET /pdfs/v1/splitter/{job['job_id']}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"x-api-key: {KEY}\r\n\r\n").encode()
    run = Run(port, request, rate)
    started = time.monotonic()
    tasks = [asyncio.create_task(waiter(run, i, started)) for i in range(waiters)]

    # phase "limit": every waiter in, all answered RUNNING at the limit
    while len(run.limit_phase.elapsed) + run.limit_phase.errors < waiters:
        await asyncio.sleep(0.1)
    ramp = time.monotonic() - started
    limit_peak = sampler.peak
    limit_concurrency = run.max_outstanding
    sampler.mark()

    # phase "wake": every waiter asks again at once, then the job finishes
    run.wake_gate.set()
    while run.resent < waiters - run.limit_phase.errors:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    waiting_rss = rss_mb(server.pid)
    await snapshot(server, trace)
    released = time.monotonic()
    server.send_signal(signal.SIGUSR1)
    await asyncio.gather(*tasks)
    wake_all = time.monotonic() - released
    sampler.running = False
    return {
        "waiters": waiters, "limit_s": limit, "connect_rate_per_s": rate,
        "limit_phase_max_concurrent": limit_concurrency,
        "limit_phase_done_in_s": round(ramp, 2),
        "rss_mb": {"idle": round(idle, 1), "peak_limit_phase": round(limit_peak, 1),
                   "all_waiting_wake_phase": round(waiting_rss, 1),
                   "peak_wake_phase": round(sampler.peak, 1)},
        "limit_phase": run.limit_phase.summary(limit),
        "wake_phase": run.wake_phase.summary(limit),
        "wake_phase_all_answered_after_release_s": round(wake_all, 3),
    }


def wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--waiters", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=25.0, help="long-poll seconds")
    parser.add_argument("--rate", type=float, default=450.0,
                        help="new connections per second (all must be in before the limit)")
    parser.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"],
                        help="uvicorn's HTTP implementation in the server")
    parser.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"],
                        help="uvicorn's event loop in the server")
    parser.add_argument("--floor", action="store_true",
                        help="serve a bare Starlette app instead (uvicorn's own cost)")
    parser.add_argument("--trace", type=int, metavar="FRAMES",
                        help="tracemalloc in the server: print where the waiters' memory goes "
                             "(the RSS figures are then not valid)")
    parser.add_argument("--top", type=int, default=25, help="allocation sites --trace prints")
    parser.add_argument("--journal", type=int,
                        help="the request journal's size in the server (default 10,000: "
                             "holding the first phase's answers during the second)")
    parser.add_argument("--port", type=int, help="the server's port (default: a free one)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the server
    if args.serve:
        if args.floor:
            serve_floor(args.serve, args.limit, args.http, args.loop)
        else:
            serve(args.serve, args.limit, args.http, args.loop, args.journal)
        return
    if hard < args.waiters + 100:
        raise SystemExit(f"the open-files limit ({hard}) is below {args.waiters} connections")
    port = args.port or free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    trace = Path(tempfile.mkdtemp(prefix="longpoll-trace-")) if args.trace else None
    if trace is not None:
        env |= {"TICKETSIM_TRACE": str(trace), "TICKETSIM_TRACE_FRAMES": str(args.trace)}
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port),
                               "--limit", str(args.limit), "--http", args.http,
                               "--loop", args.loop] + (["--floor"] if args.floor else [])
                              + ([f"--journal={args.journal}"] if args.journal else []),
                              cwd=ROOT, env=env)
    try:
        wait_ready(port, server)
        try:
            import uvloop  # a faster client loop, when installed (uvicorn[standard] brings it)

            result = uvloop.run(bench(port, server, args.waiters, args.limit, args.rate,
                                      trace))
        except ImportError:
            result = asyncio.run(bench(port, server, args.waiters, args.limit, args.rate,
                                       trace))
    finally:
        stop(server)
    print(json.dumps(result, indent=2))
    if trace is not None:
        print("\n".join(traced_growth(trace, args.waiters, args.top)))
        shutil.rmtree(trace)
    ok = all(result[p]["within_limit_plus_1s"] == args.waiters  # type: ignore[index]
             for p in ("limit_phase", "wake_phase"))
    print(f"every waiter answered within the limit + 1 s: {'yes' if ok else 'NO'}; "
          f"server RSS with {args.waiters} waiting: "
          f"{result['rss_mb']['all_waiting_wake_phase']} MB")  # type: ignore[index]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""Request body limit: the server's memory while a 200 MB body arrives, limit on and off.

Starts ``ticketsim serve`` twice (pinned to core 0): with the default limit
(``--max-body-bytes`` 32 MiB) and with the limit off (``--max-body-bytes``
far above the body). Each receives ``POST /sales/v1/Stubhub`` with a 200 MB
JSON body (``{"order_id": "xxxx…"}``, so the server without a limit parses
and validates all of it before refusing it), once with a ``Content-Length``
and once chunked, from a client that sends the whole body before reading the
answer (as httpx and ``requests`` do). Printed per case: the server's RSS
growth (peak RSS during the request, ``VmHWM`` reset before it, minus RSS
before it), the seconds until the answer, and the answer; then the ratios.

Also the cost on the ordinary path: nanoseconds per call of the middleware
(``BodyLimit``) around an empty app for a typical POST (a ``Content-Length``
within the limit) and a GET, in process, next to the empty app alone.

    python bench/body_limit_bench.py [--mb 200] [--port 18500]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import machine, rss_mb, running, ticketsim_command

from simulator.config import MAX_BODY_BYTES
from simulator.core.http.bodylimit import BodyLimit

PATH = "/sales/v1/Stubhub"
HEADERS = {"x-api-key": "sim-marketplace-key", "content-type": "application/json"}
PIECE = 1024 * 1024
CALLS = 200_000


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak(pid: int) -> None:
    """Make ``VmHWM`` start again from the current RSS (Linux ``clear_refs`` 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def body(size: int) -> Iterator[bytes]:
    """``{"order_id": "xxx…"}`` of exactly ``size`` bytes, in 1 MiB pieces."""
    head, tail = b'{"order_id": "', b'"}'
    left = size - len(head) - len(tail)
    yield head
    while left > 0:
        piece = min(PIECE, left)
        yield b"x" * piece
        left -= piece
    yield tail


def send(port: int, size: int, chunked: bool) -> tuple[float, int, str]:
    """Seconds until the answer, its status and message."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = dict(HEADERS) if chunked else {**HEADERS, "Content-Length": str(size)}
    started = time.perf_counter()
    connection.request("POST", PATH, body=body(size), headers=headers, encode_chunked=chunked)
    response = connection.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    message = json.loads(answer).get("message", "")[:60]
    return elapsed, response.status, message


def measure(pid: int, port: int, size: int, chunked: bool) -> dict[str, Any]:
    before = rss_mb(pid)
    reset_peak(pid)
    elapsed, status, message = send(port, size, chunked)
    return {"growth_mb": peak_mb(pid) - before, "seconds": elapsed, "status": status,
            "message": message}


def per_call_ns(app: Any, headers: list[tuple[bytes, bytes]]) -> float:
    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def noop_send(_message: Any) -> None:
        return None

    async def run() -> float:
        scope = {"type": "http", "method": "POST", "path": PATH, "headers": headers}
        started = time.perf_counter()
        for _ in range(CALLS):
            await app(scope, receive, noop_send)
        return (time.perf_counter() - started) / CALLS * 1e9

    return asyncio.run(run())


def ordinary_path() -> None:
    async def empty(_scope: Any, _receive: Any, _send: Any) -> None:
        return None

    limited = BodyLimit(empty, limit=MAX_BODY_BYTES)
    post = [(b"host", b"127.0.0.1:8080"), (b"x-api-key", b"sim-marketplace-key"),
            (b"content-type", b"application/json"), (b"content-length", b"180"),
            (b"user-agent", b"python-httpx/0.28"), (b"accept", b"*/*")]
    get = [h for h in post if h[0] not in (b"content-length", b"content-type")]
    for name, headers in (("POST, Content-Length within the limit", post), ("GET", get)):
        bare = min(per_call_ns(empty, headers) for _ in range(3))
        wrapped = min(per_call_ns(limited, headers) for _ in range(3))
        print(f"  ordinary path, {name}: {wrapped - bare:+.0f} ns per request "
              f"({bare:.0f} ns bare app, {wrapped:.0f} ns with BodyLimit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="body size, MB (10^6 bytes)")
    parser.add_argument("--port", type=int, default=18500)
    args = parser.parse_args()
    size = args.mb * 1_000_000
    print(f"body limit benchmark: {machine()}")
    results: dict[tuple[str, bool], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as name:
        # A fresh server per case: memory a case freed stays in the process, and would
        # hide the next case's growth.
        for chunked in (False, True):
            for setting, limit in (("limit on", MAX_BODY_BYTES), ("limit off", 4 * size)):
                db = Path(name) / f"{setting.replace(' ', '-')}-{chunked}.db"
                command = ticketsim_command(args.port, db, None, [
                    "--max-body-bytes", str(limit), "--log-format", "off",
                    "--no-validate-responses"])
                with running(command, args.port, "/_sim/clock") as server:
                    result = measure(server.pid, args.port, size, chunked)
                results[setting, chunked] = result
                print(f"  {setting:9} (--max-body-bytes {limit:>11,}), "
                      f"{'chunked' if chunked else 'Content-Length'}: RSS "
                      f"{result['growth_mb']:+7.1f} MB, answered in "
                      f"{result['seconds']:6.2f} s: {result['status']} "
                      f"{result['message']!r}")
    for chunked in (False, True):
        on, off = results["limit on", chunked], results["limit off", chunked]
        print(f"  RESULT {args.mb} MB body, {'chunked' if chunked else 'Content-Length'}: "
              f"RSS growth {on['growth_mb']:.1f} MB with the limit vs {off['growth_mb']:.1f} MB "
              f"without ({off['growth_mb'] / max(on['growth_mb'], 0.1):.0f}x); answer after "
              f"{on['seconds']:.2f} s vs {off['seconds']:.2f} s")
    ordinary_path()
    print(f"  load average after: {machine().rsplit('load average ', 1)[1]}")


if __name__ == "__main__":
    main()

"""Real server processes on loopback ports for the scale tests: started, awaited, killed.

Every process runs in its own session so that killing it also kills the
workers it spawned; readiness is a bounded poll of ``/_sim/clock``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from simulator import fixturegen
from simulator.core.store import database_url
from tests.conftest import MARKETPLACE_HEADERS

STUBHUB = 1  # the marketplace id the holds go to
READY_SECONDS = 60.0  # a cold start imports Connexion and loads every spec


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """One started server: its base URL and OS process."""

    url: str
    popen: subprocess.Popen[bytes]

    def kill(self, sig: int = signal.SIGTERM) -> None:
        """Signal the whole session, then reap (SIGKILL if it lingers)."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
                self.popen.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=15)


#: Every server started, killed at interpreter exit whatever happened to the test.
_STARTED: list[Process] = []


@atexit.register
def _kill_leftovers() -> None:
    for process in _STARTED:
        with contextlib.suppress(Exception):
            process.kill(signal.SIGKILL)


def start(argv: Sequence[str], port: int) -> Process:
    """Start ``python argv...`` serving ``port`` and wait until it answers."""
    popen = subprocess.Popen([sys.executable, *argv], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process = Process(f"http://127.0.0.1:{port}", popen)
    _STARTED.append(process)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and popen.poll() is None:
        try:
            httpx.get(f"{process.url}/_sim/clock", timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill(signal.SIGKILL)
    raise RuntimeError(f"{' '.join(argv)} did not start (exit code {popen.poll()})")


def replica(db: str, long_poll_seconds: float = 25.0) -> Process:
    """A shared-mode replica over ``db`` on a free port (see ``tests/scale/replica.py``)."""
    port = free_port()
    return start(["-m", "tests.scale.replica", str(port), db, str(long_poll_seconds)], port)


def serve_workers(db: str, workers: int) -> Process:
    """``ticketsim serve --workers N`` over ``db``, frozen clock, on a free port."""
    port = free_port()
    return start(["-m", "simulator.cli", "serve", "--port", str(port), "--db", db,
                  "--workers", str(workers), "--clock", "frozen"], port)


@contextmanager
def replicas(db: str, count: int, long_poll_seconds: float = 25.0) -> Iterator[list[Process]]:
    """``count`` replicas over one database, all killed afterwards."""
    with ExitStack() as stack:
        started: list[Process] = []
        for _ in range(count):
            process = replica(db, long_poll_seconds)
            stack.callback(process.kill)
            started.append(process)
        yield started


def scalar(db: str, sql: str, **params: Any) -> Any:
    """One value read straight from the shared database (what no API exposes)."""
    engine = create_engine(database_url(db))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def free_seats(count: int) -> list[dict[str, Any]]:
    """Hold bodies for ``count`` distinct free seats of the default fixtures, live on Stubhub."""
    document = fixturegen.load_default()
    sold = {(o["listing_id"], s["row"], s["seat"]) for o in document["orders"]
            for s in o["seats"]}
    brokers = {b["user_id"]: b["broker_id"] for b in document["brokers"]}
    on_stubhub = {b["listing_id"] for b in document.get("broadcasts", [])
                  if STUBHUB in b["marketplaces"]}
    found: list[dict[str, Any]] = []
    for listing in document["listings"]:
        if "broadcasts" in document and listing["listing_id"] not in on_stubhub:
            continue
        for row, seats in listing["seats"].items():
            for seat in seats:
                if seat and (listing["listing_id"], row, seat) not in sold:
                    found.append({"section": listing["section"],
                                  "broker": brokers[listing["user_id"]],
                                  "listing_id": listing["listing_id"],
                                  "tickets": [{"row": row, "seat": seat}]})
                if len(found) == count:
                    return found
    raise AssertionError(f"the default fixtures have fewer than {count} free seats")


def hold(url: str, seat: dict[str, Any], order_id: str, minutes: int = 20) -> httpx.Response:
    return httpx.post(f"{url}/sales/v1/Stubhub", headers=MARKETPLACE_HEADERS, timeout=60,
                      json={**seat, "order_id": order_id, "hold_length": minutes})

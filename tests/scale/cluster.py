"""Real server processes on loopback ports for the scale tests: started, awaited, killed.

Every process runs in its own session so that killing it also kills the
workers it spawned; readiness is a bounded poll of ``/_sim/clock``. No
server outlives the tests: a context kills what it started (replacements
made by a restart included) when the test ends or fails, the interpreter's
exit kills the rest, and on Linux a server is sent SIGTERM by the kernel
when the test process itself dies (killed, or a CI timeout), where no
Python cleanup runs.
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
from simulator.supervisor import die_with_parent
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


def _kill_all(processes: list[Process], sig: int = signal.SIGTERM) -> None:
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill(sig)


@atexit.register
def _kill_leftovers() -> None:
    _kill_all(_STARTED, signal.SIGKILL)


def _die_with_parent(parent: int) -> None:
    """In the child, before exec: SIGTERM when the test process dies (Linux only;
    a SIGTERM lets ``serve --workers`` stop its own workers)."""
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)


def start(argv: Sequence[str], port: int) -> Process:
    """Start ``python argv...`` serving ``port`` and wait until it answers."""
    parent = os.getpid()
    popen = subprocess.Popen([sys.executable, *argv], start_new_session=True,
                             preexec_fn=lambda: _die_with_parent(parent),
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
    """``count`` replicas over one database, all killed afterwards: those in the
    yielded list at the end (a test may replace one by a restarted replica) and
    those started first."""
    started: list[Process] = []
    with ExitStack() as stack:
        stack.callback(_kill_all, started)
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


TCP_STATES = {"0A": "listen", "01": "established"}


def tcp_sockets(port: int) -> Iterator[tuple[str, int, int]]:
    """(state, remote port, inode) of each listening or established TCP socket whose
    local port is ``port``, read from ``/proc/net`` (Linux)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)  # the header
            for line in lines:
                fields = line.split()
                state = TCP_STATES.get(fields[3])
                if state and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    yield state, int(fields[2].rsplit(":", 1)[1], 16), int(fields[9])


def port_sockets(port: int) -> dict[str, set[int]]:
    """The inodes of the TCP sockets whose local port is ``port``, by state
    (``"listen"``, ``"established"``)."""
    found: dict[str, set[int]] = {state: set() for state in TCP_STATES.values()}
    for state, _, inode in tcp_sockets(port):
        found[state].add(inode)
    return found


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                # "pid (name) state ppid ...": the name may hold spaces, not ")"
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


def socket_inodes(pid: int) -> set[int]:
    """The inodes of the sockets process ``pid`` has open."""
    found = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    found.add(int(target[len("socket:["):-1]))
    return found

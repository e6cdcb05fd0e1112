"""``serve --workers N`` (``simulator/supervisor.py``): one listening socket per worker,
connections spread by the kernel, a dead worker replaced on its own socket, a
worker that cannot start stopping them all.

The sockets are observed where the kernel keeps them (``/proc``): which
process holds which listening socket, and which process holds each accepted
connection. Linux only (elsewhere the workers share one socket by design).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from simulator.supervisor import balances_connections
from tests.scale.cluster import (
    READY_SECONDS,
    Process,
    children,
    port_sockets,
    serve_workers,
    socket_inodes,
)

pytestmark = pytest.mark.skipif(not balances_connections(),
                                reason="SO_REUSEPORT balances connections on Linux only")

CONNECTIONS = 32


def _listeners(server: Process) -> dict[int, set[int]]:
    """Each worker of ``server`` (pid) and the listening sockets of its port it holds."""
    listening = port_sockets(_port(server))["listen"]
    held = {pid: socket_inodes(pid) & listening for pid in children(server.popen.pid)}
    return {pid: inodes for pid, inodes in held.items() if inodes}


def _port(server: Process) -> int:
    return int(urlsplit(server.url).port or 0)


def _open_at_once(port: int, count: int) -> list[socket.socket]:
    """``count`` connections opened before any request is sent, then each answered."""
    connections = [socket.create_connection(("127.0.0.1", port), timeout=30)
                   for _ in range(count)]
    for connection in connections:
        connection.sendall(b"GET /_sim/clock HTTP/1.1\r\nHost: sim\r\n\r\n")
    for connection in connections:
        assert connection.recv(64).startswith(b"HTTP/1.1 200")
    return connections


def test_each_worker_listens_on_its_own_socket_and_connections_spread(tmp_path: Path) -> None:
    server = serve_workers(str(tmp_path / "spread.sqlite3"), 2)
    try:
        listeners = _listeners(server)
        assert len(listeners) == 2
        assert all(len(inodes) == 1 for inodes in listeners.values())
        assert len(set.union(*listeners.values())) == 2  # two sockets, not one shared

        connections = _open_at_once(_port(server), CONNECTIONS)
        accepted = port_sockets(_port(server))["established"]
        served = {pid: len(socket_inodes(pid) & accepted) for pid in listeners}
        for connection in connections:
            connection.close()
        assert sum(served.values()) == CONNECTIONS
        assert all(count > 0 for count in served.values()), served
    finally:
        server.kill()


def test_a_dead_worker_is_replaced_on_its_own_socket(tmp_path: Path) -> None:
    server = serve_workers(str(tmp_path / "replace.sqlite3"), 2)
    try:
        before = _listeners(server)
        victim, survivor = sorted(before)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + READY_SECONDS
        after = _listeners(server)
        # bounded wait for the replacement: between its fork and its exec a new
        # process still holds every socket of the parent, so wait for one each
        while time.monotonic() < deadline and (
                victim in after or len(after) < 2
                or any(len(inodes) != 1 for inodes in after.values())):
            time.sleep(0.1)
            after = _listeners(server)
        assert after[survivor] == before[survivor]
        (replacement,) = set(after) - {survivor}
        assert replacement != victim and after[replacement] == before[victim]
        answers = {httpx.get(f"{server.url}/_sim/clock", timeout=30,
                             headers={"Connection": "close"}).status_code for _ in range(20)}
        assert answers == {200}
    finally:
        server.kill()


@pytest.mark.parametrize("app", ["tests.scale.no_such_module:app",
                                 "tests.scale.test_supervisor:failing_factory"])
def test_a_worker_that_cannot_start_stops_them_all(app: str) -> None:
    script = ("import sys\n"
              "from simulator.supervisor import Supervisor, listening_sockets\n"
              f"sockets = listening_sockets('127.0.0.1', 0, 2)\n"
              f"sys.exit(Supervisor(sockets, {app!r}, {{'log_level': 'critical'}}, "
              "int).run())\n")
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True,
                              timeout=READY_SECONDS, cwd=Path(__file__).parents[2])
    assert finished.returncode == 3, finished.stderr.decode()[-2000:]


def failing_factory() -> None:
    """An app factory whose app cannot be built (its store is unreachable, say)."""
    raise RuntimeError("no store")


def test_a_port_another_server_listens_on_is_refused_not_shared(tmp_path: Path) -> None:
    """Sockets of one user bound with SO_REUSEPORT share a port: a second ``serve
    --workers`` on a port already served must fail, not split its connections."""
    first = serve_workers(str(tmp_path / "first.sqlite3"), 2)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "simulator.cli", "serve", "--port", str(_port(first)),
             "--db", str(tmp_path / "second.sqlite3"), "--workers", "2"],
            capture_output=True, text=True, timeout=READY_SECONDS)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{_port(first)}" in second.stderr
        assert len(_listeners(first)) == 2
    finally:
        first.kill()

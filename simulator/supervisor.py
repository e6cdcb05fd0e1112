"""``serve --workers N``: N uvicorn servers on one port, each on its own socket.

uvicorn's own supervisor hands one listening socket to every worker, and the
worker that wakes first accepts every connection waiting on it: a load
generator that opens its connections at once often had all of them served by
one worker (measured with ``ss -tnp`` on four fresh ``serve --workers 2``:
29/3, 29/3, 10/22 and 32/0 connections per worker; the 32/0 start served
1,407 holds/s, one worker's figure). On Linux each worker here listens on a
socket of its own, bound with ``SO_REUSEPORT``: the kernel hashes every new
connection to one of the sockets, so connections spread evenly whoever is
awake. Elsewhere (``SO_REUSEPORT`` does not balance TCP connections on BSD
or macOS) every worker shares one socket, as with uvicorn.

The parent binds the sockets (a port in use fails at once, with the usual
message) and keeps them: a worker that dies is replaced on the socket it
served, so the connections queued there are accepted by its replacement,
not reset. The parent waits on the workers' process sentinels and a
self-pipe woken by SIGINT/SIGTERM: nothing polls. A worker that fails
before it serves (uvicorn's start-up failure exit code) stops every worker,
since its replacement would fail the same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import signal
import socket
import sys
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.context import SpawnProcess
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE

__all__ = ["Supervisor", "die_with_parent", "listening_sockets"]

log = logging.getLogger("ticketsim")

#: Pending connections per socket (uvicorn's default backlog).
BACKLOG = 2048
#: Wall seconds a stopping worker gets to finish its requests (a long-poll
#: answers within ``--long-poll-seconds``, 25 by default) before it is killed.
STOP_SECONDS = 30.0
#: ``prctl(PR_SET_PDEATHSIG, ...)``: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1

spawn = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, as uvicorn


def balances_connections() -> bool:
    """Whether sockets bound with ``SO_REUSEPORT`` share one port's connections (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """One listening socket per worker on ``host:port`` (where the kernel balances
    ``SO_REUSEPORT`` sockets), else one socket shared by every worker."""
    balanced = balances_connections()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = host.strip("[]")
    if balanced and port:
        _refuse_taken(family, address, port)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count if balanced else 1):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if balanced:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((address, port))
            port = sock.getsockname()[1]  # port 0: the others join the port the first got
            sock.listen(BACKLOG)  # handed to its worker by spawn (as a passed descriptor)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets if balanced else sockets * count


def _refuse_taken(family: socket.AddressFamily, address: str, port: int) -> None:
    """Raise ``OSError`` (address in use) when anything listens on ``address:port`` already.

    Sockets bound with ``SO_REUSEPORT`` by one user share a port: without this
    check a second ``serve --workers`` on a taken port (a stale simulator, say)
    would silently split the connections with the first. A socket bound
    without the option is refused by any listener, so a probe is bound first.
    """
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((address, port))


def die_with_parent() -> None:
    """SIGTERM this process when its parent dies, even by ``kill -9`` (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def serve_worker(sock: socket.socket, app: str, options: dict[str, Any],
                 prepare: Callable[[], None]) -> None:
    """In a worker process: ``prepare()``, then serve the app factory ``app`` on ``sock``."""
    die_with_parent()
    prepare()
    server = uvicorn.Server(uvicorn.Config(app, factory=True, **options))
    try:
        server.run(sockets=[sock])
    except Exception:
        if server.started:
            raise
        log.exception("the app could not be built")  # a replacement would fail the same way
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Supervisor:
    """Runs one worker per socket, replaces those that die, stops all on a signal."""

    def __init__(self, sockets: list[socket.socket], app: str, options: dict[str, Any],
                 prepare: Callable[[], None]) -> None:
        self.sockets = sockets
        self._worker_args = (app, options, prepare)
        self.workers: list[SpawnProcess] = []
        self._stopping = False
        self._wake_read, self._wake_write = socket.socketpair()

    def _start(self, slot: int) -> SpawnProcess:
        process = spawn.Process(target=serve_worker, name=f"ticketsim-worker-{slot}",
                                args=(self.sockets[slot], *self._worker_args))
        process.start()
        return process

    def _stop_requested(self, signum: int, _frame: object) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            self._wake_write.send(b"\0")

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM; the exit code (uvicorn's start-up failure
        code when a worker could not start)."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._stop_requested)
        self.workers = [self._start(slot) for slot in range(len(self.sockets))]
        code = 0
        while not self._stopping:
            wait([process.sentinel for process in self.workers] + [self._wake_read])
            for slot, process in enumerate(self.workers):
                if self._stopping or process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("worker %s could not start: stopping every worker", slot)
                    self._stopping, code = True, STARTUP_FAILURE
                    break
                log.warning("worker %s (pid %s) ended with exit code %s: starting another "
                            "on its socket", slot, process.pid, process.exitcode)
                self.workers[slot] = self._start(slot)
        self._stop_all()
        return code

    def _stop_all(self) -> None:
        for process in self.workers:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests it has
        for process in self.workers:
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
        for sock in set(self.sockets):
            sock.close()
        self._wake_read.close()
        self._wake_write.close()

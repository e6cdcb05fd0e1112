"""A simulator served by uvicorn on a free loopback port, in a background thread.

Code under test reaches it over real HTTP (``requests``, ``httpx``,
``aiohttp``, another language's client), which is the point: nothing is
patched. State is in memory and the clock frozen unless told otherwise.
"""

from __future__ import annotations

import socket
import threading
import warnings
from typing import Any

from simulator.config import SimConfig
from simulator.core.clock import ClockMode
from simulator.testing.client import Keys, Ticketsim

__all__ = ["LiveServer"]

#: Real seconds to wait for the server to start or stop before giving up.
START_TIMEOUT = 30.0


def _table_count() -> int:
    """Tables registered on the shared metadata (imported here: importing this module,
    as the pytest plugin does in every run, must not load SQLAlchemy)."""
    from simulator.core.store import metadata

    return len(metadata.tables)


class LiveServer:
    """Start with :meth:`start` (or ``with LiveServer() as server``), stop with :meth:`stop`."""

    def __init__(self, config: SimConfig | None = None, host: str = "127.0.0.1") -> None:
        self.config = config or SimConfig(db=":memory:", clock=ClockMode.FROZEN)
        self.host = host
        self.url = ""
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._handle: Ticketsim | None = None
        #: No test has used it yet (the pytest plugin skips the first reset).
        self.fresh = True
        self._tables = 0

    def start(self) -> LiveServer:
        """Bind a free port, build the app and serve it; returns once it accepts requests."""
        with warnings.catch_warnings():  # the web stack's import-time deprecation notices
            warnings.simplefilter("ignore")
            import uvicorn

            from simulator.app import create_app

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.url = f"http://{self.host}:{sock.getsockname()[1]}"
        self.config.base_url = self.url
        self.app = create_app(self.config)
        self._tables = _table_count()
        started = threading.Event()

        class _Server(uvicorn.Server):
            async def startup(self, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets)
                started.set()

        self._server = _Server(uvicorn.Config(self.app, log_level="warning", lifespan="on",
                                              access_log=False))
        # Server.run sets up uvicorn's event loop (uvloop where installed): served by a
        # bare asyncio.run, each request took ~45 ms here instead of ~1.5 ms.
        self._thread = threading.Thread(target=self._server.run, args=([sock],),
                                        name=f"ticketsim {self.url}", daemon=True)
        self._thread.start()
        if not started.wait(START_TIMEOUT):
            raise RuntimeError(f"ticketsim did not start on {self.url}")
        return self

    @property
    def stale(self) -> bool:
        """Tables were registered since it started (a test added a service): restart it."""
        return _table_count() != self._tables

    def restart(self) -> LiveServer:
        """Stop, then start again on a new port with fresh state (and every table)."""
        self.stop()
        self.fresh = True
        return self.start()

    @property
    def simulator(self) -> Any:
        """The in-process :class:`~simulator.runtime.Simulator` (for white-box checks)."""
        return self.app.simulator

    def handle(self) -> Ticketsim:
        """The control client of this server (one per server)."""
        if self._handle is None:
            from simulator.services.platform.keys import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

            self._handle = Ticketsim(self.url, Keys(DEFAULT_MARKETPLACE_KEY, DEFAULT_BROKER_KEY),
                                     local_log=self.app.request_log)
        return self._handle

    def stop(self) -> None:
        """Stop serving and release the simulator's resources."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(START_TIMEOUT)
            self.app.simulator.close()
        self._server = self._thread = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

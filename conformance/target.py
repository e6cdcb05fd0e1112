"""What the suite runs against: the simulator in-process, or any deployment by URL.

In-process, every test gets a fresh simulator (in-memory state, frozen
clock, responses validated) behind one stable ASGI object, the
:class:`Switchboard`, which Schemathesis and the HTTP clients both hold. The
self-test swaps a faulty simulator in the same way.

By URL, the target is probed once for the control plane (``GET /_sim/clock``):
a simulator is reset before each test; anything else is treated as a real
deployment, where operations that change state run only with
``allow_writes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["Switchboard", "Target", "probe_simulator", "simulator_app"]

IN_PROCESS_URL = "http://testserver"
RESET_PATH = "/_sim/reset"
CLOCK_PATH = "/_sim/clock"


def simulator_app(fault: str | None = None) -> ASGIApp:
    """A fresh in-process simulator (optionally with one injected contract bug)."""
    from simulator.app import create_app
    from simulator.config import SimConfig
    from simulator.core.clock import ClockMode

    app: ASGIApp = create_app(SimConfig(db=":memory:", clock=ClockMode.FROZEN,
                                        validate_responses=True))
    if fault is None:
        return app
    from conformance.faults import FaultInjector

    return FaultInjector(app, fault)


class Switchboard:
    """A stable ASGI app forwarding to a replaceable one, built lazily on first use."""

    def __init__(self, factory: Callable[[], ASGIApp]) -> None:
        self.factory = factory
        self._app: ASGIApp | None = None

    @property
    def app(self) -> ASGIApp:
        if self._app is None:
            self._app = self.factory()
        return self._app

    def renew(self) -> None:
        """Forget the current app; the next request gets a fresh one."""
        self._app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def probe_simulator(base_url: str, timeout: float = 10.0) -> bool:
    """Whether ``base_url`` serves the simulator's control plane."""
    try:
        response = httpx.get(base_url.rstrip("/") + CLOCK_PATH, timeout=timeout)
    except httpx.HTTPError:
        return False
    if response.status_code != 200:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and {"now", "mode"} <= body.keys()


@dataclass(slots=True)
class Target:
    """The implementation under test and what the suite may do to it."""

    api_key: str
    broker_key: str | None
    base_url: str | None = None
    simulator: bool = True
    allow_writes: bool = False
    switchboard: Switchboard | None = None
    on_response: list[Callable[[httpx.Response], None]] = field(default_factory=list)
    seller_key: str | None = None

    @property
    def in_process(self) -> bool:
        return self.switchboard is not None

    @property
    def url(self) -> str:
        return IN_PROCESS_URL if self.base_url is None else self.base_url.rstrip("/")

    @property
    def may_write(self) -> bool:
        """State-changing calls are allowed: a simulator, or a team that said so."""
        return self.simulator or self.allow_writes

    @property
    def description(self) -> str:
        if self.in_process:
            return "the simulator, in-process"
        kind = "a simulator" if self.simulator else "a deployment"
        writes = "" if self.may_write else ", read-only (no --allow-writes)"
        return f"{kind} at {self.url}{writes}"

    def client(self) -> httpx.Client:
        """An HTTP client for the target whose responses feed the coverage table."""
        hooks: dict[str, list[Callable[..., Any]]] = {"response": [self._observe]}
        if self.switchboard is not None:
            from starlette.testclient import TestClient

            client: httpx.Client = TestClient(self.switchboard, base_url=IN_PROCESS_URL,
                                              raise_server_exceptions=False)
            client.event_hooks = hooks
            return client
        return httpx.Client(base_url=self.url, timeout=30.0, event_hooks=hooks)

    def _observe(self, response: httpx.Response) -> None:
        for callback in self.on_response:
            callback(response)

    def fresh_state(self) -> None:
        """Start a test from known state: a new simulator, or a reset one."""
        if self.switchboard is not None:
            self.switchboard.renew()
        elif self.simulator:
            response = httpx.post(self.url + RESET_PATH, timeout=30.0)
            response.raise_for_status()

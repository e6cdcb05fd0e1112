"""How handlers reach the :class:`~simulator.runtime.Simulator` of their app.

An outermost ASGI middleware sets a context variable for each request, so
several apps (one per test) can live in one process without globals.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.services.platform.auth import Principal

if TYPE_CHECKING:
    from simulator.runtime import Simulator

_current: ContextVar[Simulator] = ContextVar("ticketsim_simulator")


def sim() -> Simulator:
    """The simulator serving the current request."""
    return _current.get()


def origin() -> str:
    """``scheme://host[:port]`` as the client reached this request (base of file URLs)."""
    from connexion import request

    url = request.url
    return f"{url.scheme}://{url.netloc}"


def principal(token_info: dict[str, Any]) -> Principal:
    """The caller, from the token info Connexion kept after the security check."""
    return Principal.from_token_info(token_info)


class SimulatorContext:
    """ASGI middleware binding one simulator to every request it passes on."""

    def __init__(self, app: ASGIApp, simulator: Simulator) -> None:
        self.app = app
        self.simulator = simulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _current.set(self.simulator)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)

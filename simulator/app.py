"""``create_app(config)``: one Connexion ``AsyncApp`` serving every spec.

Each registered service's spec is mounted at the real API's base path with
the service's handler module (operationIds resolve relative to it). State is built here,
not in the ASGI lifespan, because Schemathesis' ASGI transport starts the
lifespan for every case.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import RelativeResolver

from simulator.config import SimConfig
from simulator.core.http import checks, routes
from simulator.core.http.bodies import JsonBodies, JsonOperations
from simulator.core.http.bodylimit import BodyLimit
from simulator.core.http.context import SimulatorContext
from simulator.core.http.errors import AllowIndex, handlers
from simulator.core.http.handlers import SECURITY_MAP
from simulator.core.http.handlers import install as decorate_handlers_once
from simulator.core.http.paths import TrailingSlash
from simulator.core.http.query import QsArrays
from simulator.core.http.requestlog import RequestLog, RequestRecorder
from simulator.core.http.specfast import install as skip_revalidation
from simulator.core.http.steering import add_steering
from simulator.core.http.validation import VALIDATORS
from simulator.core.specs import load_spec
from simulator.runtime import Simulator
from simulator.web import StatePage

log = logging.getLogger("ticketsim")


def create_app(config: SimConfig | None = None, simulator: Simulator | None = None) -> AsyncApp:
    """Build the ASGI app and its simulator (reachable as ``app.simulator``)."""
    config = config or SimConfig()
    simulator = simulator or Simulator(config)
    app = AsyncApp(__name__, lifespan=_ticker(simulator), validator_map=VALIDATORS,
                   security_map=SECURITY_MAP)
    decorate_handlers_once(app)
    skip_revalidation()  # load_spec has validated each spec once
    checks.install()  # operations remember their body definitions
    # Outermost first: the state page at / and the request log (which so sees the
    # faults and Prefer answers of the steering layer), the body limit (before anything
    # reads a body), then steering (control token, journal, faults, the long-poll
    # parking, Prefer), then request-body and path normalisation.
    recorder = RequestRecorder()
    app.add_middleware(StatePage, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       simulator=simulator, recorder=recorder)
    app.add_middleware(RequestLog, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       recorder=recorder)
    app.request_log = recorder  # type: ignore[attr-defined]
    app.add_middleware(BodyLimit, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       limit=config.max_body_bytes)
    add_steering(app, simulator)
    allow = AllowIndex()
    json_operations = JsonOperations()
    served_roots: set[str] = set()
    mounted: set[str] = set()  # without the control plane, /_sim is no API root either
    for service in simulator.services:
        for mount in service.mounts:
            if mount.is_control_plane and not config.control:
                continue
            mounted.add(mount.base_path)
            spec = load_spec(mount.spec, with_security_hooks=True)
            allow.add_spec(mount.base_path, spec)
            if "/" in spec.get("paths", {}):
                served_roots.add(mount.base_path)
            json_operations.add_spec(mount.base_path, spec)
            app.add_api(
                spec, base_path=mount.base_path,
                resolver=RelativeResolver(service.api_module(mount)),
                validate_responses=config.validate_responses, strict_validation=False,
                pythonic_params=False, uri_parser_class=QsArrays,
            )
    for exc_class, handler in handlers(allow):
        app.add_error_handler(exc_class, handler)
    app.add_middleware(JsonBodies, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       operations=json_operations)
    app.add_middleware(TrailingSlash, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       base_paths=frozenset(mounted),
                       served_roots=frozenset(served_roots))
    app.add_middleware(SimulatorContext, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       simulator=simulator)
    _swap_middlewares(app, {**routes.SWAPS, **checks.SWAPS})
    app.simulator = simulator  # type: ignore[attr-defined]
    return app


def _swap_middlewares(app: AsyncApp, swaps: dict[type, type]) -> None:
    """Replace Connexion's middlewares by the subclasses in ``swaps`` that do once per
    route or operation what they did per request. After the last ``add_middleware``,
    which places a middleware by Connexion's own classes."""
    stack = app.middleware.middlewares
    stack[:] = [swaps.get(middleware, middleware) for middleware in stack]


def _ticker(simulator: Simulator) -> Any:
    """Lifespan that fires due clock events in realtime mode while the server runs."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        async def tick() -> None:
            while True:
                await asyncio.sleep(simulator.config.tick_seconds)
                try:
                    simulator.tick()
                except Exception:  # a store hiccup or a failing event must not stop time
                    log.exception("clock tick failed; ticking on")

        task = asyncio.create_task(tick())
        try:
            yield
        finally:
            task.cancel()

    return lifespan

"""The live state page at ``/``: what a person opening ``serve``'s URL sees first.

Server-rendered with Jinja2: the simulated clock with freeze, resume and
advance buttons (they call the ``/_sim/clock`` control API), one table per
panel (:mod:`simulator.web.panels`), the tail of the request log, and links
to every service's Swagger UI. A few lines of plain JavaScript re-fetch the
panels fragment (``/_page/panels``) every two seconds and filter each table
as the person types; there is no build step.

Served by an outer ASGI middleware, so it takes no route from any spec and
its own refreshes stay out of the request log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.core.http.requestlog import RequestRecorder
from simulator.web.builtin import BUILTIN
from simulator.web.panels import Panel, PanelSource, panels_of, requests_panel

if TYPE_CHECKING:
    from simulator.runtime import Simulator

__all__ = ["PAGE_PATHS", "StatePage"]

FRAGMENT = "/_page/panels"
PAGE_PATHS = frozenset({"/", "/index.html", FRAGMENT})
REFRESH_MS = 2000
TAIL = 25

_templates = Environment(loader=PackageLoader("simulator.web", "templates"),
                         autoescape=select_autoescape(default=True), trim_blocks=True,
                         lstrip_blocks=True)


class StatePage:
    """ASGI middleware answering ``GET /`` and its fragment; everything else passes on."""

    def __init__(self, app: ASGIApp, simulator: Simulator,
                 recorder: RequestRecorder | None = None) -> None:
        self.app = app
        self.simulator = simulator
        self.recorder = recorder
        self.sources: list[PanelSource] = [
            source for service in simulator.services for source in panels_of(service, BUILTIN)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope.get("path") not in PAGE_PATHS
                or scope.get("method") not in ("GET", "HEAD")):
            await self.app(scope, receive, send)
            return
        template = "panels.html" if scope["path"] == FRAGMENT else "page.html"
        html = await run_in_threadpool(self.render, template)
        response = HTMLResponse(html, headers={"cache-control": "no-store"})
        await response(scope, receive, send)

    def render(self, template: str) -> str:
        """The page (or its panels fragment) at the current simulated instant."""
        clock = self.simulator.clock
        now = clock.now()
        panels = self.simulator.query(self._read, now)
        if self.recorder is not None:
            panels.append(requests_panel(self.recorder.tail(TAIL)))
        return _templates.get_template(template).render(
            now=now, mode=str(clock.mode), pending=clock.pending(), panels=panels,
            uis=self._uis(), refresh_ms=REFRESH_MS, fragment=FRAGMENT)

    def _read(self, conn: Connection, now: datetime) -> list[Panel]:
        return [source(conn, now) for source in self.sources]

    def _uis(self) -> Sequence[dict[str, Any]]:
        return [{"service": service.name, "base_path": mount.base_path,
                 "url": f"{mount.base_path}/ui/"}
                for service in self.simulator.services for mount in service.mounts]

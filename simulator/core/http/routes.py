"""Connexion's routers with the route each request path lands on remembered.

Every request passes two Starlette routers in Connexion's stack (the Swagger
UI's, which only serves ``openapi.json`` and ``/ui/``, then the operation
router), each one level of 16 mounts and one of the mounted spec's routes:
Starlette tries each route's regular expression in turn (~6 % of a hold in
py-spy). Which route a request lands on depends only on its type, method and
route path (``get_route_path``: the path under the scope's root path), so
:class:`MemoRouter` remembers the position of that route for the latest
:data:`PATHS` distinct (type, method, route path) keys and then asks only that
route for its match (path parameters and child scope are still that route's
own, from the request's scope). Paths that no route takes (redirects of a
trailing slash, the default app) and lifespan events go through Starlette's
own scan, unchanged.

:data:`SWAPS` replaces Connexion's Swagger UI and routing middlewares with
subclasses whose routers, and the routers of the specs they mount, remember.
"""

from __future__ import annotations

from typing import Any

from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.types import Receive, Scope, Send

__all__ = ["PATHS", "SWAPS", "MemoRouter"]

#: How many distinct (type, method, route path) keys each router remembers (ids in
#: paths make the set unbounded; the oldest is forgotten first).
PATHS = 4096

_Landing = tuple[BaseRoute, bool] | None  # (route, full match?) or no route at all


class MemoRouter(Router):
    """A Starlette ``Router`` that remembers which of its routes a request path lands on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._landings: dict[tuple[str, str, str], _Landing] = {}

    @classmethod
    def like(cls, router: Router) -> MemoRouter:
        """A remembering router with ``router``'s routes, default and slash redirects."""
        return cls(routes=router.routes, redirect_slashes=router.redirect_slashes,
                   default=router.default)

    def _landing(self, scope: Scope) -> _Landing:
        """Starlette's choice: the first full match, else the first partial one, else none."""
        partial: _Landing = None
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route, True
            if match is Match.PARTIAL and partial is None:
                partial = route, False
        return partial

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        key = ("http", scope["method"], get_route_path(scope))
        if key in self._landings:
            landing = self._landings[key]
        else:
            landing = self._landing(scope)
            if len(self._landings) >= PATHS:
                self._landings.pop(next(iter(self._landings)))
            self._landings[key] = landing
        if landing is None:
            await super().app(scope, receive, send)  # redirect or default, as Starlette does
            return
        route, _ = landing
        scope.setdefault("router", self)
        _, child_scope = route.matches(scope)
        scope["route"] = route
        scope.update(child_scope)
        await route.handle(scope, receive, send)


def _remember_mounts(router: Router) -> None:
    """Make every router mounted in ``router`` remember too."""
    for route in router.routes:
        if isinstance(route, Mount) and type(route.app) is Router:
            route.app = route._base_app = MemoRouter.like(route.app)


class _SwaggerUI(SwaggerUIMiddleware):  # type: ignore[misc]
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.router = MemoRouter(default=self.default_fn)

    def add_api(self, *args: Any, **kwargs: Any) -> None:
        super().add_api(*args, **kwargs)
        _remember_mounts(self.router)


class _Routing(RoutingMiddleware):  # type: ignore[misc]
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        stock: Router = self.router  # type: ignore[has-type]
        self.router = MemoRouter(default=stock.default)

    def add_api(self, *args: Any, **kwargs: Any) -> None:
        super().add_api(*args, **kwargs)
        _remember_mounts(self.router)


#: Connexion's middlewares and their remembering replacements (see ``simulator.app``).
SWAPS: dict[type, type] = {SwaggerUIMiddleware: _SwaggerUI, RoutingMiddleware: _Routing}

"""Connexion's routers with the route each request path lands on remembered.

Every request passes two Starlette routers in Connexion's stack (the Swagger
UI's, which only serves ``openapi.json`` and ``/ui/``, then the operation
router), each one level of 16 mounts and one of the mounted spec's routes:
Starlette tries each route's regular expression in turn (~6 % of a hold in
py-spy). Where an HTTP request lands (a route, a trailing-slash redirect or
the router's default app) depends only on its method, path and root path, so
:class:`MemoRouter` remembers it for the latest :data:`PATHS` distinct ones
and then asks only that route for its match (path parameters and child
scope are still that route's own, from the request's scope). Redirects and
lifespan events go through Starlette's own code, unchanged.

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

from simulator.core.http.memo import Bounded

__all__ = ["PATHS", "SWAPS", "MemoRouter"]

#: How many distinct (method, path, root path) keys each router remembers (ids in
#: paths make the set unbounded; the oldest is forgotten first).
PATHS = 4096

#: Where a request lands: (route, None) on the route Starlette hands it to (its first
#: full match, else its first partial one), (None, True) on a trailing-slash redirect,
#: (None, False) on the router's default app.
_Landing = tuple[BaseRoute | None, bool]


def _path_key(scope: Scope) -> tuple[str, str, str]:
    """What every route's match depends on: the method, the path and the root path."""
    return scope["method"], scope["path"], scope.get("root_path", "")


class MemoRouter(Router):
    """A Starlette ``Router`` that remembers where a request path lands."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._landings: Bounded[tuple[str, str, str], _Landing] = Bounded(PATHS)

    @classmethod
    def like(cls, router: Router) -> MemoRouter:
        """A remembering router with ``router``'s routes, default and slash redirects."""
        return cls(routes=router.routes, redirect_slashes=router.redirect_slashes,
                   default=router.default)

    def landing(self, scope: Scope) -> _Landing:
        """Where the HTTP request ``scope`` lands, remembered."""
        return self._landings.remember(_path_key(scope), self._landing, scope)

    def _landing(self, scope: Scope) -> _Landing:
        """Starlette's choice (``Router.app``), without handling the request."""
        partial: BaseRoute | None = None
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route, False
            if match is Match.PARTIAL and partial is None:
                partial = route
        if partial is not None:
            return partial, False
        if self.redirect_slashes and get_route_path(scope) != "/":
            path = scope["path"]
            other = {**scope, "path": path.rstrip("/") if path.endswith("/") else path + "/"}
            if any(route.matches(other)[0] is not Match.NONE for route in self.routes):
                return None, True
        return None, False

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        route, redirect = self.landing(scope)
        if redirect:
            await super().app(scope, receive, send)  # Starlette builds the redirect
            return
        scope.setdefault("router", self)
        if route is None:
            await self.default(scope, receive, send)
            return
        _, child_scope = route.matches(scope)
        scope["route"] = route
        scope.update(child_scope)
        await route.handle(scope, receive, send)


def _remember_mounts(router: Router) -> None:
    """Make every router mounted in ``router`` remember too."""
    for route in router.routes:
        if isinstance(route, Mount) and type(route.app) is Router:
            route.app = route._base_app = MemoRouter.like(route.app)


def _ends_on_default(router: MemoRouter, scope: Scope) -> bool:
    """Whether ``scope`` ends on the default app of ``router`` or of a router mounted in it."""
    route, redirect = router.landing(scope)
    if redirect:
        return False
    if route is None:
        return True
    if isinstance(route, Mount) and isinstance(route.app, MemoRouter):
        _, child_scope = route.matches(scope)
        return _ends_on_default(route.app, {**scope, **child_scope})
    return False


class _SwaggerUI(SwaggerUIMiddleware):  # type: ignore[misc]
    """The Swagger UI's router, and a request for none of its pages (every API request:
    each of its routers' default is the next app) handed on without routing."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.router = MemoRouter(default=self.default_fn)
        self._passes: Bounded[tuple[str, str, str], bool] = Bounded(PATHS)

    def add_api(self, *args: Any, **kwargs: Any) -> None:
        super().add_api(*args, **kwargs)
        _remember_mounts(self.router)
        self._passes.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            passes = self._passes.remember(_path_key(scope), self._passes_on, scope)
            if passes:  # as default_fn would: the scope as it was before routing
                await self.app(dict(scope), receive, send)
                return
        await super().__call__(scope, receive, send)

    def _passes_on(self, scope: Scope) -> bool:
        return _ends_on_default(self.router, dict(scope))


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

"""Path normalisation: the documentation's URLs end in ``/``; service roots answer 404.

``/path/`` is served as ``/path``. A request for a service's base path itself
(``DELETE /sales/v1``, ``GET /pdfs/v1/``), where no operation is documented,
answers 404 in the documented error shape; left to the router it would be
redirected to itself with a 307, forever. A base path whose spec documents
``/`` (``GET /_sim/deliveries``) is served by that operation instead.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["TrailingSlash"]


class TrailingSlash:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, base_paths: frozenset[str] = frozenset(),
                 served_roots: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.served = frozenset(path.rstrip("/") for path in served_roots)
        self.roots = frozenset(path.rstrip("/") for path in base_paths) - self.served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/") and (
            not path.endswith("/ui/")
        ):
            scope = {**scope, "path": path.rstrip("/") or "/",
                     "raw_path": scope.get("raw_path", b"").rstrip(b"/") or b"/"}
            path = scope["path"]
        if scope["type"] == "http" and path in self.served:
            scope = {**scope, "path": path + "/",
                     "raw_path": scope.get("raw_path", b"").rstrip(b"/") + b"/"}
        elif scope["type"] == "http" and path in self.roots:
            response = JSONResponse(
                {"message": f"No operation is documented at {path}; see {path}/ui/ for "
                            "the operations of this API"}, status_code=404)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

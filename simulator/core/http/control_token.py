"""The control plane's optional token: ``serve --control-token`` / ``TICKETSIM_CONTROL_TOKEN``.

When a token is configured, every ``/_sim`` call must carry
``Authorization: Bearer <token>``, or it gets 401 (``{"message": ...}``,
``WWW-Authenticate: Bearer``). Without one, the control plane is open, as a
local test tool is (``serve`` refuses to listen beyond loopback that way
unless told ``--insecure-control``).
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.core.http.asgi import respond_json
from simulator.core.http.operations import is_control_path

__all__ = ["MISSING_TOKEN", "ControlToken"]

MISSING_TOKEN = ("The control plane needs its token: send Authorization: Bearer <token> "
                 "(the one given to serve --control-token)")


class ControlToken:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.expected = token.encode() if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.expected is None or scope["type"] != "http"
                or not is_control_path(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return
        given = next((value for name, value in scope.get("headers", ())
                      if name == b"authorization"), b"")
        scheme, _, credential = given.strip().partition(b" ")
        # RFC 7235: the scheme is case-insensitive (some clients send "bearer").
        if scheme.lower() == b"bearer" and hmac.compare_digest(credential.strip(),
                                                               self.expected):
            await self.app(scope, receive, send)
            return
        await respond_json(send, 401, {"message": MISSING_TOKEN},
                           {"WWW-Authenticate": 'Bearer realm="ticketsim control plane"'})

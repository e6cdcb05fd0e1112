"""The request body limit: a body over ``max_body_bytes`` is refused before it is buffered.

The layers below read a request body whole (the journal keeps it, fault
rules match on it, the validators parse it): unlimited, a 65 MB body was
refused only after ~5 s and ~860 MB of RSS. :class:`BodyLimit` sits outside
all of them (inside only the state page and the request log, which so logs
the refusal) and looks at the headers once:

- ``Content-Length`` over the limit: the first read of the body raises
  :class:`~simulator.core.errors.BodyTooLarge` at once, so not a byte of the
  body is read (and an ``Expect: 100-continue`` client is never told to send it);
- ``Transfer-Encoding`` (chunked, no length): bytes are counted as they
  arrive and the read that passes the limit raises, so no reader ever holds
  more than the limit;
- anything else (a length within the limit, or no body at all, as HTTP/1.1
  has it without either header): ``receive`` and ``send`` go on untouched.
  The ordinary request path pays one scan of its headers, no wrapper and no
  copy.

The answer is the status every operation with a body documents for bad
input, 400, in the one error shape: ``{"message": "The request body is
larger than N bytes"}``. ``BodyTooLarge`` is a ``BadRequest``, so raised
under Connexion (a raw upload its handler reads) the app's error handler
renders it; raised above Connexion (the journal reads every product body
first, ``JsonBodies`` reads control-plane JSON) :func:`refusal` sends the same
body. The journal answers with :func:`refusal` itself, so a refused product
request is journaled with its status and message.

After the answer, uvicorn reads and drops whatever of the body still
arrives, on a kept-alive connection: closing it instead would reset the
connection under a client still sending, which then reports a write error
rather than the answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.core.errors import BodyTooLarge
from simulator.core.http.asgi import respond_json

__all__ = ["BodyLimit", "refusal"]


def refusal(exc: BodyTooLarge) -> ASGIApp:
    """An ASGI app answering ``exc`` in the documented error shape."""

    async def answer(_scope: Scope, _receive: Receive, send: Send) -> None:
        await respond_json(send, exc.status, {"message": exc.message})

    return answer


def _refused(limit: int) -> Receive:
    """A ``receive`` refusing a body whose declared length is over ``limit``, unread."""

    async def receive() -> Message:
        raise BodyTooLarge(limit)

    return receive


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises once more than ``limit`` body bytes have arrived."""
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit, received)
        return message

    return counting


class BodyLimit:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _limited(self, scope: Scope, receive: Receive) -> Receive | None:
        """The ``receive`` that enforces the limit, or None when nothing needs it."""
        declared: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"transfer-encoding":
                return _counted(receive, self.limit)
            if name == b"content-length":
                declared = value
        if declared is None:
            return None
        try:
            length = int(declared)
        except ValueError:  # the server refuses such a request; count, should one pass
            return _counted(receive, self.limit)
        return _refused(self.limit) if length > self.limit else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = self._limited(scope, receive) if scope["type"] == "http" else None
        if limited is None:
            await self.app(scope, receive, send)
            return
        started = False

        async def noting(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, noting)
        except BodyTooLarge as exc:  # raised above Connexion's error handlers
            if started:
                raise
            await refusal(exc)(scope, receive, send)

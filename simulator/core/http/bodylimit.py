"""The request body limit: a body over ``max_body_bytes`` is refused before it is buffered.

The layers below read a request body whole (the journal keeps it, fault
rules match on it, the validators parse it): unlimited, a 65 MB body was
refused only after ~5 s and ~860 MB of RSS. :class:`BodyLimit` sits outside
all of them (inside only the state page and the request log, which so logs
the refusal) and looks at the headers once:

- ``Content-Length`` over the limit: the first read of the body raises
  :class:`~simulator.core.errors.BodyTooLarge` at once, so not a byte of the
  body is read (and an ``Expect: 100-continue`` client is never told to send it);
- ``Transfer-Encoding`` (chunked, no length): the body is read here, counted
  as it arrives. Within the limit it is handed on whole with the
  ``Content-Length`` it turned out to have (Connexion decides from that
  header whether an operation got its body: without it a chunked JSON body
  was "RequestBody is required"). At the message that passes the limit,
  reading stops and the layers below get a body whose first read raises, as
  for a declared length, so no more than the limit is ever held and the
  journal still notes the refusal and the bytes read;
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
from simulator.core.http.asgi import read_body, replay, respond_json

__all__ = ["BodyLimit", "refusal"]


def refusal(exc: BodyTooLarge) -> ASGIApp:
    """An ASGI app answering ``exc`` in the documented error shape."""

    async def answer(_scope: Scope, _receive: Receive, send: Send) -> None:
        await respond_json(send, exc.status, {"message": exc.message})

    return answer


def _refusing(exc: BodyTooLarge) -> Receive:
    """A ``receive`` whose first read raises ``exc``: a body declared, or found after
    ``exc.received`` bytes, to be over the limit."""

    async def receive() -> Message:
        raise exc

    return receive


def _with_length(scope: Scope, length: int) -> Scope:
    """``scope`` whose headers declare the ``Content-Length`` its body turned out to have."""
    headers = [(name, value) for name, value in scope["headers"] if name != b"content-length"]
    return {**scope, "headers": [*headers, (b"content-length", str(length).encode())]}


class BodyLimit:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _limited(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive] | None:
        """The scope and ``receive`` that enforce the limit, or None when nothing needs it."""
        declared: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"transfer-encoding":
                return await self._read_chunked(scope, receive)
            if name == b"content-length":
                declared = value
        if declared is None:
            return None
        try:
            length = int(declared)
        except ValueError:  # the server refuses such a request; read it counted, should one pass
            return await self._read_chunked(scope, receive)
        return (scope, _refusing(BodyTooLarge(self.limit))) if length > self.limit else None

    async def _read_chunked(self, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
        """A body of unknown length, read here within the limit and handed on with its
        length, or refused on its first read below."""
        try:
            body = await read_body(receive, self.limit)
        except BodyTooLarge as exc:
            return scope, _refusing(exc)
        return _with_length(scope, len(body)), replay(body, receive)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = await self._limited(scope, receive) if scope["type"] == "http" else None
        if limited is None:
            await self.app(scope, receive, send)
            return
        scope, receive_within = limited
        started = False

        async def noting(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_within, noting)
        except BodyTooLarge as exc:  # raised above Connexion's error handlers
            if started:
                raise
            await refusal(exc)(scope, receive, send)

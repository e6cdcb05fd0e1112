"""Long-polls wait outside the request stack: :class:`Parked`, an ASGI middleware.

A long-poll that waits inside its handler keeps a suspended frame in every
layer between the server and the handler (Connexion's routing, security,
validation and decorators, Starlette's routers: ~18 KB a waiter, docs/speed.md).
This layer, the innermost of the simulator's own, runs each request under a
:class:`~simulator.core.jobs.Parking`: a handler whose board wait would
sleep hands the wait out and answers at once; that answer is dropped, the
wait happens here (until the board's event or the same deadline), and the
request runs through the stack again, where the wait then ends at once and
the real answer is sent. A request that does not wait passes once, as before.
Only safe methods (``GET``, ``HEAD``) are parked, since they run twice; a
``POST`` that long-polls (the merger's) waits in place as before.

The outer layers (journal, request log, faults, ``Prefer``) see one request
and one answer; the inner ones (security, validation, the handler) run once
per pass, so they must not count requests (none does).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.core.jobs import PARKING, Parking

__all__ = ["Parked"]

#: Methods without side effects: running such a request again changes nothing.
SAFE_METHODS = frozenset({"GET", "HEAD"})


class Parked:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        parking = Parking(asyncio.current_task())
        token = PARKING.set(parking)
        body: list[Message] = []

        async def recording() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.append(message)
            return message

        async def unless_parked(message: Message) -> None:
            if parking.event is None:
                await send(message)

        try:
            # Each pass gets the scope as it came: the routers below write into theirs.
            await self.app(dict(scope), recording, unless_parked)
            while parking.event is not None:
                await parking.wait()
                await self.app(dict(scope), _replaying(list(body), receive), unless_parked)
        finally:
            parking.leave()
            PARKING.reset(token)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay

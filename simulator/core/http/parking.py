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
``POST`` that long-polls (the merger's) waits in place as before. Each pass
runs as a task of its own, in a copy of the request's context: what the
layers below keep in context variables (Connexion keeps its scope copies
there) goes with the pass instead of staying alive through the wait.

The outer layers (journal, request log, faults, ``Prefer``) see one request
and one answer; the inner ones (security, validation, the handler) run once
per pass, so they must not count requests (none does).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable

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
        parking = Parking(None)
        token = PARKING.set(parking)
        body: list[Message] = []

        async def run(pass_receive: Receive) -> None:
            # Each pass gets the scope as it came: the routers below write into theirs.
            await _in_own_task(parking, self.app(dict(scope), pass_receive, unless_parked))

        async def recording() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.append(message)
            return message

        async def unless_parked(message: Message) -> None:
            if parking.event is None:
                await send(message)

        try:
            await run(recording)
            while parking.event is not None:
                await parking.wait()
                await run(_replaying(list(body), receive))
        finally:
            parking.leave()
            PARKING.reset(token)


async def _in_own_task(parking: Parking, call: Awaitable[None]) -> None:
    """Run one pass as a task in a copy of this context (cancelled with the caller)."""

    async def main() -> None:
        await call

    task = asyncio.get_running_loop().create_task(main(), context=contextvars.copy_context())
    parking.task = task
    try:
        await task
    finally:
        parking.task = None  # a finished task keeps its context, the very thing to drop


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay

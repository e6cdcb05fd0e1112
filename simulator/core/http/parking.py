"""Long-polls wait outside the request stack: :class:`Parked`, an ASGI middleware.

A long-poll that waits inside its handler keeps a suspended frame in every
layer between the server and the handler (Connexion's routing, security,
validation and decorators, Starlette's routers: ~18 KB a waiter, docs/speed.md).
This layer runs each request under a :class:`~simulator.core.jobs.Parking`:
a handler whose board wait would sleep hands the wait out and answers at
once; that answer is dropped, the wait happens here (until the board's event
or the same deadline), and the request runs through the layers below again,
where the wait then ends at once and the real answer is sent. A request that
does not wait passes once, as before. Only safe methods (``GET``, ``HEAD``)
are parked, since they run twice; a ``POST`` that long-polls (the merger's)
waits in place as before. Each pass runs as a task of its own, in a copy of
the request's context: what the layers below keep in context variables
(Connexion keeps its scope copies there) goes with the pass instead of
staying alive through the wait.

It sits right inside the fault layer (:func:`simulator.core.http.steering.add_steering`):
the layers outside it (state page, request log, control token, journal,
faults) see one request and one answer and stay suspended through the wait;
the layers inside it (``Prefer``, JSON bodies, trailing slash, the
simulator's context, then Connexion's) hold no state across a request, run
once per pass, and keep nothing alive while it waits. None of them may count
requests (none does).

A waiter keeps this layer's one frame, its :class:`_Request` (the request's
``send``, ``receive`` and body, no closures) and its parking's future and
timer: docs/speed.md ("Long-poll memory, third pass").
"""

from __future__ import annotations

import asyncio
import contextvars

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
        request = _Request(receive, send)
        token = PARKING.set(request.parking)
        try:
            await self._pass(scope, request, request.recording)
            while request.parking.watch is not None:
                await request.parking.sleep()
                request.parking.leave()  # when cancelled, the ``finally`` below does
                request.replayed = 0
                await self._pass(scope, request, request.replaying)
        finally:
            request.parking.leave()
            PARKING.reset(token)

    async def _pass(self, scope: Scope, request: _Request, receive: Receive) -> None:
        """Run the layers below once, as a task in a copy of this context.

        The task's context (and what the layers below keep in it) goes with
        the task; the scope copy and the call are made only once the task
        runs, so requests arriving together queue as small tasks.
        """

        async def main() -> None:
            # Each pass gets the scope as it came: the routers below write into theirs.
            await self.app(dict(scope), receive, request.unless_parked)

        parking = request.parking
        task = asyncio.get_running_loop().create_task(main(),
                                                      context=contextvars.copy_context())
        parking.task = task
        try:
            await task
        finally:
            parking.task = None  # a finished task keeps its context, the very thing to drop


class _Request:
    """One parked request's ``receive`` and ``send`` across its passes.

    The first pass reads the body from the server and keeps it; later passes
    read it again from here. An answer is sent only by a pass that did not
    hand a wait out.
    """

    __slots__ = ("body", "parking", "receive", "replayed", "send")

    def __init__(self, receive: Receive, send: Send) -> None:
        self.receive = receive
        self.send = send
        self.parking = Parking(None)
        self.body: list[Message] = []
        self.replayed = 0

    async def recording(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.body.append(message)
        return message

    async def replaying(self) -> Message:
        if self.replayed < len(self.body):
            self.replayed += 1
            return self.body[self.replayed - 1]
        return await self.receive()

    async def unless_parked(self, message: Message) -> None:
        if self.parking.watch is None:
            await self.send(message)

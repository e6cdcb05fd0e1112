"""Small ASGI helpers shared by the steering middleware.

``read_body``/``replay`` come from :mod:`simulator.core.http.bodies`: a body
read once by a middleware is handed on unchanged. :func:`drop_connection`
closes the client's connection without an answer, which ASGI itself cannot
express (see its docstring).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import Send

from simulator.core.http.bodies import _replay as replay
from simulator.core.http.bodies import read_body

__all__ = ["drop_connection", "read_body", "replay", "respond",
           "respond_json"]

#: How deep to look through the send wrappers of outer middleware for the server's own.
_WRAPPER_DEPTH = 6


async def respond(send: Send, status: int, body: bytes, content_type: str | None,
                  headers: dict[str, str] | None = None) -> None:
    """Send a whole response."""
    raw = [(b"content-length", str(len(body)).encode())]
    if content_type:
        raw.append((b"content-type", content_type.encode()))
    raw.extend((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def respond_json(send: Send, status: int, document: Any,
                       headers: dict[str, str] | None = None) -> None:
    await respond(send, status, json.dumps(document).encode(), "application/json", headers)


def _transport(send: Any) -> Any:
    """The asyncio transport behind ``send``: uvicorn's ``send`` is a method of its
    request cycle, which holds the transport; outer middleware wrap it in closures."""
    pending, depth = [send], 0
    while pending and depth < _WRAPPER_DEPTH:
        current = pending.pop(0)
        owner = getattr(current, "__self__", None)
        transport = getattr(owner, "transport", None)
        if transport is not None and hasattr(transport, "close"):
            return transport
        pending.extend(cell.cell_contents for cell in getattr(current, "__closure__", None) or ()
                       if callable(getattr(cell, "cell_contents", None)))
        depth += 1
    return None


async def drop_connection(send: Send) -> None:
    """Close the connection without sending a byte of an answer.

    Under uvicorn (``ticketsim serve``) the client sees the connection closed
    (httpx: ``RemoteProtocolError: Server disconnected``). Where no transport
    can be reached (an in-process ASGI client) the app just returns without
    an answer, which such clients report as a failed call.
    """
    transport = _transport(send)
    if transport is None:
        return
    transport.close()
    for _ in range(3):  # let the server notice the closed connection before we return
        await asyncio.sleep(0)



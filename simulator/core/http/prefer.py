"""Prism-compatible ``Prefer`` request header: force a documented response.

``Prefer: code=409`` answers the operation's documented 409, ``example=name``
its named example, ``dynamic=true`` a body drawn from the response schema
(seeded: ``seed=N`` in the header, or the simulator's own sequence, which
``/_sim/reset`` restarts). Preferences combine (``code=200, dynamic=true``)
and are separated by commas or semicolons; unknown ones are ignored (RFC
7240). The answer is made from the spec alone: the service is not called,
so nothing changes state. A code or example the operation does not document
is a 400 listing the documented ones. ``Preference-Applied`` echoes what
was applied.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.core.errors import BadRequest
from simulator.core.http.asgi import respond, respond_json
from simulator.core.http.operations import Route
from simulator.core.http.samples import body_for, example_names

if TYPE_CHECKING:
    from simulator.core.http.steering import Steering

__all__ = ["PreferHeader", "choose", "parse_prefer"]

KNOWN = ("code", "example", "dynamic")


def parse_prefer(value: str) -> dict[str, str]:
    """``code=409, example=x; dynamic=true`` as a dict (names lowercased)."""
    found: dict[str, str] = {}
    for part in value.replace(";", ",").split(","):
        name, _, setting = part.strip().partition("=")
        if name:
            found[name.strip().lower()] = setting.strip().strip('"')
    return found


def _label(route: Route) -> str:
    return f"{route.operation_id} ({route.method} {route.template})"


def choose(route: Route, prefs: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The documented (status, response) the preferences ask for; 400 when undocumented."""
    responses = route.responses()
    documented = route.statuses()
    example = prefs.get("example")
    if "code" in prefs:
        code = prefs["code"]
        if not code.isdigit() or int(code) not in documented:
            raise BadRequest(f"Prefer: code={code} is not documented for {_label(route)}; "
                             f"documented: {', '.join(map(str, documented))}")
        response = responses[str(int(code))]
        if example is not None and example not in example_names(response):
            raise BadRequest(f"Prefer: example={example} is not documented for the "
                             f"{code} of {_label(route)}; documented: "
                             f"{', '.join(example_names(response)) or 'none'}")
        return int(code), response
    ordered = sorted(documented, key=lambda c: (not 200 <= c < 300, c))
    if example is not None:
        for status in ordered:
            if example in example_names(responses[str(status)]):
                return status, responses[str(status)]
        names = [n for status in ordered for n in example_names(responses[str(status)])]
        raise BadRequest(f"Prefer: example={example} is not documented for {_label(route)}; "
                         f"documented: {', '.join(names) or 'none'}")
    if not ordered:
        raise BadRequest(f"{_label(route)} documents no response to prefer")
    return ordered[0], responses[str(ordered[0])]


class PreferHeader:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, steering: Steering) -> None:
        self.app = app
        self.steering = steering

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from simulator.core.http.steering import note_of

        note = note_of(scope)
        header = note.facts.headers.get("prefer", "") if note is not None else ""
        prefs = parse_prefer(header) if header else {}
        if note is None or note.route is None or not any(k in prefs for k in KNOWN):
            await self.app(scope, receive, send)
            return
        try:
            status, response = choose(note.route, prefs)
            rng = self._generator(prefs)
        except BadRequest as exc:
            await respond_json(send, 400, {"message": exc.message})
            return
        note.prefer = header
        content_type, body = body_for(response, note.route.document,
                                      example=prefs.get("example"), rng=rng)
        applied = ", ".join(f"{k}={prefs[k]}" for k in KNOWN if k in prefs)
        await respond(send, status, body, content_type, {"Preference-Applied": applied})

    def _generator(self, prefs: dict[str, str]) -> random.Random | None:
        if prefs.get("dynamic", "false").lower() != "true":
            return None
        seed = prefs.get("seed")
        if seed is None:
            return self.steering.prefer_rng()
        if not seed.lstrip("-").isdigit():
            raise BadRequest(f"Prefer: seed={seed} must be an integer")
        return random.Random(int(seed))

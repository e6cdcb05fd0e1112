"""HTTP glue for ``openapi/control.yaml`` (the ``/_sim`` control plane)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from connexion import request

from simulator.core.clock import SimClock
from simulator.core.errors import BadRequest
from simulator.core.http.context import origin, sim
from simulator.services.control.domain import clock_view
from simulator.services.files.domain import StoredFile, file_url
from simulator.services.pdfs.mint import MintRequest
from simulator.services.pdfs.runtime import PdfJobs

Body = dict[str, Any]
Result = tuple[Body, int]


def _clock() -> Result:
    clock = sim().clock
    return clock_view(clock.now(), str(clock.mode), clock.pending()), 200


def _loaded(counts: dict[str, int]) -> Result:
    return {"message": "Fixtures loaded", "counts": counts}, 200


async def reset() -> Result:
    return _loaded(sim().load_fixtures(None))


async def load_fixtures(body: Body | None = None) -> Result:
    return _loaded(sim().load_fixtures(body or None))


async def get_clock() -> Result:
    return _clock()


def _moved(change: Callable[[SimClock], object]) -> Result:
    """Apply a clock change through the simulator (which persists it), then show the clock."""
    sim().change_clock(change)
    return _clock()


async def set_clock(body: Body) -> Result:
    try:
        target = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"'now' must be an ISO 8601 date-time, got {body['now']!r}") from None
    return _moved(lambda clock: clock.set(target))


async def advance_clock(body: Body) -> Result:
    return _moved(lambda clock: clock.advance(timedelta(seconds=float(body["seconds"]))))


async def freeze_clock() -> Result:
    return _moved(SimClock.freeze)


async def resume_clock() -> Result:
    return _moved(SimClock.resume)


def _stored(stored: StoredFile) -> Body:
    return {"file_id": stored.file_id, "url": file_url(origin(), stored.file_id),
            "name": stored.name, "size": stored.size}


MAX_NAME = 200  # openapi/control.yaml: the ``name`` query parameter's maxLength


async def upload_file(body: Any = None, name: str | None = None, file: Any = None
                      ) -> Result:
    """Store the raw body (application/pdf, octet-stream) or the form's ``file``."""
    if name is not None and len(name) > MAX_NAME:
        raise BadRequest(f"name is longer than {MAX_NAME} characters")
    if file is not None:  # multipart/form-data
        data: bytes = await file.read()
        name = name or file.filename
    elif isinstance(body, bytes | bytearray) or (not body and "content-type" in request.headers):
        # Connexion hands an empty raw body over as None or {}: an empty file.
        # With no Content-Type at all, there is no body: refused below.
        data = bytes(body) if isinstance(body, bytes | bytearray) else b""
    else:
        raise BadRequest("Send the file as the body (application/pdf) or as the 'file' "
                         "field of a multipart/form-data form")
    stored = PdfJobs.of(sim()).upload(data, name or "upload.pdf")
    return _stored(stored), 201


async def mint_pdf(body: Body) -> Result:
    stored, tickets = await PdfJobs.of(sim()).mint(MintRequest.from_json(body))
    return {**_stored(stored), "pages": len(tickets), "tickets": tickets}, 201

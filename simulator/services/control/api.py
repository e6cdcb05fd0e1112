"""HTTP glue for ``openapi/control.yaml`` (the ``/_sim`` control plane)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from connexion import request

from simulator.core.clock import ClockMode, SimClock
from simulator.core.errors import BadRequest
from simulator.core.http.context import origin, sim
from simulator.core.http.journal import parse_count
from simulator.core.http.matching import RequestMatch
from simulator.core.http.steering import Steering, steering_of
from simulator.services.control import snapshot
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


def _steering() -> Steering:
    return steering_of(sim())


async def reset() -> Result:
    """Fixtures again, and no fault rules, no journal entries (a clean start for a test)."""
    _steering().reset()
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


# --- fault rules --------------------------------------------------------------------


async def add_fault(body: Body) -> Result:
    return _steering().faults.add(body).to_json(), 201


async def list_faults() -> Result:
    return {"faults": [rule.to_json() for rule in _steering().faults.rules()]}, 200


async def get_fault(fault_id: str) -> Result:
    return _steering().faults.get(fault_id).to_json(), 200


async def delete_fault(fault_id: str) -> Result:
    _steering().faults.delete(fault_id)
    return {"deleted": 1}, 200


async def delete_faults() -> Result:
    return {"deleted": _steering().faults.clear()}, 200


# --- journal --------------------------------------------------------------------------


def _instant(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        instant = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name} must be an ISO 8601 date-time, got {value[:40]!r}") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def list_journal(method: str | None = None, path: str | None = None,
                       service: str | None = None, operationId: str | None = None,
                       status: int | None = None, since: str | None = None,
                       limit: int = 100, offset: int = 0) -> Result:
    match = RequestMatch.from_json({"method": method, "path": path, "service": service,
                                    "operationId": operationId, "status": status},
                                   with_status=True)
    journal = _steering().journal
    found = journal.find(match, _instant(since, "since"))
    page = found[offset: offset + limit]
    return {"entries": [entry.to_json(journal.body_bytes) for entry in page],
            "total": len(found), "size": journal.size, "recorded": journal.recorded}, 200


async def verify_journal(body: Body) -> Result:
    unknown = sorted(set(body) - {"match", "count", "since"})
    if unknown:
        raise BadRequest(f"Unknown field '{unknown[0]}' (known: count, match, since)")
    match = RequestMatch.from_json(body.get("match"), with_status=True)
    low, high = parse_count(body.get("count"))
    since = body.get("since")
    if since is not None and not isinstance(since, str):
        raise BadRequest("since must be an ISO 8601 date-time string")
    journal = _steering().journal
    verdict = journal.verify(match, low, high, _instant(since, "since"))
    return {"ok": verdict.ok, "count": verdict.count, "expected": verdict.expected,
            "match": match.to_json(),
            "near_misses": [{"entry": entry.to_json(journal.body_bytes),
                             "differences": differences}
                            for entry, differences in verdict.near_misses]}, 200


async def clear_journal() -> Result:
    return {"deleted": _steering().journal.clear()}, 200


# --- snapshots ------------------------------------------------------------------------


async def get_state() -> Result:
    clock = sim().clock
    tables = sim().query(snapshot.export_tables)
    return {"format": snapshot.FORMAT,
            "clock": {"mode": str(clock.mode), "now": clock.now().isoformat()},
            "tables": tables}, 200


async def put_state(body: Body) -> Result:
    clock_value, tables = snapshot.check_document(body)
    mode, instant = snapshot.parse_clock(clock_value)
    counts = sim().replace_state(lambda conn: snapshot.import_tables(conn, tables),
                                 SimClock(ClockMode(mode), start=instant))
    return {"message": "State imported", "counts": counts}, 200

"""Settings of one simulator instance (from the CLI, or from a test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.core.clock import ClockMode

#: Largest request body taken by default: 32 MiB, room for a PDF upload just over the
#: PDF service's 25 MiB fetch limit (to see the decoder refuse it), multipart form included.
MAX_BODY_BYTES = 32 * 1024 * 1024


@dataclass(slots=True)
class SimConfig:
    """Everything :func:`simulator.app.create_app` needs to build a simulator.

    ``db`` is a SQLite path, ``:memory:`` or a SQLAlchemy URL. ``fixtures``
    is a fixtures document path, or None for the default set.
    """

    db: str = ":memory:"
    fixtures: Path | None = None
    clock: ClockMode = ClockMode.REALTIME
    validate_responses: bool = False
    base_url: str = "http://127.0.0.1:8080"
    long_poll_seconds: float = 25.0
    fetch_allow: tuple[str, ...] = field(default_factory=lambda: ("127.0.0.1", "localhost", "::1"))
    tick_seconds: float = 0.25
    #: Serve the control plane (``/_sim``). ``serve --no-control`` turns it off, so the
    #: simulator can stand in for a real deployment (the conformance suite's read-only mode).
    control: bool = True
    #: Several processes share the store (``serve --workers N`` > 1, or a
    #: PostgreSQL URL): the clock, due timers and long-poll wake-ups then go
    #: through the store (see :mod:`simulator.runtime`). Off, nothing is re-read.
    shared: bool = False
    #: PDF service: largest input fetched, fetch time limit, worker threads,
    #: lifetime of presigned result URLs (simulated seconds).
    fetch_max_bytes: int = 25 * 1024 * 1024
    fetch_timeout_seconds: float = 20.0
    fetch_max_redirects: int = 5
    pdf_workers: int = 2
    presign_seconds: int = 3600
    #: An ``httpx.BaseTransport`` for the decoder's fetches (tests inject a
    #: ``MockTransport``); None means real network, limited by ``fetch_allow``.
    fetch_transport: Any = None
    #: Per-service settings overrides: ``{"inventory": {"verify_seconds": 5}}``; each
    #: service's ``settings`` dataclass gives the defaults and the documentation.
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Control plane and test steering (``/_sim``): entries kept by the request
    #: journal (a ring), bytes of each request/response body it keeps, and the
    #: token every ``/_sim`` call must bear (``Authorization: Bearer``; None: open).
    journal_size: int = 10_000
    journal_body_bytes: int = 2048
    control_token: str | None = None
    #: Largest request body taken (bytes); a larger one is refused with the documented
    #: 400 before it is buffered (:mod:`simulator.core.http.bodylimit`).
    max_body_bytes: int = MAX_BODY_BYTES

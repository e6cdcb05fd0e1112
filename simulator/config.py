"""Settings of one simulator instance (from the CLI, or from a test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simulator.clock import ClockMode


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

"""PDF jobs (decoder, splitter, merger) and their outcome.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    String,
    Table,
    Text,
)

from simulator.core.store import metadata

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String, primary_key=True),
    Column("kind", String, nullable=False),  # decoder | splitter | merger
    Column("status", String, nullable=False),  # RUNNING | SUCCEEDED | FAILED
    Column("request", JSON, nullable=False),
    Column("result", JSON, nullable=True),
    Column("error", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    # the process running the job (simulator.core.peers): a restart fails only
    # the RUNNING jobs of owners no longer alive, never a sibling worker's
    Column("owner", String, nullable=True, index=True),
)

__all__ = ['jobs']

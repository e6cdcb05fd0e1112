"""Stored files: uploads, minted PDFs and the splitter's and merger's results.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    LargeBinary,
    String,
    Table,
)

from simulator.core.store import metadata

files = Table(
    "files",
    metadata,
    Column("file_id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("content_type", String, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    # results of the splitter and merger: served only through a presigned URL
    Column("signed_only", Boolean, nullable=False, default=False),
)

__all__ = ['files']

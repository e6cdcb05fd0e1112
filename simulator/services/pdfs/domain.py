"""PDF Management: decoder, splitter and merger jobs.

The rules of the "PDF Management" section of the 1Ticket documentation.
A job is a row of the ``jobs`` table; its lifecycle is the transition table
:data:`JOB_LIFECYCLE`::

    (new) → RUNNING → SUCCEEDED | FAILED

A job records its ``owner``, the process running it. A job still RUNNING
whose owner no longer lives was interrupted by a restart: it ends FAILED
with that reason (:func:`fail_interrupted`), never RUNNING forever, while the
running jobs of sibling processes sharing the store are left alone.

The work itself (fetch, decode, split, merge) runs outside any transaction,
in :mod:`simulator.services.pdfs.runtime`; this module parses requests, records jobs and
shapes the documented bodies, quirks included: the merger's POST names its
result ``url``, its GET names the same value ``pdf_urls``, as a string.
Result files are referred to by id in the job and presigned afresh (one hour
on the simulated clock) each time a body is built.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, or_, select

from simulator.core.errors import BadRequest, NotAPdf, NotFound
from simulator.core.ids import new_hex
from simulator.core.instants import aware
from simulator.core.lifecycle import Lifecycle
from simulator.services.files import domain as files
from simulator.services.pdfs.tables import jobs

__all__ = [
    "INTERRUPTED",
    "JOB_LIFECYCLE",
    "MAX_MERGE_URLS",
    "Job",
    "JobKind",
    "JobStatus",
    "create_job",
    "fail_interrupted",
    "finish_job",
    "get_job",
    "job_view",
    "parse_url",
    "parse_urls",
    "require_pdf",
    "running_owners",
]

MAX_MERGE_URLS = 100
MAX_URL_LENGTH = 4096
INTERRUPTED = "The job was interrupted by a restart of the service"


class JobKind(StrEnum):
    DECODER = "decoder"
    SPLITTER = "splitter"
    MERGER = "merger"


class JobStatus(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


#: RUNNING -> SUCCEEDED | FAILED; a finished job never moves again.
JOB_LIFECYCLE: Lifecycle[JobStatus] = Lifecycle(jobs, jobs.c.status, {
    None: {JobStatus.RUNNING},
    JobStatus.RUNNING: {JobStatus.SUCCEEDED, JobStatus.FAILED},
}, noun="job")


@dataclass(frozen=True, slots=True)
class Job:
    """One decoder, splitter or merger job as stored."""

    job_id: str
    kind: JobKind
    status: JobStatus
    request: dict[str, Any]
    result: dict[str, Any] | None
    error: str
    created_at: datetime
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status is not JobStatus.RUNNING

    @classmethod
    def from_row(cls, row: Any) -> Job:
        return cls(row.job_id, JobKind(row.kind), JobStatus(row.status), dict(row.request),
                   dict(row.result) if row.result is not None else None, row.error or "",
                   aware(row.created_at), aware(row.finished_at) if row.finished_at else None)


# --- requests ---------------------------------------------------------------


def parse_url(value: Any, field: str = "url") -> str:
    """An http(s) URL string, or BadRequest saying what is wrong with it.

    Only the form is checked here; a URL that cannot be fetched (no host,
    bad port, host not allowed) fails when it is fetched, as the job's
    reason or the synchronous decoder's 400.
    """
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"'{field}' must be a non-empty URL string")
    url = value.strip()
    if len(url) > MAX_URL_LENGTH:
        raise BadRequest(f"'{field}' is longer than {MAX_URL_LENGTH} characters")
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme not in ("http", "https"):
        raise BadRequest(f"'{field}' must be an http:// or https:// URL, got {url[:80]!r}")
    return url


def parse_urls(value: Any) -> list[str]:
    """The merger's ``urls``: 1 to :data:`MAX_MERGE_URLS` URLs."""
    if not isinstance(value, list) or not value:
        raise BadRequest("'urls' must be a non-empty list of URLs")
    if len(value) > MAX_MERGE_URLS:
        raise BadRequest(f"'urls' lists {len(value)} files; at most {MAX_MERGE_URLS} "
                         "can be merged at once")
    return [parse_url(item, f"urls[{index}]") for index, item in enumerate(value)]


PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024  # readers accept junk before the header within the first KiB


def require_pdf(data: bytes, content_type: str | None = None) -> None:
    """Refuse content that is not a PDF (NotAPdf, 400).

    The message says what was wrong (its size and declared type), never what
    the file holds: the URL may point at anything the simulator can reach.
    """
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        kind = content_type.split(";")[0].strip()[:80] if content_type else ""
        declared = f", served as {kind}" if kind else ""
        raise NotAPdf(f"The file is not a PDF ({len(data)} bytes{declared})" if data
                      else "The file is empty, not a PDF")


# --- job records ------------------------------------------------------------


def create_job(conn: Connection, now: datetime, kind: JobKind, request: dict[str, Any],
               owner: str = "") -> Job:
    """Record a new RUNNING job, run by the process called ``owner``."""
    status = JOB_LIFECYCLE.initial(JobStatus.RUNNING)
    job_id = str(uuid.UUID(hex=new_hex(conn, kind="job")))
    job = Job(job_id, kind, status, request, None, "", now, None)
    conn.execute(jobs.insert().values(
        job_id=job.job_id, kind=str(kind), status=str(job.status), request=request,
        result=None, error="", created_at=now, finished_at=None, owner=owner))
    return job


def get_job(conn: Connection, kind: JobKind, job_id: str) -> Job:
    """The job ``job_id`` of this kind; any other id is NotFound (404)."""
    row = conn.execute(select(jobs).where(jobs.c.job_id == job_id, jobs.c.kind == str(kind))
                       ).first()
    if row is None:
        raise NotFound(f"No {kind} job with id '{job_id}'")
    return Job.from_row(row)


def finish_job(conn: Connection, now: datetime, job_id: str, status: JobStatus,
               result: dict[str, Any] | None = None, error: str = "") -> bool:
    """Move a RUNNING job to SUCCEEDED (with ``result``) or FAILED (with ``error``).

    Returns False when the job is gone (state was reset while it ran).
    """
    return JOB_LIFECYCLE.move(conn, jobs.c.job_id == job_id, status, result=result,
                              error=error, finished_at=now) == 1


def running_owners(conn: Connection) -> set[str]:
    """The owners of RUNNING jobs ("" for jobs recorded without one)."""
    return {owner or "" for owner in conn.execute(
        select(jobs.c.owner).where(jobs.c.status == str(JobStatus.RUNNING)).distinct()
    ).scalars()}


def fail_interrupted(conn: Connection, now: datetime, dead: Collection[str]) -> int:
    """End FAILED every RUNNING job owned by a ``dead`` process: its worker died with it."""
    owners = [owner for owner in dead if owner]
    gone: ColumnElement[bool] = jobs.c.owner.in_(owners)
    if "" in dead:
        gone = or_(gone, jobs.c.owner.is_(None), jobs.c.owner == "")
    return JOB_LIFECYCLE.move_all(conn, gone, JobStatus.FAILED,
                                  error=INTERRUPTED, finished_at=now)


# --- documented bodies --------------------------------------------------------


def job_view(conn: Connection, now: datetime, kind: JobKind, job_id: str, origin: str,
             seconds: int, *, merger_key: str = "pdf_urls") -> dict[str, Any]:
    """The documented body of a job (GET, and the merger's POST with ``merger_key="url"``).

    Result URLs are presigned at ``now`` for ``seconds`` under ``origin``.
    Fields of a result not (yet) there are empty: ``[]`` or ``""``.
    """

    job = get_job(conn, kind, job_id)

    def url(file_id: str) -> str:
        return files.file_url(origin, file_id, files.presign(conn, now, file_id, seconds))

    result: Mapping[str, Any] = job.result or {}
    body: dict[str, Any] = {"job_id": job.job_id, "status": str(job.status)}
    if job.kind is JobKind.DECODER:
        body["tickets"] = list(result.get("tickets", []))
    elif job.kind is JobKind.SPLITTER:
        body["pdf_urls"] = [url(file_id) for file_id in result.get("file_ids", [])]
    else:
        file_id = result.get("file_id")
        body[merger_key] = url(file_id) if file_id else ""
    body["error"] = job.error
    return body

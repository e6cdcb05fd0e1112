"""The PDF service's machinery: inputs, work on the pool, jobs and long-polls.

:class:`PdfJobs` belongs to the :class:`~simulator.runtime.Simulator`. It

- loads an input URL: one of the documentation's example URLs as the PDF
  :mod:`~simulator.services.pdfs.examples` draws for it, a file of this
  simulator straight from the store (same access rules as ``GET
  /_files/{id}``), anything else through the SSRF-guarded
  :class:`~simulator.core.outbound.fetch.Fetcher`;
- runs fetch + decode / split / merge on the :class:`~simulator.core.jobs.WorkerPool`,
  awaited (synchronous decoder) or as a job recorded in the store;
- ends every job SUCCEEDED or FAILED with a reason, whatever happens in the
  work, then wakes its long-polls through the :class:`~simulator.core.jobs.JobBoard`.

Each store access is its own short transaction: no transaction is held
while a file downloads or a PDF is processed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from simulator.core.errors import (
    BadRequest,
    BrokenPdf,
    Conflict,
    FetchFailed,
    PdfError,
    SimError,
    TooLarge,
)
from simulator.core.http.faults import FaultTransport
from simulator.core.jobs import JobBoard, WorkerPool
from simulator.core.outbound.fetch import Fetcher, FetchPolicy
from simulator.services.files import domain as files
from simulator.services.pdfs import domain as pdfs
from simulator.services.pdfs import examples as pdf_examples
from simulator.services.pdfs import mint as pdfmint
from simulator.services.pdfs.domain import Job, JobKind, JobStatus
from simulator.services.pdfs.mint import MintRequest

if TYPE_CHECKING:
    from simulator.pdf.model import TicketFields
    from simulator.runtime import Simulator

__all__ = ["PdfJobs"]

log = logging.getLogger("ticketsim")

T = TypeVar("T")

UPLOAD_LIMIT_FACTOR = 4  # uploads may exceed the fetch limit, to test TooLarge


def _guarded(step: str, fn: Callable[[], T]) -> T:
    """Run a PDF library step; an unexpected error is the input's fault, not a 500."""
    try:
        return fn()
    except SimError:
        raise
    except Exception as exc:
        log.warning("PDF %s failed unexpectedly", step, exc_info=exc)
        raise BrokenPdf(f"The PDF could not be {step}: {type(exc).__name__}") from exc


def decode_tickets(data: bytes) -> list[dict[str, Any]]:
    """The documented ticket objects of a PDF."""
    from simulator.pdf import decode as pdf_decode  # heavy: loaded on first use

    return [t.to_dict() for t in _guarded("decoded", lambda: pdf_decode.decode_pdf(data))]


def _draw(request: MintRequest) -> tuple[bytes, list[dict[str, Any]]]:
    """Random tickets overlaid with the given fields, rendered one per page.

    Returns the PDF and, per page, what the decoder must read back from it.
    """
    from simulator.pdf import render, synth

    factory = synth.TicketFactory(request.seed or 0)
    tickets: list[TicketFields] = []
    for index in range(request.count):
        given = request.tickets[index] if request.tickets else {}
        producer = given.get("producer") or request.producer
        try:
            base = factory.ticket(producer, request.symbology)
        except (KeyError, ValueError) as exc:
            reason = exc.args[0] if exc.args else exc
            raise BadRequest(f"tickets[{index}]: cannot make a ticket: {reason}") from None
        tickets.append(pdfmint.ticket_fields(base, given, index))
    try:
        data = render.render_tickets(tickets)
    except ValueError as exc:
        raise BadRequest(f"The tickets cannot be drawn: {exc}") from None
    return data, [render.expected_decode(t, n).to_dict() for n, t in enumerate(tickets, 1)]


def _outcome(job_id: str, work: Callable[[], dict[str, Any]]
             ) -> tuple[JobStatus, dict[str, Any] | None, str]:
    """Run a job's work: (SUCCEEDED, result, "") or (FAILED, None, the reason)."""
    try:
        return JobStatus.SUCCEEDED, work(), ""
    except SimError as exc:
        return JobStatus.FAILED, None, exc.message
    except Exception as exc:
        log.exception("PDF job %s failed unexpectedly", job_id, exc_info=exc)
        return JobStatus.FAILED, None, f"Internal error while processing: {type(exc).__name__}"


class PdfJobs:
    """Start, run, record and wait for the PDF jobs of one simulator."""

    def __init__(self, simulator: Simulator) -> None:
        config = simulator.config
        self.simulator = simulator
        self.pool = WorkerPool(config.pdf_workers)
        self.board: JobBoard = simulator.board("pdfs")
        self.owner = simulator.peers.owner
        self.fetcher = Fetcher(
            FetchPolicy.of(config.fetch_allow, max_bytes=config.fetch_max_bytes,
                           timeout_seconds=config.fetch_timeout_seconds,
                           max_redirects=config.fetch_max_redirects),
            transport=FaultTransport(simulator, config.fetch_transport))  # outbound fault rules
        self.own_origin = urlsplit(config.base_url).netloc.lower()
        owners = simulator.query(pdfs.running_owners)
        dead = {owner for owner in owners if not simulator.peers.alive(owner)}
        interrupted = simulator.run(pdfs.fail_interrupted, dead) if dead else 0
        if interrupted:
            log.warning("%d PDF job(s) interrupted by the restart ended FAILED", interrupted)

    # --- inputs ---------------------------------------------------------------

    def origins(self, request_origin: str) -> frozenset[str]:
        """``host[:port]`` values that name this simulator."""
        return frozenset({self.own_origin, urlsplit(request_origin).netloc.lower()})

    def load(self, url: str, origins: frozenset[str]) -> bytes:
        """The PDF at ``url`` (blocking: call on a worker)."""
        documented = pdf_examples.example_pdf(url)  # the documentation's example URLs
        if documented is not None:
            return documented
        file_id = files.file_id_of(url, origins)
        content_type: str | None = None
        if file_id is None:
            data, content_type = self.fetcher.fetch_typed(url)
        else:
            query = dict(parse_qsl(urlsplit(url).query))
            try:
                data = self.simulator.run(files.open_file, file_id, query).data
            except SimError as exc:
                raise FetchFailed(f"{url} answered HTTP {exc.status}: {exc.message}") from None
            limit = self.fetcher.policy.max_bytes
            if len(data) > limit:
                raise TooLarge(f"The file is {len(data)} bytes; the limit is {limit} bytes")
        pdfs.require_pdf(data, content_type)
        return data

    # --- synchronous work -------------------------------------------------------

    async def decode_now(self, url: str, origin: str) -> list[dict[str, Any]]:
        """Fetch and decode ``url`` on a worker, awaited (the synchronous decoder)."""
        origins = self.origins(origin)
        return await self.pool.call(lambda: decode_tickets(self.load(url, origins)))

    # --- files for test authors ----------------------------------------------------

    def upload(self, data: bytes, name: str) -> files.StoredFile:
        """Store an uploaded file (any bytes: tests upload non-PDFs on purpose)."""
        limit = UPLOAD_LIMIT_FACTOR * self.simulator.config.fetch_max_bytes
        if len(data) > limit:
            raise TooLarge(f"Uploads are limited to {limit} bytes")
        return self.simulator.run(files.put_file, data, name=name)

    async def mint(self, request: MintRequest) -> tuple[files.StoredFile, list[dict[str, Any]]]:
        """Draw the requested tickets into a PDF (on a worker) and store it.

        Without a seed in the request, the seed is the state's next id, so the
        same fixtures seed and the same requests mint the same tickets.
        """
        if request.seed is None:
            request = dataclasses.replace(request, seed=self.simulator.run(pdfmint.fresh_seed))
        data, expected = await self.pool.call(_draw, request)
        stored = self.simulator.run(files.put_file, data, name=request.name)
        return stored, expected

    # --- jobs -------------------------------------------------------------------

    def start(self, kind: JobKind, request: dict[str, Any], origin: str) -> Job:
        """Record a RUNNING job and queue its work."""
        job = self.simulator.run(pdfs.create_job, kind, request, self.owner)
        work = self._work(kind, request, self.origins(origin))
        self.pool.submit(self._run, job.job_id, work)
        return job

    def _work(self, kind: JobKind, request: Mapping[str, Any], origins: frozenset[str]
              ) -> Callable[[], dict[str, Any]]:
        if kind is JobKind.DECODER:
            return lambda: {"tickets": decode_tickets(self.load(request["url"], origins))}
        if kind is JobKind.SPLITTER:
            return lambda: self._split(self.load(request["url"], origins))
        return lambda: self._merge([self._load_nth(u, i, origins)
                                    for i, u in enumerate(request["urls"])])

    def _load_nth(self, url: str, index: int, origins: frozenset[str]) -> bytes:
        try:
            return self.load(url, origins)
        except PdfError as exc:
            raise type(exc)(f"urls[{index}]: {exc.message}") from exc

    def _split(self, data: bytes) -> dict[str, Any]:
        from simulator.pdf import splitmerge

        pages = _guarded("split", lambda: splitmerge.split_pdf(data))
        saved = self.simulator.run(lambda conn, now: [
            files.put_file(conn, now, page, name=f"page_{n}.pdf", signed_only=True).file_id
            for n, page in enumerate(pages, start=1)])
        return {"file_ids": saved}

    def _merge(self, parts: list[bytes]) -> dict[str, Any]:
        from simulator.pdf import splitmerge

        merged = _guarded("merged", lambda: splitmerge.merge_pdfs(parts))
        saved = self.simulator.run(lambda conn, now: files.put_file(
            conn, now, merged, name="merged.pdf", signed_only=True))
        return {"file_id": saved.file_id}

    def _run(self, job_id: str, work: Callable[[], dict[str, Any]]) -> None:
        """A worker's whole job: never leaves it RUNNING, always wakes its waiters."""
        try:
            status, result, error = _outcome(job_id, work)
            try:
                self.simulator.run(pdfs.finish_job, job_id, status, result, error)
            except Conflict:  # another process ended it (it restarted on this store)
                log.info("PDF job %s had already ended elsewhere", job_id)
            except Exception as exc:  # the store itself failed: nothing more to record
                log.exception("PDF job %s could not be recorded", job_id, exc_info=exc)
        finally:
            self.board.notify(job_id)

    # --- reading ------------------------------------------------------------------

    async def view(self, kind: JobKind, job_id: str, origin: str, timeout: float, *,
                   merger_key: str = "pdf_urls") -> dict[str, Any]:
        """The documented body of a job, once finished or after ``timeout`` real seconds.

        Unknown ids raise NotFound (404). Result URLs are presigned under ``origin``.
        """
        with self.board.watch(job_id) as watch:
            body = self._body(kind, job_id, origin, merger_key)
            if body["status"] != JobStatus.RUNNING or not await watch.wait(timeout):
                return body
        return self._body(kind, job_id, origin, merger_key)

    def _body(self, kind: JobKind, job_id: str, origin: str, merger_key: str
              ) -> dict[str, Any]:
        seconds = self.simulator.config.presign_seconds
        return self.simulator.query(pdfs.job_view, self.simulator.clock.now(), kind, job_id,
                                    origin, seconds, merger_key=merger_key)

    @staticmethod
    def of(simulator: Simulator) -> PdfJobs:
        """The PDF service's runtime of ``simulator``."""
        jobs: PdfJobs = simulator.runtime("pdfs")
        return jobs

    def reset(self) -> None:
        """The store was wiped or reloaded: no job row this runtime knows survives.

        Work still on the pool finishes into a missing row and is dropped; the
        long-poll board is keyed by job id, so stale waiters time out as usual.
        """

    def close(self) -> None:
        self.pool.shutdown()

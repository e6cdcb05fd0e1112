"""HTTP glue for ``openapi/pdfs.yaml`` (PDF Management: decoder, splitter, merger)."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import BadRequest
from simulator.core.http.context import origin, sim
from simulator.services.pdfs.domain import JobKind, parse_url, parse_urls
from simulator.services.pdfs.runtime import PdfJobs

Body = dict[str, Any]
Result = tuple[Body, int]


def _flag(body: Body, name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise BadRequest(f"'{name}' must be true or false")
    return value


async def decode_pdf(body: Body) -> Result:
    url = parse_url(body.get("url"))
    service = PdfJobs.of(sim())
    if _flag(body, "async"):
        return {"job_id": service.start(JobKind.DECODER, {"url": url}, origin()).job_id}, 200
    return {"tickets": await service.decode_now(url, origin())}, 200


async def split_pdf(body: Body) -> Result:
    url = parse_url(body.get("url"))
    return {"job_id": PdfJobs.of(sim()).start(JobKind.SPLITTER, {"url": url}, origin()).job_id}, 200


async def merge_pdfs(body: Body) -> Result:
    urls = parse_urls(body.get("urls"))
    service = PdfJobs.of(sim())
    job = service.start(JobKind.MERGER, {"urls": urls}, origin())
    return await service.view(JobKind.MERGER, job.job_id, origin(),
                              sim().config.long_poll_seconds, merger_key="url"), 200


async def _job(kind: JobKind, job_id: str) -> Result:
    return await PdfJobs.of(sim()).view(kind, job_id, origin(), sim().config.long_poll_seconds), 200


async def get_decoder_job(job_id: str) -> Result:
    return await _job(JobKind.DECODER, job_id)


async def get_splitter_job(job_id: str) -> Result:
    return await _job(JobKind.SPLITTER, job_id)


async def get_merger_job(job_id: str) -> Result:
    return await _job(JobKind.MERGER, job_id)

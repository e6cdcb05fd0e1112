"""The PDF service (``/pdfs/v1``): decoder, splitter and merger, as jobs with long-poll."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="pdfs", package=__name__,
    summary="decoder, splitter, merger (jobs, long-poll, presigned results)",
    mounts=(Mount("pdfs.yaml", "/pdfs/v1"),),
    tables="tables", runtime="runtime:PdfJobs",
)

"""Stored files served at ``/_files`` (uploads, minted PDFs, presigned results)."""

from simulator.core.service import Mount, ServiceDef

SERVICE = ServiceDef(
    name="files", package=__name__,
    summary="stored files, plain or behind presigned URLs",
    mounts=(Mount("files.yaml", "/_files"),), tables="tables", product=False,
)

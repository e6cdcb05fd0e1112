"""HTTP glue for ``openapi/files.yaml`` (the simulator's file store)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from connexion import request
from connexion.lifecycle import ConnexionResponse

from simulator.core.http.context import sim
from simulator.services.files import domain as files


async def get_file(file_id: str, **_presign: object) -> ConnexionResponse:
    # the X-Amz-* names are read raw: Connexion would pass them as XAmzDate, ...
    query = dict(parse_qsl(request.url.query, keep_blank_values=True))
    stored = sim().run(files.open_file, file_id, query)
    return ConnexionResponse(
        status_code=200, content_type=stored.content_type, body=stored.data,
        headers={"Content-Disposition": f'inline; filename="{stored.name}"'})


class _QuietMultipleContentTypes(logging.Filter):
    """Drop Connexion's per-request warning about ``POST /_sim/files``'s several body types."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(
            "this operation accepts multiple content types")


logging.getLogger("connexion.operations.openapi3").addFilter(_QuietMultipleContentTypes())

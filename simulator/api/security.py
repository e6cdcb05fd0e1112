"""Security callbacks named in the specs (``x-apikeyInfoFunc``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from simulator.api.context import sim
from simulator.domain.auth import lookup_key


def api_key_info(apikey: str, required_scopes: Any = None) -> dict[str, Any]:
    """Resolve an ``x-api-key`` (or raw ``Authorization``) value; unknown keys get 403."""

    def lookup(conn: Connection) -> dict[str, Any]:
        return lookup_key(conn, apikey).token_info()

    return sim().query(lookup)

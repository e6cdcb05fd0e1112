"""Security callbacks named in the specs (``x-apikeyInfoFunc``)."""

from __future__ import annotations

from typing import Any

from simulator.api.context import sim


def api_key_info(apikey: str, required_scopes: Any = None) -> dict[str, Any]:
    """Resolve an ``x-api-key`` (or raw ``Authorization``) value; unknown keys get 403."""
    return sim().principal(apikey).token_info()

"""Security callbacks named in the specs (``x-apikeyInfoFunc``, ``x-bearerInfoFunc``)."""

from __future__ import annotations

from typing import Any

from simulator.core.errors import Forbidden, Unauthorized
from simulator.core.http.context import sim


def api_key_info(apikey: str, required_scopes: Any = None) -> dict[str, Any]:
    """Resolve an ``x-api-key`` (or raw ``Authorization``) value; unknown keys get 403."""
    return sim().principal(apikey).token_info()


def raw_key_info(apikey: str, required_scopes: Any = None) -> dict[str, Any]:
    """Resolve a raw key sent as ``Authorization`` (MPDeleter's scheme).

    That API documents its refusal as exactly ``{"message": "Forbidden."}``,
    so an unknown key gets that body, without the reason other APIs add.
    """
    try:
        return api_key_info(apikey, required_scopes)
    except Forbidden:
        raise Forbidden() from None


def bearer_info(token: str) -> dict[str, Any]:
    """Resolve an ``Authorization: Bearer`` token like an API key; unknown ones get 403."""
    return sim().principal(token).token_info()


def bearer_info_unknown_unauthorized(token: str) -> dict[str, Any]:
    """Resolve a Bearer token where the API documents only 401 for a bad credential
    (vivenu's ticket transfers): an unknown key is 401, not the shared lookup's 403."""
    try:
        return bearer_info(token)
    except Forbidden:
        raise Unauthorized("Unauthorized. The API key is not valid") from None

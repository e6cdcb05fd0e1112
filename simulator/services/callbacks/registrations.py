"""Where calls go: marketplaces' callback base URLs, path templates and secrets; brokers'
webhook URLs and secrets. Set by the fixtures and by the control plane."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, select

from simulator.core.errors import BadRequest, NotFound
from simulator.services.callbacks.postsale import DEFAULT_PATHS
from simulator.services.callbacks.tables import broker_webhooks, callback_targets
from simulator.services.platform.marketplaces import Marketplace
from simulator.services.platform.tables import brokers

PLACEHOLDERS = frozenset({"order_id", "broker", "invoice_id", "marketplace"})
MAX_URL = 2000


def check_url(name: str, value: Any) -> str:
    """An absolute http(s) URL with a host, or a 400 naming the field."""
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{name} must be an http(s) URL")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(value) > MAX_URL:
        raise BadRequest(f"{name} must be an absolute http(s) URL with a host, "
                         f"not {value[:80]!r}")
    return value.strip()


def check_secret(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 512:
        raise BadRequest("secret must be a non-empty string of at most 512 characters")
    return value


def check_paths(paths: Any) -> dict[str, str]:
    """Per-call path templates: known calls, known placeholders, starting with '/'."""
    if paths is None:
        return {}
    if not isinstance(paths, Mapping):
        raise BadRequest("paths must be an object of path templates by call name")
    found = {}
    for call, template in paths.items():
        if call not in DEFAULT_PATHS:
            raise BadRequest(f"paths.{call}: unknown call; one of {', '.join(DEFAULT_PATHS)}")
        if not isinstance(template, str) or not template.startswith("/") or len(template) > 500:
            raise BadRequest(f"paths.{call} must be a path starting with '/'")
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(template) if n is not None}
        except ValueError:
            raise BadRequest(f"paths.{call}: unbalanced braces in {template!r}") from None
        if not names <= PLACEHOLDERS:
            raise BadRequest(f"paths.{call}: unknown placeholder(s) "
                             f"{', '.join(sorted(names - PLACEHOLDERS))}; known: "
                             f"{', '.join(sorted(PLACEHOLDERS))}")
        found[str(call)] = template
    return found


def register_marketplace(conn: Connection, marketplace: Marketplace, body: Mapping[str, Any]
                         ) -> dict[str, Any]:
    """Set (replace) where the marketplace's callbacks go."""
    paths = check_paths(body.get("paths"))
    values: dict[str, Any] = {"base_url": check_url("base_url", body.get("base_url")),
                              "secret": check_secret(body.get("secret")), "paths": paths}
    conn.execute(delete(callback_targets).where(
        callback_targets.c.marketplace_id == marketplace.id))
    conn.execute(callback_targets.insert().values(marketplace_id=marketplace.id, **values))
    return {"marketplace": marketplace.name, "base_url": values["base_url"],
            "paths": {**DEFAULT_PATHS, **paths}}


def register_webhook(conn: Connection, user_id: int, body: Mapping[str, Any]) -> dict[str, Any]:
    """Set (replace) the broker's sale-notification webhook."""
    if conn.execute(select(brokers.c.user_id).where(brokers.c.user_id == user_id)).first() is None:
        raise NotFound(f"Broker {user_id} not found")
    url = check_url("url", body.get("url"))
    secret = check_secret(body.get("secret"))
    conn.execute(delete(broker_webhooks).where(broker_webhooks.c.user_id == user_id))
    conn.execute(broker_webhooks.insert().values(user_id=user_id, url=url, secret=secret))
    return {"user_id": user_id, "url": url}

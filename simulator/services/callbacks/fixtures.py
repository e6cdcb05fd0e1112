"""Fixture sections: callback registrations of marketplaces and webhooks of brokers.

The default document points every documented marketplace and the default
broker at the reference receiver on ``http://127.0.0.1:9099``
(``ticketsim receiver --port 9099``), so ``make run`` makes real calls at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from simulator.core.fixtures import insert_rows
from simulator.services.callbacks.tables import broker_webhooks, callback_targets

if TYPE_CHECKING:
    from simulator.fixturegen import FixtureContext

SECTIONS = ("callback_targets", "broker_webhooks")
RECEIVER = "http://127.0.0.1:9099"


def _secret(ctx: FixtureContext) -> str:
    return "whsec_" + "".join(ctx.rng.choice("0123456789abcdef") for _ in range(32))


def generate(ctx: FixtureContext) -> dict[str, Any]:
    markets = ctx.document.get("marketplaces", [])
    brokers = ctx.document.get("brokers", [])[:1]
    return {
        "callback_targets": [{"marketplace_id": m["id"],
                              "base_url": f"{RECEIVER}/mp/{str(m['name']).lower()}",
                              "secret": _secret(ctx), "paths": {}} for m in markets],
        "broker_webhooks": [{"user_id": b["user_id"], "url": f"{RECEIVER}/hooks/{b['user_id']}",
                             "secret": _secret(ctx)} for b in brokers],
    }


def load(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    return insert_rows(conn, document, {
        "callback_targets": (callback_targets, lambda d: [
            {"marketplace_id": int(t["marketplace_id"]), "base_url": str(t["base_url"]),
             "secret": str(t["secret"]), "paths": dict(t.get("paths") or {})}
            for t in d.get("callback_targets", [])]),
        "broker_webhooks": (broker_webhooks, lambda d: [
            {"user_id": int(h["user_id"]), "url": str(h["url"]), "secret": str(h["secret"])}
            for h in d.get("broker_webhooks", [])]),
    })

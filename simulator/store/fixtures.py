"""Load a fixtures document (see :mod:`simulator.fixturegen`) into the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from simulator.errors import BadRequest
from simulator.store.schema import (
    api_keys,
    brokers,
    events,
    listings,
    marketplaces,
    orders,
    seat_claims,
)

SECTIONS = (
    "marketplaces", "brokers", "api_keys", "events", "listings", "orders", "seat_claims",
)


def _when(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _order_row(order: dict[str, Any]) -> dict[str, Any]:
    payout = order.get("payout") or {}
    return {
        "marketplace_id": int(order["marketplace_id"]), "order_id": str(order["order_id"]),
        "user_id": int(order["user_id"]), "fixed_status": order.get("status", "Pending"),
        "order_date": _when(order["order_date"]), "in_hand_date": order["in_hand_date"],
        "delivery_method": order["delivery_method"], "predelivered": False,
        "event_name": order.get("event_name"), "venue_name": order.get("venue_name"),
        "event_date": _when(order["event_date"]) if order.get("event_date") else None,
        "section": order.get("section"), "seats": order.get("seats", []),
        "payout_price": payout.get("price"), "payout_currency": payout.get("currency", "USD"),
        "buyer": order.get("buyer"), "listing_id": order.get("listing_id"),
        "marketplace_listing_id": order.get("marketplace_listing_id"), "invoice_id": None,
    }


def _rows(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "marketplaces": [{"id": int(m["id"]), "name": str(m["name"]),
                          "callback_url": m.get("callback_url")}
                         for m in document.get("marketplaces", [])],
        "brokers": [{"user_id": int(b["user_id"]), "broker_id": str(b["broker_id"]),
                     "name": b.get("name", ""), "email": b.get("email", "")}
                    for b in document.get("brokers", [])],
        "api_keys": [{"key": str(k["key"]), "role": k["role"], "user_id": k.get("user_id"),
                      "marketplace_id": k.get("marketplace_id"), "label": k.get("label", "")}
                     for k in document.get("api_keys", [])],
        "events": [{**e, "event_date": _when(e["event_date"])}
                   for e in document.get("events", [])],
        "listings": [{"listing_id": str(item["listing_id"]), "user_id": int(item["user_id"]),
                      "event_id": int(item["event_id"]), "section": str(item["section"]),
                      "price": float(item["price"]), "seats": dict(item["seats"])}
                     for item in document.get("listings", [])],
        "orders": [_order_row(o) for o in document.get("orders", [])],
        "seat_claims": [_sold_claim(o, s) for o in document.get("orders", [])
                        if o.get("listing_id") for s in o.get("seats", []) if s.get("seat")],
    }


def _sold_claim(order: dict[str, Any], seat: dict[str, str]) -> dict[str, Any]:
    """Seats of fixture orders are sold: nobody may hold them again."""
    return {"listing_id": str(order["listing_id"]), "row": str(seat["row"]),
            "seat": str(seat["seat"]), "marketplace_id": int(order["marketplace_id"]),
            "order_id": str(order["order_id"]), "kind": "SOLD", "expires_at": None}


def load_fixtures(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert every section of ``document``; returns the row count per section.

    A malformed document raises :class:`BadRequest` naming the problem, and
    the caller's transaction rolls back, so nothing is half loaded.
    """
    if not isinstance(document, dict):
        raise BadRequest("A fixtures document must be a JSON object")
    try:
        rows = _rows(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadRequest(f"Invalid fixtures document: {type(exc).__name__}: {exc}") from None
    tables = {"marketplaces": marketplaces, "brokers": brokers, "api_keys": api_keys,
              "events": events, "listings": listings, "orders": orders,
              "seat_claims": seat_claims}
    for name in SECTIONS:
        if not rows[name]:
            continue
        try:
            conn.execute(tables[name].insert(), rows[name])
        except IntegrityError as exc:
            raise BadRequest(f"Invalid fixtures document: duplicate or clashing {name}: "
                             f"{exc.orig}") from None
    return {name: len(rows[name]) for name in SECTIONS}

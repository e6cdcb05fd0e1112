"""A small, hand-written fixtures document for sales tests."""

from __future__ import annotations

from typing import Any

from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

BROKER = "BRK8060"
OTHER_BROKER = "BRK9000"
SEATED = "L-SEATED"
GA = "L-GA"
OTHERS = "L-OTHER"


def document() -> dict[str, Any]:
    return {
        "marketplaces": [{"id": 1, "name": "Stubhub"}, {"id": 4, "name": "Vivid"},
                         {"id": 41, "name": "Seatgeek"}],
        "brokers": [{"user_id": 8060, "broker_id": BROKER, "name": "B", "email": "b@x.test"},
                    {"user_id": 9000, "broker_id": OTHER_BROKER, "name": "O",
                     "email": "o@x.test"}],
        "api_keys": [
            {"key": DEFAULT_MARKETPLACE_KEY, "role": "marketplace", "marketplace_id": None},
            {"key": DEFAULT_BROKER_KEY, "role": "broker", "user_id": 8060},
            {"key": "vivid-key", "role": "marketplace", "marketplace_id": 4},
            {"key": "other-broker", "role": "broker", "user_id": 9000},
        ],
        "events": [{"id": 1, "name": "Mets at Braves", "venue_name": "Truist Park",
                    "venue_city": "Atlanta", "event_date": "2031-05-19T23:20:00+00:00"}],
        "listings": [
            {"listing_id": SEATED, "user_id": 8060, "event_id": 1, "section": "21",
             "price": 10.0, "seats": {"A": ["1", "2", "3", "4"], "B": ["1", "2"]}},
            {"listing_id": GA, "user_id": 8060, "event_id": 1, "section": "GA",
             "price": 5.0, "seats": {"FLOOR": ["", "", ""]}},
            {"listing_id": OTHERS, "user_id": 9000, "event_id": 1, "section": "1",
             "price": 5.0, "seats": {"A": ["1"]}},
        ],
        "orders": [{
            "marketplace_id": 41, "order_id": "SG-1", "user_id": 8060, "status": "Shipped",
            "order_date": "2030-12-01T10:00:00+00:00", "in_hand_date": "2031-05-18",
            "delivery_method": "HARD", "event_name": "Mets at Braves",
            "venue_name": "Truist Park", "event_date": "2031-05-19T23:20:00+00:00",
            "section": "21", "seats": [{"row": "B", "seat": "2"}], "listing_id": SEATED,
            "payout": {"price": 20.0, "currency": "USD"},
            "buyer": {"first_name": "Ann", "last_name": "Lee", "email": "ann@x.test"},
        }],
    }


def hold_body(order_id: str, tickets: list[dict[str, str]], listing: str = SEATED,
              section: str = "21", hold_length: int = 15, broker: str = BROKER
              ) -> dict[str, Any]:
    return {"order_id": order_id, "hold_length": hold_length, "section": section,
            "broker": broker, "listing_id": listing, "tickets": tickets}


def invoice_body(order_id: str, tickets: list[dict[str, str]], listing: str = SEATED,
                 section: str = "21") -> dict[str, Any]:
    return {"order_id": order_id, "section": section, "broker": BROKER, "listing_id": listing,
            "tickets": tickets, "predelivered": False, "delivery_option": "PDF",
            "payout": {"price": 35.5, "currency": "USD"}}

"""A small marketplace integration with 1Ticket's sales API, as a marketplace team writes it.

It holds seats while a buyer checks out, invoices them when the buyer pays,
and reads the order's status back as the broker sees it. It knows nothing of
ticketsim: pointed at ``https://…1ticket…`` it would talk to the real thing.
``test_marketplace_client.py`` tests it against the simulator through the
``ticketsim`` pytest fixture only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class SaleRefused(Exception):
    """1Ticket refused the call; ``status`` and ``message`` are its answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Seat:
    row: str
    seat: str


@dataclass(frozen=True)
class Listing:
    listing_id: str
    section: str
    broker: str


class MarketplaceClient:
    """Checkout flow of one marketplace (``marketplace``) against ``base_url``."""

    def __init__(self, base_url: str, api_key: str, broker_key: str,
                 marketplace: str = "Stubhub") -> None:
        self.marketplace = marketplace
        self._http = httpx.Client(base_url=f"{base_url}/sales/v1", timeout=10)
        self._api_key = api_key
        self._broker_key = broker_key

    def _call(self, method: str, path: str, key: str, **kwargs: Any) -> dict[str, Any]:
        response = self._http.request(method, path, headers={"x-api-key": key}, **kwargs)
        if response.status_code != 200:
            raise SaleRefused(response.status_code, response.json().get("message", ""))
        body: dict[str, Any] = response.json()
        return body

    def _sale(self, order_id: str, listing: Listing, seats: list[Seat]) -> dict[str, Any]:
        return {"order_id": order_id, "listing_id": listing.listing_id,
                "section": listing.section, "broker": listing.broker,
                "tickets": [{"row": s.row, "seat": s.seat} for s in seats]}

    def hold(self, order_id: str, listing: Listing, seats: list[Seat],
             minutes: int = 15) -> dict[str, Any]:
        """Reserve the seats while the buyer checks out."""
        return self._call("POST", f"/{self.marketplace}/", self._api_key,
                          json={"hold_length": minutes, **self._sale(order_id, listing, seats)})

    def invoice(self, order_id: str, listing: Listing, seats: list[Seat],
                price: float, currency: str = "USD") -> int:
        """Sell the seats once the buyer paid; returns 1Ticket's invoice id."""
        body = self._call("POST", f"/{self.marketplace}/invoice", self._api_key, json={
            **self._sale(order_id, listing, seats), "predelivered": False,
            "delivery_option": "PDF", "payout": {"price": price, "currency": currency}})
        return int(body["invoice_id"])

    def order_status(self, user_id: int, order_id: str) -> str:
        """The order's status as the broker sees it (Pending, Confirmed, ... Completed)."""
        body = self._call("GET", f"/{self.marketplace.lower()}/order", self._broker_key,
                          params={"user_id": user_id, "order_id": order_id})
        return str(body["order_status"])

    def close(self) -> None:
        self._http.close()

"""Behaviour of Sale Order Processing that a schema cannot express.

Holds conflict across orders and marketplaces, expire on the (simulated)
clock, are freed by a release; invoices are idempotent and sell the seats;
unknown ids give 404; missing, unknown and wrong-role keys give 401/403.
Every response is also checked against the contract (documented status,
schema-valid body) by the client fixture.

Tests marked ``writes`` create holds and invoices: against a deployment they
need ``--allow-writes`` and known listings (``--data``); holds they leave are
released at teardown. ``sim_only`` tests move the clock through ``/_sim``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.data import KnownData, KnownListing
from conformance.target import Target

pytestmark = pytest.mark.service("sales")

SALES = "/sales/v1"


class SeatPool:
    """Known seats not yet used in this run (a deployment keeps what tests sell)."""

    def __init__(self, listings: tuple[KnownListing, ...]) -> None:
        self.listings = listings
        self.used: set[tuple[str, str, str]] = set()

    def take(self, count: int) -> tuple[KnownListing, list[dict[str, str]]]:
        for listing in self.listings:
            row, seats = next(iter(listing.seats.items()))
            free = [seat for seat in seats if (listing.listing_id, row, seat) not in self.used]
            if len(free) >= count:
                self.used.update((listing.listing_id, row, seat) for seat in free[:count])
                return listing, [{"row": row, "seat": seat} for seat in free[:count]]
        if not self.listings:
            pytest.skip("needs a known listing at the target: pass --data (see README)")
        pytest.skip(f"the known listings have no {count} unused seats left: add some to --data")


class Sales:
    """The sales API as the scenarios call it, keys chosen per operation."""

    def __init__(self, client: httpx.Client, target: Target, known: KnownData,
                 pool: SeatPool) -> None:
        self.client = client
        self.target = target
        self.known = known
        self.pool = pool
        self.held: list[tuple[str, dict[str, Any]]] = []  # (marketplace, release body)

    def seats(self, count: int = 1) -> tuple[KnownListing, list[dict[str, str]]]:
        """A known listing and ``count`` of its seats no other test of this run used."""
        return self.pool.take(count)

    @staticmethod
    def order_id() -> str:
        return f"CONF-{uuid.uuid4().hex[:12].upper()}"

    def _key(self, key: str | None) -> dict[str, str]:
        return {} if key is None else {"x-api-key": key}

    def hold(self, listing: KnownListing, tickets: list[dict[str, str]], *, order_id: str,
             marketplace: str | None = None, hold_length: int = 15,
             key: str | None = "default") -> httpx.Response:
        market = marketplace or self.known.marketplace
        body = {"hold_length": hold_length, "order_id": order_id, "section": listing.section,
                "broker": listing.broker, "listing_id": listing.listing_id, "tickets": tickets}
        response = self.client.post(f"{SALES}/{market}", json=body, headers=self._key(
            self.target.api_key if key == "default" else key))
        if response.status_code == 200:
            self.held.append((market, {k: body[k] for k in ("order_id", "broker", "listing_id")}))
        return response

    def release(self, listing: KnownListing, *, order_id: str, marketplace: str | None = None,
                key: str | None = "default") -> httpx.Response:
        body = {"order_id": order_id, "broker": listing.broker, "listing_id": listing.listing_id}
        return self.client.request(
            "DELETE", f"{SALES}/{marketplace or self.known.marketplace}", json=body,
            headers=self._key(self.target.api_key if key == "default" else key))

    def invoice(self, listing: KnownListing, tickets: list[dict[str, str]], *, order_id: str,
                marketplace: str | None = None) -> httpx.Response:
        body = {"order_id": order_id, "broker": listing.broker, "listing_id": listing.listing_id,
                "section": listing.section, "tickets": tickets, "predelivered": False,
                "delivery_option": "PDF", "payout": {"price": 42.5, "currency": "USD"}}
        return self.client.post(f"{SALES}/{marketplace or self.known.marketplace}/invoice",
                                json=body, headers=self._key(self.target.api_key))

    def order(self, order_id: str, *, marketplace: str | None = None,
              key: str | None = "default") -> httpx.Response:
        params = {"user_id": self.known.user_id or 0, "order_id": order_id}
        return self.client.get(f"{SALES}/{marketplace or self.known.marketplace}/order",
                               params=params, headers=self._key(
                                   self.target.broker_key if key == "default" else key))

    def cleanup(self) -> None:
        """Release what the test held (matters only on a real deployment)."""
        for market, body in self.held:
            self.client.request("DELETE", f"{SALES}/{market}", json=body,
                                headers=self._key(self.target.api_key))


@pytest.fixture(scope="session")
def seat_pool(known: KnownData) -> SeatPool:
    return SeatPool(known.listings)


@pytest.fixture
def sales(client: httpx.Client, target: Target, known: KnownData,
          seat_pool: SeatPool) -> Iterator[Sales]:
    if target.simulator:
        seat_pool.used.clear()  # every test starts from fresh state
    api = Sales(client, target, known, seat_pool)
    yield api
    if not target.simulator:
        api.cleanup()


@pytest.fixture
def broker(target: Target, known: KnownData) -> str:
    if target.broker_key is None or known.user_id is None:
        pytest.skip("needs --broker-key and the broker's user_id (--data)")
    return target.broker_key


def clock_advance(client: httpx.Client, seconds: float) -> None:
    response = client.post("/_sim/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


# --- the sale, end to end -----------------------------------------------------------------


@pytest.mark.writes
def test_hold_then_invoice_then_order_status(sales: Sales, broker: str) -> None:
    listing, tickets = sales.seats(2)
    order_id = sales.order_id()
    held = sales.hold(listing, tickets, order_id=order_id)
    assert held.status_code == 200, held.text
    assert held.json()["status"] == "HELD"
    assert sorted((t["row"], t["seat"]) for t in held.json()["tickets"]) == sorted(
        (t["row"], t["seat"]) for t in tickets)

    invoiced = sales.invoice(listing, tickets, order_id=order_id)
    assert invoiced.status_code == 200, invoiced.text
    invoice = invoiced.json()
    assert invoice["order_id"] == order_id
    assert invoice["user_id"] == sales.known.user_id

    order = sales.order(order_id)
    assert order.status_code == 200, order.text
    assert order.json()["order_id"] == order_id
    assert sorted(order.json()["seats"]) == sorted(t["seat"] for t in tickets)


@pytest.mark.writes
def test_invoice_is_idempotent(sales: Sales) -> None:
    listing, tickets = sales.seats(1)
    order_id = sales.order_id()
    assert sales.hold(listing, tickets, order_id=order_id).status_code == 200
    first = sales.invoice(listing, tickets, order_id=order_id)
    again = sales.invoice(listing, tickets, order_id=order_id)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert again.json()["invoice_id"] == first.json()["invoice_id"]


@pytest.mark.writes
def test_invoiced_seats_cannot_be_held_again(sales: Sales) -> None:
    listing, tickets = sales.seats(1)
    order_id = sales.order_id()
    assert sales.hold(listing, tickets, order_id=order_id).status_code == 200
    assert sales.invoice(listing, tickets, order_id=order_id).status_code == 200
    other = sales.hold(listing, tickets, order_id=sales.order_id())
    assert other.status_code == 409, other.text


# --- holds: conflicts, release, expiry ----------------------------------------------------


@pytest.mark.writes
def test_held_seats_conflict_for_any_other_order(sales: Sales) -> None:
    listing, tickets = sales.seats(1)
    assert sales.hold(listing, tickets, order_id=sales.order_id()).status_code == 200
    same_market = sales.hold(listing, tickets, order_id=sales.order_id())
    other_market = sales.hold(listing, tickets, order_id=sales.order_id(),
                              marketplace=sales.known.other_marketplace)
    assert same_market.status_code == 409, same_market.text
    assert other_market.status_code == 409, other_market.text


@pytest.mark.writes
def test_release_frees_the_seats(sales: Sales) -> None:
    listing, tickets = sales.seats(2)
    order_id = sales.order_id()
    assert sales.hold(listing, tickets, order_id=order_id).status_code == 200
    released = sales.release(listing, order_id=order_id)
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "RELEASED"
    again = sales.hold(listing, tickets, order_id=sales.order_id(),
                       marketplace=sales.known.other_marketplace)
    assert again.status_code == 200, f"released seats are still blocked: {again.text}"


@pytest.mark.writes
def test_release_twice_is_harmless(sales: Sales) -> None:
    listing, tickets = sales.seats(1)
    order_id = sales.order_id()
    assert sales.hold(listing, tickets, order_id=order_id).status_code == 200
    first = sales.release(listing, order_id=order_id)
    second = sales.release(listing, order_id=order_id)
    assert first.status_code == second.status_code == 200, (first.text, second.text)


@pytest.mark.writes
@pytest.mark.sim_only
def test_hold_expires_on_the_clock(sales: Sales, client: httpx.Client) -> None:
    listing, tickets = sales.seats(1)
    order_id = sales.order_id()
    assert sales.hold(listing, tickets, order_id=order_id, hold_length=1).status_code == 200
    clock_advance(client, 59)
    still = sales.hold(listing, tickets, order_id=sales.order_id())
    assert still.status_code == 409, f"a 1-minute hold expired after 59 s: {still.text}"
    clock_advance(client, 2)
    freed = sales.hold(listing, tickets, order_id=sales.order_id())
    assert freed.status_code == 200, f"a 1-minute hold still blocks after 61 s: {freed.text}"
    expired = sales.release(listing, order_id=order_id)
    assert expired.status_code == 200, expired.text
    assert expired.json()["status"] == "EXPIRED"


@pytest.mark.writes
@pytest.mark.sim_only
def test_magic_order_ids_force_the_documented_failures(sales: Sales) -> None:
    """The simulator's magic order ids (README) give the documented 409 and 500 bodies."""
    listing, tickets = sales.seats(1)
    delist = sales.hold(listing, tickets, order_id="SIM-409-" + sales.order_id())
    assert delist.status_code == 409, delist.text
    for response in (sales.hold(listing, tickets, order_id="SIM-500-1"),
                     sales.release(listing, order_id="SIM-500-2"),
                     sales.invoice(listing, tickets, order_id="SIM-500-3")):
        assert response.status_code == 500, response.text
        assert response.json()["message"]


# --- unknown ids ----------------------------------------------------------------------------


@pytest.mark.writes
def test_hold_on_unknown_listing_is_404(sales: Sales) -> None:
    listing, tickets = sales.seats(1)
    ghost = KnownListing("CONF-NO-SUCH-LISTING", listing.broker, listing.section,
                         listing.seats)
    response = sales.hold(ghost, tickets, order_id=sales.order_id())
    assert response.status_code == 404, response.text


@pytest.mark.writes
def test_release_of_unknown_hold_is_404(sales: Sales) -> None:
    listing, _tickets = sales.seats(1)
    response = sales.release(listing, order_id=sales.order_id())
    assert response.status_code == 404, response.text


def test_unknown_order_is_404(sales: Sales, broker: str) -> None:
    response = sales.order(sales.order_id())
    assert response.status_code == 404, response.text


# --- keys ---------------------------------------------------------------------------------

SALES_CALLS = [
    ("POST", "/{market}", {"hold_length": 1, "order_id": "X", "section": "1", "broker": "B",
                           "listing_id": "L", "tickets": [{"row": "1", "seat": "1"}]}),
    ("DELETE", "/{market}", {"order_id": "X", "broker": "B", "listing_id": "L"}),
    ("POST", "/{market}/invoice", {"order_id": "X", "broker": "B", "listing_id": "L",
                                   "section": "1", "tickets": [{"row": "1", "seat": "1"}],
                                   "predelivered": False, "delivery_option": "PDF",
                                   "payout": {"price": 1.0}}),
    ("GET", "/{market}/order?user_id=1&order_id=X", None),
    ("POST", "/catalogue", {"user_id": "1", "order_id": "X", "marketplace": "Stubhub",
                            "invoice_id": "1", "seats": "1"}),
]
CALL_IDS = ["hold", "release", "invoice", "order", "catalogue"]


@pytest.mark.parametrize(("method", "path", "body"), SALES_CALLS, ids=CALL_IDS)
def test_missing_key_is_401(client: httpx.Client, known: KnownData, method: str, path: str,
                            body: Any) -> None:
    url = SALES + path.format(market=known.marketplace)
    response = client.request(method, url, json=body)
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(("method", "path", "body"), SALES_CALLS, ids=CALL_IDS)
def test_unknown_key_is_403(client: httpx.Client, known: KnownData, method: str, path: str,
                            body: Any) -> None:
    url = SALES + path.format(market=known.marketplace)
    response = client.request(method, url, json=body,
                              headers={"x-api-key": f"conformance-{uuid.uuid4().hex}"})
    assert response.status_code == 403, response.text


def test_marketplace_key_cannot_read_orders(sales: Sales, known: KnownData) -> None:
    order = known.orders[0].order_id if known.orders else sales.order_id()
    response = sales.order(order, key=sales.target.api_key)
    assert response.status_code == 403, response.text


@pytest.mark.writes
def test_broker_key_cannot_hold(sales: Sales, broker: str) -> None:
    listing, tickets = sales.seats(1)
    response = sales.hold(listing, tickets, order_id=sales.order_id(), key=broker)
    assert response.status_code == 403, response.text


@pytest.mark.writes
def test_marketplace_key_acts_only_for_its_marketplace(sales: Sales, known: KnownData) -> None:
    own = known.marketplace_keys.get(known.other_marketplace)
    if own is None:
        pytest.skip("needs a key of a single marketplace (marketplace_keys in --data)")
    listing, tickets = sales.seats(1)
    refused = sales.hold(listing, tickets, order_id=sales.order_id(), key=own)
    assert refused.status_code == 403, refused.text
    accepted = sales.hold(listing, tickets, order_id=sales.order_id(), key=own,
                          marketplace=known.other_marketplace)
    assert accepted.status_code == 200, accepted.text

"""Broadcast inventory across services: sequences no single spec's links can express.

mpdeleter deletes are real (a second delete finds nothing; a hold on that
marketplace answers 404), ``inverse`` spares the named marketplaces, a hold
takes its seats off the other marketplaces and a release puts them back,
and a shsyncx price shows on the StubHub copy. OpenAPI links live inside one
spec, so the mpdeleter → sales sequence is written here. Every response is
also checked against the contract by the client fixture.

``writes`` tests delete listings from marketplaces: against a deployment
they need ``--allow-writes`` and known listings (``--data``) the broker may
lose. ``sim_only`` tests read ``/_sim/listings``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from conformance.data import KnownData, KnownListing
from conformance.target import Target

pytestmark = [pytest.mark.service("mpdeleter"), pytest.mark.writes]

MPDELETER = "/mpdeleter/v2"


@pytest.fixture
def broker(target: Target, known: KnownData) -> str:
    if target.broker_key is None or known.user_id is None:
        pytest.skip("needs --broker-key and the broker's user_id (--data)")
    return target.broker_key


@pytest.fixture
def listing(known: KnownData) -> KnownListing:
    """A known listing live on the main and the other marketplace."""
    for item in known.listings:
        if {known.marketplace, known.other_marketplace} <= set(item.marketplaces):
            return item
    pytest.skip("needs a known listing with its marketplaces (--data)")


def delete(client: httpx.Client, key: str, body: dict[str, Any]) -> httpx.Response:
    """As the documentation's Python example sends it: raw key, data=json.dumps(...)."""
    return client.request("DELETE", MPDELETER, content=json.dumps(body),
                          headers={"Authorization": key, "Content-Type": "application/json"})


def results(response: httpx.Response) -> dict[str, int]:
    assert response.status_code == 200, response.text
    return {r["marketplace"].casefold(): r["statusCode"] for r in response.json()["results"]}


def hold(client: httpx.Client, target: Target, listing: KnownListing, market: str,
         count: int = 1) -> httpx.Response:
    row, seats = next(iter(listing.seats.items()))
    return client.post(f"/sales/v1/{market}", headers={"x-api-key": target.api_key}, json={
        "hold_length": 15, "order_id": f"CONF-{uuid.uuid4().hex[:12].upper()}",
        "section": listing.section, "broker": listing.broker, "listing_id": listing.listing_id,
        "tickets": [{"row": row, "seat": seat} for seat in seats[:count]]})


def copies(client: httpx.Client, listing: KnownListing) -> dict[str, dict[str, Any]]:
    response = client.get(f"/_sim/listings/{listing.listing_id}")
    assert response.status_code == 200, response.text
    return {c["marketplace"].casefold(): c for c in response.json()["marketplaces"]}


def test_delete_then_hold_there_is_404_and_a_second_delete_finds_nothing(
        client: httpx.Client, target: Target, known: KnownData, broker: str,
        listing: KnownListing) -> None:
    other = known.other_marketplace
    body = {"user_id": str(known.user_id), "listing_id": listing.listing_id,
            "marketplaces": [other]}
    assert results(delete(client, broker, body)) == {other.casefold(): 200}
    refused = hold(client, target, listing, other)
    assert refused.status_code == 404, refused.text
    assert results(delete(client, broker, body)) == {other.casefold(): 404}
    assert hold(client, target, listing, known.marketplace).status_code == 200


def test_inverse_spares_the_named_marketplaces(client: httpx.Client, target: Target,
                                               known: KnownData, broker: str,
                                               listing: KnownListing) -> None:
    spared = known.marketplace
    answered = results(delete(client, broker, {
        "user_id": known.user_id, "listing_id": listing.listing_id, "marketplaces": [spared],
        "inverse": True}))
    assert spared.casefold() not in answered
    assert answered.get(known.other_marketplace.casefold()) == 200
    assert hold(client, target, listing, spared).status_code == 200
    assert hold(client, target, listing, known.other_marketplace).status_code == 404


def test_unknown_listing_and_missing_ids(client: httpx.Client, known: KnownData,
                                         broker: str) -> None:
    unknown = delete(client, broker, {"user_id": known.user_id, "listing_id": "1"})
    assert unknown.status_code == 404
    missing = delete(client, broker, {"user_id": known.user_id})
    assert missing.status_code == 400
    assert missing.json() == {"message": "Invalid input: user_id and listing_id are required."}


@pytest.mark.sim_only
def test_a_hold_delists_elsewhere_and_its_release_relists(
        client: httpx.Client, target: Target, known: KnownData, listing: KnownListing) -> None:
    before = copies(client, listing)[known.other_marketplace.casefold()]["seats_available"]
    held = hold(client, target, listing, known.marketplace, count=2)
    assert held.status_code == 200, held.text
    assert copies(client, listing)[known.other_marketplace.casefold()][
        "seats_available"] == before - 2
    released = client.request("DELETE", f"/sales/v1/{known.marketplace}",
                              headers={"x-api-key": target.api_key},
                              json={k: held.json()[k] for k in ("order_id", "listing_id")}
                              | {"broker": listing.broker})
    assert released.status_code == 200, released.text
    assert copies(client, listing)[known.other_marketplace.casefold()][
        "seats_available"] == before


@pytest.mark.sim_only
@pytest.mark.service("shsyncx")
def test_a_shsyncx_price_shows_on_the_stubhub_copy(client: httpx.Client, known: KnownData,
                                                   broker: str, listing: KnownListing) -> None:
    body = {"user_id": known.user_id, "ticket_id": int(listing.listing_id), "price": "123.45"}
    synced = client.post("/shsyncx/v2/item", json=body, headers={"x-api-key": broker})
    assert synced.status_code == 200, synced.text
    assert copies(client, listing)["stubhub"]["price"] == 123.45
    gone = client.post("/shsyncx/v2/item", json={**body, "ticket_id": 1},
                       headers={"x-api-key": broker})
    assert gone.status_code == 404

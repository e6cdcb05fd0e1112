"""Recipient data over HTTP: fixture orders, orders made through sales, refusals."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from simulator import fixturegen
from tests.broadcast.helpers import KEY, LISTING, SEATS, USER, hold, invoice
from tests.conftest import BROKER_HEADERS, MARKETPLACE_HEADERS

PATH = "/marketplaceapis/transfer/v1"
FIELDS = ["order_number", "vendor", "email", "first_name", "last_name"]


def test_the_documented_request_returns_the_fixture_buyer(client: TestClient) -> None:
    order = next(o for o in fixturegen.load_default()["orders"] if o["user_id"] == 8060)
    response = client.get(PATH, headers={"x-api-key": "sim-broker-key"}, params={
        "marketplace_id": str(order["marketplace_id"]), "user_id": "8060",
        "order_id": order["order_id"]})
    assert response.status_code == 200, response.text
    vendor = {m["id"]: m["name"] for m in fixturegen.load_default()["marketplaces"]}
    assert response.json() == {"order_number": order["order_id"],
                               "vendor": vendor[order["marketplace_id"]], **order["buyer"]}
    assert list(response.json()) == FIELDS


def test_an_order_invoiced_through_sales_has_a_stable_buyer(client: TestClient) -> None:
    assert hold(client, "Stubhub", "SH-77", SEATS[:2]).status_code == 200
    assert invoice(client, "Stubhub", "SH-77", SEATS[:2]).status_code == 200
    params = {"marketplace_id": "1", "user_id": str(USER), "order_id": "SH-77"}
    first = client.get(PATH, headers={"x-api-key": KEY}, params=params)
    assert first.status_code == 200, first.text
    buyer = first.json()
    assert (buyer["order_number"], buyer["vendor"]) == ("SH-77", "Stubhub")
    assert "@" in buyer["email"] and buyer["first_name"] and buyer["last_name"]
    assert client.get(PATH, headers={"x-api-key": KEY}, params=params).json() == buyer
    other = client.get(PATH, headers={"x-api-key": KEY}, params={**params, "order_id": "x"})
    assert other.status_code == 404


BUYER = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


def test_the_buyer_given_with_the_invoice_is_the_recipient(client: TestClient) -> None:
    invoiced = client.post("/sales/v1/Vivid/invoice", headers=MARKETPLACE_HEADERS, json={
        "order_id": "VV-1", "predelivered": True, "delivery_option": "PDF",
        "payout": {"price": 35.5}, "section": "127", "tickets": SEATS[:1],
        "broker": str(USER), "listing_id": LISTING, "buyer": BUYER})
    assert invoiced.status_code == 200, invoiced.text
    response = client.get(PATH, headers={"x-api-key": KEY}, params={
        "marketplace_id": "4", "user_id": str(USER), "order_id": "VV-1"})
    assert response.json() == {"order_number": "VV-1", "vendor": "Vivid", **BUYER}
    order = client.get("/sales/v1/Vivid/order", headers={"x-api-key": KEY},
                       params={"user_id": USER, "order_id": "VV-1"})
    assert order.json()["buyer"] == BUYER


@pytest.mark.parametrize(("buyer", "named"), [
    ({**BUYER, "email": "not-an-email"}, "email"),
    ({"first_name": "Ada", "email": "ada@example.com"}, "last_name"),
    ("Ada Lovelace", "buyer"),
])
def test_a_malformed_invoice_buyer_is_a_400(client: TestClient, buyer: object,
                                            named: str) -> None:
    response = client.post("/sales/v1/Vivid/invoice", headers=MARKETPLACE_HEADERS, json={
        "order_id": "VV-2", "predelivered": True, "delivery_option": "PDF",
        "payout": {"price": 35.5}, "section": "127", "tickets": SEATS[:1],
        "broker": str(USER), "listing_id": LISTING, "buyer": buyer})
    assert response.status_code == 400, response.text
    assert named in response.json()["message"]


@pytest.mark.parametrize(("params", "status", "named"), [
    ({"marketplace_id": "1", "user_id": "9147", "order_id": "nope"}, 404, "nope"),
    ({"marketplace_id": "999", "user_id": "9147", "order_id": "x"}, 404, "999"),
    ({"marketplace_id": "Stubhub", "user_id": "9147", "order_id": "x"}, 400, "marketplace_id"),
    ({"marketplace_id": "1", "user_id": "me", "order_id": "x"}, 400, "user_id"),
    ({"marketplace_id": "1", "user_id": "9147"}, 400, "order_id"),
    ({"marketplace_id": "1", "user_id": "9147", "order_id": "  "}, 400, "order_id"),
])
def test_unknown_and_malformed_queries(client: TestClient, params: dict[str, str],
                                       status: int, named: str) -> None:
    response = client.get(PATH, headers={"x-api-key": KEY}, params=params)
    assert response.status_code == status, response.text
    assert named in response.json()["message"]


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401), ({"x-api-key": "nope"}, 403), (BROKER_HEADERS, 403), (MARKETPLACE_HEADERS, 403),
])
def test_keys_are_checked(client: TestClient, headers: dict[str, str], status: int) -> None:
    response = client.get(PATH, headers=headers, params={
        "marketplace_id": "1", "user_id": "9147", "order_id": "x"})
    assert response.status_code == status


def test_another_users_order_is_unknown(client: TestClient) -> None:
    order = next(o for o in fixturegen.load_default()["orders"] if o["user_id"] == 8060)
    response = client.get(PATH, headers={"x-api-key": KEY}, params={
        "marketplace_id": str(order["marketplace_id"]), "user_id": "9147",
        "order_id": order["order_id"]})
    assert response.status_code == 404

"""StubHub Sync X over HTTP: the documented examples, the StubHub copy, refusals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulator import fixturegen
from tests.broadcast.helpers import KEY, LISTING, USER, by_marketplace, mpdelete
from tests.conftest import BROKER_HEADERS, MARKETPLACE_HEADERS

HEADERS = {"x-api-key": KEY, "Content-Type": "application/json"}

#: The documentation's v1 example body, verbatim (it differs from its own table).
V1_EXAMPLE: dict[str, Any] = {
    "user_id": 9147, "ticket_id": "23140895", "currency": "USD", "do_predeliver": True,
    "event_date": "08/23/2018", "event_name": "EventName", "event_time": "07:05 PM",
    "first_seat": "105", "has_barcodes": True, "has_edit": True, "has_pdf": False,
    "hide_seats": True, "in_hand_date": "2018-03-28", "internal_action": None,
    "last_seat": "108", "notes": None, "price": "133.0", "quantity": 4, "row": "10",
    "section": "127", "split_option": "Split Type", "split_quantity": "Split value",
    "venue_name": "Wrigley Field",
}
V2_EXAMPLE: dict[str, Any] = {"user_id": 9147, "ticket_id": 23140895, "price": "133.0"}


def v1(client: TestClient, body: dict[str, Any], headers: dict[str, str] = HEADERS
       ) -> httpx.Response:
    return client.post("/shsyncx/v1/item", json=body, headers=headers)


def v2(client: TestClient, body: dict[str, Any], headers: dict[str, str] = HEADERS
       ) -> httpx.Response:
    return client.post("/shsyncx/v2/item", json=body, headers=headers)


def test_the_documented_v1_example_syncs_the_stubhub_copy(client: TestClient) -> None:
    before = by_marketplace(client)["Stubhub"]
    response = v1(client, V1_EXAMPLE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["action"], body["ticket_id"], body["user_id"]) == ("updated", LISTING, USER)
    assert body["sh_listing_id"] == before["marketplace_listing_id"]
    assert body["changes"]["price"] == {"old": 129.0, "new": 133.0}
    assert body["changes"]["split_quantity"] == {"old": None, "new": "Split value"}
    after = by_marketplace(client)
    assert after["Stubhub"]["price"] == 133.0
    assert after["Stubhub"]["synced"]["quantity"] == 4
    assert after["Stubhub"]["synced"]["event_time"] == "07:05 PM"
    assert after["Vivid"]["price"] == 129.0  # only the StubHub copy changes
    again = v1(client, V1_EXAMPLE).json()
    assert (again["action"], again["changes"]) == ("unchanged", {})


def test_the_documented_v2_example_changes_the_price(client: TestClient) -> None:
    response = v2(client, V2_EXAMPLE)
    assert response.status_code == 200, response.text
    assert response.json()["changes"] == {"price": {"old": 129.0, "new": 133.0}}
    assert by_marketplace(client)["Stubhub"]["price"] == 133.0
    cheaper = v2(client, {**V2_EXAMPLE, "price": 99.5})
    assert cheaper.json()["changes"]["price"] == {"old": 133.0, "new": 99.5}
    assert by_marketplace(client)["Stubhub"]["price"] == 99.5


def test_v1_lists_what_v2_cannot_find(client: TestClient) -> None:
    mpdelete(client, {"user_id": USER, "listing_id": LISTING, "marketplaces": ["StubHub"]})
    assert v2(client, V2_EXAMPLE).status_code == 404
    relisted = v1(client, V1_EXAMPLE).json()
    assert relisted["action"] == "relisted"
    assert by_marketplace(client)["Stubhub"]["live"] is True
    assert v2(client, {**V2_EXAMPLE, "price": "140"}).status_code == 200


def test_v1_creates_a_stubhub_listing_for_a_listing_never_there(client: TestClient) -> None:
    document = fixturegen.load_default()
    listing = next(entry["listing_id"] for entry in document["broadcasts"]
                   if 1 not in entry["marketplaces"] and entry["listing_id"].startswith("87")
                   and int(entry["listing_id"]) % 5 == 0)  # listings of user 8060
    body = {**V1_EXAMPLE, "user_id": 8060, "ticket_id": int(listing)}
    assert v2(client, body, headers=BROKER_HEADERS).status_code == 404
    created = v1(client, body, headers=BROKER_HEADERS)
    assert created.status_code == 200, created.text
    assert created.json()["action"] == "created"
    stubhub = by_marketplace(client, listing)["Stubhub"]
    assert stubhub["live"] and stubhub["marketplace_listing_id"] == created.json()[
        "sh_listing_id"]


@pytest.mark.parametrize(("change", "field"), [
    ({"price": "abc"}, "price"),
    ({"price": "NaN"}, "price"),
    ({"price": "-1"}, "price"),
    ({"price": "1_000"}, "price"),  # Python's float() reads these; no JSON client means them
    ({"price": "\u0661\u0663\u0663"}, "price"),  # Arabic-Indic digits
    ({"price": "0x10"}, "price"),
    ({"event_date": "13/45/2018"}, "event_date"),
    ({"event_date": "2018-08-23"}, "event_date"),
    ({"event_time": "25:05 PM"}, "event_time"),
    ({"in_hand_date": "2018-02-30"}, "in_hand_date"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": "4"}, "quantity"),
    ({"ticket_id": "abc"}, "ticket_id"),
    ({"hide_seats": "yes"}, "hide_seats"),
])
def test_what_is_really_wrong_is_a_400_naming_the_field(client: TestClient,
                                                         change: dict[str, Any],
                                                         field: str) -> None:
    response = v1(client, {**V1_EXAMPLE, **change})
    assert response.status_code == 400, response.text
    assert field in response.json()["message"]


@pytest.mark.parametrize("missing", ["notes", "internal_action", "price", "split_quantity"])
def test_required_fields_must_be_sent_even_when_null(client: TestClient, missing: str) -> None:
    body = {k: v for k, v in V1_EXAMPLE.items() if k != missing}
    response = v1(client, body)
    assert response.status_code == 400
    assert missing in response.json()["message"]


def test_v2_refuses_a_price_that_is_not_a_number(client: TestClient) -> None:
    response = v2(client, {**V2_EXAMPLE, "price": "cheap"})
    assert response.status_code == 400 and "price" in response.json()["message"]


def test_the_stubhub_listing_id_may_be_sent_back_as_the_response_gave_it(
        client: TestClient) -> None:
    first = v1(client, V1_EXAMPLE).json()
    assert isinstance(first["sh_listing_id"], str)
    again = v1(client, {**V1_EXAMPLE, "price": "140", "sh_listing_id": first["sh_listing_id"]})
    assert again.status_code == 200, again.text
    assert again.json()["sh_listing_id"] == first["sh_listing_id"]
    as_number = v1(client, {**V1_EXAMPLE, "sh_listing_id": int(first["sh_listing_id"])})
    assert as_number.status_code == 200, as_number.text


def test_another_stubhub_listing_id_is_refused(client: TestClient) -> None:
    response = v1(client, {**V1_EXAMPLE, "sh_listing_id": 1})
    assert response.status_code == 400 and "sh_listing_id" in response.json()["message"]


@pytest.mark.parametrize(("headers", "body", "status"), [
    ({}, V2_EXAMPLE, 401),
    ({"x-api-key": "nope"}, V2_EXAMPLE, 403),
    (BROKER_HEADERS, V2_EXAMPLE, 403),  # user 8060's key for user 9147
    (MARKETPLACE_HEADERS, V2_EXAMPLE, 403),
    (BROKER_HEADERS, {**V2_EXAMPLE, "user_id": 8060}, 404),  # 9147's listing
    (HEADERS, {**V2_EXAMPLE, "ticket_id": 1}, 404),
])
def test_keys_and_owners_are_checked(client: TestClient, headers: dict[str, str],
                                     body: dict[str, Any], status: int) -> None:
    assert v2(client, body, headers=headers).status_code == status
    assert by_marketplace(client)["Stubhub"]["price"] == 129.0

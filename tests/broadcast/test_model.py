"""The broadcast model across services: holds delist, releases relist, deletes are real."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator import fixturegen
from tests.broadcast.helpers import (
    LISTING,
    LIVE_ON,
    SEATS,
    USER,
    available,
    by_marketplace,
    hold,
    invoice,
    mpdelete,
    release,
    view,
)
from tests.sales_fixtures import SEATED, document


def test_the_example_listing_is_live_on_its_marketplaces(client: TestClient) -> None:
    shown = view(client)
    assert (shown["user_id"], shown["section"], shown["seats_total"]) == (USER, "127", 4)
    assert available(client) == dict.fromkeys(LIVE_ON, 4)
    ids = {copy["marketplace_listing_id"] for copy in shown["marketplaces"]}
    assert len(ids) == len(LIVE_ON) and all(len(i) == 10 and i.isdigit() for i in ids)


def test_hold_takes_seats_off_every_marketplace_and_release_puts_them_back(
        client: TestClient) -> None:
    assert hold(client, "Stubhub", "B-1", SEATS[:2]).status_code == 200
    assert available(client) == dict.fromkeys(LIVE_ON, 2)
    taken = hold(client, "Vivid", "B-2", SEATS[:1])
    assert taken.status_code == 409  # held seats are no longer on sale on Vivid
    assert release(client, "Stubhub", "B-1").status_code == 200
    assert available(client) == dict.fromkeys(LIVE_ON, 4)
    assert hold(client, "Vivid", "B-2", SEATS[:1]).status_code == 200


def test_expiry_puts_the_seats_back(client: TestClient, advance: Any) -> None:
    assert hold(client, "Seatgeek", "B-1", SEATS, hold_length=1).status_code == 200
    assert available(client) == dict.fromkeys(LIVE_ON, 0)
    advance(timedelta(minutes=1))
    assert available(client) == dict.fromkeys(LIVE_ON, 4)


def test_invoice_removes_the_seats_for_good(client: TestClient, advance: Any) -> None:
    assert hold(client, "Stubhub", "B-1", SEATS[:1]).status_code == 200
    assert invoice(client, "Stubhub", "B-1", SEATS[:1]).status_code == 200
    advance(timedelta(hours=1))
    assert available(client) == dict.fromkeys(LIVE_ON, 3)
    assert view(client)["seats_free"] == 3


def test_hold_or_invoice_where_the_listing_is_not_live_is_404(client: TestClient) -> None:
    for response in (hold(client, "Gametime", "B-1", SEATS[:1]),
                     invoice(client, "Gametime", "B-1", SEATS[:1])):
        assert response.status_code == 404
        assert response.json()["message"].startswith("Requested listing")
    assert available(client) == dict.fromkeys(LIVE_ON, 4)


def test_after_mpdeleter_a_hold_there_is_404_and_elsewhere_works(client: TestClient) -> None:
    deleted = mpdelete(client, {"user_id": USER, "listing_id": LISTING, "marketplaces": ["vivid"]})
    assert deleted.json()["results"][0]["statusCode"] == 200
    assert by_marketplace(client)["Vivid"]["live"] is False
    assert hold(client, "Vivid", "B-1", SEATS[:1]).status_code == 404
    assert invoice(client, "Vivid", "B-1", SEATS[:1]).status_code == 404
    assert hold(client, "Stubhub", "B-1", SEATS[:1]).status_code == 200


def test_a_refused_delete_fails_the_hold_with_409_and_holds_nothing(client: TestClient) -> None:
    rule = client.put(f"/_sim/listings/{LISTING}/delete-failures", json={"marketplaces": ["VIVID"]})
    assert rule.status_code == 200, rule.text
    assert by_marketplace(client)["Vivid"]["delete_fails"] is True
    refused = hold(client, "Stubhub", "B-1", SEATS[:2])
    assert refused.status_code == 409
    assert refused.json()["message"] == ("Listing could not be deleted from other marketplaces: "
                                         "Vivid did not confirm the delete")
    assert available(client) == dict.fromkeys(LIVE_ON, 4)
    assert hold(client, "Vivid", "B-2", SEATS[:2]).status_code == 200  # nothing to delete there
    cleared = client.put(f"/_sim/listings/{LISTING}/delete-failures", json={"marketplaces": []})
    assert cleared.status_code == 200
    assert hold(client, "Stubhub", "B-1", SEATS[2:]).status_code == 200


def test_the_magic_order_id_still_forces_the_409(client: TestClient) -> None:
    response = hold(client, "Stubhub", "SIM-409-x", SEATS[:1])
    assert response.status_code == 409
    assert available(client) == dict.fromkeys(LIVE_ON, 4)


def test_a_document_without_broadcasts_lists_everything_everywhere(client: TestClient) -> None:
    assert client.post("/_sim/fixtures", json=document()).status_code == 200
    assert set(available(client, SEATED)) == {"Stubhub", "Vivid", "Seatgeek"}


def test_control_plane_refusals(client: TestClient) -> None:
    assert client.get("/_sim/listings/nope").status_code == 404
    path = f"/_sim/listings/{LISTING}/delete-failures"
    unknown = client.put(path, json={"marketplaces": ["Nowhere"]})
    assert unknown.status_code == 400 and "Nowhere" in unknown.json()["message"]
    never = client.put(path, json={"marketplaces": ["Gametime"]})
    assert never.status_code == 400 and "never broadcast" in never.json()["message"]
    assert client.put("/_sim/listings/nope/delete-failures",
                      json={"marketplaces": []}).status_code == 404


@pytest.mark.parametrize(("entry", "named"), [
    ({"listing_id": "87000000"}, "marketplaces"),
    ({"listing_id": "87000000", "marketplaces": ["Vivid"]}, "marketplaces"),
    ("87000000", "broadcasts"),
])
def test_a_malformed_broadcasts_section_is_a_400_naming_the_field(
        client: TestClient, entry: object, named: str) -> None:
    document = {**fixturegen.load_default(), "broadcasts": [entry]}
    response = client.post("/_sim/fixtures", json=document)
    assert response.status_code == 400, response.text
    assert named in response.json()["message"] and "Error" not in response.json()["message"]


def test_the_default_fixtures_broadcast_each_listing_to_a_subset_of_the_14() -> None:
    document = fixturegen.load_default()
    documented = {market["id"] for market in document["marketplaces"]}
    assert len(documented) == 14
    chosen = {entry["listing_id"]: set(entry["marketplaces"]) for entry in document["broadcasts"]}
    assert set(chosen) >= {listing["listing_id"] for listing in document["listings"]}
    assert all(markets and markets <= documented for markets in chosen.values())
    assert any(markets != documented for markets in chosen.values())
    assert len({frozenset(markets) for markets in chosen.values()}) > 10  # not one fixed set
    for order in document["orders"]:  # a fixture order was sold where the listing is live
        assert order["marketplace_id"] in chosen[order["listing_id"]]

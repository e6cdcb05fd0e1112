"""The state page as HTML: what it lists, how it counts down, where it links."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import MARKETPLACE_HEADERS

HOLD = {"hold_length": 15, "order_id": "SP-1", "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}


def test_the_page_lists_holds_with_their_countdown_and_links_every_swagger_ui(
        client, simulator, advance) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/sales/v1/Stubhub/", json=HOLD,
                       headers=MARKETPLACE_HEADERS).status_code == 200
    advance(timedelta(minutes=5, seconds=30))

    page = client.get("/")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "SP-1" in page.text and "9m 30s" in page.text
    for service in simulator.services:
        for mount in service.mounts:
            assert f'href="{mount.base_path}/ui/"' in page.text


def test_the_fragment_shows_the_hold_expired_and_orders_with_their_status(
        client, advance) -> None:  # type: ignore[no-untyped-def]
    client.post("/sales/v1/Stubhub/", json=HOLD, headers=MARKETPLACE_HEADERS)
    advance(timedelta(minutes=16))

    fragment = client.get("/_page/panels").text

    assert 'class="status-EXPIRED">EXPIRED' in fragment
    assert "FX-VIV-100027" in fragment and "Completed" in fragment  # fixture orders
    assert "<html" not in fragment  # a fragment, swapped in by the page's script


def test_lifecycle_tables_of_other_services_are_shown_generically(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/").text
    assert '<table id="jobs">' in page  # the PDF service's jobs: a table with a status column
    assert "api_keys" not in page and "sim-marketplace-key" not in page


def test_the_request_tail_shows_the_operation_and_hides_the_key(client) -> None:  # type: ignore[no-untyped-def]
    client.post("/sales/v1/Stubhub/", json=HOLD, headers=MARKETPLACE_HEADERS)
    page = client.get("/").text
    assert "create_hold" in page
    assert "sim-marketplace-key" not in page


def test_other_methods_and_paths_are_left_to_the_apis(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/").status_code in (404, 405)
    assert client.get("/sales/v1/ui/").status_code == 200

"""The sales service over HTTP: documented statuses and bodies, errors, races, restarts."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import BROKER_HEADERS, MARKETPLACE_HEADERS, frozen_config
from tests.sales_fixtures import GA, SEATED, document, hold_body, invoice_body
from tests.served import served

A1 = [{"row": "A", "seat": "1"}]


@pytest.fixture
def sales_client(client: TestClient) -> TestClient:
    response = client.post("/_sim/fixtures", json=document())
    assert response.status_code == 200, response.text
    return client


def post_hold(client: TestClient, body: dict[str, Any], market: str = "Stubhub",
              headers: dict[str, str] = MARKETPLACE_HEADERS) -> httpx.Response:
    return client.post(f"/sales/v1/{market}", json=body, headers=headers)


def test_hold_invoice_and_order_status_flow(sales_client: TestClient, advance: Any) -> None:
    held = post_hold(sales_client, hold_body("o1", A1), market="stubhub")
    assert held.status_code == 200, held.text
    assert held.json()["tickets"] == A1
    invoiced = sales_client.post("/sales/v1/StubHub/invoice", json=invoice_body("o1", A1),
                                 headers=MARKETPLACE_HEADERS)
    assert invoiced.status_code == 200, invoiced.text
    again = sales_client.post("/sales/v1/StubHub/invoice/", json=invoice_body("o1", A1),
                              headers=MARKETPLACE_HEADERS)
    assert again.json()["invoice_id"] == invoiced.json()["invoice_id"]
    advance(timedelta(minutes=2))
    order = sales_client.get("/sales/v1/stubhub/order",
                             params={"user_id": 8060, "order_id": "o1"}, headers=BROKER_HEADERS)
    assert order.status_code == 200, order.text
    assert order.json()["order_status"] == "Confirmed"
    assert order.json()["seats"] == ["1"]


def test_hold_expires_through_the_control_clock(sales_client: TestClient, advance: Any) -> None:
    assert post_hold(sales_client, hold_body("o1", A1, hold_length=1)).status_code == 200
    assert post_hold(sales_client, hold_body("o2", A1)).status_code == 409
    advance(timedelta(minutes=1))
    assert post_hold(sales_client, hold_body("o2", A1)).status_code == 200


def test_release_frees_seats(sales_client: TestClient) -> None:
    post_hold(sales_client, hold_body("o1", A1))
    body = {"order_id": "o1", "broker": "BRK8060", "listing_id": SEATED}
    released = sales_client.request("DELETE", "/sales/v1/Stubhub", json=body,
                                    headers=MARKETPLACE_HEADERS)
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "RELEASED"
    assert post_hold(sales_client, hold_body("o2", A1)).status_code == 200
    unknown = sales_client.request("DELETE", "/sales/v1/Stubhub",
                                   json={**body, "order_id": "nope"}, headers=MARKETPLACE_HEADERS)
    assert unknown.status_code == 404


def test_fixture_order_status_for_its_broker_only(sales_client: TestClient) -> None:
    order = sales_client.get("/sales/v1/SeatGeek/order", params={"user_id": 8060,
                                                                 "order_id": "SG-1"},
                             headers=BROKER_HEADERS)
    assert order.status_code == 200
    assert order.json()["order_status"] == "Shipped"
    assert order.json()["buyer"]["email"] == "ann@x.test"
    other_user = sales_client.get("/sales/v1/SeatGeek/order",
                                  params={"user_id": 9000, "order_id": "SG-1"},
                                  headers={"x-api-key": "other-broker"})
    assert other_user.status_code == 404
    wrong_key = sales_client.get("/sales/v1/SeatGeek/order",
                                 params={"user_id": 9000, "order_id": "SG-1"},
                                 headers=BROKER_HEADERS)
    assert wrong_key.status_code == 403


def test_catalogue_is_not_a_marketplace_and_checks_seats(sales_client: TestClient) -> None:
    body = {"user_id": "8060", "order_id": "SG-1", "marketplace_id": "41",
            "invoice_id": "77", "seats": "2"}
    ok = sales_client.post("/sales/v1/catalogue", json=body, headers=BROKER_HEADERS)
    assert ok.status_code == 200, ok.text
    assert ok.json()["marketplace"] == "Seatgeek"
    again = sales_client.post("/sales/v1/catalogue/", json=body, headers=BROKER_HEADERS)
    assert again.json()["job_id"] == ok.json()["job_id"]
    foreign = sales_client.post("/sales/v1/catalogue", json={**body, "seats": "2,3"},
                                headers=BROKER_HEADERS)
    assert foreign.status_code == 400
    assert "3" in foreign.json()["message"]
    both = sales_client.post("/sales/v1/catalogue",
                             json={**body, "marketplace": "vivid"}, headers=BROKER_HEADERS)
    assert both.status_code == 400
    neither = {k: v for k, v in body.items() if k != "marketplace_id"}
    assert sales_client.post("/sales/v1/catalogue", json=neither,
                             headers=BROKER_HEADERS).status_code == 400


def test_catalogue_by_get_with_a_json_body_is_the_same_operation(sales_client: TestClient
                                                                   ) -> None:
    body = {"user_id": "8060", "order_id": "SG-1", "marketplace_id": "41",
            "invoice_id": "77", "seats": "2"}
    posted = sales_client.post("/sales/v1/catalogue", json=body, headers=BROKER_HEADERS)
    got = sales_client.request("GET", "/sales/v1/catalogue", json=body, headers=BROKER_HEADERS)
    assert got.status_code == 200, got.text
    assert got.json()["job_id"] == posted.json()["job_id"]
    assert got.json()["message"] == f"Catalogue job updated for order {body['order_id']}"
    bare = sales_client.get("/sales/v1/catalogue", headers=BROKER_HEADERS)
    assert bare.status_code == 400, bare.text
    foreign = sales_client.request("GET", "/sales/v1/catalogue", json={**body, "seats": "3"},
                                   headers=BROKER_HEADERS)
    assert foreign.status_code == 400


@pytest.mark.parametrize(("headers", "status", "message"), [
    ({}, 401, "Unauthorized"),
    ({"x-api-key": "not-a-key"}, 403, "Forbidden."),
    (BROKER_HEADERS, 403, "Forbidden."),
    ({"x-api-key": "vivid-key"}, 403, "Forbidden."),
])
def test_keys_are_checked(sales_client: TestClient, headers: dict[str, str], status: int,
                          message: str) -> None:
    response = post_hold(sales_client, hold_body("o1", A1), headers=headers)
    assert response.status_code == status
    assert response.json()["message"].startswith(message)


def test_unknown_marketplace_is_named(sales_client: TestClient) -> None:
    response = post_hold(sales_client, hold_body("o1", A1), market="TicketMonstr")
    assert response.status_code == 400
    assert "TicketMonstr" in response.json()["message"]


@pytest.mark.parametrize(("content", "content_type", "status"), [
    (b'{"order_id": ', "application/json", 400),
    (b"\xff\xfe\x00", "application/json", 400),
    (b"order_id=1", "text/plain", 400),
    (b"order_id=1", "application/x-www-form-urlencoded", 400),
    (b"<order/>", "application/xml", 415),
    (b'{"order_id": 5}', "application/json", 400),
    (b"[]", "application/json", 400),
    (b"null", "application/json", 400),
    (b"", "application/json", 400),
])
def test_bad_bodies_get_json_errors(sales_client: TestClient, content: bytes, content_type: str,
                                    status: int) -> None:
    response = sales_client.post("/sales/v1/Stubhub", content=content,
                                 headers={**MARKETPLACE_HEADERS, "content-type": content_type})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert isinstance(response.json()["message"], str)


def test_wrong_method_lists_every_allowed_method(sales_client: TestClient) -> None:
    response = sales_client.put("/sales/v1/Stubhub", headers=MARKETPLACE_HEADERS)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, POST"
    catalogue = sales_client.put("/sales/v1/catalogue", headers=BROKER_HEADERS)
    assert catalogue.status_code == 405
    assert catalogue.headers["allow"] == "GET, POST"  # GET: the documented Python example


def test_hold_length_and_types_are_validated(sales_client: TestClient) -> None:
    for bad in ({"hold_length": 0}, {"hold_length": 21}, {"hold_length": "15"},
                {"tickets": []}, {"tickets": [{"seat": "1"}]}, {"in_hand_date": "2031-02-30"}):
        response = post_hold(sales_client, {**hold_body("o1", A1), **bad})
        assert response.status_code == 400, (bad, response.text)


def _race(db: str, bodies: list[dict[str, Any]], markets: list[str]) -> list[httpx.Response]:
    """POST every hold from 8 threads at once to an app served on a file database."""
    app = create_app(frozen_config(db=db))
    with TestClient(app) as client:
        client.post("/_sim/fixtures", json=document())
    start = threading.Barrier(8)
    with served(app) as url, httpx.Client(base_url=url, headers=MARKETPLACE_HEADERS) as http:
        def attempt(n: int) -> list[httpx.Response]:
            start.wait()
            return [http.post(f"/sales/v1/{markets[i % len(markets)]}", json=bodies[i])
                    for i in range(n, len(bodies), 8)]

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = [r for chunk in pool.map(attempt, range(8)) for r in chunk]
    app.simulator.close()
    return answers


def test_threads_racing_over_http_never_share_a_seat(tmp_path: Path) -> None:
    rng = random.Random(7)
    seats = [{"row": "A", "seat": s} for s in "1234"] + [{"row": "B", "seat": "1"}]
    bodies = [hold_body(f"race-{n}", rng.sample(seats, rng.randint(1, 3))) for n in range(80)]
    responses = _race(str(tmp_path / "race.sqlite3"), bodies, ["Stubhub", "Vivid", "Seatgeek"])
    assert {r.status_code for r in responses} <= {200, 409}
    won = [r.json() for r in responses if r.status_code == 200]
    claimed = [(t["row"], t["seat"]) for hold in won for t in hold["tickets"]]
    assert won and len(claimed) == len(set(claimed))


def test_ga_places_are_claimed_once_under_a_real_race(tmp_path: Path) -> None:
    bodies = [hold_body(f"ga-{n}", [{"row": "FLOOR", "seat": ""}], listing=GA, section="GA")
              for n in range(50)]
    statuses = [r.status_code for r in _race(str(tmp_path / "ga.sqlite3"), bodies, ["Stubhub"])]
    assert statuses.count(200) == 3  # the GA row has exactly three places
    assert statuses.count(409) == 47


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sim.sqlite3")
    first = create_app(frozen_config(db=db))
    with TestClient(first) as client:
        client.post("/_sim/fixtures", json=document())
        assert post_hold(client, hold_body("o1", A1)).status_code == 200
        client.post("/_sim/clock/advance", json={"seconds": 60})
        before = client.get("/_sim/clock").json()["now"]
    first.simulator.close()
    second = create_app(frozen_config(db=db))
    with TestClient(second) as client:
        assert client.get("/_sim/clock").json()["now"] == before
        assert post_hold(client, hold_body("o2", A1)).status_code == 409
        client.post("/_sim/clock/advance", json={"seconds": 14 * 60})
        assert post_hold(client, hold_body("o2", A1)).status_code == 200

"""MPDeleter over HTTP: the documented example, real deletes, inverse, errors, races."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.services.mpdeleter.domain import MARKETS
from tests.broadcast.helpers import KEY, LISTING, LIVE_ON, USER, by_marketplace, mpdelete
from tests.conftest import MARKETPLACE_HEADERS

EXAMPLE_MARKETS = ["TicketMonster", "Skybox", "SeatSmart", "FanXchange", "Gametime",
                   "SeatGeek", "Vivid"]

#: The documentation's "example of a successful output", verbatim.
DOCUMENTED_OUTPUT = json.loads("""{
"statusCode": 200,
"results": [
{"marketplace": "TicketMonster", "status": "fail",
 "message": "Market place TicketMonster not supported.", "statusCode": 500,
 "detail": "Market place TicketMonster not supported."},
{"marketplace": "Skybox", "status": "fail", "message": "Market place Skybox not supported.",
 "statusCode": 500, "detail": "Market place Skybox not supported."},
{"marketplace": "SeatSmart", "status": "fail",
 "message": "Market place SeatSmart not supported.", "statusCode": 500,
 "detail": "Market place SeatSmart not supported."},
{"marketplace": "FanXchange", "status": "fail",
 "message": "Market place FanXchange not supported.", "statusCode": 500,
 "detail": "Market place FanXchange not supported."},
{"statusCode": 404, "marketplaceid": "25", "status": "fail", "detail": "Not Found",
 "marketplace": "Gametime"},
{"statusCode": 200, "marketplaceid": "41", "status": "success", "detail": "deleted",
 "marketplace": "SeatGeek"},
{"statusCode": 200, "marketplaceid": "4", "status": "success",
 "detail": "Successfully deleted listing.", "marketplace": "Vivid"}
]}""")


def _payload(**changes: object) -> dict[str, object]:
    """The documented payload with the fixtures' user and listing."""
    return {"user_id": str(USER), "listing_id": LISTING, "marketplaces": EXAMPLE_MARKETS,
            "inverse": False, **changes}


def test_the_documented_python_example_gets_the_documented_output(client: TestClient) -> None:
    response = mpdelete(client, _payload())
    assert response.status_code == 200, response.text
    assert response.json() == DOCUMENTED_OUTPUT
    assert list(response.json()["results"][5]) == list(DOCUMENTED_OUTPUT["results"][5])


def test_deletes_are_real_and_a_second_delete_finds_nothing(client: TestClient) -> None:
    mpdelete(client, _payload())
    live = {name for name, copy in by_marketplace(client).items() if copy["live"]}
    assert live == LIVE_ON - {"Seatgeek", "Vivid"}
    again = mpdelete(client, _payload()).json()["results"]
    assert [(r["marketplace"], r["statusCode"]) for r in again[4:]] == [
        ("Gametime", 404), ("SeatGeek", 404), ("Vivid", 404)]
    assert all(r["detail"] == "Not Found" for r in again[4:])


@pytest.mark.parametrize("marketplaces", [[], None, "absent"])
def test_no_marketplaces_means_every_one(client: TestClient, marketplaces: object) -> None:
    payload = _payload(marketplaces=marketplaces)
    if marketplaces == "absent":
        del payload["marketplaces"]
    results = mpdelete(client, payload).json()["results"]
    assert [r["marketplace"] for r in results] == [m.name for m in MARKETS]
    deleted = {r["marketplace"] for r in results if r["statusCode"] == 200}
    assert deleted == {"StubHub", "TicketNetwork", "Vivid", "SeatGeek"}
    assert not any(copy["live"] for copy in by_marketplace(client).values())


def test_inverse_deletes_from_every_marketplace_not_named(client: TestClient) -> None:
    results = mpdelete(client, _payload(marketplaces=["vivid", "STUBHUB"], inverse=True)).json()
    names = [r["marketplace"] for r in results["results"]]
    assert "Vivid" not in names and "StubHub" not in names and "SeatGeek" in names
    live = {name for name, copy in by_marketplace(client).items() if copy["live"]}
    assert live == {"Vivid", "Stubhub"}


def test_names_match_in_any_case_and_unknown_ones_are_unsupported(client: TestClient) -> None:
    results = mpdelete(client, _payload(marketplaces=["seatgeek", "SeatGeek", "Foo"])).json()
    assert results["results"] == [
        {"statusCode": 200, "marketplaceid": "41", "status": "success", "detail": "deleted",
         "marketplace": "SeatGeek"},
        {"marketplace": "Foo", "status": "fail", "message": "Market place Foo not supported.",
         "statusCode": 500, "detail": "Market place Foo not supported."}]


def test_a_refused_delete_is_a_500_result(client: TestClient) -> None:
    client.put(f"/_sim/listings/{LISTING}/delete-failures", json={"marketplaces": ["Vivid"]})
    result = mpdelete(client, _payload(marketplaces=["Vivid"])).json()["results"][0]
    assert (result["statusCode"], result["status"], result["marketplaceid"]) == (500, "fail", "4")
    assert by_marketplace(client)["Vivid"]["live"] is True


REQUIRED = {"message": "Invalid input: user_id and listing_id are required."}


@pytest.mark.parametrize("payload", [
    {}, {"user_id": str(USER)}, {"listing_id": LISTING}, {"user_id": "", "listing_id": LISTING},
    {"user_id": str(USER), "listing_id": "  "},
])
def test_missing_ids_get_the_documented_400(client: TestClient, payload: object) -> None:
    response = mpdelete(client, payload)
    assert (response.status_code, response.json()) == (400, REQUIRED)


def test_no_body_at_all_gets_the_documented_400(client: TestClient) -> None:
    response = client.request("DELETE", "/mpdeleter/v2", headers={"Authorization": KEY})
    assert (response.status_code, response.json()) == (400, REQUIRED)


@pytest.mark.parametrize(("payload", "field"), [
    (_payload(user_id="YOUR 1TICKET USERID"), "user_id"),
    (_payload(marketplaces="Vivid"), "marketplaces"),
    (_payload(inverse="yes"), "inverse"),
    (_payload(listing_id=[1]), "listing_id"),
])
def test_wrong_types_name_the_field(client: TestClient, payload: object, field: str) -> None:
    response = mpdelete(client, payload)
    assert response.status_code == 400
    assert field in response.json()["message"]


def test_the_curl_example_body_is_refused_as_not_json(client: TestClient) -> None:
    body = b"{\n'user_id': '9147',\n'listing_id': '23140895',\n'inverse': False\n}"
    as_json = client.request("DELETE", "/mpdeleter/v2", content=body,
                             headers={"Authorization": KEY, "Content-Type": "application/json"})
    assert as_json.status_code == 400
    assert as_json.json()["message"].startswith("The request body is not valid JSON")
    untyped = client.request("DELETE", "/mpdeleter/v2", content=body,
                             headers={"Authorization": KEY})
    assert untyped.json() == as_json.json()  # curl sends no Content-Type: read as JSON


@pytest.mark.parametrize(("key", "status", "message"), [
    (None, 401, "Unauthorized"),
    ("sim-broker-key", 403, "Forbidden."),  # user 8060's key, user_id 9147
    (MARKETPLACE_HEADERS["x-api-key"], 403, "Forbidden."),
    (f"Bearer {KEY}", 403, "Forbidden."),  # not a key: the raw key has no prefix
    ("nope", 403, "Forbidden."),  # unknown key
])
def test_keys_are_checked_with_exactly_the_documented_bodies(
        client: TestClient, key: str | None, status: int, message: str) -> None:
    response = mpdelete(client, _payload(), key=key)
    assert (response.status_code, response.json()) == (status, {"message": message})
    assert by_marketplace(client)["Vivid"]["live"] is True


def test_other_services_still_say_why_a_key_is_refused(client: TestClient) -> None:
    response = client.post("/shsyncx/v2/item", headers={"x-api-key": "nope"},
                           json={"user_id": USER, "ticket_id": LISTING, "price": "1"})
    assert response.status_code == 403
    assert response.json()["message"] == "Forbidden. The API key is not valid"


def test_another_users_listing_is_unknown(client: TestClient) -> None:
    response = mpdelete(client, _payload(user_id=8060), key="sim-broker-key")
    assert response.status_code == 404
    assert by_marketplace(client)["Vivid"]["live"] is True


def test_concurrent_deletes_delete_once(client: TestClient) -> None:
    app = client.app
    body = json.dumps(_payload(marketplaces=["Vivid"]))

    async def fire() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as http:
            return await asyncio.gather(*(http.request(
                "DELETE", "/mpdeleter/v2", content=body,
                headers={"Authorization": KEY, "Content-Type": "application/json"})
                for _ in range(20)))

    codes = [r.json()["results"][0]["statusCode"] for r in asyncio.run(fire())]
    assert sorted(codes) == [200] + [404] * 19


@pytest.mark.parametrize("content_type", ["application/json", None, "text/plain"])
@pytest.mark.parametrize("path", ["/mpdeleter/v2", "/shsyncx/v1/item", "/shsyncx/v2/item"])
def test_a_body_nested_too_deeply_is_a_400_not_a_500(client: TestClient, path: str,
                                                     content_type: str | None) -> None:
    """100,000 nested arrays exceed the JSON reader's recursion: still a 400 that says so."""
    headers = {"Authorization": KEY, "x-api-key": KEY} | (
        {"Content-Type": content_type} if content_type else {})
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.request("DELETE" if path.startswith("/mpdeleter") else "POST", path,
                              content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "message": "The request body nests arrays or objects too deeply to be read"}

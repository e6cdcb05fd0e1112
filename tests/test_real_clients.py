"""What real clients send: no Content-Type, ``curl -d``, slashes, NaN, wrong types."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from simulator.core.http.bodies import NOT_JSON, TOO_DEEP
from simulator.core.specs import load_spec
from simulator.services import SERVICES
from tests.conftest import BROKER_HEADERS, MARKETPLACE_HEADERS

HOLD = {"hold_length": 15, "order_id": "RC-1", "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}
ROOTS = sorted({m.base_path for s in SERVICES for m in s.mounts  # bare roots, none served
                if "/" not in load_spec(m.spec).get("paths", {})})


@pytest.fixture
def raw(client: TestClient) -> TestClient:
    client.follow_redirects = False
    return client


def test_json_without_content_type_is_json(raw: TestClient) -> None:
    """``requests.post(url, data=json.dumps(payload))`` sends no Content-Type."""
    response = raw.post("/sales/v1/Stubhub", content=json.dumps(HOLD), headers=MARKETPLACE_HEADERS)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "HELD"


def test_curl_d_form_type_with_a_json_body_is_json(raw: TestClient) -> None:
    """``curl -d '{...}'`` declares application/x-www-form-urlencoded."""
    headers = {**MARKETPLACE_HEADERS, "content-type": "application/x-www-form-urlencoded"}
    response = raw.post("/sales/v1/Stubhub/", content=json.dumps(HOLD), headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded",
                                          "text/plain"])
def test_a_body_that_is_not_json_is_a_clear_400(raw: TestClient, content_type: str | None
                                                ) -> None:
    headers = dict(MARKETPLACE_HEADERS)
    if content_type:
        headers["content-type"] = content_type
    response = raw.post("/sales/v1/Stubhub", content=b"order_id=1&x=2", headers=headers)
    assert response.status_code == 400
    assert response.json()["message"].startswith(NOT_JSON)


@pytest.mark.parametrize("root", ROOTS)
@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_service_roots_answer_404_not_a_redirect_loop(raw: TestClient, root: str, slash: str,
                                                      method: str) -> None:
    response = raw.request(method, root + slash, headers=MARKETPLACE_HEADERS)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert root in response.json()["message"]


def test_parameter_errors_are_one_short_sentence(raw: TestClient) -> None:
    response = raw.get("/sales/v1/stubhub/order?user_id=abc&order_id=x", headers=BROKER_HEADERS)
    assert response.status_code == 400
    assert response.json() == {
        "message": "query parameter 'user_id' must be of type integer (got 'abc')"}


def test_body_errors_name_the_field_and_stay_short(raw: TestClient) -> None:
    urls = ["http://127.0.0.1/x.pdf"] * 101
    response = raw.post("/pdfs/v1/merger/", json={"urls": urls}, headers=BROKER_HEADERS)
    assert response.status_code == 400
    assert response.json() == {"message": "urls may have at most 100 items (got 101)"}
    typed = raw.post("/sales/v1/Stubhub", json={**HOLD, "hold_length": "15"},
                     headers=MARKETPLACE_HEADERS)
    assert typed.json() == {"message": "hold_length must be of type integer (got '15')"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(raw: TestClient, constant: str) -> None:
    advance = raw.post("/_sim/clock/advance", content=f'{{"seconds": {constant}}}',
                       headers={"content-type": "application/json"})
    assert advance.status_code == 400
    assert constant.lstrip("-") in advance.json()["message"]
    invoice = dict(HOLD, order_id="RC-NAN", payout={"price": 1}, predelivered=False)
    body = json.dumps(invoice).replace('"price": 1', f'"price": {constant}')
    response = raw.post("/sales/v1/Stubhub/invoice", content=body,
                        headers={**MARKETPLACE_HEADERS, "content-type": "application/json"})
    assert response.status_code == 400
    assert "not a JSON number" in response.json()["message"]


def test_a_second_catalogue_call_updates_the_job(raw: TestClient) -> None:
    """The same sale catalogued again: the newest seats win, under the same job id."""
    body = {"user_id": "8060", "order_id": "FX-AGO-100000", "marketplace": "Agora",
            "invoice_id": "1", "seats": "19"}  # the fixture order sold seats 19-21 of row 8
    first = raw.post("/sales/v1/catalogue", json=body, headers=BROKER_HEADERS)
    assert first.status_code == 200, first.text
    again = raw.post("/sales/v1/catalogue", json={**body, "seats": "19,20,21",
                                                   "fulfill_now": False},
                     headers=BROKER_HEADERS)
    assert again.status_code == 200, again.text
    assert again.json()["job_id"] == first.json()["job_id"]
    assert again.json()["seats"] == ["19", "20", "21"]
    assert again.json()["fulfill_now"] is False
    assert again.json()["message"].startswith("Catalogue job updated")


#: The documented catalogue example (its body), as ``curl -d`` or a bare client sends it.
CATALOGUE = {"user_id": "1234", "order_id": "98765", "marketplace": "stubhub",
             "invoice_id": "11111", "seats": "1,2,3,4"}


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_a_request_body_declared_by_reference_is_read_as_json_too(
        raw: TestClient, method: str, content_type: str | None) -> None:
    """The catalogue's body is a ``$ref`` to ``components/requestBodies``: without a JSON
    content type it is still JSON (it was a 500 on the GET form)."""
    headers = {"x-api-key": "sim-broker-key-1234"}
    if content_type:
        headers["content-type"] = content_type
    response = raw.request(method, "/sales/v1/catalogue", headers=headers,
                           content=json.dumps(CATALOGUE).encode())
    assert response.status_code == 200, response.text
    assert response.json()["job_id"]


#: JSON nested past the parser's recursion limit: small (200 KB) but a 500 when unguarded.
DEEP = b'{"seconds": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize("content_type", [None, "application/json"])
@pytest.mark.parametrize(("method", "path", "headers"), [
    ("POST", "/sales/v1/Stubhub", MARKETPLACE_HEADERS),
    ("POST", "/_sim/clock/advance", {}),
    ("POST", "/api/ticket-transfers", {"Authorization": "Bearer sim-seller-key"}),
], ids=["sales", "control", "ticket_transfers"])
def test_a_body_nested_too_deeply_is_a_clear_400(raw: TestClient, content_type: str | None,
                                                method: str, path: str,
                                                headers: dict[str, str]) -> None:
    sent = {**headers, **({"content-type": content_type} if content_type else {})}
    response = raw.request(method, path, content=DEEP, headers=sent)
    assert response.status_code == 400, response.text
    assert response.json() == {"message": TOO_DEEP}


def test_a_fault_rule_matching_body_fields_skips_a_deeply_nested_body(raw: TestClient) -> None:
    rule = {"match": {"body": {"order_id": "x"}}, "action": {"status": 503}}
    assert raw.post("/_sim/faults", json=rule).status_code == 201
    body = '{"order_id": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = raw.post("/sales/v1/Stubhub", content=body,
                        headers={**MARKETPLACE_HEADERS, "Content-Type": "application/json"})
    assert response.status_code == 400, response.text

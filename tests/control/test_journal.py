"""The request journal: what it keeps, its bound, redaction, filters, verify."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from simulator.app import create_app
from tests.conftest import frozen_config
from tests.control.helpers import add_rule, post_hold


def test_entries_newest_first_with_redacted_secrets(client: TestClient) -> None:
    post_hold(client, "o1", Authorization="Bearer secret-token")
    client.get("/sales/v1/Stubhub/order", params={"order_id": "o1"},
               headers={"x-api-key": "nope"})
    client.get("/_sim/clock")  # the control plane is not journaled
    body = client.get("/_sim/journal").json()
    assert body["total"] == 2
    newest, oldest = body["entries"]
    assert (newest["method"], newest["path"], newest["query"]) == (
        "GET", "/sales/v1/Stubhub/order", "order_id=o1")
    assert newest["status"] == 403 and newest["operationId"] == "get_order"
    assert oldest["operationId"] == "create_hold" and oldest["service"] == "sales"
    assert oldest["status"] == 200 and '"order_id": "o1"' in oldest["response_body"]
    assert '"order_id": "o1"' in oldest["body"] or '"order_id":"o1"' in oldest["body"]
    assert oldest["headers"]["x-api-key"] == "[redacted]"
    assert oldest["headers"]["authorization"] == "[redacted]"
    assert "secret-token" not in str(body) and "marketplace-key" not in str(body).lower()
    assert oldest["time"].endswith("Z") and oldest["latency_ms"] >= 0


def test_bounded_ring_and_truncated_bodies() -> None:
    app = create_app(frozen_config(journal_size=3, journal_body_bytes=10))
    with TestClient(app) as client:
        for index in range(7):
            post_hold(client, f"order-{index}")
        body = client.get("/_sim/journal").json()
        assert body["total"] == 3 and body["recorded"] == 7 and body["size"] == 3
        entry = body["entries"][0]
        assert len(entry["body"]) == 10 and entry["body_truncated"]
        assert entry["body_size"] > 10 and entry["response_truncated"]
        assert [e["id"] for e in body["entries"]] == [7, 6, 5]
    app.simulator.close()


def test_filters_and_paging(client: TestClient, advance) -> None:  # type: ignore[no-untyped-def]
    post_hold(client, "o1")
    advance(timedelta(minutes=1))
    since = client.get("/_sim/clock").json()["now"]
    post_hold(client, "o2")  # 409: the seat is held
    post_hold(client, "o3", seat="20")
    journal = client.get("/_sim/journal", params={"status": 409}).json()
    assert [e["status"] for e in journal["entries"]] == [409]
    assert client.get("/_sim/journal", params={"since": since}).json()["total"] == 2
    assert client.get("/_sim/journal", params={"path": "/sales/*", "method": "post"}
                      ).json()["total"] == 3
    page = client.get("/_sim/journal", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and len(page["entries"]) == 1
    assert client.get("/_sim/journal", params={"operationId": "get_order"}).json()["total"] == 0
    assert client.get("/_sim/journal", params={"limit": 0}).status_code == 400
    assert client.delete("/_sim/journal").json() == {"deleted": 3}
    assert client.get("/_sim/journal").json()["total"] == 0


def test_faulted_and_preferred_requests_are_marked(client: TestClient) -> None:
    add_rule(client, {"match": {"operationId": "create_hold"}, "action": {"status": 500},
                      "count": 1})
    post_hold(client, "o1")
    post_hold(client, "o1", Prefer="code=409")
    newest, oldest = client.get("/_sim/journal").json()["entries"]
    assert (oldest["fault"], oldest["status"]) == ("f1", 500)
    assert (newest["prefer"], newest["status"]) == ("code=409", 409)


def test_verify_exact_ranged_and_near_misses(client: TestClient) -> None:
    post_hold(client, "o1")
    post_hold(client, "o2", seat="20")

    def verify(**body: object) -> dict:  # type: ignore[type-arg]
        response = client.post("/_sim/journal/verify", json=body)
        assert response.status_code == 200, response.text
        result: dict = response.json()  # type: ignore[type-arg]
        return result

    assert verify(match={"operationId": "create_hold"}, count=2)["ok"]
    assert verify(match={"operationId": "create_hold"}, count={"min": 1, "max": 2})["ok"]
    assert verify(match={"operationId": "create_hold"})["ok"]  # default: at least once
    too_many = verify(match={"operationId": "create_hold"}, count={"max": 1})
    assert not too_many["ok"] and too_many["count"] == 2
    missed = verify(match={"method": "POST", "path": "/sales/v1/StubHub",
                           "body": {"order_id": "o1"}}, count=1)
    assert not missed["ok"] and missed["count"] == 0
    closest = missed["near_misses"][0]
    assert closest["entry"]["body"].find("o1") > 0
    assert closest["differences"] == [{"field": "path", "expected": "/sales/v1/StubHub",
                                       "actual": "/sales/v1/Stubhub"}]
    assert client.post("/_sim/journal/verify", json={"count": {"min": 3, "max": 1}}
                       ).status_code == 400
    assert client.post("/_sim/journal/verify", json={"match": {"colour": "red"}}
                       ).status_code == 400


def test_reset_forgets_journal_and_rules(client: TestClient) -> None:
    add_rule(client, {"action": {"status": 500}})
    post_hold(client, "o1")
    client.post("/_sim/reset")
    assert client.get("/_sim/journal").json()["total"] == 0
    assert client.get("/_sim/faults").json()["faults"] == []
    assert post_hold(client, "o1").status_code == 200


def test_verify_matches_on_the_answers_status(client: TestClient) -> None:
    """The journal's match takes the answer's status (the fault rules' match does not)."""
    post_hold(client, "o1")
    post_hold(client, "o2")  # 409: the seat is held
    conflicts = client.post("/_sim/journal/verify", json={
        "match": {"operationId": "create_hold", "status": 409}, "count": 1})
    assert conflicts.status_code == 200, conflicts.text
    assert conflicts.json()["ok"] and conflicts.json()["match"]["status"] == 409
    refused = client.post("/_sim/faults", json={"match": {"status": 409},
                                                "action": {"status": 500}})
    assert refused.status_code == 400 and "status" in refused.json()["message"]
    wrong = client.post("/_sim/journal/verify", json={"match": {"status": "409"}})
    assert wrong.status_code == 400 and "match.status" in wrong.json()["message"]


def test_secret_query_parameters_are_redacted_like_headers(client: TestClient) -> None:
    """Keys and transfer secrets sent in the query (``api_key=``, ``tickets[0][secret]=``)
    are credentials too: the journal shows their names, never their values."""
    client.get("/sales/v1/Stubhub/order", params={"order_id": "o1", "api_key": "leak-1"})
    client.get("/api/public/ticket-transfers", params={"tickets[0][id]": "t1",
                                                       "tickets[0][secret]": "leak-2"})
    body = client.get("/_sim/journal").json()
    queries = [entry["query"] for entry in body["entries"]]
    assert "leak" not in str(body)
    assert "order_id=o1" in queries[1] and "api_key=***" in queries[1]
    assert "tickets%5B0%5D%5Bid%5D=t1" in queries[0] or "tickets[0][id]=t1" in queries[0]

"""Fault rules: matching, counting, seeded probability, each action, outbound rules."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from simulator.core.http.faults import FaultTransport, outbound_fault
from tests.conftest import MARKETPLACE_HEADERS, fresh_app
from tests.control.helpers import HOLD_PATH, add_rule, post_hold
from tests.pdfs_helpers import HEADERS as PDF_HEADERS
from tests.served import served

CREATE_HOLD = {"operationId": "create_hold"}


def test_status_fault_answers_documented_body_and_changes_no_state(client: TestClient) -> None:
    rule = add_rule(client, {"match": {"method": "POST", "path": "/sales/v1/*", **CREATE_HOLD},
                             "action": {"status": 409}, "count": 1, "seed": 1})
    assert rule["id"] == "f1" and rule["remaining"] == 1
    faulted = post_hold(client, "o1")
    assert faulted.status_code == 409
    assert set(faulted.json()) == {"message"}  # sales.yaml's documented 409 shape
    # the faulted hold never happened: the same seat can be held now, once
    assert post_hold(client, "o2").status_code == 200
    assert post_hold(client, "o3").status_code == 409  # a real conflict this time
    listed = client.get("/_sim/faults").json()["faults"]
    assert [(r["id"], r["hits"], r["active"]) for r in listed] == [("f1", 1, False)]


def test_undocumented_status_gets_a_message_and_custom_body_is_sent(client: TestClient) -> None:
    add_rule(client, {"match": CREATE_HOLD, "action": {"status": 503}, "count": 1})
    response = post_hold(client, "o1")
    assert response.status_code == 503
    assert "fault rule f1" in response.json()["message"]
    add_rule(client, {"match": CREATE_HOLD, "action": {"status": 500, "body": {"error": "x"}}})
    assert post_hold(client, "o1").json() == {"error": "x"}


def test_matching_by_service_header_and_body_field(client: TestClient) -> None:
    add_rule(client, {"match": {"service": "sales", "headers": {"X-Trace": "t1"},
                                "body": {"tickets.0.seat": "20"}},
                      "action": {"status": 500}})
    assert post_hold(client, "o1", seat="19", **{"X-Trace": "t1"}).status_code == 200
    assert post_hold(client, "o2", seat="20").status_code == 200
    assert post_hold(client, "o3", seat="20", **{"X-Trace": "t1"}).status_code == 500


def test_newest_rule_wins_and_delete(client: TestClient) -> None:
    add_rule(client, {"match": CREATE_HOLD, "action": {"status": 500}})
    add_rule(client, {"match": CREATE_HOLD, "action": {"status": 502}})
    assert post_hold(client, "o").status_code == 502
    assert client.delete("/_sim/faults/f2").json() == {"deleted": 1}
    assert client.delete("/_sim/faults/f2").status_code == 404
    assert client.get("/_sim/faults/f1").json()["hits"] == 0
    assert post_hold(client, "o").status_code == 500
    assert client.get("/_sim/faults/f1").json()["hits"] == 1
    assert client.delete("/_sim/faults").json() == {"deleted": 1}
    assert post_hold(client, "o").status_code == 200


def test_rules_never_apply_to_the_control_plane(client: TestClient) -> None:
    add_rule(client, {"action": {"status": 500}})  # matches everything else
    assert client.get("/_sim/clock").status_code == 200
    assert post_hold(client, "o").status_code == 500


def _hits(seed: int) -> list[int]:
    with TestClient(fresh_app()) as client:
        add_rule(client, {"match": CREATE_HOLD, "action": {"status": 500},
                          "probability": 0.5, "seed": seed})
        return [post_hold(client, f"o{i}", seat="19").status_code for i in range(16)]


def test_probability_is_seeded() -> None:
    first, again, other = _hits(7), _hits(7), _hits(8)
    assert first == again
    assert first != other
    assert 500 in first and any(code != 500 for code in first)


def test_bad_rules_get_400_naming_the_field(client: TestClient) -> None:
    cases = {
        "action": {},
        "action.status": {"action": {"status": 42}},
        "probability": {"action": {"status": 500}, "probability": 2},
        "at least one": {"action": {"drop": False}},
        "max must not": {"action": {"latency_ms": {"min": 5, "max": 1}}},
    }
    for needle, rule in cases.items():
        response = client.post("/_sim/faults", json=rule)
        assert response.status_code == 400, rule
        assert needle in response.json()["message"], response.json()


def test_corrupt_truncates_or_garbles_the_services_answer(client: TestClient) -> None:
    add_rule(client, {"match": CREATE_HOLD, "action": {"corrupt": "truncate"}, "count": 1})
    truncated = post_hold(client, "o1")
    assert truncated.status_code == 200
    with pytest.raises(ValueError):
        truncated.json()
    assert truncated.content.startswith(b'{"message"')
    add_rule(client, {"match": CREATE_HOLD, "action": {"corrupt": "garble", "status": 200},
                      "count": 1, "seed": 3})
    garbled = post_hold(client, "o2", seat="20")
    assert garbled.status_code == 200 and not garbled.content.startswith(b"{")


def test_drop_in_process_fails_the_call(client: TestClient) -> None:
    add_rule(client, {"match": CREATE_HOLD, "action": {"drop": True}})
    with pytest.raises(AssertionError, match="did not receive any response"):
        post_hold(client, "o1")


def test_dropped_connection_and_non_blocking_latency_over_real_http() -> None:
    app = fresh_app()
    with served(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        rule = {"match": CREATE_HOLD, "action": {"drop": True}, "count": 1}
        assert client.post("/_sim/faults", json=rule).status_code == 201
        with pytest.raises(httpx.TransportError):
            client.post(HOLD_PATH, json={"order_id": "x"}, headers=MARKETPLACE_HEADERS)
        slow = {"match": {"path": "/sales/v1/Stubhub/order"}, "action": {"latency_ms": 1500},
                "count": 1}
        assert client.post("/_sim/faults", json=slow).status_code == 201
        finished = threading.Event()

        def slow_call() -> None:
            with httpx.Client(base_url=base, timeout=10) as other:
                other.get("/sales/v1/Stubhub/order", params={"order_id": "x"},
                          headers=MARKETPLACE_HEADERS)
            finished.set()

        thread = threading.Thread(target=slow_call)
        thread.start()
        while not client.get("/_sim/faults/f2").json()["hits"]:
            time.sleep(0.01)  # poll until the slow request is inside its latency
        fast = client.get("/sales/v1/Stubhub/order", params={"order_id": "x"},
                          headers={**MARKETPLACE_HEADERS, "Prefer": "code=404"})
        assert fast.status_code == 404  # answered while the slow one still waits
        assert not finished.is_set()
        thread.join(timeout=10)
        assert finished.is_set()
        entries = client.get("/_sim/journal", params={"path": "/sales/v1/Stubhub*"}).json()
        dropped = [e for e in entries["entries"] if e["fault"] == "f1"]
        assert dropped and dropped[0]["status"] is None
    app.simulator.close()


def test_outbound_rules_make_a_pdf_source_look_down() -> None:
    served_pdf = httpx.MockTransport(lambda request: httpx.Response(
        200, json={"now": "2030-01-01T00:00:00Z", "secret": "s3cr3t"}))
    app = fresh_app(fetch_allow=("files.test",), fetch_transport=served_pdf)
    simulator = app.simulator
    with TestClient(app) as client:
        url = "http://files.test/ticket.pdf"
        decode = {"url": url}
        headers = PDF_HEADERS
        leak = client.post("/pdfs/v1/decoder/", json=decode, headers=headers).json()
        message = leak.get("message") or leak.get("error")
        assert "not a PDF" in message and "application/json" in message
        assert "now" not in message and "s3cr3t" not in message
        add_rule(client, {"direction": "outbound", "match": {"url": "http://files.test/*"},
                          "action": {"status": 503}, "count": 1})
        add_rule(client, {"direction": "outbound", "match": {"path": "/down.pdf"},
                          "action": {"drop": True}})
        assert outbound_fault(simulator, "GET", "http://elsewhere.test/x") is None
        failed = client.post("/pdfs/v1/decoder/", json=decode, headers=headers).json()
        assert "HTTP 503" in (failed.get("message") or failed.get("error"))
        dropped = client.post("/pdfs/v1/decoder/", json={"url": "http://files.test/down.pdf"},
                              headers=headers).json()
        assert "Could not fetch" in (dropped.get("message") or dropped.get("error"))
        inbound_only = client.get("/_sim/faults").json()["faults"]
        assert [r["hits"] for r in inbound_only] == [1, 1]


def test_fault_transport_passes_through_without_rules() -> None:
    app = fresh_app()
    inner = httpx.MockTransport(lambda request: httpx.Response(200, text="fine"))
    with httpx.Client(transport=FaultTransport(app.simulator, inner)) as client:
        assert client.get("http://x.test/").text == "fine"
    app.simulator.close()


def test_outbound_rules_make_a_webhook_receiver_look_down() -> None:
    """The post-sale engine's webhooks and callbacks go through the outbound rules too."""
    from tests.callbacks.helpers import environment

    with environment(confirm_seconds=1e7) as env:
        hook = {"url": f"{env.url}/hook"}
        add_rule(env.client, {"direction": "outbound", "match": hook,
                              "action": {"status": 503}, "count": 1})
        add_rule(env.client, {"direction": "outbound", "match": hook,
                              "action": {"drop": True}, "count": 1})
        env.invoice("o1")
        env.settle(kind="sale_notification")
        for _ in range(3):
            env.advance(600)  # past the retry's instant
            env.settle(kind="sale_notification")
        [done] = env.log(kind="sale_notification")
        attempts = [(a["status"], a["error"]) for a in done["attempts"]]
        assert done["status"] == "SUCCEEDED", attempts
        assert attempts[0][0] is None and "fault rule f2" in attempts[0][1]  # newest first
        assert attempts[1][0] == 503 and attempts[2][0] == 200
        assert [r["path"] for r in env.receiver.received].count("/hook") == 1
        rules = env.client.get("/_sim/faults").json()["faults"]
        assert [(r["id"], r["hits"]) for r in rules] == [("f1", 1), ("f2", 1)]


def test_a_latency_range_is_drawn_within_its_bounds_from_the_rules_seed() -> None:
    """``{"min", "max"}`` latencies come from the generator of each look (seed, k): same
    seed, same waits, whichever process makes the k-th look."""
    from simulator.core.http.faults import FaultRule, Hit, draw

    def waits(seed: int) -> list[float]:
        rule = FaultRule.from_json("f1", {"action": {"latency_ms": {"min": 200, "max": 800}},
                                          "seed": seed})
        return [Hit(rule, draw(seed, k)).latency_seconds() for k in range(1, 51)]

    first = waits(4)
    assert all(0.2 <= wait <= 0.8 for wait in first)
    assert len(set(first)) > 1 and first == waits(4) and first != waits(5)
    fixed = FaultRule.from_json("f2", {"action": {"latency_ms": 150}})
    assert Hit(fixed, draw(0, 1)).latency_seconds() == 0.15


README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_fault_posts() -> list[tuple[str, str]]:
    """(Content-Type curl sends, body) of each ``curl ... /_sim/faults ... -d '...'`` in the
    README's "Fault rules" block, as written (``-d`` alone sends a form's type)."""
    text = README.read_text(encoding="utf-8")
    block = text.split("### Fault rules", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    posts = []
    for command in block.split("curl -s localhost:8080/_sim/faults")[1:]:
        body = re.search(r"-d '([^']*)'", command)
        if body is None:
            continue  # a GET or DELETE
        declared = re.search(r"-H 'Content-Type: ([^']+)'", command[:body.start()])
        posts.append((declared.group(1) if declared else "application/x-www-form-urlencoded",
                      body.group(1)))
    return posts


def test_the_readme_fault_examples_work_as_written(client: TestClient) -> None:
    posts = _readme_fault_posts()
    assert len(posts) == 5
    for content_type, body in posts:
        response = client.post("/_sim/faults", content=body.encode(),
                               headers={"content-type": content_type})
        assert response.status_code == 201, (body, response.text)
    assert [rule["id"] for rule in client.get("/_sim/faults").json()["faults"]] == [
        "f1", "f2", "f3", "f4", "f5"]
    assert client.delete("/_sim/faults/f1").json() == {"deleted": 1}
    assert client.delete("/_sim/faults").json() == {"deleted": 4}

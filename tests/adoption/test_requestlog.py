"""Request log lines: one per request, operationId and status, secrets redacted."""

from __future__ import annotations

import json
import logging

import pytest

from simulator.core.http.requestlog import (
    LOGGER,
    JsonFormat,
    RequestEntry,
    RequestRecorder,
    TextFormat,
    redact_key,
    redact_query,
)
from tests.conftest import MARKETPLACE_HEADERS


def test_secret_query_parameters_and_keys_are_redacted() -> None:
    assert redact_query("api_key=abc&user_id=8060&token=t&secret=s") == (
        "api_key=***&user_id=8060&token=***&secret=***")
    assert redact_key("sim-marketplace-key") == "sim-…"
    assert redact_key("Bearer abcdefghijkl") == "abcd…"
    assert redact_key("Bearer tok123") == "…"  # a short token: its first 4 are most of it
    assert redact_key("abc") == "…"


def test_each_request_is_logged_once_as_text(client, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.get("/sales/v1/stubhub/order", params={"user_id": 8060, "order_id": "nope",
                                                  "api_key": "leak"},
               headers={"x-api-key": "sim-broker-key"})

    records = [r for r in caplog.records if r.name == LOGGER]
    assert len(records) == 1
    line = TextFormat().format(records[0])
    assert line.startswith("GET /sales/v1/stubhub/order?user_id=8060&order_id=nope&api_key=***")
    assert " 404 " in line and "get_order" in line and "key=sim-…" in line
    assert "leak" not in line and "sim-broker-key" not in line


def test_json_lines_carry_every_field(client, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO, logger=LOGGER)
    client.post("/sales/v1/Stubhub/", json={"order_id": 1}, headers=MARKETPLACE_HEADERS)

    record = next(r for r in caplog.records if r.name == LOGGER)
    fields = json.loads(JsonFormat().format(record))
    assert fields["method"] == "POST" and fields["status"] == 400
    assert fields["operation_id"] == "create_hold" and fields["fault"] is None
    assert fields["latency_ms"] >= 0 and "time" in fields


def test_a_fault_marked_by_inner_middleware_is_logged(app) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    recorder = app.request_log
    with TestClient(app) as client:
        client.get("/_sim/clock")
    assert recorder.tail(1)[0].fault is None

    # A fault middleware records what it did in scope["state"]; the log shows it.
    from simulator.core.http.requestlog import FAULT_STATE_KEY, RequestLog

    async def faulty(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        scope["state"][FAULT_STATE_KEY] = "status 503"
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    own = RequestRecorder()
    TestClient(RequestLog(faulty, recorder=own)).get("/sales/v1/x")  # no lifespan to run
    assert own.tail(1)[0].fault == "status 503" and own.tail(1)[0].status == 503


def test_the_recorder_keeps_only_the_last_entries() -> None:
    recorder = RequestRecorder(size=3)
    for n in range(10):
        recorder.add(RequestEntry("GET", f"/{n}", "", 200, 1.0, None, None, None))
    assert [e.path for e in recorder.tail(5)] == ["/7", "/8", "/9"]
    assert recorder.tail(0) == []


@pytest.mark.parametrize("fmt", [TextFormat(), JsonFormat()])
def test_other_records_still_format(fmt: logging.Formatter) -> None:
    record = logging.LogRecord(LOGGER, logging.INFO, __file__, 1, "plain %s", ("text",), None)
    assert "plain text" in fmt.format(record)


def test_faulted_requests_are_logged_with_their_operation_and_no_invented_status(
        app) -> None:  # type: ignore[no-untyped-def]
    """A fault answers before Connexion routes the request: the operationId comes from the
    steering layer's lookup; a dropped connection had no status (it was logged as 500)."""
    from starlette.testclient import TestClient

    recorder = app.request_log
    hold = {"order_id": "o1"}
    with TestClient(app) as client:
        rule = {"match": {"operationId": "create_hold"}, "action": {"status": 503}, "count": 1}
        assert client.post("/_sim/faults", json=rule).status_code == 201
        client.post("/sales/v1/Stubhub", json=hold, headers=MARKETPLACE_HEADERS)
        answered = recorder.tail(1)[0]
        assert (answered.status, answered.operation_id, answered.fault) == (
            503, "create_hold", "rule f1")
        rule = {"match": {"operationId": "create_hold"}, "action": {"drop": True}}
        assert client.post("/_sim/faults", json=rule).status_code == 201
        with pytest.raises(AssertionError, match="did not receive any response"):
            client.post("/sales/v1/Stubhub", json=hold, headers=MARKETPLACE_HEADERS)
    dropped = recorder.tail(1)[0]
    assert (dropped.status, dropped.operation_id) == (None, "create_hold")
    line = TextFormat().format(_record(dropped))
    assert line.startswith("POST /sales/v1/Stubhub dropped ") and "create_hold" in line
    assert json.loads(JsonFormat().format(_record(dropped)))["status"] is None
    from simulator.testing.client import _journal_line  # the plugin's failure report

    assert _journal_line({"method": "POST", "path": "/p", "status": None,
                          "operationId": "create_hold"}) == "POST /p -> dropped create_hold"


def _record(entry: RequestEntry) -> logging.LogRecord:
    record = logging.LogRecord(LOGGER, logging.INFO, __file__, 0, "", (), None)
    record.request = entry
    return record

"""The pytest plugin as a user gets it: a separate pytest run that finds it by its entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from simulator import fixturegen
from simulator.testing import FeatureUnavailable, LiveServer

USER_TESTS = '''
import httpx
import pytest

HOLD = {"hold_length": 15, "order_id": "U-1", "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}


def hold(ticketsim):
    return httpx.post(ticketsim.url + "/sales/v1/Stubhub/", json=HOLD,
                      headers={"x-api-key": ticketsim.keys.marketplace})


def test_a_hold_expires_on_the_simulated_clock(ticketsim):
    assert hold(ticketsim).status_code == 200
    before = ticketsim.clock.now
    assert (ticketsim.clock.advance(minutes=16) - before).total_seconds() == 16 * 60
    assert ticketsim.clock.mode == "frozen"


def test_state_is_fresh_for_each_test(ticketsim):
    assert hold(ticketsim).status_code == 200  # the seat held above is free again


def test_a_failure_shows_the_journal_tail(ticketsim):
    hold(ticketsim)
    assert hold(ticketsim).status_code == 201


@pytest.mark.ticketsim(seed=7, clock="realtime")
def test_marker_seed_and_clock(ticketsim):
    assert ticketsim.clock.mode == "realtime"
    assert hold(ticketsim).status_code == 400  # seed 7 draws other listings and brokers


@pytest.mark.ticketsim(fixtures="tiny.json")
def test_marker_fixtures_file(ticketsim):
    assert ticketsim.reset()["listings"] >= 1


def test_reset_and_load_fixtures(ticketsim):
    assert ticketsim.load_fixtures()["listings"] == 200
    assert ticketsim.reset()["listings"] == 200
'''


STEERING_TESTS = '''
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

HOLD = {"hold_length": 15, "order_id": "S-1", "section": "211", "broker": "BRK8060",
        "listing_id": "87000000", "tickets": [{"row": "B", "seat": "19"}]}


def hold(ticketsim, order_id="S-1"):
    return httpx.post(ticketsim.url + "/sales/v1/Stubhub/", json={**HOLD, "order_id": order_id},
                      headers={"x-api-key": ticketsim.keys.marketplace})


class Hooks(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"success": True}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A broker's webhook endpoint: answers 200 to every POST."""
    with ThreadingHTTPServer(("127.0.0.1", 0), Hooks) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}"
        server.shutdown()


def test_faults_wrappers(ticketsim):
    rule = ticketsim.faults.fail("create_hold", 503)
    assert [r["id"] for r in ticketsim.faults.list()] == [rule["id"]]
    assert hold(ticketsim).status_code == 503
    assert hold(ticketsim).status_code == 200  # count 1: used up
    ticketsim.faults.add({"status": 500}, match={"operationId": "create_hold"})
    ticketsim.faults.remove(ticketsim.faults.list()[-1]["id"])
    assert hold(ticketsim, "S-2").status_code == 409  # the rule is gone: a real conflict
    ticketsim.faults.clear()
    assert ticketsim.faults.list() == []


def test_journal_wrappers(ticketsim):
    hold(ticketsim)
    hold(ticketsim, "S-2")
    entries = ticketsim.journal.entries(operationId="create_hold")
    assert [e["status"] for e in entries] == [409, 200]  # newest first
    assert ticketsim.journal.verify({"operationId": "create_hold"}, 2)["ok"]
    missed = ticketsim.journal.verify({"operationId": "create_hold", "status": 201}, 1)
    assert not missed["ok"] and missed["near_misses"][0]["differences"][0]["field"] == "status"
    ticketsim.journal.clear()
    assert ticketsim.journal.entries() == []


def test_deliveries_wrappers(ticketsim, receiver):
    assert ticketsim.http.put("/_sim/brokers/8060/webhook",
                              json={"url": receiver + "/hook", "secret": "s"}).status_code == 200
    assert hold(ticketsim).status_code == 200
    invoice = {**HOLD, "predelivered": False, "delivery_option": "PDF",
               "payout": {"price": 35.5, "currency": "USD"}}
    invoice.pop("hold_length")
    assert httpx.post(ticketsim.url + "/sales/v1/Stubhub/invoice", json=invoice,
                      headers={"x-api-key": ticketsim.keys.marketplace}).status_code == 200
    [done] = ticketsim.deliveries.wait(kind="sale_notification", timeout=30)
    assert done["status"] == "SUCCEEDED" and done["order_id"] == "S-1"
    assert [d["id"] for d in ticketsim.deliveries.list(kind="sale_notification")] == [done["id"]]
    settled = ticketsim.deliveries.wait(kind="sale_notification", settled=True, timeout=30)
    assert [d["status"] for d in settled] == ["SUCCEEDED"]
'''


def _run(tmp_path: Path, *args: str, tests: str = USER_TESTS) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_user.py").write_text(tests, encoding="utf-8")
    fixturegen.write(fixturegen.generate(3, listings=5), tmp_path / "tiny.json")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-rfs", *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.parametrize("scope", ["session", "function"])
def test_the_fixture_in_a_user_suite(tmp_path: Path, scope: str) -> None:
    run = _run(tmp_path, f"--ticketsim-scope={scope}")

    assert "1 failed, 5 passed" in run.stdout, run.stdout + run.stderr
    assert "FAILED test_user.py::test_a_failure_shows_the_journal_tail" in run.stdout
    journal = run.stdout.split("ticketsim request journal (last 20, oldest first)")[1]
    assert "POST /sales/v1/Stubhub/ -> 200" in journal
    assert "POST /sales/v1/Stubhub/ -> 200" in journal.split("\n", 3)[2]  # the same order again
    assert "create_hold" in journal


def test_faults_journal_and_deliveries_through_the_fixture(tmp_path: Path) -> None:
    run = _run(tmp_path, tests=STEERING_TESTS)
    assert "3 passed" in run.stdout and "skipped" not in run.stdout, run.stdout + run.stderr


def test_a_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    run = _run(tmp_path, "--ticketsim-clock=sometimes", "-k", "fresh")
    assert run.returncode != 0
    assert "ticketsim clock must be one of frozen, realtime" in run.stdout + run.stderr


def test_missing_control_features_raise_feature_unavailable() -> None:
    with LiveServer() as server:
        handle = server.handle()
        for feature in ("faults", "journal", "deliveries"):
            if not handle.has(feature):
                with pytest.raises(FeatureUnavailable, match=f"/_sim/{feature}"):
                    getattr(handle, feature)
        handle.begin_test()
        if not handle.has("journal"):  # the tail comes from the server's own request log
            assert handle.journal_tail() == "(no requests)"


def test_a_server_older_than_a_registered_table_is_restarted() -> None:
    from sqlalchemy import Column, Integer, Table

    from simulator.core.store import metadata

    with LiveServer() as server:
        assert not server.stale
        table = Table("adoption_probe", metadata, Column("id", Integer, primary_key=True))
        try:
            assert server.stale  # its store predates the table: a reset would fail
            server.restart()
            assert not server.stale
            assert server.handle().reset()["listings"] == 200
        finally:
            metadata.remove(table)

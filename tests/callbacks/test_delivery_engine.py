"""The delivery engine against bad receivers: retries on the SimClock, failures, restarts."""

from __future__ import annotations

import random
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from simulator.app import create_app
from simulator.config import SimConfig
from simulator.core.outbound.retry import backoff
from simulator.services.callbacks.receiver import Receiver
from tests.callbacks.helpers import HANG_GUARD_SECONDS, Env, environment, register
from tests.conftest import frozen_config
from tests.sales_fixtures import document


class Script:
    """A MockTransport handler answering from a list of steps, then 200, counting calls."""

    def __init__(self, *steps: Any) -> None:
        self.steps = list(steps)
        self.calls: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.called = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.calls.append(request)
            self.called.set()
            step = self.steps.pop(0) if self.steps else 200
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return httpx.Response(step, json={"success": True})

    def hooks(self) -> list[httpx.Request]:
        return [c for c in self.calls if c.url.path == "/hook"]


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_retries_at_the_documented_instants_then_no_second_delivery() -> None:
    script = Script(500, 503)
    with environment(httpx.MockTransport(script), confirm_seconds=1e7) as env:
        env.invoice("o1")
        first = env.log(kind="sale_notification")[0]
        delivery_id = first["id"]
        waited = 0
        while env.log(kind="sale_notification")[0]["status"] != "SUCCEEDED" and waited < 5:
            pending = env.log(kind="sale_notification")[0]
            if pending["next_attempt_at"] and pending["status"] == "PENDING":
                env.advance(400)  # far past any retry: attempts keep their own instants
            env.client.get("/_sim/deliveries/wait", params={"timeout": 2,
                                                            "kind": "sale_notification"})
            waited += 1
        [done] = env.log(kind="sale_notification")
        assert done["status"] == "SUCCEEDED"
        times = [_instant(a["at"]) for a in done["attempts"]]
        assert [a["status"] for a in done["attempts"]] == [500, 503, 200]
        for number in (1, 2):
            expected = backoff(number, 30.0, 0.1, random.Random(f"{delivery_id}:{number}"))
            assert times[number] - times[number - 1] == expected
        assert len(script.hooks()) == 3
        assert {c.headers["idempotency-key"] for c in script.hooks()} == {delivery_id}
        env.advance(86400)
        env.client.get("/_sim/deliveries/wait", params={"timeout": 0.2, "kind": "confirm"})
        assert len(script.hooks()) == 3  # never sent again after success


def test_bad_receivers_are_retried_or_failed_never_a_crash() -> None:
    huge = httpx.Response(200, content=b"x" * (2 * 1024 * 1024))
    redirect = httpx.Response(302, headers={"location": "http://169.254.169.254/latest"})
    script = Script(httpx.ReadTimeout("slow"), huge, httpx.ConnectError("refused"), 500)
    with environment(httpx.MockTransport(script), max_response_bytes=1024 * 1024,
                     confirm_seconds=1e7) as env:
        env.invoice("o1")
        env.settle(kind="sale_notification")
        for _ in range(6):
            env.advance(600)
            env.settle(kind="sale_notification")
        [done] = env.log(kind="sale_notification")
        errors = [a["error"] or a["status"] for a in done["attempts"]]
        assert done["status"] == "SUCCEEDED", errors
        assert "timed out" in str(errors[0]) or "ReadTimeout" in str(errors[0])
        assert "larger than" in str(errors[1])
        assert "ConnectError" in str(errors[2])
        assert errors[3] == 500
    script = Script(redirect)
    with environment(httpx.MockTransport(script), confirm_seconds=1e7) as env:
        env.invoice("o2")
        [failed] = env.settle(kind="sale_notification")
        assert failed["status"] == "FAILED" and len(failed["attempts"]) == 1
        assert "refused" in failed["attempts"][0]["error"]


def test_gives_up_after_max_attempts() -> None:
    script = Script(*([500] * 10))
    with environment(httpx.MockTransport(script), max_attempts=3, confirm_seconds=1e7) as env:
        env.invoice("o1")
        env.settle(kind="sale_notification")
        for _ in range(6):
            env.advance(600)
            env.settle(kind="sale_notification")
        [failed] = env.log(kind="sale_notification")
        assert failed["status"] == "FAILED" and len(failed["attempts"]) == 3


def _restarting_config(db: str, script: Script) -> SimConfig:
    return frozen_config(db=db, settings={"callbacks": {
        "transport": httpx.MockTransport(script), "confirm_seconds": 1e7}})


def test_a_pending_delivery_survives_a_restart_and_is_sent_once(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite3")
    before = set(threading.enumerate())
    down = Script(*([httpx.ConnectError("down")] * 5))
    app = create_app(_restarting_config(db, down))
    with TestClient(app) as client:
        assert client.post("/_sim/fixtures", json=document()).status_code == 200
        register(client, "http://127.0.0.1:9")
        Env(client, app.simulator, Receiver(), "").invoice("o1")
        assert down.called.wait(HANG_GUARD_SECONDS)  # the first attempt is under way
    app.simulator.close()  # the process goes away with the delivery scheduled
    leftover = [t.name for t in threading.enumerate()
                if t not in before and t.name.startswith("ticketsim-")]
    assert leftover == []  # close stopped and joined the delivery threads
    up = Script()
    again = create_app(_restarting_config(db, up))
    with TestClient(again) as client:
        [pending] = client.get("/_sim/deliveries").json()["deliveries"]
        assert pending["status"] == "PENDING"  # close let the attempt be recorded
        assert ["ConnectError" in str(a["error"]) for a in pending["attempts"]] == [True]
        assert up.calls == []  # not sent again on start: its retry instant is still to come
        client.post("/_sim/clock/advance", json={"seconds": 600})
        found = client.get("/_sim/deliveries/wait", params={"timeout": 10,
                                                            "kind": "sale_notification"})
        assert found.status_code == 200, found.text
        client.post("/_sim/clock/advance", json={"seconds": 6000})
        [done] = client.get("/_sim/deliveries").json()["deliveries"]
        assert done["status"] == "SUCCEEDED" and len(done["attempts"]) == 2
        assert len(up.hooks()) == 1
    again.simulator.close()


def test_the_wait_refuses_bad_query_values_with_a_400_naming_them() -> None:
    """What clients send by mistake to ``/_sim/deliveries/wait``: a 400 naming the
    parameter, never a 500; a trailing slash is the same endpoint."""
    with TestClient(create_app(frozen_config())) as client:
        for query, named in (("settled=abc", "settled"), ("settled=", "settled"),
                             ("settled=true&timeout=NaN", "timeout"),
                             ("timeout=-1", "timeout")):
            refused = client.get(f"/_sim/deliveries/wait?{query}")
            assert refused.status_code == 400, (query, refused.text)
            assert named in refused.json()["message"], (query, refused.text)
        for path in ("/_sim/deliveries/wait", "/_sim/deliveries/wait/"):
            settled = client.get(f"{path}?settled=true&timeout=0")
            assert settled.status_code == 200, settled.text
            assert set(settled.json()) == {"deliveries"}

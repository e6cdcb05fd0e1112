"""Proof that the suite bites: each injected contract bug is reported (mutation testing).

For every fault of :mod:`conformance.faults` the tests that should catch it
(:data:`conformance.selftest.DETECTIONS`) run again through ``pytester``
against a faulty target, in-process and over real HTTP (``ticketsim serve``
behind the suite's corrupting proxy), and must fail with the expected
report; a fault-free run of the same tests must pass. The read-only policy
is tested against ``ticketsim serve --no-control`` standing in for a real
deployment. The read-only deployment column of the mutation table is
measured by ``ticketsim conformance --selftest`` (``--selftest-full``).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance import session as run
from conformance.data import simulator_defaults
from conformance.faults import FAULTS
from conformance.policy import SAFE_METHODS
from conformance.proxy import Forwarder, Proxy
from conformance.selftest import (
    DETECTIONS,
    HOLD,
    ORDER,
    RELEASE,
    ROUNDTRIP,
    SCENARIOS,
    TARGET,
    UNKNOWN_ORDER,
    UNSEEABLE,
    VERDICT,
    Mode,
    nested_run,
    serve,
    warm_up,
)

pytest_plugins = ["pytester"]


def _in_process() -> bool:
    session = run.current()
    return session.target.in_process and session.settings.fault is None and session.selected(
        "sales")


pytestmark = pytest.mark.skipif(
    not _in_process(), reason="the self-test runs from an in-process run of the suite with sales")


def _full(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--selftest-full"))


def _detectors(mode: Mode) -> list[str]:
    return sorted({d.test for detections in DETECTIONS[mode].values() for d in detections})


@pytest.fixture(scope="module", autouse=True)
def _imported() -> None:
    warm_up()


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with serve() as url:
        yield url


@pytest.fixture(scope="module")
def deployment_url() -> Iterator[str]:
    with serve("--no-control") as url:
        yield url


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selftest") / "data.json"
    path.write_text(json.dumps(simulator_defaults().to_json()), encoding="utf-8")
    return path


def _deployment_args(url: str, data_file: Path | None) -> list[str]:
    from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

    args = [f"--base-url={url}", "--service=sales", f"--api-key={DEFAULT_MARKETPLACE_KEY}",
            f"--broker-key={DEFAULT_BROKER_KEY}"]
    return [*args, f"--data={data_file}"] if data_file else args


def _args(mode: Mode, url: str | None, fault: str | None, data_file: Path) -> list[str]:
    if mode is Mode.IN_PROCESS:
        return ["--service=sales", *(["--inject-fault", fault] if fault else [])]
    if mode is Mode.HTTP:
        return [f"--base-url={url}", "--service=sales"]
    return _deployment_args(str(url), data_file)


def _url(mode: Mode, request: pytest.FixtureRequest) -> str | None:
    if mode is Mode.IN_PROCESS:
        return None
    if mode is Mode.DEPLOYMENT and not _full(request):
        pytest.skip("the read-only deployment column is measured by "
                    "`ticketsim conformance --selftest` (--selftest-full)")
    return str(request.getfixturevalue(
        "simulator_url" if mode is Mode.HTTP else "deployment_url"))


def _run(pytester: Any, mode: Mode, url: str | None, fault: str | None, data_file: Path,
         tests: list[str]) -> Any:
    """The tests against the target of ``mode`` with ``fault`` (over HTTP: behind the proxy)."""
    if mode is Mode.IN_PROCESS:
        return nested_run(pytester, tests, *_args(mode, None, fault, data_file))
    with Proxy.corrupting(str(url), fault) as proxy:
        return nested_run(pytester, tests, *_args(mode, proxy.url, None, data_file))


@pytest.mark.parametrize("mode", list(Mode))
def test_detectors_pass_without_a_fault(pytester: pytest.Pytester, request: pytest.FixtureRequest,
                                        mode: Mode, data_file: Path) -> None:
    url = _url(mode, request)
    tests = _detectors(mode)
    outcomes = _run(pytester, mode, url, None, data_file, tests)
    request.node.user_properties += [("mode", mode.value), ("fault", ""),
                                     ("seconds", round(outcomes.seconds, 2))]
    assert set(outcomes.outcome) >= set(tests), f"not run: {set(tests) - set(outcomes.outcome)}"
    assert not outcomes.failures(), f"detectors fail even without a fault: {outcomes.failures()}"


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("mode", list(Mode))
def test_injected_fault_is_reported(pytester: pytest.Pytester, request: pytest.FixtureRequest,
                                    mode: Mode, fault: str, data_file: Path) -> None:
    detections = DETECTIONS[mode].get(fault)
    request.node.user_properties += [("mode", mode.value), ("fault", fault)]
    if detections is None:
        pytest.skip(f"cannot be seen in {mode} mode: {UNSEEABLE[fault]}")
    url = _url(mode, request)
    outcomes = _run(pytester, mode, url, fault, data_file, [d.test for d in detections])
    request.node.user_properties.append(("seconds", round(outcomes.seconds, 2)))
    missed = outcomes.missed(detections)
    assert not missed, f"{FAULTS[fault]}: not reported in {mode} mode:\n" + "\n".join(missed)


@pytest.mark.parametrize("fault", ["drop_field", "server_error", "undocumented_status"])
def test_a_proxy_corrupting_every_answer_fails_the_run(
        pytester: pytest.Pytester, simulator_url: str, fault: str) -> None:
    """The issue's story: every 2xx corrupted, the probe's included. Detecting the target
    must not fall back to a read-only pass: the run fails with the probe's answer."""
    with Proxy.corrupting(simulator_url, fault, everywhere=True) as proxy:
        outcomes = nested_run(pytester, [TARGET, ORDER, VERDICT], f"--base-url={proxy.url}",
                              "--service=sales")
    assert outcomes.outcome[TARGET] == "failed"
    assert re.search(r"cannot tell what the target is|simulator's clock", outcomes.report[TARGET])
    assert "passed" not in outcomes.outcome.values(), outcomes.outcome


def test_every_fault_has_a_detector_or_a_reason_in_every_mode() -> None:
    for mode, detections in DETECTIONS.items():
        assert set(detections) | set(UNSEEABLE if mode is Mode.DEPLOYMENT else ()) == set(
            FAULTS), mode


# --- the read-only policy, against `ticketsim serve --no-control` standing in for a deployment


class Recorder:
    """ASGI middleware noting every request (method, path, keys sent, body) and its status."""

    def __init__(self, app: Any, keys: set[str]) -> None:
        self.app = app
        self.keys = keys
        self.seen: list[tuple[str, str, bool, bytes, int]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def tap() -> Any:
            message = await receive()
            chunks.append(message.get("body", b""))
            return message

        keyed = any(key.encode() in value for _, value in scope["headers"] for key in self.keys)
        status: list[int] = []

        async def note(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, tap, note)
        self.seen.append((scope["method"], scope["path"], keyed, b"".join(chunks), status[0]))

    def keyed_writes(self) -> list[str]:
        return [f"{method} {path}" for method, path, keyed, _, _ in self.seen
                if keyed and method not in SAFE_METHODS]


@contextlib.contextmanager
def _recorded(url: str) -> Iterator[tuple[Recorder, str]]:
    from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY

    recorder = Recorder(Forwarder(url), {DEFAULT_MARKETPLACE_KEY, DEFAULT_BROKER_KEY})
    with Proxy(recorder) as proxy:
        yield recorder, proxy.url


READ_ONLY_TESTS = [HOLD, ORDER, UNKNOWN_ORDER, ROUNDTRIP, TARGET, VERDICT]


def test_read_only_run_sends_no_keyed_write_and_reports_withheld_cases_skipped(
        pytester: pytest.Pytester, deployment_url: str, data_file: Path) -> None:
    with _recorded(deployment_url) as (recorder, url):
        outcomes = nested_run(pytester, READ_ONLY_TESTS, *_deployment_args(url, data_file))
    assert not outcomes.failures(), outcomes.failures()
    assert not recorder.keyed_writes(), f"sent with credentials: {recorder.keyed_writes()}"
    assert outcomes.outcome[HOLD] == "skipped", "withheld cases must not count as passed"
    assert "withheld" in outcomes.skip_reason[HOLD]
    assert outcomes.outcome[ROUNDTRIP] == "skipped"
    assert outcomes.outcome[ORDER] == outcomes.outcome[VERDICT] == "passed"
    assert any(method == "POST" and not keyed for method, _, keyed, _, _ in recorder.seen), (
        "unauthenticated writes (which can only be refused) should still be sent")


def test_read_only_run_without_data_is_inconclusive(pytester: pytest.Pytester,
                                                    deployment_url: str) -> None:
    tests = [ORDER, VERDICT]
    outcomes = nested_run(pytester, tests, *_deployment_args(deployment_url, None))
    assert outcomes.outcome[VERDICT] == "failed"
    assert "INCONCLUSIVE" in outcomes.report[VERDICT]
    allowed = nested_run(pytester, tests, *_deployment_args(deployment_url, None),
                         "--allow-inconclusive")
    assert allowed.outcome[VERDICT] == "skipped"
    assert "INCONCLUSIVE" in allowed.skip_reason[VERDICT]


def test_allow_writes_runs_the_write_scenarios_and_cleans_up(
        pytester: pytest.Pytester, data_file: Path) -> None:
    with serve("--no-control") as fresh, _recorded(fresh) as (recorder, url):
        outcomes = nested_run(pytester, [SCENARIOS.rstrip(":")],
                              *_deployment_args(url, data_file), "--allow-writes")
    assert not outcomes.failures(), outcomes.failures()
    ran = [test for test, outcome in outcomes.outcome.items() if outcome == "passed"]
    assert ROUNDTRIP in ran and RELEASE in ran, outcomes.outcome
    held, released, invoiced = set(), set(), set()
    for method, path, _, body, status in recorder.seen:
        order = json.loads(body or b"{}").get("order_id") if status == 200 else None
        if method == "POST" and path.endswith("/invoice"):
            invoiced.add(order)
        elif method == "POST":
            held.add(order)
        elif method == "DELETE":
            released.add(order)
    assert held and held - invoiced <= released, (
        f"holds left behind: {sorted(held - invoiced - released)}")

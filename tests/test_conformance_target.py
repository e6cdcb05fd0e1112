"""The suite's target identification: a probe answer is classified, never guessed."""

from __future__ import annotations

import httpx
import pytest

from conformance.target import (
    Probe,
    ProbeVerdict,
    TargetMode,
    identify,
    probe_control_plane,
)

URL = "http://deployment.test"


def _probe(handler: object) -> Probe:
    return probe_control_plane(URL, transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


def test_the_simulators_clock_is_a_simulator() -> None:
    probe = _probe(lambda request: httpx.Response(
        200, json={"now": "2030-01-01T00:00:00Z", "mode": "frozen"}))
    assert probe.verdict is ProbeVerdict.SIMULATOR


def test_a_clean_404_is_no_control_plane() -> None:
    probe = _probe(lambda request: httpx.Response(404, text="Not Found"))
    assert probe.verdict is ProbeVerdict.ABSENT


def test_a_refused_connection_is_no_control_plane() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    assert _probe(refuse).verdict is ProbeVerdict.ABSENT


@pytest.mark.parametrize("response", [
    httpx.Response(500, json={"message": "boom"}),
    httpx.Response(299, json={"now": "2030-01-01T00:00:00Z", "mode": "frozen"}),
    httpx.Response(200, text="<html>ok</html>", headers={"content-type": "text/html"}),
    httpx.Response(200, json={"mode": "frozen"}),
    httpx.Response(403, json={"message": "forbidden"}),
], ids=["500", "299", "html", "field-missing", "403"])
def test_any_other_answer_is_anomalous_and_quoted(response: httpx.Response) -> None:
    probe = _probe(lambda request: response)
    assert probe.verdict is ProbeVerdict.ANOMALOUS
    assert "/_sim/clock" in probe.detail


def test_a_timeout_is_anomalous() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    assert _probe(slow).verdict is ProbeVerdict.ANOMALOUS


SIMULATOR = Probe(ProbeVerdict.SIMULATOR, "clock")
ABSENT = Probe(ProbeVerdict.ABSENT, "404")
ODD = Probe(ProbeVerdict.ANOMALOUS, "500")


def test_detect_follows_a_clear_probe() -> None:
    assert identify(TargetMode.DETECT, SIMULATOR).mode is TargetMode.SIMULATOR
    deployment = identify(TargetMode.DETECT, ABSENT)
    assert deployment.mode is TargetMode.DEPLOYMENT and deployment.problem is None


def test_detect_never_falls_back_silently_on_an_odd_probe() -> None:
    found = identify(TargetMode.DETECT, ODD)
    assert found.problem is not None and "500" in found.problem
    assert found.mode is TargetMode.DEPLOYMENT  # nothing is written meanwhile


@pytest.mark.parametrize("probe", [ABSENT, ODD])
def test_a_requested_simulator_that_does_not_answer_is_a_problem(probe: Probe) -> None:
    found = identify(TargetMode.SIMULATOR, probe)
    assert found.mode is TargetMode.SIMULATOR
    assert found.problem is not None and "--target simulator" in found.problem


def test_a_requested_deployment_is_taken_at_its_word_and_the_probe_still_reported() -> None:
    found = identify(TargetMode.DEPLOYMENT, ODD)
    assert found.mode is TargetMode.DEPLOYMENT and found.problem is None
    assert "500" in found.line

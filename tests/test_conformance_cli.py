"""``ticketsim conformance``: what the summary, the exit status and JUnit say about the target.

Two runs of the real command against ``ticketsim serve --no-control`` (the
simulator standing in for a deployment) and the result word of the summary
for an allowed INCONCLUSIVE run, which must never read PASS.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from conformance.cli import EXIT_INCONCLUSIVE, Summary
from conformance.selftest import serve
from simulator.fixturegen import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY


@pytest.fixture(scope="module")
def deployment() -> Iterator[str]:
    with serve("--no-control") as url:
        yield url


def _conformance(tmp_path: Path, url: str, *options: str) -> tuple[int, str, dict[str, str]]:
    """Run the command on sales only; (exit status, output, JUnit testsuite properties)."""
    script = Path(sys.executable).with_name("ticketsim")
    junit = tmp_path / "junit.xml"
    done = subprocess.run(
        [str(script), "conformance", f"--base-url={url}", "--service=sales",
         f"--api-key={DEFAULT_MARKETPLACE_KEY}", f"--broker-key={DEFAULT_BROKER_KEY}",
         "--max-examples=2", "--no-details", f"--junit={junit}",
         f"--coverage-report={tmp_path / 'coverage.md'}", *options],
        capture_output=True, text=True, timeout=600, check=False)
    properties = {prop.get("name", ""): prop.get("value", "")
                  for prop in ElementTree.parse(junit).iter("property")}
    return done.returncode, done.stdout + done.stderr, properties


def test_a_read_only_run_without_data_is_inconclusive_and_says_what_it_detected(
        tmp_path: Path, deployment: str) -> None:
    status, output, junit = _conformance(tmp_path, deployment)
    assert status == EXIT_INCONCLUSIVE, output
    assert "TARGET: DEPLOYMENT" in output
    assert "detected: GET /_sim/clock answered a clean 404" in output
    assert "result: INCONCLUSIVE" in output
    assert "positive cases per operation (sent -> documented 2xx):" in output
    assert any("get_order" in line and "positive" in line and "2xx" in line
               for line in output.splitlines()), output
    assert any("create_hold" in line and "withheld" in line
               for line in output.splitlines()), output
    assert junit["conformance.mode"] == "deployment"
    assert "clean 404" in junit["conformance.mode_reason"]


def test_a_requested_simulator_without_control_plane_fails_on_the_probe(
        tmp_path: Path, deployment: str) -> None:
    status, output, junit = _conformance(tmp_path, deployment, "--target=simulator")
    assert status == 1, output
    assert "TARGET PROBLEM: --target simulator, but its control plane does not answer" in output
    failure = output[output.index("FAILED target"):].splitlines()[1]
    assert "does not answer as the simulator's" in failure, output  # not a failed reset
    assert "result: FAIL" in output
    assert "--target simulator" in junit["conformance.target_problem"]


def test_an_unidentified_target_is_not_called_a_deployment() -> None:
    from conformance.target import Probe, ProbeVerdict, TargetMode, identify

    found = identify(TargetMode.DETECT, Probe(ProbeVerdict.ANOMALOUS, "GET /_sim/clock: 500"))
    assert found.label == "unidentified"
    assert found.line.startswith("unidentified, so nothing is written to it")
    assert identify(TargetMode.DETECT, Probe(ProbeVerdict.ABSENT, "404")).label == "deployment"


def _report(outcome: str, reason: str = "") -> SimpleNamespace:
    return SimpleNamespace(when="call", nodeid="conformance/test_verdict.py::test_x[sales]",
                           outcome=outcome, failed=outcome == "failed",
                           skipped=outcome == "skipped", longreprtext=reason,
                           longrepr=("test_verdict.py", 1, f"Skipped: {reason}"))


def test_an_allowed_inconclusive_run_is_not_called_a_pass() -> None:
    summary = Summary()
    summary.pytest_runtest_logreport(_report("skipped", "INCONCLUSIVE: sales: no success"))
    word, status = summary.verdict(0)
    assert word.startswith("INCONCLUSIVE") and status == 0
    plain = Summary()
    plain.pytest_runtest_logreport(_report("passed"))
    assert plain.verdict(0) == ("PASS", 0)

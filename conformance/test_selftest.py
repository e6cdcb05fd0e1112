"""Proof that the suite bites: each injected contract bug is reported.

For every fault of :mod:`conformance.faults`, the suite's own tests that
should catch it are run again, in this process, against a simulator wrapped
in the fault (hidden option ``--inject-fault``), and must fail with the
expected report. A baseline run of the same tests without a fault must pass,
so a failure can only come from the fault.

Only in-process (the fault is injected into the in-process simulator).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance import session as run
from conformance.faults import FAULTS

HERE = Path(__file__).resolve().parent
HOLD = "test_stateless.py::test_operation[sales][POST /{marketplace_name}]"
INVOICE = "test_stateless.py::test_operation[sales][POST /{marketplace_name}/invoice]"
ORDER = "test_stateless.py::test_operation[sales][GET /{marketplace_name}/order]"
SCENARIOS = "test_sales_scenarios.py::"
ROUNDTRIP = SCENARIOS + "test_hold_then_invoice_then_order_status"
RELEASE = SCENARIOS + "test_release_frees_the_seats"
UNKNOWN_ORDER = SCENARIOS + "test_unknown_order_is_404"
MISSING_KEY = SCENARIOS + "test_missing_key_is_401[hold]"


@dataclass(frozen=True)
class Detection:
    """A test of the suite that must fail under a fault, and what its report must say."""

    test: str
    report: str  # regular expression searched in the failure report


DETECTIONS: dict[str, tuple[Detection, ...]] = {
    "drop_required_field": (
        Detection(INVOICE, r"Response violates schema[\s\S]*.invoice_id. is a required"),
        Detection(ROUNDTRIP, r"create_invoice\) answered 200 with a body that breaks"),
    ),
    "wrong_field_type": (
        Detection(HOLD, r"Response violates schema[\s\S]*1700000000 is not of type .string."),
        Detection(ROUNDTRIP, r"create_hold\) answered 200 with a body that breaks"),
    ),
    "undocumented_status": (
        Detection(HOLD, r"Undocumented status code[\s\S]*Received: 201"),
        Detection(ROUNDTRIP, r"answered 201, which is not documented"),
    ),
    "server_error": (
        Detection(ORDER, r"Server error"),
        Detection(UNKNOWN_ORDER, r"answered 500, which is not documented"),
    ),
    "ignores_missing_key": (
        Detection(HOLD, r"API accepts requests without authentication"),
        Detection(MISSING_KEY, r"assert 40[04] == 401"),
    ),
    "released_seats_stay_blocked": (
        Detection(RELEASE, r"released seats are still blocked"),
    ),
}


class Outcomes:
    """Collects the outcome and failure report of every test of a nested run."""

    def __init__(self) -> None:
        self.outcome: dict[str, str] = {}
        self.report: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: Any) -> None:
        test = "::".join([Path(report.nodeid.split("::")[0]).name,
                          *report.nodeid.split("::")[1:]])
        if report.failed or test not in self.outcome:
            self.outcome[test] = report.outcome
        if report.failed:
            self.report[test] = self.report.get(test, "") + str(report.longrepr)


def run_suite(tests: list[str], fault: str | None) -> Outcomes:
    """Run some of the suite's tests in this process, optionally against a faulty target."""
    outer = run.current()
    args = [str(HERE), "-q", "-p", "no:cacheprovider", "-W", "ignore", "--coverage-report=",
            "--seed", str(outer.settings.seed), "--max-examples", "10"]
    args += [f"--only={test}" for test in tests]
    if fault:
        args += ["--inject-fault", fault]
    outcomes = Outcomes()
    # The suite's modules read the run's session at import: re-import them for the nested
    # run and put the outer ones (and the outer session) back afterwards.
    saved = {name: module for name, module in sys.modules.items()
             if name.startswith("conformance.test_")}
    for name in saved:
        del sys.modules[name]
    try:
        pytest.main(args, plugins=[outcomes])
    finally:
        for name in [n for n in sys.modules if n.startswith("conformance.test_")]:
            del sys.modules[name]
        sys.modules.update(saved)
        run.install(outer)
    return outcomes


def _in_process() -> bool:
    session = run.current()
    return session.target.in_process and session.settings.fault is None and session.selected(
        "sales")


needs_in_process = pytest.mark.skipif(
    not _in_process(),
    reason="the self-test injects faults into the in-process simulator's sales service")


@needs_in_process
def test_detectors_pass_without_a_fault() -> None:
    tests = sorted({d.test for detections in DETECTIONS.values() for d in detections})
    outcomes = run_suite(tests, fault=None)
    assert set(outcomes.outcome) == set(tests), f"not run: {set(tests) - set(outcomes.outcome)}"
    failed = {test: outcomes.report[test][-2000:] for test, outcome in outcomes.outcome.items()
              if outcome != "passed"}
    assert not failed, f"detectors fail even without a fault: {failed}"


@needs_in_process
@pytest.mark.parametrize("fault", sorted(DETECTIONS))
def test_injected_fault_is_reported(fault: str) -> None:
    detections = DETECTIONS[fault]
    outcomes = run_suite([d.test for d in detections], fault=fault)
    for detection in detections:
        outcome = outcomes.outcome.get(detection.test)
        assert outcome == "failed", (
            f"{FAULTS[fault]}: {detection.test} did not catch it (outcome: {outcome})")
        report = outcomes.report[detection.test]
        assert re.search(detection.report, report), (
            f"{detection.test} failed, but not with /{detection.report}/:\n{report[-3000:]}")


def test_every_fault_has_a_detector() -> None:
    assert set(DETECTIONS) == set(FAULTS)

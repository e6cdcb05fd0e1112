"""The self-test's machinery: which test must catch which fault, and nested runs.

A fault of :mod:`conformance.faults` is *detected* in a mode when every
:class:`Detection` listed for it fails with its expected report in a run of
the suite (through pytest's ``pytester``) against the faulty target:

- ``in-process``: the fault wraps the in-process simulator (``--inject-fault``);
- ``simulator over HTTP``: ``ticketsim serve`` behind the corrupting proxy of
  :mod:`conformance.proxy`, the suite pointed at the proxy with ``--base-url``;
- ``read-only deployment``: ``ticketsim serve --no-control`` behind the proxy,
  the suite without ``--allow-writes`` but with known data (``--data``).

The detectors use sales as the example service. A baseline run of the same
tests without a fault must pass in each mode, so a failure can only come
from the fault. :data:`UNSEEABLE` says which faults a read-only run cannot
see, and why.
"""

from __future__ import annotations

import contextlib
import copy
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import schemathesis

from conformance import session as run
from conformance.proxy import free_port, wait_until_listening
from conformance.target import simulator_app

__all__ = [
    "DETECTIONS", "HOLD", "ORDER", "RELEASE", "ROUNDTRIP", "SCENARIOS", "TARGET", "UNKNOWN_ORDER",
    "UNSEEABLE", "VERDICT", "Detection", "Mode", "Outcomes", "nested_run", "serve", "warm_up",
]

HERE = Path(__file__).resolve().parent
HOLD = "test_stateless.py::test_operation[sales][POST /{marketplace_name}]"
ORDER = "test_stateless.py::test_operation[sales][GET /{marketplace_name}/order]"
SCENARIOS = "test_sales_scenarios.py::"
ROUNDTRIP = SCENARIOS + "test_hold_then_invoice_then_order_status"
RELEASE = SCENARIOS + "test_release_frees_the_seats"
EXPIRY = SCENARIOS + "test_hold_expires_on_the_clock"
UNKNOWN_ORDER = SCENARIOS + "test_unknown_order_is_404"
MISSING_KEY = SCENARIOS + "test_missing_key_is_401[order]"
TARGET = "test_target.py::test_target_is_identified"
VERDICT = "test_verdict.py::test_service_showed_success[sales]"
#: Nested runs fuzz lightly: the detectors need a few cases, not a fuzzing session.
NESTED_EXAMPLES = 5


class Mode(StrEnum):
    IN_PROCESS = "in-process"
    HTTP = "simulator over HTTP"
    DEPLOYMENT = "read-only deployment"


@dataclass(frozen=True, slots=True)
class Detection:
    """A test of the suite that must fail under a fault, and what its report must say."""

    test: str
    report: str  # regular expression searched in the failure report


_SCHEMA = r"Response violates schema"
_NOT_2XX = r"never showed it can succeed"
_BODY = r"answered 200 with a body that breaks"
_HTML = r"content type text/html, which is not documented"

#: fault -> detections, for a simulator (in-process and over HTTP alike).
_SIMULATOR: dict[str, tuple[Detection, ...]] = {
    "drop_field": (Detection(HOLD, _SCHEMA), Detection(ROUNDTRIP, r"create_hold\) " + _BODY)),
    "wrong_type": (Detection(HOLD, _SCHEMA + r"[\s\S]*1700000000 is not of type"),
                   Detection(ROUNDTRIP, r"create_hold\) " + _BODY)),
    "server_error": (Detection(HOLD, r"Server error"), Detection(ROUNDTRIP, r"assert 500 == 200"),
                     Detection(VERDICT, _NOT_2XX)),
    "undocumented_status": (Detection(HOLD, r"Undocumented status code[\s\S]*Received: 299"),
                            Detection(ROUNDTRIP, r"answered 299, which is not documented"),
                            Detection(VERDICT, _NOT_2XX)),
    "auth_ignored": (Detection(HOLD, r"API accepts requests without authentication"),
                     Detection(MISSING_KEY, r"assert 40\d == 401")),
    "html_errors": (Detection(ORDER, r"Undocumented Content-Type"),
                    Detection(UNKNOWN_ORDER, _HTML)),
    "control_plane_corrupted": (Detection(EXPIRY, _HTML),),
    "released_hold_still_blocking": (Detection(RELEASE, r"released seats are still blocked"),),
}

DETECTIONS: dict[Mode, dict[str, tuple[Detection, ...]]] = {
    Mode.IN_PROCESS: _SIMULATOR,
    Mode.HTTP: {**_SIMULATOR, "control_plane_corrupted": (
        Detection(TARGET, r"cannot tell what the target is"),)},
    Mode.DEPLOYMENT: {
        "drop_field": (Detection(ORDER, _SCHEMA),),
        "wrong_type": (Detection(ORDER, _SCHEMA),),
        "server_error": (Detection(ORDER, r"Server error"), Detection(VERDICT, _NOT_2XX)),
        "undocumented_status": (Detection(ORDER, r"Undocumented status code"),
                                Detection(VERDICT, _NOT_2XX)),
        "auth_ignored": (Detection(ORDER, r"API accepts requests without authentication"),
                         Detection(MISSING_KEY, r"assert 40\d == 401")),
        "html_errors": (Detection(ORDER, r"Undocumented Content-Type"),
                        Detection(UNKNOWN_ORDER, _HTML)),
        "control_plane_corrupted": (Detection(TARGET, r"cannot tell what the target is"),),
    },
}

UNSEEABLE: dict[str, str] = {
    "released_hold_still_blocking": "a state bug shows only after state changes (hold, "
                                    "release, hold again): a read-only run sends none; "
                                    "--allow-writes with --data sees it",
}


@dataclass
class Outcomes:
    """Outcome and failure report of every test of a nested run, by short id."""

    outcome: dict[str, str] = field(default_factory=dict)
    report: dict[str, str] = field(default_factory=dict)
    skip_reason: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, report: Any) -> None:
        parts = report.nodeid.split("::")
        test = "::".join([Path(parts[0]).name, *parts[1:]])
        if self.outcome.get(test) != "failed" and (report.when == "call" or not report.passed):
            self.outcome[test] = report.outcome
        if report.failed:
            self.report[test] = self.report.get(test, "") + str(report.longrepr)
        elif report.skipped and isinstance(report.longrepr, tuple):
            self.skip_reason[test] = str(report.longrepr[2])

    def missed(self, detections: tuple[Detection, ...]) -> list[str]:
        """Why each detection that did not happen did not (empty: all detected)."""
        problems = []
        for detection in detections:
            outcome = self.outcome.get(detection.test)
            if outcome != "failed":
                problems.append(f"{detection.test} did not fail (outcome: {outcome})")
            elif not re.search(detection.report, self.report[detection.test]):
                problems.append(f"{detection.test} failed, but not with /{detection.report}/:\n"
                                f"{self.report[detection.test][-2000:]}")
        return problems

    def failures(self) -> dict[str, str]:
        return {test: self.report.get(test, outcome)[-2000:]
                for test, outcome in self.outcome.items() if outcome == "failed"}


def nested_run(pytester: Any, tests: list[str], *args: str) -> Outcomes:
    """Run some of the suite's tests (short ids) through ``pytester``, in this process.

    The suite's test modules read the run's session at import: they are
    imported afresh for the nested run (pytester puts ``sys.modules`` back
    afterwards), and the outer session is installed again. Call
    :func:`warm_up` before ``pytester`` is set up.
    """
    outer = run.current()
    for name in [n for n in sys.modules if n.startswith("conformance.test_")]:
        del sys.modules[name]
    files = sorted({str(HERE / test.split("::")[0]) for test in tests})
    tests = [test for test in tests if "::" in test]  # a bare file name: all its tests
    arguments = [*files, "-p", "no:cacheprovider", "-W", "ignore", "--coverage-report=",
                 "--seed", str(outer.settings.seed), "--max-examples", str(NESTED_EXAMPLES),
                 "--no-shrink", "--no-coverage-phase",
                 *args, *(f"--only={test}" for test in tests)]
    started = time.perf_counter()
    try:
        recorder = pytester.inline_run(*arguments)
    finally:
        run.install(outer)
    outcomes = Outcomes(seconds=time.perf_counter() - started)
    for report in recorder.getreports("pytest_runtest_logreport"):
        outcomes.add(report)
    return outcomes


def warm_up() -> None:
    """Import, once and before ``pytester`` snapshots ``sys.modules``, what nested runs use.

    ``pytester`` forgets the modules a nested run imported, so each run would
    import (and assertion-rewrite) them again: seconds each without cached
    bytecode. Tables must also not be defined twice on the shared metadata.
    One call through Schemathesis' public API against an in-process
    simulator imports the simulator, Schemathesis' checks and transports.
    """
    from conformance.specs import served

    service = next(s for s in served() if s.product)
    schema = schemathesis.openapi.from_dict(copy.deepcopy(service.document))
    schema.app = simulator_app()
    operation = service.operations[0]
    with contextlib.suppress(Exception):  # any answer will do: only the imports matter
        schema[operation.path][operation.method].Case().call_and_validate()


@contextlib.contextmanager
def serve(*options: str) -> Iterator[str]:
    """``ticketsim serve`` on a free loopback port, in-memory and frozen; yields its URL.

    Readiness is a bounded poll of a TCP connect; the process is always killed.
    """
    port = free_port()
    script = Path(sys.executable).with_name("ticketsim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "simulator.cli"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", ":memory:",
             "--clock", "frozen", *options], stdout=log, stderr=subprocess.STDOUT)
        try:
            try:
                wait_until_listening(port, timeout=60.0, alive=lambda: process.poll() is None)
            except (RuntimeError, TimeoutError) as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}:\n{log.read().decode(errors='replace')[-2000:]}"
                                   ) from None
            yield f"http://127.0.0.1:{port}"
        finally:
            process.kill()
            process.wait(timeout=30)

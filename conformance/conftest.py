"""Command-line options, the run's session, fixtures and reports of the suite.

``pytest conformance`` runs against a fresh in-process simulator;
``pytest conformance --base-url URL --api-key KEY [--broker-key KEY]`` runs
against a deployment (see README.md).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance import session as run
from conformance.data import KnownData, simulator_defaults
from conformance.faults import FAULTS
from conformance.target import Target, TargetMode, identify, probe_control_plane

DEFAULT_COVERAGE_REPORT = "var/conformance-coverage.md"
CONFORMANCE_DIR = Path(__file__).resolve().parent
VERDICT_MODULE = "test_verdict.py"
TARGET_MODULE = "test_target.py"
_WITHHELD_AT_START = pytest.StashKey[tuple[int, int]]()


def _add(group: Any, *names: str, **kwargs: Any) -> None:
    # An option another plugin already defines (e.g. pytest-base-url's --base-url) is reused.
    with contextlib.suppress(ValueError):
        group.addoption(*names, **kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "ticketsim conformance suite")
    _add(group, "--base-url", default=None,
         help="Run against this deployment instead of an in-process simulator.")
    _add(group, "--api-key", default=None,
         help="Key of a marketplace (sales holds, releases, invoices) and for services "
              "that take one key. Default against a simulator: sim-marketplace-key.")
    _add(group, "--broker-key", default=None,
         help="Key of a broker (order status, catalogue). Default against a simulator: "
              "sim-broker-key.")
    _add(group, "--seller-key", default=None,
         help="Key of a vivenu seller (private ticket-transfer reads). Default against a "
              "simulator: sim-seller-key.")
    _add(group, "--target", default=TargetMode.DETECT.value,
         choices=[mode.value for mode in TargetMode],
         help="What --base-url is: 'simulator' (its control plane must answer, or the run "
              "fails), 'deployment' (no control plane used), or 'detect' from GET /_sim/clock "
              "(default; an answer other than the clock, a clean 404 or a refused connection "
              "fails the run).")
    _add(group, "--allow-inconclusive", action="store_true", default=False,
         help="A read-only run without --data, which cannot see any success, ends "
              "INCONCLUSIVE without failing.")
    _add(group, "--allow-writes", action="store_true", default=False,
         help="Against a deployment that is not the simulator, also send state-changing "
              "requests (holds, invoices, ...). Never needed for the simulator.")
    _add(group, "--seed", type=int, default=run.DEFAULT_SEED,
         help=f"Seed of all generated data (default {run.DEFAULT_SEED}).")
    _add(group, "--max-examples", type=int, default=run.DEFAULT_MAX_EXAMPLES,
         help=f"Fuzzed cases per operation (default {run.DEFAULT_MAX_EXAMPLES}); "
              "raise it for a longer fuzzing session.")
    _add(group, "--service", default=None,
         help="Comma-separated services to test (spec stems: sales,pdfs,...). Default: all.")
    _add(group, "--data", default=None, type=Path,
         help="JSON file of known listings/orders at the target (see README).")
    _add(group, "--coverage-report", default=DEFAULT_COVERAGE_REPORT,
         help="Markdown file for the operation x status coverage table ('' to skip); "
              "a .json twin is written beside it.")
    _add(group, "--callbacks-url", default=None,
         help="Base URL of a marketplace's own callback endpoints (marketplace-callbacks.yaml) "
              "to drive full sales against (conformance/callbacks.py).")
    _add(group, "--webhook-url", default=None,
         help="Sale-notification webhook for --callbacks-url (default <URL>/webhook).")
    # Self-test only: break the in-process simulator, and run exactly these test ids.
    _add(group, "--inject-fault", default=None, choices=sorted(FAULTS), help=argparse.SUPPRESS)
    _add(group, "--only", action="append", default=[], help=argparse.SUPPRESS)
    _add(group, "--no-shrink", action="store_true", default=False,
         help="Report failing examples as found, without shrinking them (faster).")
    # Self-test only: leave Schemathesis' coverage phase out of nested runs.
    _add(group, "--no-coverage-phase", action="store_true", default=False, help=argparse.SUPPRESS)
    # Self-test only: also measure the read-only deployment column of the mutation table.
    _add(group, "--selftest-full", action="store_true", default=False, help=argparse.SUPPRESS)


def _build(config: pytest.Config) -> run.Session:
    option = config.getoption
    services = option("--service")
    settings = run.Settings(
        seed=option("--seed"), max_examples=option("--max-examples"),
        services=tuple(s.strip() for s in services.split(",") if s.strip()) if services else None,
        fault=option("--inject-fault"), allow_inconclusive=option("--allow-inconclusive"),
        shrink=not option("--no-shrink"), coverage_phase=not option("--no-coverage-phase"),
    )
    base_url = option("--base-url")
    data_path = option("--data")
    requested = TargetMode(option("--target"))
    if base_url is None:
        if requested is TargetMode.DEPLOYMENT:
            raise pytest.UsageError("--target deployment needs --base-url")
        session = run.in_process(settings)
        if data_path:
            session.data = KnownData.read(data_path)
        return session
    identification = identify(requested, probe_control_plane(base_url))
    simulator = identification.mode is TargetMode.SIMULATOR
    api_key, broker_key = option("--api-key"), option("--broker-key")
    seller_key = option("--seller-key")
    if simulator:
        from simulator.services.platform.keys import DEFAULT_BROKER_KEY, DEFAULT_MARKETPLACE_KEY
        from simulator.services.ticket_transfers.keys import DEFAULT_SELLER_KEY

        api_key = api_key or DEFAULT_MARKETPLACE_KEY
        broker_key = broker_key or DEFAULT_BROKER_KEY
        seller_key = seller_key or DEFAULT_SELLER_KEY
    if not api_key and identification.problem is None:
        raise pytest.UsageError(f"{base_url} is treated as a deployment "
                                f"({identification.reason}): pass --api-key")
    target = Target(api_key=api_key or "", broker_key=broker_key, base_url=base_url,
                    simulator=simulator, allow_writes=option("--allow-writes"),
                    identification=identification, seller_key=seller_key)
    if data_path:
        data, given = KnownData.read(data_path), True
    elif simulator:
        data, given = simulator_defaults(), True
    else:
        data, given = KnownData(), False
    return run.Session(target, settings, data, data_given=given)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "writes: changes state at the target; needs "
                                       "--allow-writes against a deployment")
    config.addinivalue_line("markers", "service(name): belongs to one service (--service)")
    config.addinivalue_line("markers", "sim_only: needs the simulator's /_sim control plane")
    run.install(_build(config))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = set(config.getoption("--only"))
    if wanted:
        keep = [item for item in items if _short_id(item) in wanted]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
    # The verdict judges what every other test observed: it runs last.
    items.sort(key=lambda item: item.path.name == VERDICT_MODULE)


def _short_id(item: pytest.Item) -> str:
    """``test_module.py::test_name[...]``, whatever the rootdir."""
    return f"{item.path.name}::{item.name}"


def _skip_reason(item: pytest.Item, session: run.Session) -> str | None:
    target = session.target
    problem = target.identification.problem
    if problem and item.path.name != TARGET_MODULE:
        return f"not run against a target the suite could not identify: {problem}"
    for mark in item.iter_markers("service"):
        if not session.selected(mark.args[0]):
            return f"service {mark.args[0]!r} not selected (--service)"
    if item.get_closest_marker("sim_only") and not target.simulator:
        return f"needs the simulator's /_sim control plane; {target.url} has none"
    if item.get_closest_marker("writes") and not target.may_write:
        return "changes state at a real deployment: run with --allow-writes to include it"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    session = run.current()
    item.stash[_WITHHELD_AT_START] = _tally(session)
    reason = _skip_reason(item, session)
    if reason:
        pytest.skip(reason)


def _tally(session: run.Session) -> tuple[int, int]:
    """(responses received, cases withheld) so far in the run."""
    observations = session.observations
    return (sum(sum(c.values()) for c in observations.counts.values()),
            sum(observations.withheld.values()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Iterator[pytest.TestReport]:
    """Name Schemathesis' items by operation, and report withheld cases as skipped.

    With pytest 9 the node ids of Schemathesis' items collapse to the function
    name; the report (which terminal, summary and JUnit use) gets the item's
    own name instead. A test that passed while the read-only policy withheld
    some of its cases did not check them: it is reported skipped, with why.
    """
    report: pytest.TestReport = yield
    if CONFORMANCE_DIR in item.path.parents and not report.nodeid.endswith(item.name):
        report.nodeid = f"{report.nodeid.rsplit('::', 1)[0]}::{item.name}"
    if report.when == "call" and report.passed and _WITHHELD_AT_START in item.stash:
        (calls_before, withheld_before) = item.stash[_WITHHELD_AT_START]
        calls, withheld = _tally(run.current())
        if withheld > withheld_before:
            report.outcome = "skipped"
            report.longrepr = (str(item.path), 0, (
                f"Skipped: {withheld - withheld_before} state-changing cases withheld "
                f"(read-only deployment; --allow-writes sends them); "
                f"{calls - calls_before} responses to the cases sent were checked"))
    return report


@pytest.fixture(scope="session", autouse=True)
def _target_in_junit(record_testsuite_property: Any) -> None:
    """JUnit says what the run took the target for, and why."""
    target = run.current().target
    record_testsuite_property("conformance.target", target.description)
    record_testsuite_property("conformance.mode", target.identification.label)
    record_testsuite_property("conformance.mode_reason", target.identification.reason)
    if target.identification.problem:
        record_testsuite_property("conformance.target_problem", target.identification.problem)


def pytest_report_header(config: pytest.Config) -> list[str]:
    session = run.current()
    lines = [f"conformance target: {session.target.description}"]
    if session.target.identification.problem:
        lines.append(f"TARGET PROBLEM: {session.target.identification.problem}")
    return lines


@pytest.fixture(scope="session")
def conformance() -> run.Session:
    """This run: target, settings, known data, observations."""
    return run.current()


@pytest.fixture(autouse=True)
def _fresh_state(conformance: run.Session) -> None:
    """Each test starts from known state (fresh or reset simulator; no-op elsewhere)."""
    conformance.target.fresh_state()


@pytest.fixture(scope="session")
def target(conformance: run.Session) -> Target:
    return conformance.target


@pytest.fixture(scope="session")
def known(conformance: run.Session) -> KnownData:
    return conformance.data


@pytest.fixture
def client(target: Target) -> Iterator[httpx.Client]:
    """An HTTP client for the target; its responses count in the coverage table."""
    with target.client() as http:
        yield http


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = run.current()
    if not session.observations.counts and not session.target.identification.problem:
        return
    terminalreporter.section("conformance coverage")
    terminalreporter.write_line(f"target: {session.target.description}; seed "
                                f"{session.settings.seed}, max examples "
                                f"{session.settings.max_examples}")
    if session.target.identification.problem:
        terminalreporter.write_line(f"TARGET PROBLEM: {session.target.identification.problem}",
                                    red=True, bold=True)
    for line in session.observations.terminal_lines():
        terminalreporter.write_line(line)
    report = config.getoption("--coverage-report")
    if report:
        path = Path(report)
        if not path.is_absolute():
            path = config.rootpath / path
        markdown, json_path = session.observations.write(path)
        terminalreporter.write_line(f"coverage table: {markdown} (and {json_path.name})")

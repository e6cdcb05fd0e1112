"""``ticketsim conformance``: run the suite for people who do not use pytest.

The command builds a pytest command line for ``conformance/`` and runs it in
this process, then prints one summary: what the target was taken for and
why, per kind of test, per operation how many positive cases reached a
documented 2xx, every failure in one line, where the reports are, and the
result: PASS, FAIL, or INCONCLUSIVE (a read-only run without data that could
not see any success; exit status 6 unless ``--allow-inconclusive``).

``ticketsim conformance --selftest`` runs the mutation test instead
(``test_selftest.py``) and prints the table fault x mode -> detected, with times.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from simulator.progress import board

__all__ = ["conformance"]

HERE = Path(__file__).resolve().parent
KINDS = {
    "test_specs.py": "spec checks",
    "test_stateless.py": "stateless",
    "test_stateful.py": "stateful",
    "test_target.py": "target",
    "test_verdict.py": "verdict",
}
EXIT_INCONCLUSIVE = 6
#: The suite's tests of itself (run by ``make test`` and ``--selftest``), not of a target:
#: they serve simulators of their own, so a run against ``--base-url`` leaves them out.
SELF_TESTS = ("test_selftest.py", "test_callbacks_scenarios.py")
ST_FAILURE = re.compile(r"^[\s|]*- (ST\d+ .+)$", re.MULTILINE)
ASSERTION = re.compile(r"^E\s+(\S.*)$", re.MULTILINE)


def _kind(nodeid: str) -> str:
    module = nodeid.split("::")[0].rsplit("/", 1)[-1]
    return KINDS.get(module, "scenarios" if "scenario" in module else module)


def _reason(text: str) -> str:
    """The most telling line of a failure report."""
    found = ST_FAILURE.findall(text)
    if found:
        return "; ".join(dict.fromkeys(found))
    lines = ASSERTION.findall(text)
    return lines[0][:200] if lines else (text.strip().splitlines() or ["?"])[-1][:200]


class Summary:
    """A pytest plugin that tallies outcomes per kind of test and keeps failure reasons."""

    def __init__(self) -> None:
        self.tally: dict[str, Counter[str]] = {}
        self.failures: list[tuple[str, str, str]] = []
        self.skips: Counter[str] = Counter()
        self.inconclusive = 0  # INCONCLUSIVE verdicts that failed the run
        self.inconclusive_allowed = 0  # ... and those --allow-inconclusive turned into skips

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        kind = _kind(report.nodeid)
        self.tally.setdefault(kind, Counter())[report.outcome] += 1
        if report.failed:
            name = report.nodeid.split("::", 1)[-1]
            self.failures.append((kind, name, _reason(report.longreprtext)))
            self.inconclusive += "INCONCLUSIVE:" in report.longreprtext
        elif report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
            self.skips[reason] += 1
            self.inconclusive_allowed += reason.startswith("INCONCLUSIVE:")

    def lines(self) -> list[str]:
        lines = []
        order = ("target", "spec checks", "stateless", "stateful", "scenarios", "verdict")
        for kind in (*order, *sorted(set(self.tally) - set(order))):
            if kind in self.tally:
                counts = ", ".join(f"{n} {outcome}" for outcome, n in
                                   sorted(self.tally[kind].items()))
                lines.append(f"  {kind:<12} {counts}")
        for kind, name, reason in self.failures:
            lines.append(f"FAILED {kind}: {name}\n    {reason}")
        for reason, count in self.skips.most_common():
            lines.append(f"skipped x{count}: {reason}")
        return lines

    def verdict(self, code: int) -> tuple[str, int]:
        """The result word and the exit status: a run that saw no success never says PASS."""
        why = "a read-only run without --data saw no success"
        if code == 1 and self.failures and self.inconclusive == len(self.failures):
            return f"INCONCLUSIVE ({why})", EXIT_INCONCLUSIVE
        if code == 0 and self.inconclusive_allowed:
            return f"INCONCLUSIVE ({why}; exit status 0 by --allow-inconclusive)", 0
        return {0: "PASS", 1: "FAIL", 5: "NOTHING RAN"}.get(code, f"ERROR (pytest {code})"), code


def _positive_lines() -> list[str]:
    """Per exercised operation: positive cases sent -> reached a documented 2xx (withheld)."""
    from conformance import session as run

    lines = []
    for row in run.current().observations.rows():
        if row["calls"] or row["withheld"]:
            withheld = f", {row['withheld']} withheld" if row["withheld"] else ""
            lines.append(f"  {row['service']:<10} {row['operation_id']:<22} positive "
                         f"{row['positive']:>4} -> 2xx {row['positive_2xx']:>4}{withheld}")
    return lines


class ServiceProgress:
    """A pytest plugin drawing one progress bar (or plain lines) per service tested."""

    def __init__(self, bars: Any) -> None:
        self.bars = bars
        self.service_of: dict[str, str] = {}

    @staticmethod
    def _service(nodeid: str) -> str:
        from simulator.services import SERVICES

        for service in SERVICES:
            marks = (f"[{service.name}]", f"test_{service.name}_",
                     *(mount.spec for mount in service.mounts))
            if any(mark in nodeid for mark in marks):
                return service.name
        return "suite"

    def pytest_collection_finish(self, session: Any) -> None:
        totals: Counter[str] = Counter()
        for item in session.items:
            self.service_of[item.nodeid] = self._service(item.nodeid)
            totals[self.service_of[item.nodeid]] += 1
        for name, total in totals.items():
            self.bars.add(name, total)

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "teardown" and report.nodeid in self.service_of:
            self.bars.advance(self.service_of[report.nodeid])


@click.command("conformance")
@click.option("--base-url", help="Deployment to test (default: an in-process simulator).")
@click.option("--api-key", help="Marketplace key (holds, releases, invoices; other services).")
@click.option("--broker-key", help="Broker key (order status, catalogue).")
@click.option("--seller-key", help="vivenu seller key (private ticket-transfer reads).")
@click.option("--service", help="Comma-separated services, e.g. sales,pdfs (default: all).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of generated data.")
@click.option("--max-examples", type=click.IntRange(1), default=25, show_default=True,
              help="Fuzzed cases per operation; raise it for a longer fuzzing session.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JUnit XML report here.")
@click.option("--coverage-report", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("conformance-coverage.md"), show_default=True,
              help="Operation x status coverage table (Markdown; a .json twin beside it).")
@click.option("--data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON file of known listings/orders at the target (see the README).")
@click.option("--allow-writes", is_flag=True,
              help="Against a deployment, also send state-changing requests (holds, ...).")
@click.option("--target", "target_mode", type=click.Choice(["detect", "simulator", "deployment"]),
              default="detect", show_default=True,
              help="What --base-url is. 'simulator': its /_sim must answer or the run fails; "
                   "'deployment': no control plane used; 'detect': from GET /_sim/clock "
                   "(any answer but the clock, a clean 404 or a refused connection fails).")
@click.option("--allow-inconclusive", is_flag=True,
              help="A read-only run without --data ends INCONCLUSIVE with exit status 0.")
@click.option("--callbacks-url", help="A marketplace's callback endpoints to check "
              "(marketplace-callbacks.yaml): drives full sales against them.")
@click.option("--details/--no-details", default=True, show_default=True,
              help="Show pytest's failure details before the summary.")
@click.option("--selftest", is_flag=True,
              help="Run the mutation test instead: inject each fault and print fault x mode.")
def conformance(base_url: str | None, api_key: str | None, broker_key: str | None,
                service: str | None, seed: int, max_examples: int, junit: Path | None,
                coverage_report: Path, data: Path | None, allow_writes: bool,
                target_mode: str, allow_inconclusive: bool, details: bool,
                selftest: bool, seller_key: str | None = None,
                callbacks_url: str | None = None) -> None:
    """Check an implementation of the APIs against the contract in openapi/."""
    import pytest

    if selftest:
        from conformance.mutation import run_mutation_table

        sys.exit(run_mutation_table(seed))
    args = [str(HERE), "-q", "-p", "no:cacheprovider", "-p", "no:warnings",
            *(f"--ignore={HERE / name}" for name in SELF_TESTS),
            f"--tb={'short' if details else 'no'}",
            f"--seed={seed}", f"--max-examples={max_examples}", f"--target={target_mode}",
            f"--coverage-report={coverage_report.resolve()}"]
    for flag, value in (("--base-url", base_url), ("--api-key", api_key),
                        ("--broker-key", broker_key), ("--seller-key", seller_key),
                        ("--service", service), ("--callbacks-url", callbacks_url)):
        if value:
            args.append(f"{flag}={value}")
    if callbacks_url:  # the team's callback endpoints only, call by call
        args[0] = str(HERE / "test_callbacks_contract.py")
    if data:
        args.append(f"--data={data.resolve()}")
    if junit:
        args.append(f"--junitxml={junit.resolve()}")
    if allow_writes:
        args.append("--allow-writes")
    if allow_inconclusive:
        args.append("--allow-inconclusive")
    summary = Summary()
    with board(out=sys.stdout, lead="\n") as bars:  # rich on a terminal, else plain
        code = pytest.main(args, plugins=[summary, ServiceProgress(bars)])
    from conformance import session as run

    target = run.current().target
    click.echo("")
    click.echo(f"ticketsim conformance against {base_url or 'an in-process simulator'} "
               f"(seed {seed}, {max_examples} examples per operation)")
    click.echo(f"TARGET: {target.identification.label.upper()} - {target.description}")
    if target.identification.problem:
        click.echo(f"TARGET PROBLEM: {target.identification.problem}")
    for line in summary.lines():
        click.echo(line)
    click.echo("positive cases per operation (sent -> documented 2xx):")
    for line in _positive_lines():
        click.echo(line)
    click.echo(f"coverage table: {coverage_report.resolve()}")
    if junit:
        click.echo(f"JUnit report: {junit.resolve()} (target in its testsuite properties)")
    verdict, status = summary.verdict(int(code))
    click.echo(f"result: {verdict}")
    sys.exit(status)

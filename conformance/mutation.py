"""``ticketsim conformance --selftest``: the mutation score, fault x mode -> detected.

Runs ``test_selftest.py`` (with the read-only deployment column,
``--selftest-full``) and prints one row per fault of
:mod:`conformance.faults`: in each mode whether the suite reported it, and how
long the run against the faulty target took. A fault a mode cannot see is
shown with the reason (:data:`conformance.selftest.UNSEEABLE`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from conformance.faults import FAULTS
from conformance.selftest import UNSEEABLE, Mode

__all__ = ["run_mutation_table"]

HERE = Path(__file__).resolve().parent


@dataclass
class Cells:
    """A pytest plugin keeping each self-test's outcome by (mode, fault); fault "" = baseline."""

    outcome: dict[tuple[str, str], str] = field(default_factory=dict)
    seconds: dict[tuple[str, str], float] = field(default_factory=dict)
    others: dict[str, str] = field(default_factory=dict)  # tests outside the table

    def pytest_runtest_logreport(self, report: Any) -> None:
        properties = dict(report.user_properties)
        if "mode" not in properties:
            if report.when == "call" or not report.passed:
                self.others[report.nodeid.split("::")[-1]] = report.outcome
            return
        key = (str(properties["mode"]), str(properties["fault"]))
        if report.when == "call" or not report.passed:
            self.outcome[key] = report.outcome
        if "seconds" in properties:
            self.seconds[key] = float(properties["seconds"])

    def cell(self, mode: Mode, fault: str) -> str:
        outcome = self.outcome.get((mode.value, fault))
        seconds = self.seconds.get((mode.value, fault))
        timing = f" ({seconds:.1f} s)" if seconds is not None else ""
        if fault in UNSEEABLE and mode is Mode.DEPLOYMENT:
            return "cannot be seen"
        if outcome == "passed":
            return f"{'passes' if not fault else 'detected'}{timing}"
        if outcome == "failed":
            return f"{'FAILS' if not fault else 'MISSED'}{timing}"
        return outcome or "not run"


def run_mutation_table(seed: int) -> int:
    """Run the self-test, print the table and the score; the exit status (0: all detected)."""
    import pytest

    cells = Cells()
    started = time.perf_counter()
    code = pytest.main([str(HERE / "test_selftest.py"), "-q", "-p", "no:cacheprovider",
                        "-p", "no:warnings", "--tb=short", f"--seed={seed}",
                        "--selftest-full", "--coverage-report="], plugins=[cells])
    elapsed = time.perf_counter() - started
    modes = list(Mode)
    click.echo("")
    click.echo("| fault | " + " | ".join(mode.value for mode in modes) + " |")
    click.echo("|---|" + "---|" * len(modes))
    click.echo("| (no fault: baseline) | " + " | ".join(cells.cell(m, "") for m in modes) + " |")
    detected = possible = 0
    for fault in FAULTS:
        row = [cells.cell(mode, fault) for mode in modes]
        for mode in modes:
            if not (fault in UNSEEABLE and mode is Mode.DEPLOYMENT):
                possible += 1
                detected += cells.outcome.get((mode.value, fault)) == "passed"
        click.echo(f"| {fault} | " + " | ".join(row) + " |")
    click.echo("")
    for fault, reason in UNSEEABLE.items():
        click.echo(f"{fault} in read-only deployment mode: {reason}")
    for name, outcome in sorted(cells.others.items()):
        click.echo(f"{name}: {outcome}")
    click.echo(f"mutation score: {detected}/{possible} fault x mode cells detected "
               f"({elapsed:.0f} s in all)")
    return int(code)

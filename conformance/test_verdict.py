"""No vacuous pass: every exercised service must have shown it can succeed.

Runs last (``conftest.py`` orders it). For each service the target serves,
every operation that was sent positive (schema-valid) cases must have
answered one of its documented 2xx at least once in the run (from any test),
and the service as a whole must have answered some documented 2xx. A
read-only run against a deployment without ``--data`` cannot expect any
success: it ends INCONCLUSIVE (failing, unless ``--allow-inconclusive``).
"""

from __future__ import annotations

import pytest

from conformance.coverage import Outcome
from conformance.session import current

SESSION = current()


@pytest.mark.parametrize("name", [service.name for service in SESSION.reachable]
                         or ["-"])
def test_service_showed_success(name: str) -> None:
    if name == "-":
        pytest.skip("no selected service is served by the target")
    service = next(s for s in SESSION.reachable if s.name == name)
    verdict = SESSION.observations.verdict(service, inconclusive=SESSION.read_only_without_data)
    problems = "\n  ".join(verdict.problems)
    if verdict.outcome is Outcome.NOT_RUN:
        pytest.skip(f"nothing of {name} was exercised in this run{': ' if problems else ''}"
                    f"{problems}")
    if verdict.outcome is Outcome.INCONCLUSIVE:
        message = (f"INCONCLUSIVE: {name}: a read-only run without --data saw no success "
                   f"(pass --data, or --allow-writes on a staging system):\n  {problems}")
        if SESSION.settings.allow_inconclusive:
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    assert verdict.outcome is Outcome.PASS, (
        f"{name} never showed it can succeed:\n  {problems}")

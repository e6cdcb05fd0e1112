"""``--callbacks-url``: a team's callback endpoints, call by call, against the contract.

Skipped unless ``--callbacks-url`` is given (``ticketsim conformance
--callbacks-url URL``). One test per call the simulator made, so the JUnit
report lists each with its verdict.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the checker drives an in-process simulator: imported only when asked
    from conformance.callbacks import CallCheck


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check" not in metafunc.fixturenames:
        return
    url = metafunc.config.getoption("--callbacks-url")
    if not url:
        metafunc.parametrize("check", [pytest.param(None, marks=pytest.mark.skip(
            reason="no --callbacks-url given"))], ids=["callbacks"])
        return
    checks = _checks(url, metafunc.config.getoption("--webhook-url"))
    metafunc.parametrize("check", checks, ids=[c.name for c in checks])


@cache
def _checks(url: str, webhook_url: str | None) -> list[CallCheck]:
    from conformance.callbacks import check_callbacks

    return check_callbacks(url, webhook_url)


def test_callback(check: CallCheck) -> None:
    """The team's answer to this call honours marketplace-callbacks.yaml."""
    assert check.passed, check.reason

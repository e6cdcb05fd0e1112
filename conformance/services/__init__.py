"""Each service's conformance tables, gathered from ``conformance/services/<name>.py``.

A module named after a registered service may declare, keyed by its own
operationIds (the suite keys them by ``(service, operationId)``, so two
services may both have a ``get_order``):

- ``ROLES``: operationId -> :class:`~conformance.policy.Role` (whose key it needs);
- ``GROUNDERS``: operationId -> grounder (steers positive cases onto known data);
- ``REFUSES_VALID_INPUT``: operationId -> why schema-valid input may get a 400;
- ``CHECK_EXCEPTIONS``: (check, operationId) -> why that check cannot judge it;
- ``STATEFUL_SCENARIOS``: the least number of link-driven scenarios its state
  machine runs (for link chains too long for the session's default budget);
- ``LINK_SETTLES_WITH``: link name -> (status, why) when that documented non-2xx
  answer is what following the link must get on a frozen clock.

Only the registry is imported (no Connexion, no store).
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import Any

from simulator.services import SERVICES

__all__ = ["check_exceptions", "grounders", "module_of", "refuses_valid_input", "roles"]


@cache
def module_of(service: str) -> ModuleType | None:
    """``conformance.services.<service>``, or None when the service has none."""
    try:
        return importlib.import_module(f"{__name__}.{service}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{service}":
            raise
        return None


def _gather(attribute: str) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for service in SERVICES:
        module = module_of(service.name)
        for operation_id, value in getattr(module, attribute, {}).items():
            found[(service.name, operation_id)] = value
    return found


@cache
def roles() -> dict[tuple[str, str], Any]:
    return _gather("ROLES")


@cache
def grounders() -> dict[tuple[str, str], Any]:
    return _gather("GROUNDERS")


@cache
def refuses_valid_input() -> dict[tuple[str, str], str]:
    return _gather("REFUSES_VALID_INPUT")


@cache
def check_exceptions() -> dict[tuple[str, str, str], str]:
    """(check, service, operationId) -> reason."""
    found: dict[tuple[str, str, str], str] = {}
    for service in SERVICES:
        module = module_of(service.name)
        for (check, operation_id), reason in getattr(module, "CHECK_EXCEPTIONS", {}).items():
            found[(check, service.name, operation_id)] = reason
    return found

"""Stateless property tests: Schemathesis over every operation of every served spec.

All phases (examples, coverage, fuzzing), positive and negative data, every
check, deterministic under ``--seed``. One test item per operation, named
``test_operation[<service>][<METHOD> <path>]``.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from conformance import policy, schemas
from conformance.session import current

SESSION = current()
# Keyed by spec file stem: a service may serve several specs (a control-plane mount).
SERVICES = {service.path.stem: service for service in SESSION.services}
REACHABLE = {service.path.stem: service for service in SESSION.reachable}
SCHEMAS = {name: schemas.load(service, SESSION) for name, service in REACHABLE.items()}


BY_ID = {(service.document["info"]["title"], operation.operation_id): operation
         for service in REACHABLE.values() for operation in service.operations}


def _operation(case: Any) -> Any:
    title = case.operation.schema.raw_schema["info"]["title"]
    return BY_ID[(title, case.operation.definition.raw.get("operationId"))]


if SCHEMAS:
    @schemathesis.pytest.parametrize(**SCHEMAS)
    def test_operation(case: Any) -> None:
        """Every generated request gets a documented, schema-valid answer."""
        operation = _operation(case)
        if not policy.may_send(operation, case.method, case.headers or {}, SESSION.target):
            # A state-changing request a read-only run must not send: counted, and the
            # test is then reported skipped (conftest.py), never passed.
            SESSION.observations.withhold(operation)
            return
        case.call_and_validate()


if set(SERVICES) - set(REACHABLE):
    @pytest.mark.parametrize("name", sorted(set(SERVICES) - set(REACHABLE)))
    def test_unreachable_service(name: str) -> None:
        """Services the target cannot serve are reported as skipped, not silently dropped."""
        pytest.skip(f"{name}: the simulator's own (control plane, file store); "
                    f"a deployment does not serve it")

"""Stateful tests: the specs' OpenAPI links drive Schemathesis' state machine.

Sequences such as hold → invoice → order status, or hold → release, are
generated and every response is checked (all checks, including the stateful
ones). Each scenario starts from fresh state on a simulator. Against a
simulator the test also asserts that every documented link was followed at
least once to a successful answer, so a link Schemathesis cannot use fails
the suite instead of silently testing nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import hypothesis
import pytest

from conformance import policy, schemas
from conformance.services import module_of
from conformance.session import current
from conformance.specs import ServiceSpec

SESSION = current()

#: At most this many rounds of the scenario budget (each with the next seed) before a
#: declared link that was never followed fails the test.
LINK_ROUNDS = 3


def declared_links(service: ServiceSpec) -> dict[str, str]:
    """Link name -> the operation it starts from, for every link of the spec."""
    return {name: source for name, (source, _target) in service.links().items()}


LINKED = {service.path.stem: service for service in SESSION.reachable
          if declared_links(service)}


def machine_for(service: ServiceSpec) -> tuple[type, Counter[tuple[str, int]]]:
    """The state machine of ``service`` and the (link, status) pairs it follows."""
    schema = schemas.load(service, SESSION)
    followed: Counter[tuple[str, int]] = Counter()
    target = SESSION.target
    by_id = {operation.operation_id: operation for operation in service.operations}

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            target.fresh_state()

        def step(self, input: Any) -> Any:
            operation = by_id[input.case.operation.definition.raw["operationId"]]
            if not policy.may_send(operation, input.case.method, input.case.headers or {},
                                   target):
                raise AssertionError(f"{operation.label} would change state at {target.url}")
            output = super().step(input)
            transition = input.transition
            if transition is not None and not transition.is_inferred and input.is_applied:
                followed[(transition.id, output.response.status_code)] += 1
            return output

    return Workflow, followed  # seeded per round by test_links


def scenarios_for(service: ServiceSpec) -> int:
    """The session's scenario budget, raised to the service's ``STATEFUL_SCENARIOS`` floor.

    A service whose links form a longer chain (three calls before its last link
    can be taken) declares the floor that makes every link get followed.
    """
    floor = getattr(module_of(service.name), "STATEFUL_SCENARIOS", 0)
    return max(SESSION.settings.stateful_examples, int(floor))


def settled_statuses(service: ServiceSpec) -> dict[str, int]:
    """Link name -> the documented non-2xx answer that also counts as following it.

    From the service's ``LINK_SETTLES_WITH`` (name -> (status, why)): a link
    whose target, on a frozen clock, can only refuse what the source just made.
    """
    declared = getattr(module_of(service.name), "LINK_SETTLES_WITH", {})
    return {name: int(status) for name, (status, _why) in declared.items()}


@pytest.mark.parametrize("name", sorted(LINKED) or ["-"])
def test_links(name: str) -> None:
    """Link-driven call sequences get documented, schema-valid answers."""
    if name == "-":
        pytest.skip("no selected service declares OpenAPI links")
    service = LINKED[name]
    writes = any(not service.operation(op).reads_only for op in declared_links(service).values())
    if writes and not SESSION.target.may_write:
        pytest.skip("link chains start with state-changing calls: run with --allow-writes")
    machine, followed = machine_for(service)
    for round_number in range(LINK_ROUNDS):
        # A later round only when a link is still unfollowed against a simulator: link
        # choice is random, and a three-call chain can miss a round's budget.
        hypothesis.seed(SESSION.settings.seed + round_number)(machine)
        machine.run(settings=hypothesis.settings(
            max_examples=scenarios_for(service), stateful_step_count=10, deadline=None,
            database=None, suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.generate], derandomize=False,
        ))
        if not SESSION.target.simulator or not _unfollowed(service, followed):
            break
    if SESSION.target.simulator:
        missing = _unfollowed(service, followed)
        assert not missing, (f"links never followed to a 2xx answer in {LINK_ROUNDS} rounds: "
                             f"{missing}; followed: {dict(followed)}")


def _unfollowed(service: ServiceSpec, followed: Counter[tuple[str, int]]) -> set[str]:
    """The declared links not yet followed to a 2xx (or their settling status)."""
    settled = settled_statuses(service)
    succeeded = {link for (link, status), _ in followed.items()
                 if 200 <= status < 300 or any(status == settled.get(token)
                                               for token in link.split())}
    return set(service.unfollowed_links(succeeded))

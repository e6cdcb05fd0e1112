"""Schemathesis schemas for the served specs, configured for the run's target.

One place decides how Schemathesis talks to the target, so the stateless and
the stateful tests (and the self-test through them) share it:

- the spec comes from ``openapi/`` (the contract), not from the target;
- in-process it is sent to the :class:`~conformance.target.Switchboard`,
  otherwise to ``<base URL><base path>``;
- credentials are set per operation by an auth provider (marketplace key or
  broker key, see :mod:`conformance.policy`), so Schemathesis' negative and
  coverage phases can still leave them out on purpose;
- every check runs; the only tuning is each service's ``REFUSES_VALID_INPUT``
  (the operations whose documentation says schema-valid input can be refused
  with 400) and ``CHECK_EXCEPTIONS`` (where a check's heuristic cannot
  apply), each with its reason, in ``conformance/services/<name>.py``;
- every response is recorded for the coverage table, and some positive cases
  are steered onto known data (:mod:`conformance.grounding`).
"""

from __future__ import annotations

import copy
from typing import Any

import schemathesis
from schemathesis import GenerationMode

from conformance import grounding, policy
from conformance import services as tables
from conformance.session import Session
from conformance.specs import ServiceSpec

__all__ = ["config", "load"]

_ACCEPTED = ["2xx", "401", "403", "404", "409", "5xx"]


def config(session: Session, service: str) -> schemathesis.Config:
    """The Schemathesis configuration of one service's run: seed, budget, checks."""
    settings = session.settings
    refuses = sorted(op for (name, op) in tables.refuses_valid_input() if name == service)
    tuning: list[dict[str, Any]] = [{
        "include-operation-id": operation_id,
        "checks": {check: {"enabled": False}},
    } for (check, name, operation_id) in sorted(tables.check_exceptions()) if name == service]
    if refuses:
        tuning.insert(0, {
            "include-operation-id": refuses,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*_ACCEPTED, "400"]}},
        })
    return schemathesis.Config.from_dict({
        "seed": settings.seed,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large",
                                  "large_base_example"],
        "generation": {"max-examples": settings.max_examples, "database": "none",
                       "no-shrink": not settings.shrink},
        "operations": tuning,
        "phases": {"coverage": {"enabled": settings.coverage_phase}},
    })


def _operation_id(operation: Any) -> str:
    return str(operation.definition.raw.get("operationId", ""))


def load(service: ServiceSpec, session: Session) -> Any:
    """A Schemathesis schema of ``service`` aimed at the session's target."""
    target = session.target
    schema = schemathesis.openapi.from_dict(copy.deepcopy(service.document),
                                            config=config(session, service.name))
    if target.switchboard is not None:
        schema.app = target.switchboard
    else:
        schema.config.update(base_url=target.url + service.base_path)
    schemes = service.document.get("components", {}).get("securitySchemes", {})
    by_id = {operation.operation_id: operation for operation in service.operations}
    link_targets = service.link_targets()

    @schema.auth(refresh_interval=None)
    class SuiteCredentials:
        """The configured key for the operation's role, where its security wants one."""

        def get(self, case: Any, ctx: Any) -> dict[str, str] | None:
            operation = by_id.get(_operation_id(ctx.operation))
            key = policy.credential(service.name, _operation_id(ctx.operation), target)
            if operation is None or key is None:
                return None
            return policy.security_headers(schemes, operation, key) or None

        def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
            case.headers = {**(case.headers or {}), **data}

    @schema.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        operation = by_id.get(_operation_id(case.operation))
        if operation is None:
            return
        session.observations.record(operation, response.status_code, case.as_curl_command())
        meta = case.meta
        if meta is not None and meta.generation.mode is GenerationMode.POSITIVE:
            session.observations.record_positive(operation, response.status_code)

    @schema.hook
    def flatmap_case(context: Any, case: Any) -> Any:
        from hypothesis import strategies as st

        meta = case.meta
        if meta is None or meta.generation.mode is not GenerationMode.POSITIVE:
            return st.just(case)
        if meta.phase.name.value == "stateful" and _operation_id(case.operation) in link_targets:
            return st.just(case)  # its identifying values come from the link
        return grounding.ground(service.name, _operation_id(case.operation), case,
                               session.data)

    del SuiteCredentials, after_call, flatmap_case  # registered on the schema
    return schema

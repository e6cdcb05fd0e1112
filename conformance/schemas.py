"""Schemathesis schemas for the served specs, configured for the run's target.

One place decides how Schemathesis talks to the target, so the stateless and
the stateful tests (and the self-test through them) share it:

- the spec comes from ``openapi/`` (the contract), not from the target;
- in-process it is sent to the :class:`~conformance.target.Switchboard`,
  otherwise to ``<base URL><base path>``;
- credentials are set per operation by an auth provider (marketplace key or
  broker key, see :mod:`conformance.policy`), so Schemathesis' negative and
  coverage phases can still leave them out on purpose;
- every check runs; the only tuning is :data:`REFUSES_VALID_INPUT` (the
  operations whose documentation says schema-valid input can be refused
  with 400) and :data:`CHECK_EXCEPTIONS` (where a check's heuristic cannot
  apply), each with its reason;
- every response is recorded for the coverage table, and some positive cases
  are steered onto known data (:mod:`conformance.grounding`).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import GenerationMode

from conformance import grounding, policy
from conformance.session import Session
from conformance.specs import ServiceSpec

__all__ = ["CHECK_EXCEPTIONS", "REFUSES_VALID_INPUT", "config", "load"]

#: operationId -> why a schema-valid request may still get 400. Schemathesis'
#: ``positive_data_acceptance`` check accepts 400 for these, and only these.
_SEATS = "documented 400 'Invalid seats / broker requested' (and unknown marketplace)"
REFUSES_VALID_INPUT: dict[str, str] = {
    "create_hold": _SEATS,
    "release_hold": _SEATS,
    "create_invoice": _SEATS,
    "get_order": "400 for a marketplace name 1Ticket does not support",
    "catalogue_sale": "400 when the seats or invoice do not belong to the order",
    "load_fixtures": "400 for a document whose ids clash or dangle (not expressible in a schema)",
    "decode_pdf": "documented 400 (BadInput) when the URL cannot be fetched or is not a PDF",
    "mint_pdf": "400 for tickets whose barcodes cannot be drawn together (cross-field rule)",
}

#: (check, operationId) -> why that Schemathesis check cannot judge that operation.
#: Both stateful checks assume resources named by their URL; these operations name
#: theirs in the request body, and DELETE /{marketplace_name} releases a hold, it does
#: not delete the marketplace path or anything under it. The behavioural scenarios
#: check hold -> invoice / release / order status instead.
CHECK_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("ensure_resource_availability", "create_invoice"):
        "the hold is named in the body, which the state machine may fill with fresh "
        "values; a 404 is then correct, but the check only tracks URL parameters",
    ("ensure_resource_availability", "release_hold"):
        "the hold is named in the body (as for create_invoice)",
    ("use_after_free", "get_order"):
        "DELETE /{marketplace_name} releases one hold; /{marketplace_name}/order "
        "is not a sub-resource of it",
}

_ACCEPTED = ["2xx", "401", "403", "404", "409", "5xx"]


def config(session: Session) -> schemathesis.Config:
    """The Schemathesis configuration of a run: seed, budget, checks."""
    settings = session.settings
    return schemathesis.Config.from_dict({
        "seed": settings.seed,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large",
                                  "large_base_example"],
        "generation": {"max-examples": settings.max_examples, "database": "none"},
        "operations": [{
            "include-operation-id": sorted(REFUSES_VALID_INPUT),
            "checks": {"positive_data_acceptance": {"expected-statuses": [*_ACCEPTED, "400"]}},
        }, *({
            "include-operation-id": operation_id,
            "checks": {check: {"enabled": False}},
        } for check, operation_id in sorted(CHECK_EXCEPTIONS))],
    })


def _operation_id(operation: Any) -> str:
    return str(operation.definition.raw.get("operationId", ""))


def load(service: ServiceSpec, session: Session) -> Any:
    """A Schemathesis schema of ``service`` aimed at the session's target."""
    target = session.target
    schema = schemathesis.openapi.from_dict(service.document, config=config(session))
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
            key = policy.credential(_operation_id(ctx.operation), target)
            if operation is None or key is None:
                return None
            return policy.security_headers(schemes, operation, key) or None

        def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
            case.headers = {**(case.headers or {}), **data}

    @schema.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        operation = by_id.get(_operation_id(case.operation))
        if operation is not None:
            session.observations.record(operation, response.status_code,
                                        case.as_curl_command())

    @schema.hook
    def flatmap_case(context: Any, case: Any) -> Any:
        from hypothesis import strategies as st

        meta = case.meta
        if meta is None or meta.generation.mode is not GenerationMode.POSITIVE:
            return st.just(case)
        if meta.phase.name.value == "stateful" and _operation_id(case.operation) in link_targets:
            return st.just(case)  # its identifying values come from the link
        return grounding.ground(_operation_id(case.operation), case, session.data)

    del SuiteCredentials, after_call, flatmap_case  # registered on the schema
    return schema

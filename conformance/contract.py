"""Check any HTTP response against the contract: status, content type and body.

The scenarios' clients run every response through :class:`Contract`, errors
included, so a hand-written test also fails on an undocumented status, a
content type the operation does not document for that status (an HTML error
page where ``application/json`` is documented) or a body that does not match
its schema, not only on the behaviour it asserts.
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import Any

import httpx
import schemathesis

from conformance.specs import OperationIndex, ServiceSpec

__all__ = ["Contract", "ContractViolation"]


class ContractViolation(AssertionError):
    """A response the contract does not allow."""


class Contract:
    """The served specs, able to judge a response to any of their operations."""

    def __init__(self, services: tuple[ServiceSpec, ...]) -> None:
        self.services = services
        self.index = OperationIndex(services)

    @cached_property
    def _schemas(self) -> dict[str, Any]:
        return {service.base_path: schemathesis.openapi.from_dict(copy.deepcopy(service.document))
                for service in self.services}

    def check(self, response: httpx.Response) -> None:
        """Raise :class:`ContractViolation` unless the response is documented and valid."""
        request = response.request
        operation = self.index.match(request.method, request.url.path)
        if operation is None:
            return  # not a documented operation (e.g. a probe of an unknown path)
        response.read()
        where = f"{request.method} {request.url.path} ({operation.operation_id})"
        status = str(response.status_code)
        if status not in operation.statuses and "default" not in operation.statuses:
            raise ContractViolation(f"{where} answered {status}, which is not documented "
                                    f"(documented: {', '.join(operation.statuses)}):\n"
                                    f"{response.text[:500]}")
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        documented = operation.media_types_for(response.status_code) or ()
        if response.content and documented and not any(
                _matches(media_type, wanted) for wanted in documented):
            raise ContractViolation(f"{where} answered {status} with content type "
                                    f"{media_type or '(none)'}, which is not documented "
                                    f"(documented: {', '.join(documented)}):\n"
                                    f"{response.text[:300]}")
        schema = self._schemas[operation.base_path]
        try:
            schema[operation.path][operation.method].validate_response(response)
        except Exception as exc:  # Schemathesis raises its own failure types
            raise ContractViolation(f"{where} answered {status} with a body that breaks "
                                    f"the contract: {exc}") from None


def _matches(media_type: str, documented: str) -> bool:
    """``application/json`` matches ``application/json``, ``application/*`` and ``*/*``."""
    kind, _, sub = documented.lower().partition("/")
    got_kind, _, got_sub = media_type.partition("/")
    return kind in ("*", got_kind) and sub in ("*", got_sub)

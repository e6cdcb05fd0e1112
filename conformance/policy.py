"""Which credential each operation needs, and which requests the suite may send.

The specs say *that* an operation needs an API key, not *whose*: sales holds,
releases and invoices are calls of a marketplace ("token provided to the
MP"), order status and catalogue are calls of a broker. Each service's
``ROLES`` (``conformance/services/<name>.py``) says so per operationId; every
other secured operation gets the main ``--api-key``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from conformance.specs import Operation
from conformance.target import Target

__all__ = ["SAFE_METHODS", "Role", "credential", "may_send", "security_headers"]


class Role(StrEnum):
    API = "api"  # --api-key: the marketplace's key for sales
    BROKER = "broker"  # --broker-key
    SELLER = "seller"  # --seller-key (vivenu ticket transfers)


def credential(service: str, operation_id: str, target: Target) -> str | None:
    """The key the target should accept for ``operation_id`` of ``service``."""
    from conformance import services as tables

    role = tables.roles().get((service, operation_id), Role.API)
    if role is Role.BROKER:
        return target.broker_key
    if role is Role.SELLER:
        return target.seller_key
    return target.api_key


def security_headers(schemes: Mapping[str, Any], operation: Operation,
                     key: str) -> dict[str, str]:
    """Headers carrying ``key`` for the operation's first security requirement."""
    for requirement in operation.security:
        for name in requirement:
            scheme = schemes.get(name, {})
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                return {str(scheme["name"]): key}
            if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer":
                return {"Authorization": f"Bearer {key}"}
    return {}


#: Methods RFC 9110 (and the QUERY draft) define as safe: they never change state.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "QUERY"})


def may_send(operation: Operation, method: str, headers: Mapping[str, str],
             target: Target) -> bool:
    """Whether a request may go to the target without risking real state changes.

    Safe methods always may (``method`` is what is sent: Schemathesis also
    probes a GET path with PUT or DELETE). Against a deployment without
    ``--allow-writes`` any other request is only sent without the configured
    credentials: it cannot act for anyone, so it can only be refused.
    """
    if method.upper() in SAFE_METHODS or target.may_write:
        return True
    if not any(operation.security):
        return False  # nothing to withhold: any request could act
    secrets = {target.api_key, target.broker_key, target.seller_key} - {None}
    return not any(secret and secret in str(value) for value in headers.values()
                   for secret in secrets)

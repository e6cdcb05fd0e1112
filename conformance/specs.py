"""The contract as data: every spec in ``openapi/``, the served ones, their operations.

Services are discovered from the registry (:data:`simulator.services.SERVICES`),
so a service added there is fuzzed, linked and reported without touching the
suite. Only the registry and the spec loader are imported: never Connexion or
the store, so ``ticketsim conformance --base-url`` stays light.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from simulator.core.specs import SPEC_DIR, load_spec
from simulator.services import SERVICES

__all__ = [
    "HTTP_METHODS", "Operation", "OperationIndex", "ServiceSpec", "resolve", "served",
    "spec_files",
]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True, slots=True)
class Operation:
    """One documented operation of one served spec."""

    service: str
    base_path: str
    path: str
    method: str
    operation_id: str
    statuses: tuple[str, ...]
    security: tuple[dict[str, list[str]], ...]
    has_body: bool
    #: Documented media types per status (``()`` when that response has no body).
    media_types: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def label(self) -> str:
        """Schemathesis' name for it, e.g. ``POST /{marketplace_name}``."""
        return f"{self.method} {self.path}"

    def media_types_for(self, status: int) -> tuple[str, ...] | None:
        """Media types documented for ``status`` (or ``default``); None if undocumented."""
        documented = dict(self.media_types)
        return documented.get(str(status), documented.get("default"))

    @property
    def reads_only(self) -> bool:
        return self.method in ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A spec served at ``base_path`` (``name`` is the service's, e.g. ``sales``)."""

    name: str
    spec_file: str
    base_path: str
    document: dict[str, Any]
    operations: tuple[Operation, ...]
    #: Part of the product API (False for the simulator's own control plane and file store,
    #: which a real deployment does not have).
    product: bool = True

    @property
    def path(self) -> Path:
        return SPEC_DIR / self.spec_file

    def links(self) -> dict[str, tuple[str, str]]:
        """Link name -> (source operationId, target operationId), over all responses."""
        found = {}
        for operation in self.operations:
            definition = self.document["paths"][operation.path][operation.method.lower()]
            for response in definition.get("responses", {}).values():
                for name, link in response.get("links", {}).items():
                    found[name] = (operation.operation_id, str(link.get("operationId", "")))
        return found

    def unfollowed_links(self, followed: set[str]) -> list[str]:
        """Declared links no followed transition is named after.

        ``followed`` holds the ids of the transitions that reached a 2xx.
        Schemathesis names a link's transition ``SOURCE -> [status] Name -> TARGET``
        (its id format is not a documented API): a link counts as followed
        when its name is one token of such an id, or the whole id.
        """
        tokens = {token for transition in followed for token in transition.split()}
        return sorted(name for name in self.links() if name not in tokens)

    def link_targets(self) -> set[str]:
        return {target for _source, target in self.links().values()}

    def operation(self, operation_id: str) -> Operation:
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        raise KeyError(f"{self.spec_file} has no operation {operation_id!r}")


def spec_files() -> list[Path]:
    """Every spec file of ``openapi/``, served or not."""
    return sorted(p for p in SPEC_DIR.iterdir()
                  if p.suffix in (".yaml", ".yml", ".json") and not p.name.startswith("_"))


def operations_of(name: str, base_path: str, document: dict[str, Any]) -> tuple[Operation, ...]:
    """The operations of a spec, with their effective security and documented statuses."""
    default_security = tuple(document.get("security", ()))
    found = []
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            definition = item.get(method)
            if definition is None:
                continue
            security = definition.get("security")
            found.append(Operation(
                service=name, base_path=base_path, path=path, method=method.upper(),
                operation_id=str(definition.get("operationId", "")),
                statuses=tuple(str(code) for code in definition.get("responses", {})),
                security=tuple(security) if security is not None else default_security,
                has_body="requestBody" in definition,
                media_types=tuple(
                    (str(code), tuple(resolve(document, response).get("content", {})))
                    for code, response in definition.get("responses", {}).items()),
            ))
    return tuple(found)


def resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s (``#/components/...``) until a plain node."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


@cache
def served() -> tuple[ServiceSpec, ...]:
    """The specs the simulator serves, in :data:`SERVICES` order."""
    specs = []
    for service in SERVICES:
        for mount in service.mounts:
            document = load_spec(mount.spec)
            specs.append(ServiceSpec(service.name, mount.spec, mount.base_path, document,
                                     operations_of(service.name, mount.base_path, document),
                                     product=service.product and not mount.is_control_plane))
    return tuple(specs)


class OperationIndex:
    """Which documented operation a request (method, URL path) was aimed at."""

    def __init__(self, services: tuple[ServiceSpec, ...]) -> None:
        self._routes: list[tuple[re.Pattern[str], bool, Operation]] = []
        for service in services:
            for operation in service.operations:
                template = service.base_path.rstrip("/") + operation.path
                pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
                self._routes.append((re.compile(f"^{pattern}/?$"), "{" in template, operation))
        # Static paths win over templated ones, as in the router (/catalogue vs /{name}).
        self._routes.sort(key=lambda route: route[1])

    def match(self, method: str, path: str) -> Operation | None:
        for pattern, _templated, operation in self._routes:
            if operation.method == method.upper() and pattern.match(path):
                return operation
        return None

"""Which documented operation a request is for, read from every served spec.

The steering middleware (faults, journal, ``Prefer``) runs before Connexion's
router, for every service in the registry, so it keeps its own index of the
served specs: ``(method, path)`` to the service, the ``operationId``, the
operation's definition and the spec document (to resolve ``$ref``\\ s).
The control plane (``/_sim``) is not indexed: steering never applies to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from simulator.core.http.memo import Bounded
from simulator.core.specs import HTTP_METHODS

__all__ = ["CONTROL_PREFIX", "OperationIndex", "Route", "is_control_path", "resolve"]

CONTROL_PREFIX = "/_sim"
#: How many (method, path) answers :meth:`OperationIndex.find` remembers.
FOUND_PATHS = 4096


def is_control_path(path: str) -> bool:
    """Whether ``path`` belongs to the control plane (never faulted, journaled or Preferred)."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with a top-level ``$ref`` (``#/components/...``) followed, repeatedly."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        target: Any = document
        for part in str(node["$ref"]).lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node


@dataclass(frozen=True, slots=True)
class Route:
    """One documented operation of one served spec."""

    service: str
    operation_id: str
    method: str
    template: str
    operation: dict[str, Any]
    document: dict[str, Any]
    static: bool

    def responses(self) -> dict[str, Any]:
        """Documented responses by status code (``$ref``\\ s followed)."""
        found = self.operation.get("responses", {})
        return {str(code): resolve(self.document, response) for code, response in found.items()}

    def statuses(self) -> list[int]:
        """Documented numeric status codes, ascending."""
        return sorted(int(code) for code in self.responses() if code.isdigit())


class OperationIndex:
    """Every operation of the indexed specs, matched by method and concrete path."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], Route]] = []
        # (method, path) -> route: a scan of every route's pattern cost ~2 % of a hold
        self._found: Bounded[tuple[str, str], Route | None] = Bounded(FOUND_PATHS)

    def add_spec(self, service: str, base_path: str, document: dict[str, Any]) -> None:
        self._found.clear()
        for template, item in document.get("paths", {}).items():
            full = base_path.rstrip("/") + template
            pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(full))
                                 + "/?$")
            for method, operation in item.items():
                if method in HTTP_METHODS and isinstance(operation, dict):
                    self._routes.append((pattern, Route(
                        service, str(operation.get("operationId", "")), method.upper(), full,
                        operation, document, static="{" not in full)))

    def find(self, method: str, path: str) -> Route | None:
        """The operation serving ``method path`` (a literal path wins over a template).

        Answers are remembered for the :data:`FOUND_PATHS` latest distinct
        requests (ids in paths make the set of paths unbounded).
        """
        return self._found.remember((method, path), self._scan, method, path)

    def _scan(self, method: str, path: str) -> Route | None:
        candidates = [route for pattern, route in self._routes
                      if route.method == method.upper() and pattern.match(path)]
        candidates.sort(key=lambda route: not route.static)
        return candidates[0] if candidates else None

    def routes(self) -> list[Route]:
        return [route for _, route in self._routes]

    @classmethod
    def of_services(cls, services: tuple[Any, ...]) -> OperationIndex:
        """The index of every non-control mount of ``services`` (the registry's ServiceDefs)."""
        from simulator.core.specs import load_spec

        index = cls()
        for service in services:
            for mount in service.mounts:
                if not mount.is_control_plane:
                    index.add_spec(service.name, mount.base_path, load_spec(mount.spec))
        return index

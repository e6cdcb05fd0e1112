"""Which requests a fault rule or a journal query means: :class:`RequestMatch`.

A match names any of: the method, a path pattern (``*`` matches any run of
characters, slashes included: ``/sales/v1/*``), the service, the
``operationId``, header values, body fields (dotted paths into the JSON body:
``tickets.0.row``) and, for the journal, the response status. Every key is
optional; an empty match matches everything. :meth:`RequestMatch.differences`
says which criteria a request misses (the journal's near-misses).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from simulator.core.errors import BadRequest

__all__ = ["Facts", "RequestMatch", "field_value"]

_MISSING = object()
GLOBS = frozenset({"path", "url"})


@dataclass(slots=True)
class Facts:
    """What is known of one request (and, once answered, its status)."""

    method: str
    path: str
    service: str | None = None
    operation_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    status: int | None = None
    url: str | None = None
    _json: Any = _MISSING

    def json_body(self) -> Any:
        if self._json is _MISSING:
            try:
                self._json = json.loads(self.body) if self.body.strip() else None
            except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON to match on
                self._json = None
        return self._json


def field_value(document: Any, dotted: str) -> Any:
    """The value at ``a.b.0.c`` in a JSON document, or a sentinel when absent."""
    current = document
    for part in dotted.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _MISSING
    return current


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise BadRequest(f"match.{name} must be a non-empty string")
    return value


def _string_map(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"match.{name} must be an object")
    return dict(value)


@dataclass(frozen=True, slots=True)
class RequestMatch:
    """Criteria on a request; see the module docstring."""

    method: str | None = None
    path: str | None = None
    service: str | None = None
    operation_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    status: int | None = None
    url: str | None = None

    @classmethod
    def from_json(cls, value: Any, *, with_status: bool = False) -> RequestMatch:
        """Parse a ``match`` object; a wrong type gets 400 naming the field."""
        if value is None:
            return cls()
        if not isinstance(value, dict):
            raise BadRequest("match must be an object")
        known = {"method", "path", "service", "operationId", "headers", "body", "url"}
        if with_status:
            known.add("status")
        unknown = sorted(set(value) - known)
        if unknown:
            raise BadRequest(f"match has unknown field '{unknown[0]}' (known: "
                             f"{', '.join(sorted(known))})")
        headers = _string_map(value.get("headers"), "headers")
        if not all(isinstance(v, str) for v in headers.values()):
            raise BadRequest("match.headers values must be strings")
        status = value.get("status")
        if status is not None and (not isinstance(status, int) or isinstance(status, bool)):
            raise BadRequest("match.status must be an integer")
        method = _text(value.get("method"), "method")
        return cls(method=method.upper() if method else None,
                   path=_text(value.get("path"), "path"),
                   service=_text(value.get("service"), "service"),
                   operation_id=_text(value.get("operationId"), "operationId"),
                   headers={k.lower(): v for k, v in headers.items()},
                   body=_string_map(value.get("body"), "body"), status=status,
                   url=_text(value.get("url"), "url"))

    def to_json(self) -> dict[str, Any]:
        found = {"method": self.method, "path": self.path, "service": self.service,
                 "operationId": self.operation_id, "headers": self.headers or None,
                 "body": self.body or None, "status": self.status, "url": self.url}
        return {key: value for key, value in found.items() if value is not None}

    def _checks(self) -> list[tuple[str, Any, Any]]:
        checks: list[tuple[str, Any, Any]] = [
            ("method", self.method, lambda f: f.method.upper()),
            ("path", self.path, lambda f: f.path),
            ("service", self.service, lambda f: f.service),
            ("operationId", self.operation_id, lambda f: f.operation_id),
            ("status", self.status, lambda f: f.status),
            ("url", self.url, lambda f: f.url),
        ]
        checks.extend((f"headers.{name}", wanted, lambda f, n=name: f.headers.get(n))
                      for name, wanted in self.headers.items())
        checks.extend((f"body.{name}", wanted,
                       lambda f, n=name: field_value(f.json_body(), n))
                      for name, wanted in self.body.items())
        return [(name, wanted, read) for name, wanted, read in checks if wanted is not None]

    def differences(self, facts: Facts) -> list[dict[str, Any]]:
        """Each criterion ``facts`` misses: ``{"field", "expected", "actual"}``."""
        missed = []
        for name, wanted, read in self._checks():
            actual = read(facts)
            ok = fnmatchcase(actual, wanted) if name in GLOBS and isinstance(actual, str) \
                else actual == wanted
            if not ok:
                missed.append({"field": name, "expected": wanted,
                               "actual": None if actual is _MISSING else actual})
        return missed

    def matches(self, facts: Facts) -> bool:
        return not self.differences(facts)

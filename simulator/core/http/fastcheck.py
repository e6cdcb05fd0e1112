"""Compiled schema checks: is this value valid, answered by jsonschema-rs.

Connexion builds a pure-Python Draft4 validator for every request and
response; the schemas themselves are the same objects for the app's
lifetime. Here each schema is compiled once (cached by identity) into a
jsonschema-rs validator that answers only *valid or not*. Callers accept a
value it calls valid and hand any other value to the Python validator,
which decides and words the error, so the compiled one must never be laxer
than the Python one:

- ``request``/``response`` schemas get Connexion's reading of OpenAPI
  ``nullable``/``x-nullable`` (``null`` passes the ``type`` and ``enum`` of
  that schema, nothing else); ``response`` schemas also refuse any value
  reaching a ``writeOnly`` property, as Connexion's response validator does;
- ``parameter`` schemas are taken as plain Draft4, as the parameter
  validator takes them;
- formats are checked (where jsonschema-rs is stricter than the Python
  checker, the Python validator decides, so it only costs time);
- a schema that cannot be compiled (a cycle, a keyword jsonschema-rs
  refuses) gets no compiled check: every value goes to Python.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Literal

import jsonschema_rs
from jsonschema import Draft4Validator

__all__ = ["fast_check", "python_validator"]

Mode = Literal["request", "response", "parameter"]
Check = Callable[[Any], bool]

#: Bound on each cache: schemas are long-lived, so this is only a guard against a
#: caller that builds a new schema object per request (memory must stay flat).
CACHE_LIMIT = 4096

_checks: dict[tuple[int, str], tuple[Any, Check]] = {}
_validators: dict[tuple[int, type], tuple[Any, Any]] = {}
_lock = threading.Lock()


def _never(_value: Any) -> bool:
    return False


def openapi_to_jsonschema(node: Any, mode: Mode) -> Any:
    """A copy of ``node`` whose plain JSON Schema means what Connexion's validator reads."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(item, mode) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: openapi_to_jsonschema(value, mode) for key, value in node.items()}
    if mode == "parameter":
        return out
    if node.get("nullable") or node.get("x-nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            out["type"] = [*kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if mode == "response" and ("writeOnly" in node or "x-writeOnly" in node):
        out["not"] = {}
    return out


def _compile(schema: Any, mode: Mode) -> Check:
    try:
        converted = openapi_to_jsonschema(schema, mode)
        validator = jsonschema_rs.Draft4Validator(converted, validate_formats=True)
    except (RecursionError, ValueError, TypeError, jsonschema_rs.ValidationError,
            jsonschema_rs.ReferencingError):
        return _never
    return validator.is_valid  # type: ignore[no-any-return]


def _remember(cache: dict[Any, tuple[Any, Any]], key: Any, schema: Any, value: Any) -> Any:
    with _lock:
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        cache[key] = (schema, value)
    return value


def fast_check(schema: Any, mode: Mode) -> Check:
    """``check(value)``: True when ``value`` is surely valid against ``schema``."""
    key = (id(schema), mode)
    cached = _checks.get(key)
    if cached is not None and cached[0] is schema:
        return cached[1]  # type: ignore[no-any-return]
    return _remember(_checks, key, schema, _compile(schema, mode))  # type: ignore[no-any-return]


def python_validator(schema: Any, cls: type) -> Any:
    """The Python validator of ``schema`` (class ``cls``, Draft4 formats), built once."""
    key = (id(schema), cls)
    cached = _validators.get(key)
    if cached is not None and cached[0] is schema:
        return cached[1]
    return _remember(_validators, key, schema,
                     cls(schema, format_checker=Draft4Validator.FORMAT_CHECKER))

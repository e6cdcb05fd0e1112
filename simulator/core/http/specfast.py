"""Connexion's check of each served spec, decided by a compiled validator when it passes.

On ``add_api`` Connexion validates the spec against the OpenAPI metaschema
with pure-Python jsonschema, and every ``default`` against the schema it sits
in: 0.3 s of ``ticketsim serve``'s 1.25 s start-up for 11 specs, repeated for
every app the tests build. Here jsonschema-rs checks the metaschema (Draft4,
no formats, as Connexion's validator) and every ``default`` of the document
is checked against the object that holds it (a superset of the places
Connexion checks). When both pass, Connexion's verdict would be "valid" too;
anything else runs Connexion's own validation, which decides and words the
error exactly as before.

:func:`install` replaces ``Specification._validate_spec`` (Connexion has no
option for it); it is idempotent.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from connexion import spec as connexion_spec
from connexion.json_schema import NullableTypeValidator
from jsonschema import Draft4Validator
from jsonschema.validators import extend

__all__ = ["install"]

_InstanceValidator = extend(Draft4Validator, {"type": NullableTypeValidator})


@functools.cache
def _metaschema(cls: type) -> Any:
    return jsonschema_rs.Draft4Validator(cls.openapi_schema,  # type: ignore[attr-defined]
                                         validate_formats=False)


def _holders_of_defaults(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "default" in node:
            yield node
        for value in node.values():
            yield from _holders_of_defaults(value)
    elif isinstance(node, list):
        for value in node:
            yield from _holders_of_defaults(value)


def surely_valid(cls: type, spec: dict[str, Any]) -> bool:
    """True when Connexion's validation of ``spec`` would pass (False: let it decide)."""
    try:
        if not _metaschema(cls).is_valid(json.loads(json.dumps(spec))):
            return False
        checker = _InstanceValidator(spec)
        return all(checker.evolve(schema=holder).is_valid(holder["default"])
                   for holder in _holders_of_defaults(spec))
    except Exception:  # anything unexpected: Connexion's own validation decides
        return False


def install() -> None:
    """Put the compiled check in front of Connexion's spec validation."""
    original = connexion_spec.Specification.__dict__["_validate_spec"]
    if getattr(original, "__ticketsim__", False):
        return
    validate = original.__func__

    def _validate_spec(cls: type, spec: dict[str, Any]) -> None:
        if not surely_valid(cls, spec):
            validate(cls, spec)

    _validate_spec.__ticketsim__ = True  # type: ignore[attr-defined]
    wrapped: Any = classmethod(_validate_spec)
    wrapped.__ticketsim__ = True  # type: ignore[attr-defined]
    connexion_spec.Specification._validate_spec = wrapped  # type: ignore[assignment]

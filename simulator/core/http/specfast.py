"""Each served spec checked once per process, by a compiled validator when it passes.

On every ``add_api`` Connexion validates the spec against the OpenAPI
metaschema with pure-Python jsonschema, and every ``default`` against the
schema it sits in: 0.2-0.3 s of ``ticketsim serve``'s start-up for 16
mounts, repeated for every app a test builds, although the documents never
change while the process runs.

:func:`validate` (called once per spec by :func:`simulator.core.specs.load_spec`)
decides with jsonschema-rs: the metaschema (Draft4, no formats, as
Connexion's validator) and every ``default`` of the document checked against
the object holding it (a superset of the places Connexion checks). When both
pass, Connexion's verdict would be "valid" too; anything else runs
Connexion's own validation, which refuses and words the error exactly as
before. A document that passed is remembered, and :func:`install` makes
Connexion skip its re-validation of an equal document; any other document
(one a test or a user built) is validated by Connexion as before.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from connexion import spec as connexion_spec
from connexion.json_schema import NullableTypeValidator
from jsonschema import Draft4Validator
from jsonschema.validators import extend

__all__ = ["install", "surely_valid", "validate"]

_InstanceValidator = extend(Draft4Validator, {"type": NullableTypeValidator})
_SPEC_CLASS = connexion_spec.OpenAPISpecification
#: Connexion's own check (a classmethod's function, called with the class).
_connexion_validate = connexion_spec.Specification.__dict__["_validate_spec"].__func__

#: Documents that passed :func:`validate`; kept, never mutated (the spec loader
#: hands out copies). A handful per process: one per spec file.
_validated: list[dict[str, Any]] = []
_lock = threading.Lock()


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


def _already_validated(spec: dict[str, Any]) -> bool:
    with _lock:
        return any(spec == known for known in _validated)


def validate(document: dict[str, Any]) -> None:
    """Check ``document`` as Connexion's ``add_api`` would (raises its
    ``InvalidSpecification``), and remember it as valid."""
    checked = {**document}
    _SPEC_CLASS._set_defaults(checked)  # what Connexion validates: its defaults set
    if not surely_valid(_SPEC_CLASS, checked):
        _connexion_validate(_SPEC_CLASS, checked)
    if not _already_validated(checked):
        with _lock:
            _validated.append(checked)


def install() -> None:
    """Make Connexion skip re-validating a document :func:`validate` passed (idempotent)."""
    current = connexion_spec.Specification.__dict__["_validate_spec"]
    if getattr(current, "__ticketsim__", False):
        return

    def _validate_spec(cls: type, spec: dict[str, Any]) -> None:
        if not _already_validated(spec):
            _connexion_validate(cls, spec)

    wrapped: Any = classmethod(_validate_spec)
    wrapped.__ticketsim__ = True
    connexion_spec.Specification._validate_spec = wrapped  # type: ignore[assignment]
